//! The cascade: the second stage only where it can change a decision.
//!
//! Most lines of a page are plainly boilerplate or plainly article to the
//! first stage, and so are their neighbours: the second stage's trees, which
//! read a line through its own and its neighbours' first-stage scores,
//! almost never turn such a line over. A line whose first-stage log-odds,
//! and those of the [`Cascade::window`] non-blank lines either side, are all
//! of one sign and at least [`Cascade::margin`] from the boundary skips the
//! trees and takes a score derived from its own first-stage log-odds (a
//! line per side, fitted to what the trees give such lines); every other
//! line is scored by the trees as before.
//!
//! The margin is part of a model: training tunes it on out-of-fold scores
//! (`train/cascade.rs`: the cascade that skips the most lines at no cost to
//! the tuning objective) and fits the derived scores there; a model file without a
//! cascade runs the trees on every line.

use serde::{Deserialize, Serialize};

use crate::error::Error;

/// When the second stage may be skipped, and what a skipped line scores.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub(crate) struct Cascade {
    /// The least distance from 0 of the first-stage log-odds of a line and
    /// of its neighbours in the window for the line to skip the trees.
    pub(crate) margin: f32,
    /// Non-blank lines either side that must be as sure as the line.
    pub(crate) window: u32,
    /// The score of a skipped line above the boundary: `a·z + b` for
    /// first-stage log-odds `z` (in place of the last forest's log-odds).
    pub(crate) above: [f32; 2],
    /// The same below the boundary.
    pub(crate) below: [f32; 2],
}

/// The widest window a model file may ask for.
const MAX_WINDOW: u32 = 16;

impl Cascade {
    /// Checks a cascade read from a model file.
    pub(crate) fn check(&self) -> Result<(), Error> {
        let finite = |v: &[f32]| v.iter().all(|x| x.is_finite() && x.abs() <= 1000.0);
        if !finite(&[self.margin]) || self.margin < 0.0 {
            return Err(Error::model("the cascade's margin must be finite and ≥ 0"));
        }
        if self.window > MAX_WINDOW || !finite(&self.above) || !finite(&self.below) {
            return Err(Error::model(format!(
                "the cascade's window must be at most {MAX_WINDOW} and its scores finite"
            )));
        }
        Ok(())
    }

    /// Marks in `skip` (one per row) the rows whose first-stage log-odds
    /// `z` (one per non-blank line, in order) let them skip the trees;
    /// returns how many do.
    pub(crate) fn skips(&self, z: &[f32], skip: &mut Vec<bool>) -> usize {
        let n = z.len();
        skip.clear();
        skip.resize(n, false);
        let w = self.window as usize;
        // Runs of rows that are sure and of one sign: a row skips when its
        // run reaches `w` rows past it on both sides (or the page's edge).
        let sure = |r: usize| z[r].abs() >= self.margin && z[r] != 0.0;
        let mut count = 0;
        let mut r = 0;
        while r < n {
            if !sure(r) {
                r += 1;
                continue;
            }
            let start = r;
            let above = z[r] > 0.0;
            while r < n && sure(r) && (z[r] > 0.0) == above {
                r += 1;
            }
            // Rows start..r are one run.
            let lo = if start == 0 { 0 } else { start + w };
            let hi = if r == n { n } else { r.saturating_sub(w) };
            for s in skip.iter_mut().take(hi).skip(lo) {
                *s = true;
                count += 1;
            }
        }
        count
    }

    /// The score of a skipped row from its first-stage log-odds `z`.
    #[inline]
    pub(crate) fn score(&self, z: f32) -> f32 {
        let [a, b] = if z > 0.0 { self.above } else { self.below };
        a * z + b
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cascade(margin: f32, window: u32) -> Cascade {
        Cascade {
            margin,
            window,
            above: [1.0, 1.0],
            below: [1.0, -1.0],
        }
    }

    /// The rule as the docs say it, row by row.
    fn naive(c: &Cascade, z: &[f32]) -> Vec<bool> {
        let n = z.len() as isize;
        (0..n)
            .map(|r| {
                let w = c.window as isize;
                let sign = z[r as usize] > 0.0;
                ((r - w).max(0)..(r + w + 1).min(n)).all(|q| {
                    let v = z[q as usize];
                    v != 0.0 && v.abs() >= c.margin && (v > 0.0) == sign
                })
            })
            .collect()
    }

    #[test]
    fn skips_what_the_rule_says() {
        let mut seed = 0x9E37_79B9_7F4A_7C15u64;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed >> 11) as f32 / (1u64 << 53) as f32
        };
        let mut skip = Vec::new();
        for case in 0..2000 {
            let n = case % 23;
            let z: Vec<f32> = (0..n)
                .map(|_| (next() * 16.0 - 8.0).round() / 2.0)
                .collect();
            let c = cascade((case % 5) as f32, (case % 4) as u32);
            let count = c.skips(&z, &mut skip);
            let want = naive(&c, &z);
            assert_eq!(skip, want, "{z:?} {c:?}");
            assert_eq!(count, want.iter().filter(|&&s| s).count());
        }
    }

    #[test]
    fn scores_by_side() {
        let c = cascade(2.0, 1);
        assert_eq!(c.score(3.0), 4.0);
        assert_eq!(c.score(-3.0), -4.0);
    }
}
