//! Stage 6 of the pipeline, context decoding: from each line's own score to a consistent reading of
//! the whole document.
//!
//! Articles are contiguous. The decoder is a Viterbi pass over a five-state
//! chain, read over the non-blank lines:
//!
//! ```text
//!   Before ─enter─► Keep ◄─────► Gap
//!                   │  ▲
//!              exit │  │ reenter
//!                   ▼  │
//!                   After ──(end-of-article marker)──► Closed ─(reenter + closed)─► Keep
//! ```
//!
//! `Keep` earns the line's score; every other state drops the line. `Gap`
//! is a hole inside the article (a caption, an inline "read also") and costs
//! a little per line, so a short line between two body paragraphs is kept
//! (dropping it would open a hole) and a run of boilerplate inside the article
//! is dropped. Leaving the article and coming back costs `exit + reenter`, so
//! only a line that is strongly content on its own is kept far from the rest.
//! Once the article has passed an end-of-article marker (a comment header, a
//! newsletter box), coming back costs `closed` more: fluent comments and
//! teasers below such a marker stay dropped. Switching inside a block (no
//! blank line between two lines) costs `split` extra.

use crate::model::costs::Costs;

/// A decoded line state.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum State {
    Before = 0,
    Keep = 1,
    Gap = 2,
    After = 3,
    Closed = 4,
}

impl State {
    const ALL: [State; 5] = [
        State::Before,
        State::Keep,
        State::Gap,
        State::After,
        State::Closed,
    ];

    pub(crate) fn kept(self) -> bool {
        self == State::Keep
    }
}

/// One non-blank line as the decoder sees it.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Step {
    /// Log-odds that the line is content, from the line alone.
    pub(crate) logit: f32,
    /// Cost of continuing the article past this line.
    pub(crate) barrier: f32,
    /// Whether a blank line separates this line from the previous one.
    pub(crate) new_block: bool,
}

/// What a line earns in a state: its log-odds if kept, nothing otherwise.
#[inline]
fn emit(state: State, step: &Step) -> f32 {
    if state == State::Keep {
        step.logit
    } else {
        0.0
    }
}

/// The states a document may end in.
const ENDS: [State; 4] = [State::Keep, State::Before, State::After, State::Closed];

/// The cost of going from state `from` at step `prev` to state `to` at the
/// next step `st`, or `None` if the chain does not allow it.
#[inline]
fn transition(costs: &Costs, prev: &Step, st: &Step, from: State, to: State) -> Option<f32> {
    use State::*;
    let split = if st.new_block { 0.0 } else { costs.split };
    // Past an end-of-article marker, "after the article" means closed.
    let marker = prev.barrier > 0.0;
    Some(match (from, to) {
        (Before, Before) | (Closed, Closed) => 0.0,
        (After, After) if !marker => 0.0,
        (After, Closed) if marker => 0.0,
        (Before, Keep) => costs.enter + split,
        (Keep, Keep) => prev.barrier,
        (Keep, Gap) => costs.gap_open + split + prev.barrier + costs.gap_line,
        (Gap, Gap) => prev.barrier + costs.gap_line,
        (Gap, Keep) => prev.barrier + split,
        (Keep, After) if !marker => costs.exit + split,
        (Keep, Closed) if marker => costs.exit + split,
        (Gap, After) if !marker => costs.exit,
        (Gap, Closed) if marker => costs.exit,
        (After, Keep) if !marker => costs.reenter + split,
        (After, Keep) => costs.reenter + costs.closed + split,
        (Closed, Keep) => costs.reenter + costs.closed + split,
        _ => return None,
    })
}

/// Reusable decoder memory.
#[derive(Default, Debug)]
pub(crate) struct Decoder {
    back: Vec<[u8; 5]>,
}

impl Decoder {
    /// Decodes `steps` into `out` (one state per step).
    pub(crate) fn decode(&mut self, steps: &[Step], costs: &Costs, out: &mut Vec<State>) {
        out.clear();
        if steps.is_empty() {
            return;
        }
        self.back.clear();
        self.back.reserve(steps.len());
        const NEG: f32 = f32::NEG_INFINITY;
        let mut score = [0.0, steps[0].logit - costs.enter, NEG, NEG, NEG];
        self.back.push([0; 5]);
        for i in 1..steps.len() {
            let (prev, st) = (&steps[i - 1], &steps[i]);
            let mut next = [NEG; 5];
            let mut back = [0u8; 5];
            for to in State::ALL {
                for from in State::ALL {
                    let Some(t) = transition(costs, prev, st, from, to) else {
                        continue;
                    };
                    let s = score[from as usize] - t;
                    if s > next[to as usize] {
                        next[to as usize] = s;
                        back[to as usize] = from as u8;
                    }
                }
                next[to as usize] += emit(to, st);
            }
            score = next;
            self.back.push(back);
        }
        // A document may end in Keep (the article runs to the end), Before
        // (no article at all) or After; ending inside a hole is not allowed.
        let mut state = ENDS
            .into_iter()
            .max_by(|a, b| score[*a as usize].total_cmp(&score[*b as usize]))
            .unwrap_or(State::Before);
        out.resize(steps.len(), State::Before);
        for i in (0..steps.len()).rev() {
            out[i] = state;
            state = State::ALL[self.back[i][state as usize] as usize];
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Fixed costs, so the tests do not move when the defaults are retuned.
    const COSTS: Costs = Costs {
        enter: 0.5,
        exit: 0.5,
        reenter: 2.0,
        closed: 3.0,
        gap_open: 1.0,
        gap_line: 0.6,
        split: 0.8,
    };

    /// One step per logit, each a block of its own, no barriers.
    fn steps(logits: &[f32]) -> Vec<Step> {
        logits
            .iter()
            .map(|&logit| Step {
                logit,
                barrier: 0.0,
                new_block: true,
            })
            .collect()
    }

    fn run(logits: &[f32]) -> String {
        let mut out = Vec::new();
        Decoder::default().decode(&steps(logits), &COSTS, &mut out);
        out.iter()
            .map(|s| match s {
                State::Before => 'b',
                State::Keep => 'K',
                State::Gap => 'g',
                State::After => 'a',
                State::Closed => 'c',
            })
            .collect()
    }

    #[test]
    fn table() {
        let cases: &[(&[f32], &str)] = &[
            (&[], ""),
            (&[-2.0, -2.0], "bb"),
            (&[3.0], "K"),
            (&[-2.0, 3.0, 3.0, -2.0], "bKKa"),
            // a short line between body paragraphs is kept
            (&[-2.0, 3.0, -0.5, 3.0, -2.0], "bKKKa"),
            // a strong boilerplate line inside the article becomes a hole
            (&[3.0, -5.0, 3.0], "KgK"),
            // a fluent line far below the article is not bridged to
            (
                &[3.0, 3.0, -3.0, -3.0, -3.0, -3.0, -3.0, -3.0, 1.0],
                "KKaaaaaaa",
            ),
            // but a line that is strongly content on its own is
            (
                &[3.0, 3.0, -3.0, -3.0, -3.0, -3.0, -3.0, -3.0, 4.0],
                "KKaaaaaaK",
            ),
        ];
        for (logits, want) in cases {
            assert_eq!(run(logits), *want, "logits {logits:?}");
        }
    }

    /// The score of a whole path of states, or `None` if the chain does not
    /// allow it: the naive reading of the decoder's model.
    fn path_score(steps: &[Step], costs: &Costs, path: &[State]) -> Option<f32> {
        let mut score = match path.first()? {
            State::Before => 0.0,
            State::Keep => steps[0].logit - costs.enter,
            _ => return None,
        };
        for i in 1..steps.len() {
            let t = transition(costs, &steps[i - 1], &steps[i], path[i - 1], path[i])?;
            score = score - t + emit(path[i], &steps[i]);
        }
        ENDS.contains(path.last()?).then_some(score)
    }

    /// The decoder against every path of the chain, for documents of up to
    /// seven lines with random scores, barriers, blocks and costs: it finds
    /// a path the chain allows, and none scores higher.
    #[test]
    fn viterbi_finds_the_best_of_all_paths() {
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed >> 11) as f32 / (1u64 << 53) as f32
        };
        let mut decoder = Decoder::default();
        let mut out = Vec::new();
        for n in 1..=7usize {
            let cases = if n <= 5 { 300 } else { 25 };
            for case in 0..cases {
                let costs = if case % 3 == 0 {
                    Costs::default()
                } else {
                    let mut c = || next() * 4.0;
                    Costs {
                        enter: c(),
                        exit: c(),
                        reenter: c(),
                        closed: c(),
                        gap_open: c(),
                        gap_line: c(),
                        split: c(),
                    }
                };
                let steps: Vec<Step> = (0..n)
                    .map(|_| Step {
                        logit: next() * 12.0 - 6.0,
                        barrier: if next() < 0.25 { next() * 5.0 } else { 0.0 },
                        new_block: next() < 0.6,
                    })
                    .collect();
                decoder.decode(&steps, &costs, &mut out);
                let got = path_score(&steps, &costs, &out)
                    .unwrap_or_else(|| panic!("the decoder's path {out:?} is not allowed"));
                let mut best = f32::NEG_INFINITY;
                let mut path = vec![State::Before; n];
                for code in 0..5usize.pow(n as u32) {
                    let mut c = code;
                    for s in path.iter_mut() {
                        *s = State::ALL[c % 5];
                        c /= 5;
                    }
                    if let Some(score) = path_score(&steps, &costs, &path) {
                        best = best.max(score);
                    }
                }
                assert!(
                    (got - best).abs() <= 1e-4 * best.abs().max(1.0),
                    "decoder {got} ({out:?}), best path {best}: {steps:?} {costs:?}"
                );
            }
        }
    }

    #[test]
    fn barrier_ends_the_article() {
        let mut steps = steps(&[3.0, 3.0, -1.0, 2.5]);
        let mut out = Vec::new();
        let mut dec = Decoder::default();
        dec.decode(&steps, &COSTS, &mut out);
        assert_eq!(out[3], State::Keep);
        steps[2].barrier = 4.0;
        dec.decode(&steps, &COSTS, &mut out);
        assert_eq!(out[3], State::Closed);
    }
}
