//! The second stage's fits: its inputs computed from the first stage's
//! out-of-fold scores, and the gradient-boosted trees tuned on theirs.

use crate::classify::stage2::Rescorer;
use crate::io::batch::{default_threads, map_batch};
use crate::model::inputs::{Kind, STAGE2};
use crate::model::trees::{Forest, ForestFile};
use crate::model::Model;
use crate::train::boost::{self, BoostOptions};
use crate::train::cascade;
use crate::train::dataset::LineLabel;
use crate::train::folds::folds;
use crate::train::options::TrainOptions;
use crate::train::tune::tune;
use crate::train::vectors::DocVectors;

/// Second-stage inputs of every row of `doc` from first-stage log-odds by row.
pub(super) fn stage2_inputs(doc: &DocVectors, z_rows: &[f32], out: &mut Vec<f32>) {
    let mut z = vec![0.0f32; doc.lines.len()];
    let rows: Vec<usize> = (0..doc.lines.len())
        .filter(|&i| !doc.lines[i].blank)
        .collect();
    for (r, &i) in rows.iter().enumerate() {
        z[i] = z_rows[r];
    }
    let mut rescorer = Rescorer::default();
    rescorer.prepare(&doc.lines, doc.knows_language, &z, &doc.evidence, &doc.site);
    out.clear();
    out.resize(rows.len() * STAGE2, 0.0);
    for (r, &i) in rows.iter().enumerate() {
        rescorer.line(&doc.lines, i, &mut out[r * STAGE2..(r + 1) * STAGE2]);
    }
}

/// Second-stage inputs of every document from first-stage log-odds.
pub(super) fn all_stage2_inputs(docs: &[&DocVectors], z: &[Vec<f32>]) -> Vec<Vec<f32>> {
    let pairs: Vec<(&DocVectors, &Vec<f32>)> = docs.iter().copied().zip(z).collect();
    map_batch(&pairs, default_threads(), |(d, z)| {
        let mut x = Vec::new();
        stage2_inputs(d, z, &mut x);
        x
    })
}

/// The labelled rows of `docs` for the second stage: inputs, labels and
/// weights (each document in proportion to the square root of its
/// labelled lines, as for the linear stages).
pub(super) fn stage2_rows(
    docs: &[&DocVectors],
    inputs: &[Vec<f32>],
    which: impl Fn(usize) -> bool,
) -> (Vec<f32>, Vec<f32>, Vec<f32>) {
    let (mut x, mut y, mut w) = (Vec::new(), Vec::new(), Vec::new());
    for (d, doc) in docs.iter().enumerate() {
        if !which(d) {
            continue;
        }
        let n = doc.labels.iter().filter(|l| l.is_some()).count();
        let weight = (4.0 / (n.max(1) as f32).sqrt()).min(2.0);
        for r in 0..doc.rows() {
            let Some(label) = doc.labels[r] else { continue };
            x.extend_from_slice(&inputs[d][r * STAGE2..(r + 1) * STAGE2]);
            y.push((label == LineLabel::Keep) as u8 as f32);
            w.push(weight);
        }
    }
    (x, y, w)
}

/// The forest of a file that training wrote: it evaluates what it fitted.
pub(super) fn forest(file: &ForestFile) -> Forest {
    Forest::from_file(file.clone(), STAGE2).expect("trees fitted here are well formed")
}

/// Fits the second-stage trees and tunes the decoder for them on
/// out-of-fold tree scores (two folds by site: trees fit their training
/// rows closely, so in-sample scores would mislead the tuning). With more
/// than one stage, each later forest reads the document through the
/// previous forest's out-of-fold scores.
pub(super) fn fit_forests_tuned(
    docs: &[&DocVectors],
    first: &[Vec<f32>],
    inputs: &[Vec<f32>],
    groups: &[&str],
    opts: &TrainOptions,
    model: &mut Model,
    progress: &mut dyn FnMut(&str),
) -> Vec<ForestFile> {
    let boost = BoostOptions {
        trees: opts.trees,
        leaves: opts.leaves,
        seed: opts.seed,
        ..BoostOptions::default()
    };
    let stages = opts.forests.max(1);
    let halves = folds(groups, 2, opts.seed ^ 0x5eed);
    let mut inputs: Vec<Vec<f32>> = inputs.to_vec();
    let mut forests = Vec::new();
    let mut z: Vec<Vec<f32>> = vec![Vec::new(); docs.len()];
    for stage in 0..stages {
        for k in 0..2 {
            progress(&format!("trees {}: half {}/2", stage + 1, k + 1));
            let (x, y, w) = stage2_rows(docs, &inputs, |d| halves[d] != k);
            let forest = forest(&boost::fit(&x, STAGE2, &y, &w, &boost));
            for (d, doc) in docs.iter().enumerate() {
                if halves[d] == k {
                    z[d] = (0..doc.rows())
                        .map(|r| forest.eval(&inputs[d][r * STAGE2..(r + 1) * STAGE2]))
                        .collect();
                }
            }
        }
        progress(&format!("trees {}: fitting on all documents", stage + 1));
        let (x, y, w) = stage2_rows(docs, &inputs, |_| true);
        forests.push(boost::fit(&x, STAGE2, &y, &w, &boost));
        if stage + 1 < stages {
            inputs = all_stage2_inputs(docs, &z);
        }
    }
    let pairs: Vec<(&DocVectors, Vec<f32>)> = docs.iter().copied().zip(z).collect();
    let combined = model.kind == Kind::Combined;
    let (costs, offset) = tune(&pairs, combined, opts.min_recall);
    model.costs = costs;
    model.bias2 = offset;
    progress("fitting the cascade");
    let last: Vec<Vec<f32>> = pairs.into_iter().map(|(_, z)| z).collect();
    let fit = cascade::fit(
        docs,
        first,
        &last,
        &costs,
        offset,
        combined,
        opts.min_recall,
        progress,
    );
    progress(&format!(
        "cascade: {:?}, {:.1}% of lines skip the trees, objective {:.5} -> {:.5}",
        fit.cascade,
        100.0 * fit.skipped,
        fit.objective.0,
        fit.objective.1
    ));
    model.cascade = fit.cascade;
    forests
}
