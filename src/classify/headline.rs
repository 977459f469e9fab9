//! Stage 7 of the pipeline, with `verdict.rs`: the article's head, after decoding: the title and the standfirst.
//!
//! [`pick`] chooses the headline among the headline-shaped lines above the
//! article's first paragraph (looking past bylines, dates, share rows and
//! a standfirst), helped by the head evidence gathered before the model
//! (`evidence.rs`), and the standfirst between the headline and the body.

use crate::classify::decode::State;
use crate::classify::evidence::{Evidence, PAGE_TITLE, SLUG_MATCH, TITLE_MATCH};
use crate::classify::features::{DocFeatures, Ending, LineFeatures};
use crate::classify::kinds::{self, fluent, long_prose};
use crate::classify::rules::{Cause, Emission};
use crate::label::Label;

/// The head chosen after decoding: the title line and the standfirst lines.
#[derive(Debug, Default, Clone, PartialEq)]
pub(super) struct Head {
    pub(crate) title: Option<usize>,
    pub(crate) standfirst: Vec<usize>,
    /// The article right below the title when decoding kept none of it: a
    /// short article under its headline is not given up for a longer
    /// sidebar.
    pub(crate) lead: Vec<usize>,
    /// Lines decoding kept above the title that are not prose (a menu, a
    /// breadcrumb, a kicker): not the article.
    pub(crate) above: Vec<usize>,
}

/// Whether a line is shaped like a headline: a few words, no list bullet or
/// URL, little boilerplate vocabulary, not a date or byline, and no final
/// full stop (a question or exclamation may end one).
pub(super) fn headline_shaped(f: &LineFeatures, text: &str) -> bool {
    // Chinese and Japanese count a word per character: a headline of
    // 30 characters is no longer than one of eight words.
    let unspaced = f.words * 2 > f.chars;
    let shaped = if unspaced {
        (4..=60).contains(&f.words)
            && f.chars <= 80
            && !f.bullet
            && !f.url
            && matches!(f.ending, Ending::Other | Ending::Sentence)
            && f.lex_total_share() < 0.3
            && !kinds::metadata_shaped(f)
    } else {
        kinds::heading_like(f) && f.words <= 25
    };
    if !shaped || f.repeats > 2 {
        return false;
    }
    // A breadcrumb ("Home > News > Headline") is not a headline, though it
    // may end with one.
    if breadcrumb(f, text) {
        return false;
    }
    let content = &text[f.trim_start as usize..f.trim_end as usize];
    match f.ending {
        Ending::Sentence => {
            let content = content.trim_end_matches(['"', '\'', '”', '»', '’', ')']);
            content.ends_with('?') || content.ends_with('!')
        }
        _ => true,
    }
}

/// Whether a line is a breadcrumb: items joined by two or more separators
/// ("Home > News > Politics").
fn breadcrumb(f: &LineFeatures, text: &str) -> bool {
    let content = &text[f.trim_start as usize..f.trim_end as usize];
    [" > ", " › ", " » ", " / ", " | ", " :: ", " → "]
        .iter()
        .map(|sep| content.matches(sep).count())
        .sum::<usize>()
        >= 2
}

/// Lines that may sit between a headline and its article: bylines, dates,
/// reading times, share rows, ads, photo credits, short lines.
fn skippable(f: &LineFeatures, e: &Emission) -> bool {
    f.words <= 3
        || f.date
        || f.byline
        || f.reading_time
        || f.credit
        || matches!(
            e.cause,
            Cause::Short
                | Cause::Shape(Label::Metadata | Label::Share | Label::Ad, _)
                | Cause::Phrase(
                    Label::Metadata | Label::Share | Label::Ad | Label::Navigation,
                    _
                )
        )
}

/// Whether line `i` sits in a menu: a block of short lines.
fn in_menu(lines: &[LineFeatures], i: usize) -> bool {
    let short = |j: usize| !lines[j].blank && lines[j].words <= 4;
    let mut n = 0;
    let mut j = i;
    while j > 0 && short(j - 1) && n < 3 {
        j -= 1;
        n += 1;
    }
    let mut j = i + 1;
    while j < lines.len() && short(j) && n < 3 {
        j += 1;
        n += 1;
    }
    n >= 3
}

/// Picks the title and standfirst of a document whose lines were decoded
/// (`states[i]`: line `i`'s decoded state; `first`: the article's first
/// line, if any).
pub(super) fn pick(
    text: &str,
    doc: &DocFeatures,
    emissions: &[Emission],
    logits: &[f32],
    evidence: &Evidence,
    states: &[State],
    first: Option<usize>,
) -> Head {
    let lines = &doc.lines;
    let know = doc.knows_language();
    // With nothing kept, the head is looked for above the line the model
    // likes best.
    let Some(first) = first.or_else(|| {
        (0..lines.len())
            .filter(|&i| !lines[i].blank)
            .max_by(|&a, &b| logits[a].total_cmp(&logits[b]).then(b.cmp(&a)))
    }) else {
        return Head::default();
    };
    // Candidates: the article's first line, and headline-shaped lines above
    // it; every line passed on the way up costs, metadata and short lines
    // little, prose more.
    let mut best: Option<(f32, usize)> = None;
    let mut consider = |i: usize, cost: f32| {
        let f = &lines[i];
        let flags = evidence.flags.get(i).copied().unwrap_or(0);
        if flags & PAGE_TITLE != 0 || !headline_shaped(f, text) {
            return;
        }
        // A piece of a long line is headline-shaped whenever it is a run of
        // capitalised menu words: only the page's title or the URL's slug
        // names one the headline.
        if (f.cont || f.continued) && flags & (TITLE_MATCH | SLUG_MATCH) == 0 {
            return;
        }
        // The model's own reading of the line (it sees the head evidence
        // and the line's surroundings) counts, bounded.
        let mut score = 1.0 - cost + 0.4 * logits[i].clamp(-2.0, 3.0);
        if flags & TITLE_MATCH != 0 {
            score += 3.0;
        }
        if flags & SLUG_MATCH != 0 {
            score += 2.0;
        }
        if f.words >= 4 && (f.words * 2 <= f.chars || f.words >= 8) {
            score += 0.5;
        }
        if in_menu(lines, i) {
            score -= 1.5;
        }
        // A subtitle, caption or deck right below a headline: the headline
        // is the upper line (a kicker above a headline has few words).
        let next = (i + 1..lines.len()).find(|&j| !lines[j].blank);
        if let Some(j) = next {
            let g = &lines[j];
            if f.words >= 4 && (headline_shaped(g, text) || fluent(g, know)) && g.words <= 30 {
                score += 0.4;
            }
        }
        // A byline or a date right below: the usual head of an article. It
        // belongs to the nearest headline above it, not to a line above that
        // headline (a deck, fluent, may sit between).
        let below = (i + 1..lines.len())
            .filter(|&j| !lines[j].blank)
            .take(3)
            .take_while(|&j| !headline_shaped(&lines[j], text) || fluent(&lines[j], know))
            .any(|j| lines[j].date || lines[j].byline || lines[j].time);
        if below {
            score += 0.5;
        }
        // In a script with case, a headline starts with a capital (or a
        // digit, a quote): CSS may show it otherwise, the text keeps it.
        let content = &text[f.trim_start as usize..f.trim_end as usize];
        if content.chars().next().is_some_and(char::is_lowercase) {
            score -= 0.5;
        }
        if emissions[i].logit < -3.0 {
            score -= 1.0;
        }
        if best.is_none_or(|(s, _)| score > s) {
            best = Some((score, i));
        }
    };

    // The article's first lines themselves, up to its first paragraph of
    // prose: decoding may have kept a menu or a kicker above the headline.
    let mut k = 0;
    for (j, f) in lines.iter().enumerate().skip(first) {
        if f.blank {
            continue;
        }
        consider(j, 0.3 + 0.1 * k as f32);
        k += 1;
        if k >= 8 || (fluent(f, know) && f.words >= 15) || long_prose(f, know) {
            break;
        }
    }
    let mut cost = 0.0;
    let mut i = first;
    let mut passed = 0;
    let mut short_run = 0;
    while i > 0 && passed < 40 && cost < 3.5 {
        i -= 1;
        let f = &lines[i];
        if f.blank {
            continue;
        }
        passed += 1;
        consider(i, cost);
        // A run of short lines (a share bar, a list of links) is one
        // widget: its first line costs, the rest little.
        let short = f.words <= 6 || f.bullet;
        short_run = if short { short_run + 1 } else { 0 };
        cost += if skippable(f, &emissions[i]) {
            0.05
        } else if headline_shaped(f, text) {
            0.1
        } else if short {
            if short_run > 1 {
                0.03
            } else {
                0.15
            }
        } else if fluent(f, know) {
            0.5
        } else {
            0.8
        };
    }
    let Some((score, title)) = best else {
        return Head::default();
    };
    if score < 0.5 {
        return Head::default();
    }
    // The standfirst: fluent lines right below the title, set off from the
    // body by metadata (headline / standfirst / byline / body, the body
    // kept), or a deck without a final full stop kept below the title's
    // metadata (headline / byline / deck / body).
    let kept = |j: usize| states.get(j).is_some_and(|s| s.kept());
    let mut standfirst = Vec::new();
    let mut pending: Vec<usize> = Vec::new();
    let mut seen_meta = false;
    let mut looked = 0;
    for j in title + 1..lines.len() {
        let f = &lines[j];
        if f.blank {
            continue;
        }
        looked += 1;
        if looked > 8 {
            break;
        }
        let is_fluent = fluent(f, know);
        if is_fluent && !(pending.is_empty() && seen_meta) {
            pending.push(j);
            if pending.len() > 2 {
                // Three paragraphs in a row: the body itself.
                break;
            }
        } else if is_fluent {
            if f.ending != Ending::Sentence && kept(j) {
                standfirst.push(j);
            }
            break;
        } else if skippable(f, &emissions[j]) {
            if !pending.is_empty() {
                // Headline / standfirst / metadata: the body must follow.
                let body = (j + 1..lines.len())
                    .filter(|&k| !lines[k].blank)
                    .take(4)
                    .any(kept);
                if body {
                    standfirst = std::mem::take(&mut pending);
                }
                break;
            }
            seen_meta = true;
        } else {
            break;
        }
    }
    let lead = lead(
        text,
        lines,
        emissions,
        evidence,
        states,
        know,
        title,
        &standfirst,
    );
    let above = (first..title)
        .filter(|&j| {
            let f = &lines[j];
            !f.blank
                && states[j].kept()
                && !long_prose(f, know)
                && (f.words <= 6 || !fluent(f, know) || breadcrumb(f, text))
        })
        .collect();
    Head {
        title: Some(title),
        standfirst,
        lead,
        above,
    }
}

/// The lines of prose right below a title (past its metadata and
/// standfirst) when decoding kept none of them, if the title has evidence
/// (it repeats the page title or the URL slug): the article of a short
/// page. At most three lines, up to the first line that is not prose.
#[allow(clippy::too_many_arguments)]
fn lead(
    text: &str,
    lines: &[LineFeatures],
    emissions: &[Emission],
    evidence: &Evidence,
    states: &[State],
    know: bool,
    title: usize,
    standfirst: &[usize],
) -> Vec<usize> {
    let flags = evidence.flags.get(title).copied().unwrap_or(0);
    if flags & (TITLE_MATCH | SLUG_MATCH) == 0 {
        return Vec::new();
    }
    let mut out = Vec::new();
    let mut looked = 0;
    for j in title + 1..lines.len() {
        let f = &lines[j];
        if f.blank || standfirst.contains(&j) {
            continue;
        }
        looked += 1;
        let prose = kinds::lead_prose(f, know) && !headline_shaped(f, text);
        if prose && states.get(j).is_some_and(|s| s.kept()) {
            // The article below the title was found.
            return Vec::new();
        }
        if prose {
            out.push(j);
            if out.len() == 3 {
                break;
            }
        } else if !out.is_empty() || looked > 6 || !skippable(f, &emissions[j]) && f.words > 6 {
            break;
        }
    }
    out
}
