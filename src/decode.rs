//! Context decoding: from each line's own score to a consistent reading of
//! the whole document.
//!
//! Articles are contiguous. The decoder is a Viterbi pass over a four-state
//! chain, read over the non-blank lines:
//!
//! ```text
//!   Before ──enter──► Keep ◄──────► Gap ──┐
//!                      │                   │
//!                      └──────exit──────► After
//! ```
//!
//! `Keep` earns the line's score; `Before`, `Gap` and `After` drop the line.
//! `Gap` is a hole inside the article (a caption, an inline "read also") and
//! costs a little per line, so a fluent paragraph far below the article,
//! behind a comment form or a block of teasers, is not worth bridging to,
//! while a short line between two body paragraphs is kept because dropping
//! it would open a gap. Switching inside a block (no blank line between two
//! lines) costs extra, and carrying the article past an end-of-article
//! marker (a comment header, a newsletter box) costs that line's barrier.

/// A decoded line state.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum State {
    Before = 0,
    Keep = 1,
    Gap = 2,
    After = 3,
}

impl State {
    const ALL: [State; 4] = [State::Before, State::Keep, State::Gap, State::After];

    pub fn kept(self) -> bool {
        self == State::Keep
    }
}

/// Transition costs of the decoder (all ≥ 0, in log-odds units).
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub(crate) struct Costs {
    /// Starting the article.
    pub enter: f32,
    /// Ending the article.
    pub exit: f32,
    /// Opening a hole in the article.
    pub gap_open: f32,
    /// Each dropped line inside a hole.
    pub gap_line: f32,
    /// Switching between kept and dropped with no blank line in between.
    pub split: f32,
}

impl Default for Costs {
    fn default() -> Costs {
        Costs { enter: 0.5, exit: 0.5, gap_open: 1.0, gap_line: 0.6, split: 0.8 }
    }
}

/// One non-blank line as the decoder sees it.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Step {
    /// Log-odds that the line is content, from the line alone.
    pub logit: f32,
    /// Cost of continuing the article past this line.
    pub barrier: f32,
    /// Whether a blank line separates this line from the previous one.
    pub new_block: bool,
}

/// Reusable decoder memory.
#[derive(Default, Debug)]
pub(crate) struct Decoder {
    back: Vec<[u8; 4]>,
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
        let emit = |s: State, st: &Step| if s == State::Keep { st.logit } else { 0.0 };
        let mut score = [0.0, steps[0].logit - costs.enter, NEG, NEG];
        self.back.push([0; 4]);
        for i in 1..steps.len() {
            let (prev, st) = (&steps[i - 1], &steps[i]);
            let split = if st.new_block { 0.0 } else { costs.split };
            let mut next = [NEG; 4];
            let mut back = [0u8; 4];
            for to in State::ALL {
                for from in State::ALL {
                    let t = match (from, to) {
                        (State::Before, State::Before) | (State::After, State::After) => 0.0,
                        (State::Before, State::Keep) => costs.enter + split,
                        (State::Keep, State::Keep) => prev.barrier,
                        (State::Keep, State::Gap) => costs.gap_open + split + prev.barrier + costs.gap_line,
                        (State::Gap, State::Gap) => prev.barrier + costs.gap_line,
                        (State::Gap, State::Keep) => prev.barrier + split,
                        (State::Keep, State::After) => costs.exit + split,
                        (State::Gap, State::After) => costs.exit,
                        _ => continue,
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
        let mut state = [State::Keep, State::Before, State::After]
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

    fn run(logits: &[f32]) -> String {
        let steps: Vec<Step> =
            logits.iter().map(|&logit| Step { logit, barrier: 0.0, new_block: true }).collect();
        let mut out = Vec::new();
        Decoder::default().decode(&steps, &Costs::default(), &mut out);
        out.iter()
            .map(|s| match s {
                State::Before => 'b',
                State::Keep => 'K',
                State::Gap => 'g',
                State::After => 'a',
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
            (&[3.0, 3.0, -3.0, -3.0, -3.0, -3.0, -3.0, -3.0, 1.0], "KKaaaaaaa"),
        ];
        for (logits, want) in cases {
            assert_eq!(run(logits), *want, "logits {logits:?}");
        }
    }

    #[test]
    fn barrier_ends_the_article() {
        let mut steps: Vec<Step> =
            [3.0, 3.0, -1.0, 1.5].iter().map(|&logit| Step { logit, barrier: 0.0, new_block: true }).collect();
        let mut out = Vec::new();
        let mut dec = Decoder::default();
        dec.decode(&steps, &Costs::default(), &mut out);
        assert_eq!(out[3], State::Keep);
        steps[2].barrier = 4.0;
        dec.decode(&steps, &Costs::default(), &mut out);
        assert_eq!(out[3], State::After);
    }
}
