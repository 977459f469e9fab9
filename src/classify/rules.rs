//! Stage 3 of the pipeline, with `evidence.rs`: hand-written scores: how much each line, on its own, looks like article
//! content, and why.
//!
//! The score is a log-odds (positive: content). It follows jusText's key
//! observation: article prose is long and dense in stopwords, boilerplate is
//! short, capitalised, numeric or made of stock phrases. The context decoder
//! ([`crate::classify::decode`]) then reads the scores as a sequence.

use crate::classify::features::{DocFeatures, Ending, LineFeatures};
use crate::classify::kinds;
use crate::label::Label;

/// Why a line got its own score: the strongest single factor.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Cause {
    /// A lexicon phrase of this category covers much of the line.
    Phrase(Label, u32),
    /// A shape rule; the label is the boilerplate kind it points to.
    Shape(Label, &'static str),
    /// Prose: long, with stopwords and sentence punctuation.
    Prose,
    /// Too short or too bare to be prose on its own.
    Short,
}

/// One line's own score.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Emission {
    /// Log-odds that the line is article content, from the line alone.
    pub(crate) logit: f32,
    /// Cost of carrying the article on past this line: end-of-article markers
    /// (a comment form, a related-articles header, a copyright line).
    pub(crate) barrier: f32,
    pub(super) cause: Cause,
}

/// Heuristic log-odds at or below which a line is boilerplate for the
/// combined model too: a byline, a date, a full read-more or share phrase.
const VETO: f32 = -2.5;
/// The highest score the combined model may give a vetoed line.
const VETO_CAP: f32 = -0.5;

/// Combines a combined model's score with the heuristics' for one line: the
/// model decides, except that strong heuristic evidence of boilerplate caps
/// its score below zero (the learned weights, fitted on noisy line labels,
/// underrate rare but unambiguous signals such as a byline).
#[inline]
pub(crate) fn veto(vetoed: bool, model: f32) -> f32 {
    if vetoed {
        model.min(VETO_CAP)
    } else {
        model
    }
}

/// Whether the heuristics are sure enough of a line to overrule the model:
/// it scores at most [`VETO`] because of a metadata shape or phrase (byline,
/// date, reading time, "Mis à jour le"), the headline of a teaser block (a
/// headline, a snippet, a read-more link) or an appeal phrase (donation,
/// newsletter, comments, share, read-more) — signals that are rarely wrong,
/// unlike a short line or a menu word within a longer line.
pub(crate) fn vetoes(e: &Emission) -> bool {
    match e.cause {
        Cause::Shape(Label::Metadata, _) | Cause::Shape(Label::Teaser, TEASER_HEADLINE) => {
            e.logit <= VETO
        }
        Cause::Phrase(
            Label::Metadata
            | Label::Donation
            | Label::Newsletter
            | Label::Comments
            | Label::Share
            | Label::ReadMore,
            _,
        ) => e.logit <= VETO,
        // Menu words and legal notices only when a phrase is (nearly) the
        // whole line: "Accueil", "Impressum", "Alle Rechte vorbehalten".
        Cause::Phrase(Label::Navigation | Label::Legal | Label::Ad, _) => e.logit <= 2.0 * VETO,
        _ => false,
    }
}

const TEASER_HEADLINE: &str = "headline of a teaser block";

/// Scores every line of a document from its own features.
pub(crate) fn score(doc: &DocFeatures, out: &mut Vec<Emission>) {
    out.clear();
    // Without a stoplist that fits the document, stopword density says nothing:
    // fall back to a neutral density so length and punctuation decide.
    let know_language = doc.knows_language();
    for f in &doc.lines {
        out.push(score_line(f, know_language));
    }
    // A teaser block is a headline, a snippet and a read-more link: the
    // snippet, however fluent, and the headline above it are teasers.
    let mut since_read_more = usize::MAX; // non-blank lines since a read-more link below
    for (i, f) in doc.lines.iter().enumerate().rev() {
        if f.blank {
            continue;
        }
        since_read_more = since_read_more.saturating_add(1);
        let why = match since_read_more {
            1 => Some("snippet before a read-more link"),
            2 if kinds::heading_like(f) => Some(TEASER_HEADLINE),
            _ => None,
        };
        if let Some(why) = why {
            if out[i].logit > -TEASER_PENALTY {
                out[i].logit = out[i].logit.min(0.0) - TEASER_PENALTY;
                out[i].cause = Cause::Shape(Label::Teaser, why);
            }
        }
        if kinds::read_more_link(f) {
            since_read_more = 0;
        }
    }
}

// The line's own score starts from its length and stopword density
// (jusText: article prose is long and dense in stopwords), in log-odds.
// With the density slope of 8, a tenth more stopwords is 0.8 more log-odds
// (odds a little over twice as high). The three lengths cross zero at:
// long lines, a density of 0.03 (1.5 / 8 below 0.22: a long line with a
// few stopwords is prose); medium lines, 0.24 (0.3 / 8 below 0.28: they
// need the density of running text); short lines, never (6 words: -0.3).
// Every later rule adds or takes off log-odds from there: a sentence end
// +0.8, an ellipsis -1, an arrow -2 (a link), a metadata shape 1.5 to 4
// (enough to outweigh a medium line's prose score), phrases up to 7 times
// the share of the line they cover.

/// Lines of at least this many words are long…
const LONG_WORDS: u32 = 15;
/// …with these log-odds at [`LONG_PIVOT`]…
const LONG_AT_PIVOT: f32 = 1.5;
/// …a stopword density.
const LONG_PIVOT: f32 = 0.22;
/// Lines of at least this many words (and fewer than [`LONG_WORDS`]) are
/// medium…
const MEDIUM_WORDS: u32 = 7;
/// …with these log-odds at [`MEDIUM_PIVOT`]…
const MEDIUM_AT_PIVOT: f32 = 0.3;
/// …a stopword density.
const MEDIUM_PIVOT: f32 = 0.28;
/// Log-odds per unit of stopword density, for long and medium lines.
const DENSITY_SLOPE: f32 = 8.0;
/// Shorter lines start from these log-odds…
const SHORT_BASE: f32 = -1.2;
/// …plus this much per word (negative up to the longest short line).
const SHORT_PER_WORD: f32 = 0.15;
/// The density read when the document's stoplist does not fit it (no
/// stopword signal): that of ordinary prose, so that length and
/// punctuation decide.
const UNKNOWN_DENSITY: f32 = 0.3;
/// What the snippet and headline of a teaser block lose: enough to drop
/// a fluent snippet (they end up at most at minus this).
const TEASER_PENALTY: f32 = 3.0;

fn score_line(f: &LineFeatures, know_language: bool) -> Emission {
    if f.blank {
        return Emission {
            logit: 0.0,
            barrier: 0.0,
            cause: Cause::Short,
        };
    }
    let w = f.words as f32;
    let d = if know_language {
        f.stop_density()
    } else {
        UNKNOWN_DENSITY
    };
    // Length and stopword density (jusText): long dense lines are prose.
    let mut logit = if f.words >= LONG_WORDS {
        LONG_AT_PIVOT + DENSITY_SLOPE * (d - LONG_PIVOT)
    } else if f.words >= MEDIUM_WORDS {
        MEDIUM_AT_PIVOT + DENSITY_SLOPE * (d - MEDIUM_PIVOT)
    } else {
        SHORT_BASE + SHORT_PER_WORD * w
    };
    let mut cause = if logit > 0.0 {
        Cause::Prose
    } else {
        Cause::Short
    };
    match f.ending {
        Ending::Sentence => logit += if f.words >= 4 { 0.8 } else { 0.2 },
        Ending::Colon => logit -= 0.2,
        Ending::Ellipsis => logit -= 1.0,
        Ending::Arrow => {
            logit -= 2.0;
            cause = Cause::Shape(Label::ReadMore, "ends with an arrow");
        }
        Ending::Punct => logit -= 0.3,
        Ending::Other => {
            if f.words > 8 {
                logit -= 0.5
            }
        }
    }
    let mut worst = 0.0f32;
    let mut shape =
        |penalty: f32, label: Label, why: &'static str, logit: &mut f32, cause: &mut Cause| {
            *logit -= penalty;
            if penalty > worst {
                worst = penalty;
                *cause = Cause::Shape(label, why);
            }
        };
    // Shape rules that only make sense on short lines.
    if f.words <= 14 {
        if f.reading_time {
            shape(4.0, Label::Metadata, "reading time", &mut logit, &mut cause);
        }
        if f.byline {
            shape(2.5, Label::Metadata, "byline", &mut logit, &mut cause);
        }
        if f.date {
            // A date with a time of day ("8 novembre 2024 13:17") is a timestamp.
            let p = if f.words <= 8 || f.time { 3.5 } else { 1.5 };
            shape(p, Label::Metadata, "date", &mut logit, &mut cause);
        } else if f.time {
            shape(1.5, Label::Metadata, "time of day", &mut logit, &mut cause);
        }
        if f.counter {
            shape(3.0, Label::Share, "counter", &mut logit, &mut cause);
        }
        if f.url {
            shape(
                2.0,
                Label::Navigation,
                "link or e-mail address",
                &mut logit,
                &mut cause,
            );
        }
        if f.digits * 3 > f.chars {
            shape(
                1.0,
                Label::Metadata,
                "mostly digits",
                &mut logit,
                &mut cause,
            );
        }
        if f.words >= 3 && f.upper_words * 10 >= f.words * 8 && f.stop * 5 < f.words {
            shape(
                0.6,
                Label::Navigation,
                "capitalised words",
                &mut logit,
                &mut cause,
            );
        }
        if f.bullet && f.words <= 4 {
            shape(
                0.5,
                Label::Navigation,
                "short list item",
                &mut logit,
                &mut cause,
            );
        }
    }
    if f.separators >= 2 && f.separators as u32 * 4 >= f.words {
        shape(
            2.0,
            Label::Navigation,
            "items separated by | or ·",
            &mut logit,
            &mut cause,
        );
    }
    if f.repeats >= 2 {
        let k = (f.repeats.min(4) - 1) as f32;
        let p = if f.words >= 15 { 0.5 * k } else { 1.2 * k };
        shape(
            p,
            Label::Navigation,
            "repeated in the page",
            &mut logit,
            &mut cause,
        );
    }
    // The lexicon: stock phrases, weighted by how much of the line they cover.
    let mut barrier = 0.0;
    if let Some((c, share)) = f.lex_top() {
        let lead = f.lex_lead & (1 << c) != 0;
        // A short line that opens with an appeal ("Soutenez…", "Subscribe to…")
        // is the appeal, whatever follows the phrase.
        let appeal = matches!(
            Label::BOILERPLATE[c],
            Label::Donation | Label::Newsletter | Label::Comments | Label::Share | Label::ReadMore
        );
        let lead_bonus = match (lead, f.words) {
            (true, 0..=8) if appeal => 2.5,
            (true, 0..=12) => 1.0,
            _ => 0.0,
        };
        let strength = 7.0 * share + lead_bonus;
        let strength = if f.words >= 25 {
            strength.min(1.0)
        } else {
            strength
        };
        // A phrase that barely covers a long line is not why the line is what it is.
        if strength > worst && strength >= 1.0 {
            cause = Cause::Phrase(Label::BOILERPLATE[c], f.lex_best.unwrap_or(0));
        }
        logit -= strength;
        // An end-of-article marker: mostly the phrase, or a short line
        // opening with it.
        if share >= kinds::MARKER_SHARE || (lead && f.words <= 8) {
            barrier = kinds::barrier(Label::BOILERPLATE[c]);
        }
    }
    Emission {
        logit,
        barrier,
        cause,
    }
}
