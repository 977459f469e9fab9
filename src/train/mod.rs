//! Training the line model and tuning the decoder, and cross-validating both.
//!
//! Training fits an L2-regularised logistic regression (AdaGrad, a fixed
//! number of epochs, a seeded shuffle: the same data and seed give the same
//! model) on the labelled lines, with inputs from
//! [`Vectorizer`](crate::classify::stage1::Vectorizer), the same code inference uses.
//! The decoder's transition costs and the decision offset are then tuned by
//! coordinate search on out-of-fold scores of the training documents
//! (k-fold by site inside the training set), so they are fitted to scores the
//! model has not seen, as at inference.
//!
//! The second stage reads the first stage's out-of-fold scores through
//! [`context`](crate::classify::stage2) and is either linear or gradient-boosted trees
//! ([`boost`](crate::train::boost)); for trees the decoder is tuned again, on
//! out-of-fold tree scores (two halves by site).

pub(crate) mod boost;
pub(crate) mod dataset;
pub(crate) mod eval;

use std::sync::Arc;

use crate::classify::decode::{Decoder, State, Step};
use crate::classify::features::LineFeatures;
use crate::classify::head::{Evidence, Hints};
use crate::classify::rules;
use crate::classify::stage2::Rescorer;
use crate::error::Error;
use crate::io::batch::{default_threads, map_batch};
use crate::model::costs::Costs;
use crate::model::inputs::{ngram_scale, Kind, Stage1Input, CROSSES, DENSE, HASH_BITS, STAGE2};
use crate::model::trees::Forest;
use crate::model::Model;
use crate::site::{Patterns, SiteLines, DEFAULT_MIN_PAGES};
use crate::strip::Stripper;
use crate::train::boost::BoostOptions;
use crate::train::dataset::{LabelledDoc, LineLabel};
use crate::train::eval::{DocCounts, GoldDoc, Scores};
use crate::util::math::{fnv1a, sigmoid, FNV_OFFSET};

/// Training settings.
#[derive(Clone, Debug)]
pub struct TrainOptions {
    /// Passes over the data.
    pub epochs: usize,
    /// L2 regularisation strength (per update).
    pub l2: f32,
    /// AdaGrad learning rate.
    pub rate: f32,
    /// Seed of the example shuffle and of fold assignment.
    pub seed: u64,
    /// Folds used to get out-of-fold scores for tuning the decoder.
    pub tune_folds: usize,
    /// Train a model that also reads the heuristics' scores (the default) or
    /// one that reads the features alone.
    pub combined: bool,
    /// The decoder is tuned for the mean F1 over datasets of kept lines,
    /// holding every dataset's recall of labelled content lines at or above
    /// this (losing article text is the worst failure).
    pub min_recall: f64,
    /// Trees per forest of the second stage (0: a linear second stage).
    pub trees: usize,
    /// Forests in the second stage: each after the first reads the document
    /// through the previous one's scores.
    pub forests: usize,
    /// Leaves per tree.
    pub leaves: usize,
    /// Learn site patterns from the training documents' own texts (per
    /// data file and site, never from gold) and give them to the model as
    /// inputs; in cross-validation, held-out pages get their site's
    /// patterns, learned from that site's pages (all in the held-out fold).
    pub site_patterns: bool,
    /// The share of multi-page sites whose training pages get no patterns,
    /// so that the model also learns to do without (as for a user who gives
    /// none).
    pub site_dropout: f64,
}

impl Default for TrainOptions {
    fn default() -> TrainOptions {
        TrainOptions {
            epochs: 4,
            l2: 1e-5,
            rate: 0.1,
            seed: 1,
            tune_folds: 4,
            combined: true,
            min_recall: 0.92,
            trees: 150,
            forests: 1,
            leaves: 63,
            site_patterns: true,
            site_dropout: 0.5,
        }
    }
}

/// One document, vectorised: every non-blank line's inputs and label.
pub(crate) struct DocVectors {
    pub group: String,
    /// Dense inputs, one row of [`DENSE`] per non-blank line.
    x: Vec<f32>,
    sparse: Vec<u32>,
    sparse_start: Vec<u32>,
    /// [`CROSSES`] hashed crosses per row.
    crosses: Vec<u32>,
    labels: Vec<Option<LineLabel>>,
    /// Characters of each non-blank line (weights of the tuning objective).
    chars: Vec<f32>,
    new_block: Vec<bool>,
    barrier: Vec<f32>,
    /// Whether the heuristics veto each row (see [`rules::vetoes`]).
    vetoed: Vec<bool>,
    /// The line features, the head evidence and whether the language is
    /// known (the second stage's inputs).
    lines: Vec<LineFeatures>,
    evidence: Evidence,
    knows_language: bool,
    /// What the site's patterns say of each line (second-stage inputs).
    site: SiteLines,
    /// The dataset the document comes from (the decoder's tuning holds
    /// every dataset's recall).
    set: u32,
}

impl DocVectors {
    fn rows(&self) -> usize {
        self.labels.len()
    }

    fn crosses_row(&self, r: usize) -> &[u32] {
        &self.crosses[r * CROSSES..(r + 1) * CROSSES]
    }

    fn sparse_row(&self, r: usize) -> &[u32] {
        &self.sparse[self.sparse_start[r] as usize..self.sparse_start[r + 1] as usize]
    }
}

/// The key of a document's site in the patterns of training data: sites of
/// different data files apart (the same pages scraped two ways would be
/// twins of each other). `None` for a page without a site (an empty site
/// field: its group lumps unrelated pages together).
fn site_key(doc: &LabelledDoc) -> Option<String> {
    (!doc.group.is_empty()).then(|| format!("{}\t{}", doc.set, doc.group))
}

/// The site patterns of training documents: learned from their texts, per
/// data file and site.
fn learn_sites(docs: &[LabelledDoc]) -> Patterns {
    let mut patterns = Patterns::new();
    for doc in docs {
        if let Some(key) = site_key(doc) {
            patterns.add_page(&key, &doc.text);
        }
    }
    patterns
}

/// Whether the training pages of a site get no patterns (see
/// [`TrainOptions::site_dropout`]): a seeded hash of the site decides.
fn dropped_site(doc: &LabelledDoc, opts: &TrainOptions) -> bool {
    let h = fnv1a(FNV_OFFSET ^ opts.seed ^ 0x517e, doc.group.as_bytes());
    ((h >> 11) as f64 / (1u64 << 53) as f64) < opts.site_dropout
}

/// Vectorises labelled documents (in parallel; the result is in input
/// order), with their site's patterns if `opts` say so.
pub(crate) fn vectorise(
    docs: &[LabelledDoc],
    opts: &TrainOptions,
) -> Result<Vec<DocVectors>, Error> {
    let heuristics = Stripper::builder().heuristics_only().build()?;
    let heuristics = heuristics.classifier();
    let patterns = opts.site_patterns.then(|| learn_sites(docs));
    map_batch(docs, default_threads(), |doc| {
        let labels = doc.line_labels()?;
        let mut site = SiteLines::default();
        if let Some(p) = patterns.as_ref().filter(|_| !dropped_site(doc, opts)) {
            let mut spans = Vec::new();
            crate::text::lines::split(doc.text.as_bytes(), &mut spans);
            site.fill(
                Some(p),
                site_key(doc).as_deref(),
                DEFAULT_MIN_PAGES,
                &doc.text,
                &spans,
            );
        }
        let mut v = DocVectors {
            group: doc.group.clone(),
            x: Vec::new(),
            sparse: Vec::new(),
            sparse_start: vec![0],
            crosses: Vec::new(),
            labels: Vec::new(),
            chars: Vec::new(),
            new_block: Vec::new(),
            barrier: Vec::new(),
            vetoed: Vec::new(),
            lines: Vec::new(),
            evidence: Evidence::default(),
            knows_language: false,
            site,
            set: doc.set,
        };
        let hints = Hints {
            title: None,
            url: doc.url.as_deref(),
            site: None,
        };
        (v.lines, v.evidence, v.knows_language) =
            heuristics.training_rows(&doc.text, &hints, |row| {
                v.x.extend_from_slice(row.x);
                v.sparse.extend_from_slice(row.sparse);
                v.sparse_start.push(v.sparse.len() as u32);
                v.crosses.extend_from_slice(row.crosses);
                v.labels.push(labels[row.line]);
                v.chars.push(row.features.chars.max(1) as f32);
                v.new_block.push(row.new_block);
                v.barrier.push(row.emission.barrier);
                v.vetoed.push(row.vetoed);
            });
        Ok(v)
    })
    .into_iter()
    .collect()
}

/// The dense features a model of this kind may use.
fn dense_mask(kind: Kind) -> Vec<f32> {
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

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        // xorshift64*
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
}

/// Fits the logistic regression on the labelled lines of `docs`.
fn fit(docs: &[&DocVectors], kind: Kind, opts: &TrainOptions) -> Model {
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
    let mut rng = Rng(opts.seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1);
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
fn doc_logits(model: &Model, doc: &DocVectors, out: &mut Vec<f32>) {
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

/// Second-stage inputs of every row of `doc` from first-stage log-odds by row.
fn stage2_inputs(doc: &DocVectors, z_rows: &[f32], out: &mut Vec<f32>) {
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

/// Fits the second stage (a small dense logistic regression) on labelled rows.
fn fit_stage2(docs: &[&DocVectors], inputs: &[Vec<f32>], opts: &TrainOptions, model: &mut Model) {
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
    let mut rng = Rng(opts.seed.wrapping_mul(0x2545_f491_4f6c_dd1d) | 1);
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
            let p = sigmoid(model.logit2(0, x));
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

/// Assigns groups to `k` folds: groups sorted by a seeded hash, dealt round-robin.
pub(crate) fn folds(groups: &[&str], k: usize, seed: u64) -> Vec<usize> {
    let mut names: Vec<&str> = groups.to_vec();
    names.sort();
    names.dedup();
    let hash = |s: &str| fnv1a(FNV_OFFSET ^ seed, s.as_bytes());
    names.sort_by_key(|s| (hash(s), *s));
    groups
        .iter()
        .map(|g| names.iter().position(|n| n == g).unwrap_or(0) % k.max(1))
        .collect()
}

/// The tuning objective, in the benchmarks' manner: per document, the
/// precision and recall of kept lines over labelled lines (weighted by
/// characters); per dataset, their means and F1; overall, the mean F1 over
/// datasets, less a steep penalty for every dataset whose recall falls
/// below `min_recall` (losing article text is the worst failure).
fn objective(
    docs: &[(&DocVectors, Vec<f32>)],
    combined: bool,
    costs: &Costs,
    offset: f32,
    min_recall: f64,
) -> f64 {
    let sets = docs
        .iter()
        .map(|(d, _)| d.set as usize + 1)
        .max()
        .unwrap_or(0);
    // Per set: sum of precisions, documents with a precision, sum of
    // recalls, documents with a recall.
    let mut acc = vec![[0.0f64; 4]; sets];
    let mut decoder = Decoder::default();
    let mut steps = Vec::new();
    let mut states = Vec::new();
    for (doc, logits) in docs {
        steps.clear();
        for (r, z) in logits.iter().enumerate() {
            // As at inference: the offset shifts the model's score, then the
            // heuristics may veto it.
            let z = if combined {
                rules::veto(doc.vetoed[r], z + offset)
            } else {
                z + offset
            };
            let barrier = if combined { doc.barrier[r] } else { 0.0 };
            steps.push(Step {
                logit: z,
                barrier,
                new_block: doc.new_block[r],
            });
        }
        decoder.decode(&steps, costs, &mut states);
        let (mut tp, mut fp, mut fn_) = (0.0f64, 0.0f64, 0.0f64);
        for (r, state) in states.iter().enumerate() {
            let Some(label) = doc.labels[r] else { continue };
            let w = doc.chars[r] as f64;
            match (*state == State::Keep, label) {
                (true, LineLabel::Keep) => tp += w,
                (true, LineLabel::Drop) => fp += w,
                (false, LineLabel::Keep) => fn_ += w,
                _ => {}
            }
        }
        let a = &mut acc[doc.set as usize];
        if tp + fp > 0.0 {
            a[0] += tp / (tp + fp);
            a[1] += 1.0;
        }
        if tp + fn_ > 0.0 {
            a[2] += tp / (tp + fn_);
            a[3] += 1.0;
        }
    }
    let mut score = 0.0;
    let mut n = 0.0;
    for a in acc.iter().filter(|a| a[3] > 0.0) {
        let p = if a[1] > 0.0 { a[0] / a[1] } else { 0.0 };
        let r = a[2] / a[3];
        let f1 = if p + r > 0.0 {
            2.0 * p * r / (p + r)
        } else {
            0.0
        };
        score += f1 - 4.0 * (min_recall - r).max(0.0);
        n += 1.0;
    }
    if n > 0.0 {
        score / n
    } else {
        0.0
    }
}

/// Coordinate search over the decoder costs and the decision offset.
/// Lower bounds of the tuned costs (enter, exit, reenter, closed, gap_open,
/// gap_line, split). They keep the decoder's prior that an article is one
/// block and ends at an end-of-article marker: the dev data alone would let
/// the tuner trade that away for a sliver of F1 (a donation appeal after the
/// article scored like prose is still a donation appeal).
const MIN_COSTS: [f32; 7] = [0.0, 0.0, 1.0, 2.0, 0.0, 0.0, 0.0];

fn tune(docs: &[(&DocVectors, Vec<f32>)], barriers: bool, min_recall: f64) -> (Costs, f32) {
    let mut costs = Costs::default();
    let mut offset = 0.0f32;
    let mut best = objective(docs, barriers, &costs, offset, min_recall);
    for _round in 0..3 {
        for param in 0..8 {
            let current = if param == 7 {
                offset
            } else {
                get(&costs, param)
            };
            let candidates: Vec<f32> = if param == 7 {
                [-1.0, -0.5, -0.25, -0.1, 0.1, 0.25, 0.5, 1.0]
                    .iter()
                    .map(|d| current + d)
                    .collect()
            } else {
                let floor = MIN_COSTS.get(param).copied().unwrap_or(0.0);
                [0.0, 0.5, 0.75, 1.33, 2.0]
                    .iter()
                    .map(|f| (current * f).max(0.05).max(floor))
                    .collect()
            };
            for v in candidates {
                let (mut c, mut o) = (costs, offset);
                if param == 7 {
                    o = v;
                } else {
                    set(&mut c, param, v);
                }
                let score = objective(docs, barriers, &c, o, min_recall);
                if score > best + 1e-6 {
                    best = score;
                    costs = c;
                    offset = o;
                }
            }
        }
    }
    (costs, offset)
}

fn get(c: &Costs, i: usize) -> f32 {
    [
        c.enter, c.exit, c.reenter, c.closed, c.gap_open, c.gap_line, c.split,
    ][i]
}

fn set(c: &mut Costs, i: usize, v: f32) {
    *[
        &mut c.enter,
        &mut c.exit,
        &mut c.reenter,
        &mut c.closed,
        &mut c.gap_open,
        &mut c.gap_line,
        &mut c.split,
    ][i] = v;
}

/// Trains a model on vectorised documents: fits the weights on all of them
/// and tunes the decoder on out-of-fold scores. With `opts.trees`, also a
/// model whose second stage is gradient-boosted trees (same first stage).
pub(crate) fn train_vectors(
    docs: &[&DocVectors],
    opts: &TrainOptions,
    progress: &mut dyn FnMut(&str),
) -> (Model, Option<Model>) {
    let kind = if opts.combined {
        Kind::Combined
    } else {
        Kind::ModelOnly
    };
    let groups: Vec<&str> = docs.iter().map(|d| d.group.as_str()).collect();
    let fold = folds(&groups, opts.tune_folds, opts.seed);
    let mut oof: Vec<Vec<f32>> = vec![Vec::new(); docs.len()];
    for k in 0..opts.tune_folds {
        progress(&format!("tuning fold {}/{}", k + 1, opts.tune_folds));
        let train: Vec<&DocVectors> = docs
            .iter()
            .zip(&fold)
            .filter(|(_, f)| **f != k)
            .map(|(d, _)| *d)
            .collect();
        let m = fit(&train, kind, opts);
        for (i, d) in docs.iter().enumerate() {
            if fold[i] == k {
                doc_logits(&m, d, &mut oof[i]);
            }
        }
    }
    progress("fitting the second stage");
    let mut model = Model::zeros(kind);
    let inputs = all_stage2_inputs(docs, &oof);
    fit_stage2(docs, &inputs, opts, &mut model);
    progress("tuning the decoder");
    let z2: Vec<Vec<f32>> = docs
        .iter()
        .zip(&inputs)
        .map(|(d, x)| {
            (0..d.rows())
                .map(|r| model.logit2(0, &x[r * STAGE2..(r + 1) * STAGE2]))
                .collect()
        })
        .collect();
    let pairs: Vec<(&DocVectors, Vec<f32>)> = docs.iter().copied().zip(z2).collect();
    let (costs, offset) = tune(&pairs, kind == Kind::Combined, opts.min_recall);
    progress("fitting on all documents");
    let first = fit(docs, kind, opts);
    model.bias = first.bias;
    model.dense = first.dense;
    model.sparse = first.sparse;
    model.costs = costs;
    model.bias2 += offset;
    let trees = (opts.trees > 0).then(|| {
        let mut m = model.clone();
        m.bias2 = 0.0;
        m.forests = fit_forests_tuned(docs, &inputs, &groups, opts, &mut m, progress);
        m
    });
    (model, trees)
}

/// Second-stage inputs of every document from first-stage log-odds.
fn all_stage2_inputs(docs: &[&DocVectors], z: &[Vec<f32>]) -> Vec<Vec<f32>> {
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
fn stage2_rows(
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

/// Fits the second-stage trees and tunes the decoder for them on
/// out-of-fold tree scores (two folds by site: trees fit their training
/// rows closely, so in-sample scores would mislead the tuning). With more
/// than one stage, each later forest reads the document through the
/// previous forest's out-of-fold scores.
fn fit_forests_tuned(
    docs: &[&DocVectors],
    inputs: &[Vec<f32>],
    groups: &[&str],
    opts: &TrainOptions,
    model: &mut Model,
    progress: &mut dyn FnMut(&str),
) -> Vec<Forest> {
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
            let forest = boost::fit(&x, STAGE2, &y, &w, &boost);
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
    let (costs, offset) = tune(&pairs, model.kind == Kind::Combined, opts.min_recall);
    model.costs = costs;
    model.bias2 = offset;
    forests
}

/// Trains a model on labelled documents.
///
/// `progress` is called with a short description of each stage.
pub fn train(
    docs: &[LabelledDoc],
    opts: &TrainOptions,
    progress: &mut dyn FnMut(&str),
) -> Result<TrainedModel, Error> {
    progress("extracting features");
    let vectors = vectorise(docs, opts)?;
    // A model fit to no labels, or to one side only, keeps (or drops)
    // everything: refuse rather than write it.
    let count = |want: LineLabel| {
        vectors
            .iter()
            .flat_map(|v| &v.labels)
            .filter(|l| **l == Some(want))
            .count()
    };
    let (keep, drop) = (count(LineLabel::Keep), count(LineLabel::Drop));
    if keep == 0 || drop == 0 {
        return Err(Error::setting(format!(
            "nothing to learn from: {} documents with {keep} lines labelled as kept and {drop} \
             as dropped (training needs both)",
            docs.len()
        )));
    }
    let refs: Vec<&DocVectors> = vectors.iter().collect();
    let (linear, trees) = train_vectors(&refs, opts, progress);
    let model = trees.unwrap_or(linear);
    Ok(TrainedModel {
        model: Arc::new(model),
        docs: docs.len(),
    })
}

/// A trained model, ready to save or use.
#[derive(Clone, Debug)]
pub struct TrainedModel {
    pub(crate) model: Arc<Model>,
    docs: usize,
}

impl TrainedModel {
    /// The model as a JSON file, with a note of what it was trained on.
    pub fn to_json(&self, note: &str) -> String {
        self.model
            .to_json(&format!("{} documents; {note}", self.docs))
    }

    /// A stripper using this model, with the default settings otherwise.
    pub fn stripper(&self) -> Stripper {
        Stripper::builder()
            .loaded_model(Arc::clone(&self.model))
            .build()
            .expect("default settings are valid")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_keep_groups_together_and_are_balanced() {
        let groups = ["a", "b", "a", "c", "d", "b", "e", "f"];
        let f = folds(&groups, 3, 7);
        assert_eq!(f[0], f[2]);
        assert_eq!(f[1], f[5]);
        let mut sizes = [0; 3];
        for g in ["a", "b", "c", "d", "e", "f"] {
            sizes[f[groups.iter().position(|x| *x == g).unwrap()]] += 1;
        }
        assert_eq!(sizes, [2, 2, 2]);
        assert_eq!(f, folds(&groups, 3, 7), "deterministic");
    }

    #[test]
    fn learns_a_separable_toy_problem() {
        let text = "Accueil\nContact\n\nLe président a déclaré qu'il était prêt à reprendre le dialogue avec son homologue.\n\nPartager\n";
        let doc = LabelledDoc {
            id: "t".into(),
            group: "g".into(),
            url: None,
            set: 0,
            text: text.into(),
            labels: ["drop", "drop", "", "keep", "", "drop"]
                .iter()
                .map(|s| (!s.is_empty()).then(|| s.to_string()))
                .collect(),
        };
        let docs: Vec<LabelledDoc> = (0..8)
            .map(|i| LabelledDoc {
                group: format!("g{i}"),
                ..doc.clone()
            })
            .collect();
        let trained = train(&docs, &TrainOptions::default(), &mut |_| {}).unwrap();
        let stripper = trained.stripper();
        assert_eq!(
            stripper.strip(text).text(),
            "Le président a déclaré qu'il était prêt à reprendre le dialogue avec son homologue.\n"
        );
        let again = train(&docs, &TrainOptions::default(), &mut |_| {}).unwrap();
        assert_eq!(
            trained.to_json(""),
            again.to_json(""),
            "training is deterministic"
        );
    }
}

/// The held-out result of one configuration on one dataset in
/// cross-validation.
#[derive(Clone, Debug)]
pub struct CvRow {
    /// The dataset's name.
    pub dataset: String,
    /// "heuristics", "linear" or "trees".
    pub config: &'static str,
    /// Scores pooled over the held-out folds.
    pub scores: Scores,
    /// Every document's id, language (if the data gives it), counts and
    /// held-out output, in the dataset's order.
    pub docs: Vec<CvDoc>,
}

/// One held-out document of a [`CvRow`].
#[derive(Clone, Debug)]
pub struct CvDoc {
    /// The document's id.
    pub id: String,
    /// Its language, if the data gives it.
    pub lang: Option<String>,
    /// Its counts against the gold.
    pub counts: DocCounts,
    /// Whether the output keeps the gold's first line (see
    /// [`first_line_kept`](crate::first_line_kept)).
    pub first_line: Option<bool>,
    /// The cleaned text.
    pub output: String,
}

/// K-fold cross-validation by site: for each fold, trains a model on the
/// other folds (all datasets together; with linear and, if
/// `opts.trees > 0`, tree second stages over one first stage) and scores
/// the held-out documents with the heuristics alone and with each model.
///
/// `datasets` are named sets of gold documents; a page's site (or, without
/// one, its URL's host) decides its fold, so the same page in two scraper
/// styles and all pages of a site are held out together. A document's URL
/// is given to the stripper as a hint, as a crawler would.
pub fn cross_validate(
    datasets: &[(String, Vec<GoldDoc>)],
    k: usize,
    opts: &TrainOptions,
    progress: &mut dyn FnMut(&str),
) -> Result<Vec<CvRow>, Error> {
    let mut docs: Vec<(usize, &GoldDoc)> = Vec::new();
    for (d, (_, set)) in datasets.iter().enumerate() {
        docs.extend(set.iter().map(|g| (d, g)));
    }
    progress("deriving line labels and extracting features");
    let labelled: Vec<LabelledDoc> = map_batch(&docs, default_threads(), |(d, g)| LabelledDoc {
        set: *d as u32,
        ..LabelledDoc::from_gold(g)
    });
    let vectors = vectorise(&labelled, opts)?;
    // Held-out pages read their site's patterns, learned from the texts of
    // that site's pages: all in the held-out fold (folds go by site).
    let patterns = opts.site_patterns.then(|| Arc::new(learn_sites(&labelled)));
    let groups: Vec<&str> = labelled.iter().map(|d| d.group.as_str()).collect();
    let fold = folds(&groups, k, opts.seed);
    let configs: &[&'static str] = match (opts.trees > 0, patterns.is_some()) {
        (true, true) => &["heuristics", "linear", "trees", "trees, no patterns"],
        (true, false) => &["heuristics", "linear", "trees"],
        (false, true) => &["heuristics", "linear", "linear, no patterns"],
        (false, false) => &["heuristics", "linear"],
    };
    let mut held: Vec<Vec<Vec<(usize, CvDoc)>>> =
        vec![vec![Vec::new(); configs.len()]; datasets.len()];
    let heuristics = Stripper::builder().heuristics_only().build()?;
    for f in 0..k {
        let train: Vec<&DocVectors> = vectors
            .iter()
            .zip(&fold)
            .filter(|(_, x)| **x != f)
            .map(|(v, _)| v)
            .collect();
        let mut p = |s: &str| progress(&format!("fold {}/{k}: {s}", f + 1));
        let (linear, trees) = train_vectors(&train, opts, &mut p);
        let mut strippers = vec![heuristics.clone()];
        let mut last = None;
        for model in std::iter::once(linear).chain(trees) {
            let model = Arc::new(model);
            let mut b = Stripper::builder();
            b.loaded_model(Arc::clone(&model));
            if let Some(p) = &patterns {
                b.patterns(Arc::clone(p));
            }
            strippers.push(b.build()?);
            last = Some(model);
        }
        if let (Some(_), Some(model)) = (&patterns, last) {
            strippers.push(Stripper::builder().loaded_model(model).build()?);
        }
        let test: Vec<usize> = (0..docs.len()).filter(|&i| fold[i] == f).collect();
        let results: Vec<Vec<CvDoc>> = map_batch(&test, default_threads(), |&i| {
            let gold = docs[i].1;
            // With patterns, a page without a site gets none (not its URL's
            // host: patterns are keyed by data file and site).
            let site = site_key(&labelled[i]).unwrap_or_default();
            let hints = Hints {
                title: None,
                url: gold.url.as_deref(),
                site: Some(&site),
            };
            strippers
                .iter()
                .map(|s| {
                    let output = s.strip_with(&gold.text, &hints).text();
                    CvDoc {
                        id: gold.id.clone(),
                        lang: gold.lang.clone(),
                        counts: crate::train::eval::doc_counts(gold, &output),
                        first_line: crate::train::eval::first_line_kept(gold, &output),
                        output,
                    }
                })
                .collect()
        });
        for (per_config, &i) in results.into_iter().zip(&test) {
            for (c, doc) in per_config.into_iter().enumerate() {
                held[docs[i].0][c].push((i, doc));
            }
        }
    }
    let mut rows = Vec::new();
    for (d, (name, _)) in datasets.iter().enumerate() {
        for (c, config) in configs.iter().enumerate() {
            let mut docs = std::mem::take(&mut held[d][c]);
            docs.sort_by_key(|(i, _)| *i);
            let docs: Vec<CvDoc> = docs.into_iter().map(|(_, doc)| doc).collect();
            let counts: Vec<DocCounts> = docs.iter().map(|d| d.counts).collect();
            rows.push(CvRow {
                dataset: name.clone(),
                config,
                scores: crate::train::eval::aggregate(&counts),
                docs,
            });
        }
    }
    Ok(rows)
}
