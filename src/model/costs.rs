//! The decoder's transition costs: part of a model, tuned with its
//! weights (the decoder itself is `classify::decode`).

/// Transition costs of the decoder (all ≥ 0, in log-odds units).
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub(crate) struct Costs {
    /// Starting the article.
    pub(crate) enter: f32,
    /// Leaving the article.
    pub(crate) exit: f32,
    /// Coming back to the article after leaving it.
    pub(crate) reenter: f32,
    /// Extra cost of coming back after an end-of-article marker.
    pub(crate) closed: f32,
    /// Opening a hole in the article.
    pub(crate) gap_open: f32,
    /// Each dropped line inside a hole.
    pub(crate) gap_line: f32,
    /// Switching between kept and dropped with no blank line in between.
    pub(crate) split: f32,
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

/// One of the [`Costs`], by name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Cost {
    Enter,
    Exit,
    Reenter,
    Closed,
    GapOpen,
    GapLine,
    Split,
}

impl Cost {
    /// Every cost, in the order of the fields (and of the tuner's search).
    pub(crate) const ALL: [Cost; 7] = [
        Cost::Enter,
        Cost::Exit,
        Cost::Reenter,
        Cost::Closed,
        Cost::GapOpen,
        Cost::GapLine,
        Cost::Split,
    ];
}

impl Costs {
    /// The value of cost `c`.
    pub(crate) fn get(&self, c: Cost) -> f32 {
        match c {
            Cost::Enter => self.enter,
            Cost::Exit => self.exit,
            Cost::Reenter => self.reenter,
            Cost::Closed => self.closed,
            Cost::GapOpen => self.gap_open,
            Cost::GapLine => self.gap_line,
            Cost::Split => self.split,
        }
    }
}
