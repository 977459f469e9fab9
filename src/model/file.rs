//! The model file: JSON with a format version and a fingerprint of what
//! the model's inputs mean, so that a file made for other inputs is
//! refused rather than misread.

use std::sync::LazyLock;

use serde::{Deserialize, Serialize};

use crate::error::Error;
use crate::model::costs::Costs;
use crate::model::inputs::{self, Kind, DENSE, NAMES, STAGE2, STAGE2_NAMES};
use crate::model::trees::{Forest, ForestFile};
use crate::model::Model;
use crate::text::data;
use crate::util::hash::{fnv1a, FNV_OFFSET};

/// The model file format version.
pub(crate) const FORMAT_VERSION: u32 = 1;

/// The version of what the model's inputs mean. Bump it with any change
/// that alters the value of an input without renaming it: a feature's
/// definition (features.rs, patterns.rs, tokens.rs), a rule's score or
/// cause (rules.rs), the vectorizer's binning or hashing (vectorize.rs), the
/// second stage's inputs (context.rs). The fingerprint then changes and
/// models made before are refused instead of misread. (Input names, the
/// n-gram settings and the embedded lexicon and stoplists are hashed
/// already.)
pub(crate) const FEATURES_VERSION: u32 = 3;

/// A fingerprint of what a model's inputs are: the dense and second-stage
/// input names, the hashing and n-gram settings, [`FEATURES_VERSION`], and
/// every entry of the embedded lexicon and stoplists. A model made for other
/// inputs is refused.
pub(crate) fn fingerprint() -> &'static str {
    static FINGERPRINT: LazyLock<String> = LazyLock::new(|| {
        let mut h = FNV_OFFSET;
        let mut feed = |s: &str| h = fnv1a(fnv1a(h, s.as_bytes()), &[0xff]);
        for n in NAMES.iter().chain(STAGE2_NAMES) {
            feed(n);
        }
        feed(&inputs::layout());
        feed(&format!("features={FEATURES_VERSION}"));
        for (file, entry) in data::embedded_entries() {
            feed(file);
            feed(entry);
        }
        format!("{h:016x}")
    });
    &FINGERPRINT
}

/// The on-disk form of a [`Model`].
#[derive(Serialize, Deserialize)]
struct ModelFile {
    format: String,
    version: u32,
    fingerprint: String,
    kind: Kind,
    bias: f32,
    costs: Costs,
    /// Dense weights by feature name.
    dense: Vec<(String, f32)>,
    /// Non-zero hashed n-gram weights as (bucket, weight).
    sparse: Vec<(u32, f32)>,
    /// Second stage: bias and weights by input name.
    stage2_bias: f32,
    stage2: Vec<(String, f32)>,
    /// Second stage as trees, if any.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    forests: Vec<ForestFile>,
    /// How the model was trained (free text for people).
    #[serde(default)]
    trained: String,
}

const MAGIC: &str = "decruft-model";

/// The largest weight, leaf value or cost a model file may hold. Trained
/// models stay far below (the shipped one below 4); the bound keeps every
/// sum of weights finite, so no score is ever NaN.
const MAX_WEIGHT: f32 = 1000.0;

impl Model {
    /// Serialises the model as JSON.
    #[cfg(feature = "train")]
    pub(crate) fn to_json(&self, trained: &str) -> String {
        let file = ModelFile {
            format: MAGIC.into(),
            version: FORMAT_VERSION,
            fingerprint: fingerprint().to_string(),
            kind: self.kind,
            bias: round(self.bias),
            costs: self.costs,
            dense: NAMES
                .iter()
                .zip(&self.dense)
                .map(|(n, w)| (n.to_string(), round(*w)))
                .collect(),
            sparse: self
                .sparse
                .iter()
                .enumerate()
                .filter(|(_, w)| round(**w) != 0.0)
                .map(|(b, w)| (b as u32, round(*w)))
                .collect(),
            stage2_bias: round(self.bias2),
            stage2: STAGE2_NAMES
                .iter()
                .zip(&self.stage2)
                .map(|(n, w)| (n.to_string(), round(*w)))
                .collect(),
            forests: self.forests.iter().map(Forest::to_file).collect(),
            trained: trained.into(),
        };
        let mut json = serde_json::to_string(&file).expect("a model serialises");
        json.push('\n');
        json
    }

    /// Parses a model file, checking its format, version and fingerprint.
    pub(crate) fn from_json(json: &str) -> Result<Model, Error> {
        let file: ModelFile = serde_json::from_str(json)
            .map_err(|e| Error::model(format!("not a decruft model: {e}")))?;
        if file.format != MAGIC {
            return Err(Error::model(format!(
                "format is '{}', expected '{MAGIC}'",
                file.format
            )));
        }
        if file.version != FORMAT_VERSION {
            return Err(Error::model(format!(
                "format version {} is not supported (this decruft reads version {FORMAT_VERSION})",
                file.version
            )));
        }
        if file.fingerprint != fingerprint() {
            return Err(Error::model(format!(
                "it was made for other features, lexicons or stoplists (fingerprint {}, this \
                 decruft's is {}): retrain it with `decruft train DATA.jsonl... -o MODEL.json`",
                file.fingerprint,
                fingerprint()
            )));
        }
        if file.dense.len() != DENSE || file.dense.iter().zip(NAMES).any(|((n, _), m)| n != m) {
            return Err(Error::model("dense feature names do not match".to_string()));
        }
        if file.stage2.len() != STAGE2
            || file
                .stage2
                .iter()
                .zip(STAGE2_NAMES)
                .any(|((n, _), m)| n != m)
        {
            return Err(Error::model(
                "second-stage input names do not match".to_string(),
            ));
        }
        let mut model = Model::zeros(file.kind);
        model.bias = file.bias;
        model.bias2 = file.stage2_bias;
        for (i, (_, w)) in file.stage2.iter().enumerate() {
            model.stage2[i] = *w;
        }
        model.costs = file.costs;
        for f in file.forests {
            model.forests.push(Forest::from_file(f, STAGE2)?);
        }
        for (i, (_, w)) in file.dense.iter().enumerate() {
            model.dense[i] = *w;
        }
        for (b, w) in file.sparse {
            let slot = model
                .sparse
                .get_mut(b as usize)
                .ok_or_else(|| Error::model(format!("n-gram bucket {b} out of range")))?;
            *slot = w;
        }
        // Finite is not enough: weights near f32::MAX overflow to infinity
        // when summed, and infinities of both signs make NaN scores.
        let bounded = |w: &f32| w.is_finite() && w.abs() <= MAX_WEIGHT;
        let finite = bounded(&model.bias)
            && bounded(&model.bias2)
            && model.stage2.iter().all(bounded)
            && model.dense.iter().all(bounded)
            && model.sparse.iter().all(bounded)
            && model.forests.iter().all(|f| f.values_within(MAX_WEIGHT));
        let c = &model.costs;
        let costs_ok = [
            c.enter, c.exit, c.reenter, c.closed, c.gap_open, c.gap_line, c.split,
        ]
        .iter()
        .all(|v| v.is_finite() && (0.0..=MAX_WEIGHT).contains(v));
        if !finite || !costs_ok {
            return Err(Error::model(format!(
                "weights and costs must be finite and at most {MAX_WEIGHT} in size (costs \
                 non-negative)"
            )));
        }
        Ok(model)
    }
}

#[cfg(feature = "train")]
fn round(w: f32) -> f32 {
    (w * 10_000.0).round() / 10_000.0
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::EMBEDDED;

    #[test]
    #[cfg(feature = "train")]
    fn round_trip_and_refusals() {
        let mut m = Model::zeros(Kind::Combined);
        m.dense[3] = 0.5;
        m.sparse[77] = -1.25;
        let json = m.to_json("test");
        let back = Model::from_json(&json).unwrap();
        assert_eq!(back.dense[3], 0.5);
        assert_eq!(back.sparse[77], -1.25);
        assert_eq!(back.kind, Kind::Combined);

        let err = |s: &str| Model::from_json(s).unwrap_err().to_string();
        assert!(err("").starts_with("bad model: not a decruft model"));
        assert!(err(&json[..json.len() / 2]).starts_with("bad model: not a decruft model"));
        assert!(err(&json.replace("\"version\":1", "\"version\":99")).contains("version 99"));
        let stale = err(&json.replace(fingerprint(), "0000000000000000"));
        assert!(stale.contains("fingerprint 0000000000000000"), "{stale}");
        assert!(stale.contains("retrain it with `decruft train"), "{stale}");
        assert!(err(&json.replace("[77,-1.25]", "[999999999,-1.25]")).contains("out of range"));
    }

    /// Issue 13: a model with huge finite weights (3e38) was accepted; sums
    /// of its weights overflowed to infinities of both signs, and
    /// `--labels` wrote bare `NaN` scores (not JSON).
    #[test]
    #[cfg(feature = "train")]
    fn a_model_with_huge_finite_weights_is_refused() {
        let mut m = Model::zeros(Kind::Combined);
        m.sparse[77] = -1.25;
        let json = m.to_json("test");
        assert!(Model::from_json(&json).is_ok());
        for (from, to) in [
            ("[77,-1.25]", "[77,-3e38]"),
            ("[77,-1.25]", "[77,1001]"),
            ("\"bias\":0.0", "\"bias\":3e38"),
        ] {
            let bad = json.replacen(from, to, 1);
            assert_ne!(bad, json, "{from} not found");
            let e = Model::from_json(&bad).unwrap_err().to_string();
            assert!(e.contains("at most 1000"), "{to}: {e}");
        }
    }

    /// The shipped model was made for this build's inputs. When it fails,
    /// retrain data/model.json (README, "Train and evaluate"). If the change
    /// left every input as it was (the fingerprint's definition changed,
    /// say), record the new fingerprint instead, with the command the
    /// message gives.
    #[test]
    fn embedded_model_fingerprint_matches() {
        let file: serde_json::Value = serde_json::from_str(EMBEDDED).unwrap();
        let stored = file["fingerprint"].as_str().unwrap();
        let now = fingerprint();
        assert!(
            stored == now,
            "data/model.json was made for other inputs (fingerprint {stored}, this build's is \
             {now}): retrain it, or if no input changed what it means, record the new \
             fingerprint with: sed -i 's/\"fingerprint\":\"{stored}\"/\"fingerprint\":\"{now}\"/' data/model.json"
        );
    }
}
