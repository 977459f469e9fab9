//! The learned line model: its weights and the decoder costs tuned with
//! them.
//!
//! A [`Model`] scores a line from the inputs named in [`inputs`]: the first
//! stage's, which `classify::stage1` fills, and the second stage's, which
//! `classify::stage2` fills from the first stage's scores (a linear layer
//! or the gradient-boosted trees of [`trees`]). It is data, embedded in the
//! binary (`data/model.json`) and decoded once, or loaded from a file
//! written by `decruft train` ([`file`]: the format, its version and the
//! fingerprint of the inputs).

pub(crate) mod cascade;
pub(crate) mod costs;
pub(crate) mod file;
pub(crate) mod inputs;
pub(crate) mod trees;

use std::sync::{Arc, LazyLock};

use crate::model::cascade::Cascade;
use crate::model::costs::Costs;
use crate::model::inputs::{ngram_scale, Kind, DENSE, HASH_BITS, NAMES, STAGE2, STAGE2_NAMES};
use crate::model::trees::Forest;
use crate::util::math::dot;

/// A trained model (a linear first stage, a linear or tree second stage)
/// and the decoder costs tuned with it.
#[derive(Clone, Debug)]
pub(crate) struct Model {
    pub(crate) kind: Kind,
    pub(crate) bias: f32,
    pub(crate) dense: Vec<f32>,
    pub(crate) sparse: Vec<f32>,
    /// Second stage: bias and weights over [`STAGE2_NAMES`]. With trees,
    /// `bias2` is the offset added to the last forest's log-odds.
    pub(crate) bias2: f32,
    pub(crate) stage2: Vec<f32>,
    /// Second stage as gradient-boosted trees over the same inputs, in place
    /// of `stage2`'s weights; each forest after the first reads the
    /// document through the previous one's scores.
    pub(crate) forests: Vec<Forest>,
    pub(crate) costs: Costs,
    /// Which lines may skip the trees (see [`cascade`]); `None`: none.
    pub(crate) cascade: Option<Cascade>,
}

impl Model {
    /// An all-zero model of the given kind.
    pub(crate) fn zeros(kind: Kind) -> Model {
        Model {
            kind,
            bias: 0.0,
            dense: vec![0.0; DENSE],
            sparse: vec![0.0; 1 << HASH_BITS],
            bias2: 0.0,
            stage2: vec![0.0; STAGE2],
            forests: Vec::new(),
            costs: Costs::default(),
            cascade: None,
        }
    }

    /// The log-odds of a line from its inputs.
    #[inline]
    pub(crate) fn logit(&self, x: &[f32], crosses: &[u32], sparse: &[u32]) -> f32 {
        let mut s = self.bias + dot(&self.dense, x);
        for &b in crosses {
            s += self.sparse[b as usize];
        }
        s + self.ngrams(sparse)
    }

    /// The n-grams' contribution: the sum of their weights over the square
    /// root of their number, so that a long line's many n-grams cannot
    /// outvote its shape (the vector of n-grams has unit length).
    #[inline]
    pub(crate) fn ngrams(&self, sparse: &[u32]) -> f32 {
        if sparse.is_empty() {
            return 0.0;
        }
        let sum: f32 = sparse.iter().map(|&b| self.sparse[b as usize]).sum();
        sum * ngram_scale(sparse.len())
    }

    /// How many times the second stage runs (once per forest; once for a
    /// linear second stage).
    pub(crate) fn stages(&self) -> usize {
        self.forests.len().max(1)
    }

    /// The second-stage log-odds of many lines at once, at `stage` (see
    /// [`Model::stages`]), before [`Model::offset2`]: `out[r]` from row `r`
    /// of `xs` (rows of [`STAGE2`] inputs), to the bit what each row alone
    /// gives (the forest's [`Forest::eval`], or the linear layer).
    pub(crate) fn logit2_rows(&self, stage: usize, xs: &[f32], out: &mut [f32]) {
        match self.forests.get(stage) {
            Some(f) => f.eval_rows(xs, STAGE2, out),
            None => {
                for (o, x) in out.iter_mut().zip(xs.chunks_exact(STAGE2)) {
                    *o = self.bias2 + dot(&self.stage2, x);
                }
            }
        }
    }

    /// What is added to the last second-stage log-odds: the decision offset
    /// tuned with the trees (a linear stage holds it in its bias).
    #[inline]
    pub(crate) fn offset2(&self) -> f32 {
        if self.forests.is_empty() {
            0.0
        } else {
            self.bias2
        }
    }

    /// The inputs that weighed most for a line, over both stages:
    /// (input, contribution to its stage's log-odds).
    pub(crate) fn explain(
        &self,
        x: &[f32],
        crosses: &[u32],
        sparse: &[u32],
        stage2: Stage2<'_>,
        top: usize,
    ) -> Vec<(&'static str, f32)> {
        let contributions = |names: &'static [&'static str], w: &[f32], x: &[f32]| {
            names
                .iter()
                .zip(w.iter().zip(x))
                .map(|(n, (w, v))| (*n, w * v))
                .filter(|p| p.1 != 0.0)
                .collect::<Vec<_>>()
        };
        let mut parts = contributions(NAMES, &self.dense, x);
        match stage2 {
            // A line the cascade let skip the second stage: the score its
            // first-stage log-odds gave it instead.
            Stage2::Skipped(z) => parts.push(("cascade", z + self.offset2())),
            Stage2::Inputs(inputs) if self.forests.is_empty() => {
                parts.extend(contributions(STAGE2_NAMES, &self.stage2, inputs));
            }
            Stage2::Inputs(inputs) => {
                // Trees have no per-input weights: their whole say, and
                // the line's own first-stage score they started from.
                let z = self.forests.last().map_or(0.0, |f| f.eval(inputs)) + self.bias2;
                parts.push(("trees", z));
            }
        }
        let ngrams = self.ngrams(sparse);
        if ngrams != 0.0 {
            parts.push(("n-grams", ngrams));
        }
        let crossed: f32 = crosses.iter().map(|&b| self.sparse[b as usize]).sum();
        if crossed != 0.0 {
            parts.push(("crosses", crossed));
        }
        parts.sort_by(|a, b| b.1.abs().total_cmp(&a.1.abs()));
        parts.truncate(top);
        parts
    }
}

/// What the second stage made of a line, for [`Model::explain`].
#[derive(Clone, Copy, Debug)]
pub(crate) enum Stage2<'a> {
    /// It scored the line from these inputs.
    Inputs(&'a [f32]),
    /// The cascade let the line skip it with this score.
    Skipped(f32),
}

/// The embedded model file.
pub(in crate::model) const EMBEDDED: &str = include_str!("../../data/model.json");

/// The embedded default model. A build whose inputs no longer match the
/// embedded file (a developer changed features, rules, lexicons or
/// stoplists without retraining) gets an error from
/// [`StripperBuilder::build`](crate::StripperBuilder::build), not a silent
/// misclassification; the test `embedded_model_fingerprint_matches` catches
/// it first and says what to do.
pub(crate) static DEFAULT: LazyLock<Result<Arc<Model>, String>> = LazyLock::new(|| {
    Model::from_json(EMBEDDED)
        .map(Arc::new)
        .map_err(|e| format!("the embedded model does not fit this build ({e})"))
});

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_model_loads() {
        let m = DEFAULT
            .as_ref()
            .expect("retrain data/model.json with `decruft train`");
        assert_eq!(m.dense.len(), DENSE);
    }
}
