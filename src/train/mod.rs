//! Training the line model and tuning the decoder, and cross-validating
//! both (the `train` feature: `decruft train`, `eval`, `label`).
//!
//! Training fits an L2-regularised logistic regression (AdaGrad, a fixed
//! number of epochs, a seeded shuffle: the same data and seed give the same
//! model) on the labelled lines ([`linear`]), with inputs from
//! [`Vectorizer`](crate::classify::stage1::Vectorizer), the same code
//! inference uses ([`vectors`]). The decoder's transition costs and the
//! decision offset are then tuned by coordinate search on out-of-fold
//! scores of the training documents (k-fold by site inside the training
//! set), so they are fitted to scores the model has not seen, as at
//! inference ([`tune`]).
//!
//! The second stage reads the first stage's out-of-fold scores through
//! the second stage's inputs ([`stage2`]) and is either linear or
//! gradient-boosted trees ([`boost`]); for trees the decoder is tuned
//! again, on out-of-fold tree scores (two halves by site). [`cv`]
//! cross-validates all of it by site; [`dataset`] derives line labels from
//! gold documents and [`eval`] scores outputs as the benchmarks do.

pub(crate) mod boost;
mod cascade;
pub(crate) mod cv;
pub(crate) mod dataset;
pub(crate) mod eval;
pub(crate) mod fit;
pub(crate) mod folds;
pub(crate) mod linear;
pub(crate) mod options;
mod rng;
pub(crate) mod save;
pub(crate) mod stage2;
mod tune;
pub(crate) mod vectors;
pub(crate) mod words;

use std::sync::Arc;

use crate::error::Error;
use crate::model::trees::ForestFile;
use crate::model::Model;
use crate::strip::Stripper;
use crate::train::dataset::{LabelledDoc, LineLabel};
use crate::train::fit::train_vectors;
use crate::train::options::TrainOptions;
use crate::train::vectors::{vectorise, DocVectors};

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
    let (model, forests) = trees.unwrap_or((linear, Vec::new()));
    Ok(TrainedModel {
        model: Arc::new(model),
        forests,
        docs: docs.len(),
    })
}

/// A trained model, ready to save or use.
#[derive(Clone, Debug)]
pub struct TrainedModel {
    model: Arc<Model>,
    /// The second stage's forests as the model file holds them.
    forests: Vec<ForestFile>,
    docs: usize,
}

impl TrainedModel {
    /// The model as a JSON file, with a note of what it was trained on.
    pub fn to_json(&self, note: &str) -> String {
        let note = format!("{} documents; {note}", self.docs);
        save::model_json(&self.model, &self.forests, &note)
    }

    /// A stripper using this model, with the default settings otherwise.
    pub fn stripper(&self) -> Stripper {
        Stripper::builder()
            .build_with(|| Ok(Some(Arc::clone(&self.model))))
            .expect("default settings are valid")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
