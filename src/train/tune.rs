//! Tuning the decoder: its transition costs and the decision offset, by
//! coordinate search on out-of-fold scores.

use crate::classify::decode::{Decoder, State, Step};
use crate::classify::rules;
use crate::model::costs::{Cost, Costs};
use crate::train::dataset::LineLabel;
use crate::train::vectors::DocVectors;

/// The tuning objective, in the benchmarks' manner: per document, the
/// precision and recall of kept lines over labelled lines (weighted by
/// characters); per dataset, their means and F1; overall, the mean F1 over
/// datasets, less a steep penalty for every dataset whose recall falls
/// below `min_recall` (losing article text is the worst failure).
pub(super) fn objective(
    docs: &[(&DocVectors, Vec<f32>)],
    combined: bool,
    costs: &Costs,
    offset: f32,
    min_recall: f64,
) -> f64 {
    let sets = docs
        .iter()
        .map(|(d, _)| d.set as usize + 1)
        .max()
        .unwrap_or(0);
    // Per set: sum of precisions, documents with a precision, sum of
    // recalls, documents with a recall.
    let mut acc = vec![[0.0f64; 4]; sets];
    let mut decoder = Decoder::default();
    let mut steps = Vec::new();
    let mut states = Vec::new();
    for (doc, logits) in docs {
        steps.clear();
        for (r, z) in logits.iter().enumerate() {
            // As at inference: the offset shifts the model's score, then the
            // heuristics may veto it.
            let z = if combined {
                rules::veto(doc.vetoed[r], z + offset)
            } else {
                z + offset
            };
            let barrier = if combined { doc.barrier[r] } else { 0.0 };
            steps.push(Step {
                logit: z,
                barrier,
                new_block: doc.new_block[r],
            });
        }
        decoder.decode(&steps, costs, &mut states);
        let (mut tp, mut fp, mut fn_) = (0.0f64, 0.0f64, 0.0f64);
        for (r, state) in states.iter().enumerate() {
            let Some(label) = doc.labels[r] else { continue };
            let w = doc.chars[r] as f64;
            match (*state == State::Keep, label) {
                (true, LineLabel::Keep) => tp += w,
                (true, LineLabel::Drop) => fp += w,
                (false, LineLabel::Keep) => fn_ += w,
                _ => {}
            }
        }
        let a = &mut acc[doc.set as usize];
        if tp + fp > 0.0 {
            a[0] += tp / (tp + fp);
            a[1] += 1.0;
        }
        if tp + fn_ > 0.0 {
            a[2] += tp / (tp + fn_);
            a[3] += 1.0;
        }
    }
    let mut score = 0.0;
    let mut n = 0.0;
    for a in acc.iter().filter(|a| a[3] > 0.0) {
        let p = if a[1] > 0.0 { a[0] / a[1] } else { 0.0 };
        let r = a[2] / a[3];
        let f1 = if p + r > 0.0 {
            2.0 * p * r / (p + r)
        } else {
            0.0
        };
        score += f1 - 4.0 * (min_recall - r).max(0.0);
        n += 1.0;
    }
    if n > 0.0 {
        score / n
    } else {
        0.0
    }
}

/// A parameter the tuner searches: one of the decoder's costs, or the
/// decision offset added to every line's log-odds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Param {
    Cost(Cost),
    Offset,
}

/// The parameters in the order the search visits them: the costs, then
/// the offset.
const PARAMS: [Param; 8] = [
    Param::Cost(Cost::Enter),
    Param::Cost(Cost::Exit),
    Param::Cost(Cost::Reenter),
    Param::Cost(Cost::Closed),
    Param::Cost(Cost::GapOpen),
    Param::Cost(Cost::GapLine),
    Param::Cost(Cost::Split),
    Param::Offset,
];

/// The lowest value the tuner gives a cost. Coming back to the article
/// costs at least 1, and at least 2 more past an end-of-article marker:
/// they keep the decoder's prior that an article is one block and ends at
/// such a marker, which the dev data alone would let the tuner trade away
/// for a sliver of F1 (a donation appeal after the article scored like
/// prose is still a donation appeal).
fn floor(c: Cost) -> f32 {
    match c {
        Cost::Reenter => 1.0,
        Cost::Closed => 2.0,
        _ => 0.0,
    }
}

/// The steps tried from a cost's current value: factors (then at least
/// 0.05 and the cost's [`floor`]).
const COST_FACTORS: [f32; 5] = [0.0, 0.5, 0.75, 1.33, 2.0];
/// The steps tried from the offset's current value: shifts in log-odds.
const OFFSET_SHIFTS: [f32; 8] = [-1.0, -0.5, -0.25, -0.1, 0.1, 0.25, 0.5, 1.0];

/// Coordinate search over the decoder costs and the decision offset:
/// three rounds over [`PARAMS`], each parameter set in turn to the best of
/// its candidate values (the others held), starting from the heuristics'
/// costs and no offset.
pub(super) fn tune(
    docs: &[(&DocVectors, Vec<f32>)],
    barriers: bool,
    min_recall: f64,
) -> (Costs, f32) {
    let mut costs = Costs::default();
    let mut offset = 0.0f32;
    let mut best = objective(docs, barriers, &costs, offset, min_recall);
    for _round in 0..3 {
        for param in PARAMS {
            let candidates: Vec<f32> = match param {
                Param::Offset => OFFSET_SHIFTS.iter().map(|d| offset + d).collect(),
                Param::Cost(c) => {
                    let current = costs.get(c);
                    COST_FACTORS
                        .iter()
                        .map(|f| (current * f).max(0.05).max(floor(c)))
                        .collect()
                }
            };
            for v in candidates {
                let (mut c, mut o) = (costs, offset);
                match param {
                    Param::Offset => o = v,
                    Param::Cost(cost) => *cost_mut(&mut c, cost) = v,
                }
                let score = objective(docs, barriers, &c, o, min_recall);
                if score > best + 1e-6 {
                    best = score;
                    costs = c;
                    offset = o;
                }
            }
        }
    }
    (costs, offset)
}

/// Cost `c` of `costs`, to set.
fn cost_mut(costs: &mut Costs, c: Cost) -> &mut f32 {
    match c {
        Cost::Enter => &mut costs.enter,
        Cost::Exit => &mut costs.exit,
        Cost::Reenter => &mut costs.reenter,
        Cost::Closed => &mut costs.closed,
        Cost::GapOpen => &mut costs.gap_open,
        Cost::GapLine => &mut costs.gap_line,
        Cost::Split => &mut costs.split,
    }
}
