//! Cross-validation by site: models trained on the other folds, scored on
//! the held-out documents.

use std::sync::Arc;

use crate::error::Error;
use crate::hints::Hints;
use crate::io::batch::{default_threads, map_batch};
use crate::strip::Stripper;
use crate::train::dataset::LabelledDoc;
use crate::train::eval::{DocCounts, GoldDoc, Scores};
use crate::train::fit::train_vectors;
use crate::train::folds::folds;
use crate::train::options::TrainOptions;
use crate::train::vectors::{learn_sites, site_key, vectorise, DocVectors};

/// The held-out result of one configuration on one dataset in
/// cross-validation.
#[derive(Clone, Debug)]
#[non_exhaustive]
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
#[non_exhaustive]
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
        // The trees again with the cascade (`model/cascade.rs`, off by
        // default): what it changes, on the same models.
        (true, true) => &[
            "heuristics",
            "linear",
            "trees",
            "trees, no patterns",
            "trees, cascade",
        ],
        (true, false) => &["heuristics", "linear", "trees", "trees, cascade"],
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
        for model in std::iter::once(linear).chain(trees.map(|(m, _)| m)) {
            let model = Arc::new(model);
            let mut b = Stripper::builder();
            if let Some(p) = &patterns {
                b.patterns(Arc::clone(p));
            }
            strippers.push(b.build_with(|| Ok(Some(Arc::clone(&model))))?);
            last = Some(model);
        }
        if let (Some(_), Some(model)) = (&patterns, &last) {
            strippers.push(Stripper::builder().build_with(|| Ok(Some(Arc::clone(model))))?);
        }
        if let (true, Some(model)) = (opts.trees > 0, last) {
            let mut b = Stripper::builder();
            if let Some(p) = &patterns {
                b.patterns(Arc::clone(p));
            }
            strippers.push(b.cascade(true).build_with(|| Ok(Some(model)))?);
        }
        let test: Vec<usize> = (0..docs.len()).filter(|&i| fold[i] == f).collect();
        let results: Vec<Vec<CvDoc>> = map_batch(&test, default_threads(), |&i| {
            let gold = docs[i].1;
            // With patterns, a page without a site gets none (not its URL's
            // host: patterns are keyed by data file and site).
            let site = site_key(&labelled[i]).unwrap_or_default();
            let hints = Hints::new().url(gold.url.as_deref()).site(site.as_str());
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
