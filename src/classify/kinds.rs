//! Kinds of line that several stages name: headings, prose, read-more
//! links, metadata shapes, end-of-article markers. Each is defined here,
//! once. Where the model was trained on a variant of a kind (its inputs
//! count lines of that variant), the variant is a definition of its own,
//! named for the stage that reads it: changing one changes what an input
//! means, which needs a retrain and a `FEATURES_VERSION` bump.

use crate::classify::features::{Ending, LineFeatures};
use crate::label::Label;

/// Whether a line reads like a heading or title: a handful of words, no
/// sentence-final punctuation except ? or !, no lexicon phrase.
pub(crate) fn heading_like(f: &LineFeatures) -> bool {
    !f.blank
        && (2..=20).contains(&f.words)
        && f.chars <= 160
        && !f.bullet
        && !f.url
        && matches!(f.ending, Ending::Other | Ending::Sentence)
        && f.lex_total_share() < 0.3
        && !metadata_shaped(f)
        && f.numeric_words * 3 <= f.words
}

/// Whether a line has the shape of metadata: a date, a byline, a reading
/// time or a counter ("12 comments").
pub(crate) fn metadata_shaped(f: &LineFeatures) -> bool {
    f.date || f.byline || f.reading_time || f.counter
}

/// Prose-like: enough words, little boilerplate vocabulary and, where the
/// document's language is known, enough of its stopwords (jusText's
/// signal: prose is dense in "the", "of", "and").
#[derive(Clone, Copy, Debug)]
pub(crate) struct Prose {
    /// The fewest words.
    pub(crate) min_words: u32,
    /// Lexicon phrases cover less than this share of the line.
    pub(crate) max_phrase_share: f32,
    /// The least stopword density, when the document's language is known;
    /// `None`: stopwords are not looked at.
    pub(crate) min_density: Option<f32>,
}

impl Prose {
    /// Whether line `f` is prose of this kind (`know_language`: whether
    /// the document's stoplist fits it, see
    /// [`DocFeatures::knows_language`](crate::classify::features::DocFeatures::knows_language)).
    pub(crate) fn holds(&self, f: &LineFeatures, know_language: bool) -> bool {
        f.words >= self.min_words
            && self
                .min_density
                .is_none_or(|d| !know_language || f.stop_density() >= d)
            && f.lex_total_share() < self.max_phrase_share
    }
}

/// The first stage's prose (its neighbour, window and mass inputs count
/// these lines): ten words or more, stopword-dense. As the model was
/// trained.
pub(crate) const STAGE1_PROSE: Prose = Prose {
    min_words: 10,
    max_phrase_share: 0.3,
    min_density: Some(0.2),
};

/// The second stage's prose (its `prose_window` input): as the first
/// stage's without the stopword test, so that it also counts prose where
/// the stoplists miss. As the model was trained.
pub(crate) const STAGE2_PROSE: Prose = Prose {
    min_words: 10,
    max_phrase_share: 0.3,
    min_density: None,
};

/// A fluent line that may be a standfirst or deck below a headline: a
/// sentence or two of prose (6 to 80 words, a lower stopword bar than the
/// body's, as decks are terse), no byline or date shape or credit, almost
/// no boilerplate vocabulary, not cut off (…) nor a link (→) nor a label
/// (:).
pub(crate) fn fluent(f: &LineFeatures, know_language: bool) -> bool {
    const FLUENT: Prose = Prose {
        min_words: 6,
        max_phrase_share: 0.2,
        min_density: Some(0.1),
    };
    FLUENT.holds(f, know_language)
        && f.words <= 80
        && !f.bullet
        && !f.url
        && !metadata_shaped(f)
        && !f.credit
        && !matches!(f.ending, Ending::Ellipsis | Ending::Arrow | Ending::Colon)
}

/// Prose too long to be [`fluent`] (more than 80 words, stopwords among
/// them, almost no boilerplate vocabulary): a paragraph, or a piece of a
/// long line (`text/segment/`), never a headline's deck, nor a menu above
/// the headline.
pub(crate) fn long_prose(f: &LineFeatures, know_language: bool) -> bool {
    const LONG: Prose = Prose {
        min_words: 81,
        max_phrase_share: 0.2,
        min_density: Some(0.1),
    };
    LONG.holds(f, know_language) && !f.bullet
}

/// A line of the article right below its headline when decoding kept
/// none of it (see `headline.rs`): six words or more of prose, no
/// metadata shape; a script written without spaces passes the stopword
/// test (its characters are words, the stoplists barely cover it). The
/// caller also requires that it is not headline-shaped.
pub(crate) fn lead_prose(f: &LineFeatures, know_language: bool) -> bool {
    const LEAD: Prose = Prose {
        min_words: 6,
        max_phrase_share: 0.3,
        min_density: Some(0.1),
    };
    let unspaced = f.words * 2 > f.chars;
    LEAD.holds(f, know_language && !unspaced) && !metadata_shaped(f)
}

/// The body of a teaser snippet, as the second stage's `snippet` input
/// reads it: eight words or more, not a list item (a snippet is judged by
/// what surrounds it, not by its stopwords). As the model was trained.
pub(crate) fn snippet_prose(f: &LineFeatures) -> bool {
    f.words >= 8 && !f.bullet
}

/// Whether a line looks like a read-more link: mostly a read-more phrase,
/// or a few words ending in an arrow ("Suite →"). The first stage's
/// `prev_read_more`/`next_read_more` inputs read it as it is.
pub(crate) fn read_more_shaped(f: &LineFeatures) -> bool {
    let rm = Label::ReadMore.category().expect("a boilerplate label");
    f.lex_share(rm) >= 0.5 || (f.ending == Ending::Arrow && f.words <= 4)
}

/// A read-more link that closes a teaser block (`classify/rules.rs`): read-more
/// shaped, and short (a paragraph ending "… Lire la suite" is not one).
pub(crate) fn read_more_link(f: &LineFeatures) -> bool {
    f.words <= 6 && read_more_shaped(f)
}

/// The share of a line a phrase of an end-of-article marker must cover.
pub(crate) const MARKER_SHARE: f32 = 0.4;

/// End-of-article markers: the kinds of phrase that, covering most of a
/// line, say the article is over ("Leave a comment", "Sign up for our
/// newsletter", "Support us", "Related articles", "All rights reserved").
/// The heuristics put a barrier at them ([`barrier`]), the first stage
/// counts them above each line (in [`stage1_marker_group`]s).
pub(crate) const END_MARKERS: [Label; 5] = [
    Label::Comments,
    Label::Newsletter,
    Label::Donation,
    Label::Teaser,
    Label::Legal,
];

/// The second stage's markers (its `marker_above`/`marker_below` inputs):
/// the [`END_MARKERS`] and share bars, which often close an article. As
/// the model was trained.
pub(crate) const STAGE2_MARKERS: [Label; 6] = [
    Label::Comments,
    Label::Newsletter,
    Label::Donation,
    Label::Teaser,
    Label::Legal,
    Label::Share,
];

/// The category of the phrases covering most of line `f`, if they cover
/// at least [`MARKER_SHARE`] of it and it is one of `kinds`.
pub(crate) fn marker(f: &LineFeatures, kinds: &[Label]) -> Option<Label> {
    let (c, share) = f.lex_top()?;
    let label = Label::BOILERPLATE[c];
    (share >= MARKER_SHARE && kinds.contains(&label)).then_some(label)
}

/// The first stage's groups of end-of-article markers, one count input
/// each (`comments_above`, `newsletter_above`, `teaser_above`,
/// `legal_above`): newsletter and donation appeals count as one, as the
/// model was trained.
pub(crate) fn stage1_marker_group(label: Label) -> Option<usize> {
    match label {
        Label::Comments => Some(0),
        Label::Newsletter | Label::Donation => Some(1),
        Label::Teaser => Some(2),
        Label::Legal => Some(3),
        _ => None,
    }
}

/// The heuristics' cost of carrying the article past a marker of this
/// kind (a barrier of the decoder, in log-odds): a comment section almost
/// always ends the article, a teaser header often but not always; other
/// kinds put none.
pub(crate) fn barrier(label: Label) -> f32 {
    match label {
        Label::Comments => 5.0,
        Label::Newsletter | Label::Donation => 4.0,
        Label::Legal => 2.5,
        Label::Teaser => 2.0,
        _ => 0.0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every kind with a barrier is an end-of-article marker, every
    /// marker has a barrier and a first-stage group, and the second
    /// stage's markers hold them all.
    #[test]
    fn marker_sets_agree() {
        for label in Label::BOILERPLATE {
            let end = END_MARKERS.contains(&label);
            assert_eq!(barrier(label) > 0.0, end, "{label}");
            assert_eq!(stage1_marker_group(label).is_some(), end, "{label}");
            if end {
                assert!(STAGE2_MARKERS.contains(&label), "{label}");
            }
        }
        let extra: Vec<Label> = STAGE2_MARKERS
            .into_iter()
            .filter(|l| !END_MARKERS.contains(l))
            .collect();
        assert_eq!(extra, [Label::Share]);
    }
}
