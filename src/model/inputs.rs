//! What the model reads: the names and layout of its inputs.
//!
//! The first stage's dense inputs ([`Stage1Input`], [`NAMES`]) and the
//! second stage's ([`Stage2Input`], [`STAGE2_NAMES`]) are declared here,
//! once, through [`dense_features!`]; the hashed n-grams and crosses share
//! one table of [`HASH_BITS`] bits. The classifier's stages fill them
//! (`classify::stage1`, `classify::stage2`), training fits weights to them,
//! and a model file names them ([`super::file`]): a model made for other
//! inputs is refused. A change that alters what an input means must bump
//! [`FEATURES_VERSION`](super::file::FEATURES_VERSION).

use serde::{Deserialize, Serialize};

/// log2 of the number of hashed n-gram buckets.
pub(crate) const HASH_BITS: u32 = 16;
const HASH_MASK: u64 = (1 << HASH_BITS) - 1;

/// Words of a line that give unigram features (see
/// [`DocFeatures::words`]); the first few give bigrams.
pub(super) const UNIGRAM_WORDS: usize = 10;
pub(crate) const BIGRAM_WORDS: usize = 4;
/// Characters at the start of a line that give character trigrams.
pub(crate) const TRIGRAM_CHARS: usize = 14;

/// Declares a dense feature layout: an index enum and the names in order.
macro_rules! dense_features {
    ($enum:ident, $names:ident: $($name:ident),* $(,)?) => {
        /// Dense feature indices.
        #[allow(non_camel_case_types, clippy::upper_case_acronyms, dead_code)]
        #[derive(Clone, Copy, Debug)]
        #[repr(usize)]
        pub(crate) enum $enum { $($name),* }
        /// Dense feature names, in index order.
        pub(crate) const $names: &[&str] = &[$(stringify!($name)),*];
    };
}

dense_features!(Stage1Input, NAMES:
    // own shape
    words_0, words_1, words_2, words_3, words_4_6, words_7_10, words_11_15, words_16_25, words_26_50, words_51_,
    log_chars, log_words,
    density, density_0, density_lt10, density_lt20, density_lt30, density_lt40, density_ge40, lang_unknown,
    end_other, end_sentence, end_colon, end_ellipsis, end_arrow, end_punct,
    bullet, indent_0, indent_1_4, indent_5_8, indent_9_16, indent_17_,
    url, separators, upper_ratio, digit_ratio, punct_ratio, numeric_ratio,
    lex_navigation, lex_metadata, lex_teaser, lex_read_more, lex_newsletter,
    lex_donation, lex_share, lex_comments, lex_legal, lex_ad,
    lead_navigation, lead_metadata, lead_teaser, lead_read_more, lead_newsletter,
    lead_donation, lead_share, lead_comments, lead_legal, lead_ad,
    hits_navigation, hits_metadata, hits_teaser, hits_read_more, hits_newsletter,
    hits_donation, hits_share, hits_comments, hits_legal, hits_ad,
    date, time, byline, reading_time, counter, credit, glued, lead_upper,
    repeats_2, repeats_3_, echo, echo_most,
    heading_like,
    // the article's head (see classify/evidence.rs)
    head_title, head_slug, page_title, is_headline, before_head, after_head_1_3, after_head_4_15, after_head_16_,
    // position and block
    pos_0_10, pos_10_30, pos_30_70, pos_70_90, pos_90_100, first_lines, last_lines,
    new_block, blank_after, block_1, block_2_3, block_4_,
    // pieces of a long line (text/segment/)
    piece, piece_first, piece_last,
    // neighbours
    prev_short, prev_long, prev_prose, prev_sentence, prev_heading, prev_lex, prev_read_more,
    next_short, next_long, next_prose, next_sentence, next_heading, next_lex, next_read_more,
    prev2_prose, next2_prose,
    // windows and mass
    window5_prose, window15_prose, window40_prose,
    mass_above_0, mass_above_lt10, mass_above_lt50, mass_above_lt90, mass_above_lt100, mass_above_1,
    comments_above, newsletter_above, teaser_above, legal_above,
    doc_stop_rate, doc_log_lines,
    // heuristics (combined models only)
    rule_logit, rule_pos, rule_neg_strong, rule_window3, rule_window10, rule_prev, rule_next,
    rule_keep, rule_gap, rule_before, rule_after, rule_closed,
);

/// Number of dense features.
pub(crate) const DENSE: usize = NAMES.len();

/// Which inputs a model uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub(crate) enum Kind {
    /// Features and n-grams only.
    ModelOnly,
    /// Also the heuristic scores and the heuristic decoder's states.
    Combined,
}

/// The hashing and n-gram settings, for the model's fingerprint.
pub(super) fn layout() -> String {
    format!("bits={HASH_BITS} uni={UNIGRAM_WORDS} bi={BIGRAM_WORDS} tri={TRIGRAM_CHARS} tok=1")
}

dense_features!(Stage2Input, STAGE2_NAMES:
    line_score, line_kept, prev1_score, next1_score, prev2_score, next2_score, prev3_score, next3_score,
    window2, window5, window10, window5_lines,
    run_chars, run_lines, run_share, run_best, run_second, in_run,
    best_distance, before_best, after_best,
    content_above, content_below,
    short, medium, long, heading_like, sentence, starts_block, ends_block, bullet,
    // the line's own shape, raw (for trees)
    log_chars, log_words, density, lang_unknown, ending, indent, url, separators,
    upper_ratio, digit_ratio, punct_ratio, lex_share, lex_category, lex_lead,
    date, time, byline, reading_time, counter, credit, repeats, position,
    // the article's head
    head_title, head_slug, page_title, head_distance,
    // the neighbourhood (five non-blank lines either side)
    meta_window, heading_window, ellipsis_window, short_window, prose_window, snippet_window,
    snippet,
    // end-of-article markers (comment header, newsletter box, related links, legal)
    marker_above, marker_below,
    // site memory (`site/`): the share of the site's pages holding the line,
    // its log count, the site's size, the share around the line, and how much
    // of the document is template (a twin page's body is not)
    site_share, site_count, site_pages, site_window, site_doc,
);

/// Number of second-stage inputs.
pub(crate) const STAGE2: usize = STAGE2_NAMES.len();

/// Number of crosses per line.
pub(crate) const CROSSES: usize = 8;

/// The value of each n-gram input of a line with `n` of them.
#[inline]
pub(crate) fn ngram_scale(n: usize) -> f32 {
    1.0 / (n as f32).sqrt()
}

#[inline]
pub(crate) fn bucket(h: u64) -> u32 {
    (h & HASH_MASK) as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique() {
        for names in [NAMES, STAGE2_NAMES] {
            let mut sorted = names.to_vec();
            sorted.sort();
            sorted.dedup();
            assert_eq!(sorted.len(), names.len());
        }
        assert_eq!(NAMES.len(), DENSE);
        assert_eq!(STAGE2_NAMES.len(), STAGE2);
    }
}
