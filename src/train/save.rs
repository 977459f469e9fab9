//! A trained model written as a model file (`model/file.rs` reads it).

use crate::model::file::{fingerprint, ModelFile, FORMAT_VERSION, MAGIC};
use crate::model::inputs::{NAMES, STAGE2_NAMES};
use crate::model::trees::ForestFile;
use crate::model::Model;

/// The model file of `model`, whose forests are `forests` (as training
/// built them), with a note of how it was trained.
pub(crate) fn model_json(model: &Model, forests: &[ForestFile], trained: &str) -> String {
    let file = ModelFile {
        format: MAGIC.into(),
        version: FORMAT_VERSION,
        fingerprint: fingerprint().to_string(),
        kind: model.kind,
        bias: round(model.bias),
        costs: model.costs,
        dense: NAMES
            .iter()
            .zip(&model.dense)
            .map(|(n, w)| (n.to_string(), round(*w)))
            .collect(),
        sparse: model
            .sparse
            .iter()
            .enumerate()
            .filter(|(_, w)| round(**w) != 0.0)
            .map(|(b, w)| (b as u32, round(*w)))
            .collect(),
        stage2_bias: round(model.bias2),
        stage2: STAGE2_NAMES
            .iter()
            .zip(&model.stage2)
            .map(|(n, w)| (n.to_string(), round(*w)))
            .collect(),
        forests: forests.iter().map(rounded).collect(),
        cascade: model.cascade,
        trained: trained.into(),
    };
    let mut json = serde_json::to_string(&file).expect("a model serialises");
    json.push('\n');
    json
}

/// A weight to four decimals: a model file is read by people too, and
/// the fifth decimal changes no verdict.
fn round(w: f32) -> f32 {
    (w * 10_000.0).round() / 10_000.0
}

/// A forest with its base and leaf values to five decimals.
fn rounded(f: &ForestFile) -> ForestFile {
    let round = |v: f32| (v * 1e5).round() / 1e5;
    ForestFile {
        base: round(f.base),
        leaves: f.leaves.iter().map(|&v| round(v)).collect(),
        ..f.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::inputs::Kind;

    #[test]
    fn round_trip() {
        let mut m = Model::zeros(Kind::Combined);
        m.dense[3] = 0.5;
        m.sparse[77] = -1.25;
        let json = model_json(&m, &[], "test");
        let back = Model::from_json(&json).unwrap();
        assert_eq!(back.dense[3], 0.5);
        assert_eq!(back.sparse[77], -1.25);
        assert_eq!(back.kind, Kind::Combined);
        assert_eq!(model_json(&back, &[], "test"), json);
    }
}
