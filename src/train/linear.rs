//! The linear fits: the first stage's logistic regression over each
//! line's inputs, and the second stage's when it is linear.

use crate::model::inputs::{ngram_scale, Kind, Stage1Input, DENSE, HASH_BITS, STAGE2};
use crate::model::Model;
use crate::train::dataset::LineLabel;
use crate::train::options::TrainOptions;
use crate::train::rng::Rng;
use crate::train::vectors::DocVectors;
use crate::util::math::{dot, sigmoid};

/// The dense features a model of this kind may use.
pub(super) fn dense_mask(kind: Kind) -> Vec<f32> {
    let first_rule = Stage1Input::rule_logit as usize;
    (0..DENSE)
        .map(|j| {
            if kind == Kind::ModelOnly && j >= first_rule {
                0.0
            } else {
                1.0
            }
        })
        .collect()
}

/// Fits the logistic regression on the labelled lines of `docs`.
pub(super) fn fit(docs: &[&DocVectors], kind: Kind, opts: &TrainOptions) -> Model {
    let mask = dense_mask(kind);
    let mut rows: Vec<(u32, u32)> = Vec::new();
    for (d, doc) in docs.iter().enumerate() {
        for r in 0..doc.rows() {
            if doc.labels[r].is_some() {
                rows.push((d as u32, r as u32));
            }
        }
    }
    // Balance documents: each contributes in proportion to the square root of
    // its labelled lines, so long pages do not drown short ones.
    let mut per_doc = vec![0u32; docs.len()];
    for &(d, _) in &rows {
        per_doc[d as usize] += 1;
    }
    let mut m = Model::zeros(kind);
    let mut g_dense = vec![1e-8f32; DENSE];
    let mut g_sparse = vec![1e-8f32; 1 << HASH_BITS];
    let mut g_bias = 1e-8f32;
    let mut rng = Rng::seeded(opts.seed);
    let mut xm = vec![0.0f32; DENSE];
    for _ in 0..opts.epochs {
        for i in (1..rows.len()).rev() {
            let j = (rng.next() % (i as u64 + 1)) as usize;
            rows.swap(i, j);
        }
        for &(d, r) in &rows {
            let doc = docs[d as usize];
            let r = r as usize;
            let x = &doc.x[r * DENSE..(r + 1) * DENSE];
            for ((o, v), k) in xm.iter_mut().zip(x).zip(&mask) {
                *o = v * k;
            }
            let sparse = doc.sparse_row(r);
            let y = if doc.labels[r] == Some(LineLabel::Keep) {
                1.0
            } else {
                0.0
            };
            let weight = 1.0 / (per_doc[d as usize] as f32).sqrt() * 4.0;
            let crosses = doc.crosses_row(r);
            let p = sigmoid(m.logit(&xm, crosses, sparse));
            let g = (p - y) * weight.min(2.0);
            for j in 0..DENSE {
                if xm[j] != 0.0 {
                    let grad = g * xm[j] + opts.l2 * m.dense[j];
                    g_dense[j] += grad * grad;
                    m.dense[j] -= opts.rate * grad / g_dense[j].sqrt();
                }
            }
            let v = ngram_scale(sparse.len());
            for &b in sparse {
                let b = b as usize;
                let grad = g * v + opts.l2 * m.sparse[b];
                g_sparse[b] += grad * grad;
                m.sparse[b] -= opts.rate * grad / g_sparse[b].sqrt();
            }
            for &b in crosses {
                let b = b as usize;
                let grad = g + opts.l2 * m.sparse[b];
                g_sparse[b] += grad * grad;
                m.sparse[b] -= opts.rate * grad / g_sparse[b].sqrt();
            }
            g_bias += g * g;
            m.bias -= opts.rate * g / g_bias.sqrt();
        }
    }
    m
}

/// Log-odds of every non-blank line of `doc` under `model`.
pub(super) fn doc_logits(model: &Model, doc: &DocVectors, out: &mut Vec<f32>) {
    let mask = dense_mask(model.kind);
    let mut xm = vec![0.0f32; DENSE];
    out.clear();
    for r in 0..doc.rows() {
        let x = &doc.x[r * DENSE..(r + 1) * DENSE];
        for ((o, v), k) in xm.iter_mut().zip(x).zip(&mask) {
            *o = v * k;
        }
        out.push(model.logit(&xm, doc.crosses_row(r), doc.sparse_row(r)));
    }
}

/// The linear second stage's log-odds of one row of inputs: the arithmetic
/// of [`Model::logit2_rows`] without trees.
pub(super) fn linear_stage2(model: &Model, x: &[f32]) -> f32 {
    model.bias2 + dot(&model.stage2, x)
}

/// Fits the second stage (a small dense logistic regression) on labelled rows.
pub(super) fn fit_stage2(
    docs: &[&DocVectors],
    inputs: &[Vec<f32>],
    opts: &TrainOptions,
    model: &mut Model,
) {
    let mut rows: Vec<(u32, u32)> = Vec::new();
    let mut per_doc = vec![0u32; docs.len()];
    for (d, doc) in docs.iter().enumerate() {
        for r in 0..doc.rows() {
            if doc.labels[r].is_some() {
                rows.push((d as u32, r as u32));
                per_doc[d] += 1;
            }
        }
    }
    let mut g = [1e-8f32; STAGE2];
    let mut g_bias = 1e-8f32;
    // Seeded apart from the first stage's, so the two shuffles differ.
    let mut rng = Rng::from_state(opts.seed.wrapping_mul(0x2545_f491_4f6c_dd1d) | 1);
    model.stage2.iter_mut().for_each(|w| *w = 0.0);
    model.bias2 = 0.0;
    for _ in 0..opts.epochs {
        for i in (1..rows.len()).rev() {
            let j = (rng.next() % (i as u64 + 1)) as usize;
            rows.swap(i, j);
        }
        for &(d, r) in &rows {
            let (d, r) = (d as usize, r as usize);
            let x = &inputs[d][r * STAGE2..(r + 1) * STAGE2];
            let y = if docs[d].labels[r] == Some(LineLabel::Keep) {
                1.0
            } else {
                0.0
            };
            let weight = (4.0 / (per_doc[d] as f32).sqrt()).min(2.0);
            let p = sigmoid(linear_stage2(model, x));
            let grad = (p - y) * weight;
            for j in 0..STAGE2 {
                if x[j] != 0.0 {
                    let gj = grad * x[j] + opts.l2 * model.stage2[j];
                    g[j] += gj * gj;
                    model.stage2[j] -= opts.rate * gj / g[j].sqrt();
                }
            }
            g_bias += grad * grad;
            model.bias2 -= opts.rate * grad / g_bias.sqrt();
        }
    }
}
