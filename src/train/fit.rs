//! A whole model fitted on vectorised documents: the first stage, the
//! decoder tuned on its out-of-fold scores, the second stage (linear, and
//! trees when asked).

use crate::model::inputs::{Kind, STAGE2};
use crate::model::trees::ForestFile;
use crate::model::Model;
use crate::train::folds::folds;
use crate::train::linear::{doc_logits, fit, fit_stage2, linear_stage2};
use crate::train::options::TrainOptions;
use crate::train::stage2::{all_stage2_inputs, fit_forests_tuned, forest};
use crate::train::tune::tune;
use crate::train::vectors::DocVectors;

/// Trains a model on vectorised documents: fits the weights on all of them
/// and tunes the decoder on out-of-fold scores. With `opts.trees`, also a
/// model whose second stage is gradient-boosted trees (same first stage),
/// with its forests as the model file holds them.
pub(super) fn train_vectors(
    docs: &[&DocVectors],
    opts: &TrainOptions,
    progress: &mut dyn FnMut(&str),
) -> (Model, Option<(Model, Vec<ForestFile>)>) {
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
    let stage2_logits: Vec<Vec<f32>> = docs
        .iter()
        .zip(&inputs)
        .map(|(d, x)| {
            (0..d.rows())
                .map(|r| linear_stage2(&model, &x[r * STAGE2..(r + 1) * STAGE2]))
                .collect()
        })
        .collect();
    let pairs: Vec<(&DocVectors, Vec<f32>)> = docs.iter().copied().zip(stage2_logits).collect();
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
        let files = fit_forests_tuned(docs, &oof, &inputs, &groups, opts, &mut m, progress);
        m.forests = files.iter().map(forest).collect();
        (m, files)
    });
    (model, trees)
}
