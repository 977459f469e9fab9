//! The decoder's transition costs: part of a model, tuned with its
//! weights (the decoder itself is `classify::decode`).

/// Transition costs of the decoder (all ≥ 0, in log-odds units).
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub(crate) struct Costs {
    /// Starting the article.
    pub enter: f32,
    /// Leaving the article.
    pub exit: f32,
    /// Coming back to the article after leaving it.
    pub reenter: f32,
    /// Extra cost of coming back after an end-of-article marker.
    pub closed: f32,
    /// Opening a hole in the article.
    pub gap_open: f32,
    /// Each dropped line inside a hole.
    pub gap_line: f32,
    /// Switching between kept and dropped with no blank line in between.
    pub split: f32,
}

/// The heuristics' costs. They were fitted once, by the same coordinate
/// search `decruft train` runs for a model (F1 of kept lines over the dev
/// data's labelled lines), on the hand-written scores: seven numbers, not
/// weights of a model, and rounded.
impl Default for Costs {
    fn default() -> Costs {
        Costs {
            enter: 0.5,
            exit: 0.0,
            reenter: 4.0,
            closed: 10.6,
            gap_open: 1.33,
            gap_line: 0.6,
            split: 1.06,
        }
    }
}
