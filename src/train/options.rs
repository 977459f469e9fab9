//! Training settings.

/// Training settings.
#[derive(Clone, Debug)]
#[non_exhaustive]
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
