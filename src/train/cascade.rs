//! Fitting the cascade (`model/cascade.rs`): which lines may skip the
//! trees, and the score they take instead.
//!
//! On the training documents' out-of-fold scores (the first stage's, and
//! the last forest's from two halves by site), for each candidate window
//! and margin: the score of a skipped line is fitted to what the trees gave
//! the lines that would skip (least squares, one line per side of the
//! boundary), those lines take it, and the decoder, with the costs and
//! offset tuned for the trees, scores the result with the tuning objective.
//! The cascade kept is the one that skips the most lines at no cost to the
//! objective (within [`TOLERANCE`]); none if every candidate costs.

use crate::model::cascade::Cascade;
use crate::model::costs::Costs;
use crate::train::tune::objective;
use crate::train::vectors::DocVectors;

/// Margins tried, in first-stage log-odds.
const MARGINS: [f32; 8] = [1.5, 2.0, 2.5, 3.0, 3.5, 4.0, 5.0, 6.0];
/// Windows tried: non-blank lines either side that must be as sure.
const WINDOWS: [u32; 3] = [0, 1, 2];
/// The fewest lines on each side of the boundary a cascade's scores are
/// fitted on: with fewer, no cascade.
const MIN_ROWS: f64 = 1000.0;
/// How much of the objective (a mean F1 over datasets) a cascade may cost
/// and still count as free: less than the objective moves between seeds.
pub(super) const TOLERANCE: f64 = 2e-4;

/// What [`fit`] chose, and what it measured.
#[derive(Clone, Debug)]
pub(crate) struct CascadeFit {
    pub(crate) cascade: Option<Cascade>,
    /// The share of the training documents' non-blank lines it skips.
    pub(crate) skipped: f64,
    /// The objective without and with it.
    pub(crate) objective: (f64, f64),
}

/// Fits the cascade on out-of-fold scores: `first[d]` the first stage's and
/// `last[d]` the last forest's log-odds of document `d`'s rows (before the
/// offset), the decoder's `costs` and `offset` tuned for the trees.
#[allow(clippy::too_many_arguments)]
pub(super) fn fit(
    docs: &[&DocVectors],
    first: &[Vec<f32>],
    last: &[Vec<f32>],
    costs: &Costs,
    offset: f32,
    combined: bool,
    min_recall: f64,
    progress: &mut dyn FnMut(&str),
) -> CascadeFit {
    let pairs: Vec<(&DocVectors, Vec<f32>)> = docs.iter().copied().zip(last.to_vec()).collect();
    let base = objective(&pairs, combined, costs, offset, min_recall);
    let rows: usize = first.iter().map(Vec::len).sum();
    let mut best = CascadeFit {
        cascade: None,
        skipped: 0.0,
        objective: (base, base),
    };
    let mut skip = Vec::new();
    let mut masks: Vec<Vec<bool>> = vec![Vec::new(); docs.len()];
    for window in WINDOWS {
        for margin in MARGINS {
            let mut c = Cascade {
                margin,
                window,
                above: [1.0, 0.0],
                below: [1.0, 0.0],
            };
            // Least squares of the trees' score on the first stage's, per
            // side, over the rows that skip.
            let mut sums = [[0.0f64; 5]; 2];
            let mut count = 0;
            for (d, z) in first.iter().enumerate() {
                count += c.skips(z, &mut skip);
                for (r, _) in skip.iter().enumerate().filter(|(_, &s)| s) {
                    let (x, y) = (z[r] as f64, last[d][r] as f64);
                    let s = &mut sums[(x > 0.0) as usize];
                    s[0] += 1.0;
                    s[1] += x;
                    s[2] += y;
                    s[3] += x * x;
                    s[4] += x * y;
                }
                masks[d].clone_from(&skip);
            }
            if sums.iter().any(|s| s[0] < MIN_ROWS) {
                continue;
            }
            for (side, s) in sums.iter().enumerate() {
                let var = s[0] * s[3] - s[1] * s[1];
                let line = if var > 1e-9 {
                    let a = (s[0] * s[4] - s[1] * s[2]) / var;
                    [a as f32, ((s[2] - a * s[1]) / s[0]) as f32]
                } else {
                    [0.0, (s[2] / s[0]) as f32]
                };
                if side == 1 {
                    c.above = line;
                } else {
                    c.below = line;
                }
            }
            if c.check().is_err() {
                continue;
            }
            let swapped: Vec<(&DocVectors, Vec<f32>)> = docs
                .iter()
                .enumerate()
                .map(|(d, doc)| {
                    let z = last[d]
                        .iter()
                        .zip(&first[d])
                        .zip(&masks[d])
                        .map(|((&t, &f), &s)| if s { c.score(f) } else { t })
                        .collect();
                    (*doc, z)
                })
                .collect();
            let score = objective(&swapped, combined, costs, offset, min_recall);
            let share = count as f64 / rows.max(1) as f64;
            progress(&format!(
                "cascade: window {window}, margin {margin}: {:.1}% of lines skip, objective \
                 {base:.5} -> {score:.5}",
                100.0 * share
            ));
            if score >= base - TOLERANCE && share > best.skipped {
                best = CascadeFit {
                    cascade: Some(c),
                    skipped: share,
                    objective: (base, score),
                };
            }
        }
    }
    best
}
