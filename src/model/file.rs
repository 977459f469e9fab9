//! The model file: JSON with a format version and a fingerprint of what
//! the model's inputs mean, so that a file made for other inputs is
//! refused rather than misread.

use std::sync::LazyLock;

use serde::{Deserialize, Serialize};

use crate::error::Error;
use crate::model::cascade::Cascade;
use crate::model::costs::{Cost, Costs};
use crate::model::inputs::{self, Kind, DENSE, NAMES, STAGE2, STAGE2_NAMES};
use crate::model::trees::{Forest, ForestFile};
use crate::model::Model;
use crate::text::data;
use crate::util::hash::{fnv1a, FNV_OFFSET};

/// The model file format version.
pub(crate) const FORMAT_VERSION: u32 = 1;

/// The version of what the model's inputs mean. Bump it with any change
/// that alters the value of an input without renaming it: a feature's
/// definition (`classify/features.rs`, `classify/kinds.rs`,
/// `text/shapes.rs`, `text/tokens.rs`), a rule's score or cause
/// (`classify/rules.rs`), the first stage's binning or hashing
/// (`classify/stage1.rs`), the second stage's inputs
/// (`classify/stage2.rs`), what a unit is (`text/segment/`: where long
/// lines are cut). The fingerprint then changes and
/// models made before are refused instead of misread. (Input names, the
/// n-gram settings and the embedded lexicon and stoplists are hashed
/// already.)
pub(crate) const FEATURES_VERSION: u32 = 4;

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

/// The on-disk form of a [`Model`] (training writes it).
#[derive(Serialize, Deserialize)]
pub(crate) struct ModelFile {
    pub(crate) format: String,
    pub(crate) version: u32,
    pub(crate) fingerprint: String,
    pub(crate) kind: Kind,
    pub(crate) bias: f32,
    pub(crate) costs: Costs,
    /// Dense weights by feature name.
    pub(crate) dense: Vec<(String, f32)>,
    /// Non-zero hashed n-gram weights as (bucket, weight).
    pub(crate) sparse: Vec<(u32, f32)>,
    /// Second stage: bias and weights by input name.
    pub(crate) stage2_bias: f32,
    pub(crate) stage2: Vec<(String, f32)>,
    /// Second stage as trees, if any.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(crate) forests: Vec<ForestFile>,
    /// Which lines may skip the trees, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) cascade: Option<Cascade>,
    /// How the model was trained (free text for people).
    #[serde(default)]
    pub(crate) trained: String,
}

/// What a model file says it is.
pub(crate) const MAGIC: &str = "decruft-model";

/// The largest weight, leaf value or cost a model file may hold. Trained
/// models stay far below (the shipped one below 4); the bound keeps every
/// sum of weights finite, so no score is ever NaN.
const MAX_WEIGHT: f32 = 1000.0;

impl Model {
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
        if let Some(c) = file.cascade {
            c.check()?;
            model.cascade = Some(c);
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
        let costs_ok = Cost::ALL
            .iter()
            .map(|&c| model.costs.get(c))
            .all(|v| v.is_finite() && (0.0..=MAX_WEIGHT).contains(&v));
        if !finite || !costs_ok {
            return Err(Error::model(format!(
                "weights and costs must be finite and at most {MAX_WEIGHT} in size (costs \
                 non-negative)"
            )));
        }
        Ok(model)
    }
}

#[cfg(test)]
mod tests {
    use serde_json::Value;

    use super::*;
    use crate::model::EMBEDDED;

    /// The embedded model's JSON with `edit` made to it.
    fn edited(edit: impl FnOnce(&mut Value)) -> String {
        let mut v: Value = serde_json::from_str(EMBEDDED).unwrap();
        edit(&mut v);
        v.to_string()
    }

    fn err(json: &str) -> String {
        Model::from_json(json).unwrap_err().to_string()
    }

    #[test]
    fn refusals() {
        assert!(Model::from_json(&edited(|_| {})).is_ok());
        assert!(err("").starts_with("bad model: not a decruft model"));
        assert!(err(&EMBEDDED[..EMBEDDED.len() / 2]).starts_with("bad model: not a decruft model"));
        assert!(err(&edited(|v| v["format"] = "other".into())).contains("format is 'other'"));
        assert!(err(&edited(|v| v["version"] = 99.into())).contains("version 99"));
        let stale = err(&edited(|v| v["fingerprint"] = "0000000000000000".into()));
        assert!(stale.contains("fingerprint 0000000000000000"), "{stale}");
        assert!(stale.contains("retrain it with `decruft train"), "{stale}");
        let out = err(&edited(|v| v["sparse"][0][0] = 999_999_999.into()));
        assert!(out.contains("out of range"), "{out}");
        let names = err(&edited(|v| v["dense"][0][0] = "renamed".into()));
        assert!(
            names.contains("dense feature names do not match"),
            "{names}"
        );
    }

    /// Issue 13: a model with huge finite weights (3e38) was accepted; sums
    /// of its weights overflowed to infinities of both signs, and
    /// `--labels` wrote bare `NaN` scores (not JSON).
    #[test]
    fn a_model_with_huge_finite_weights_is_refused() {
        for edit in [
            |v: &mut Value| v["sparse"][0][1] = (-3e38).into(),
            |v: &mut Value| v["sparse"][0][1] = 1001.0.into(),
            |v: &mut Value| v["bias"] = 3e38.into(),
            |v: &mut Value| v["costs"]["enter"] = (-1.0).into(),
        ] {
            let e = err(&edited(edit));
            assert!(e.contains("at most 1000"), "{e}");
        }
    }

    /// The shipped model was made for this build's inputs. When it fails,
    /// retrain data/model.json (docs/TRAINING.md). If the change left every
    /// input as it was (the fingerprint's definition changed, say), record
    /// the new fingerprint instead, with the command the message gives.
    #[test]
    fn embedded_model_fingerprint_matches() {
        let file: Value = serde_json::from_str(EMBEDDED).unwrap();
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
