//! The page's kind, read from the text alone: an article, a thread (posts
//! are the content), a listing (an index of other pages) or a product page.
//!
//! The kind decides what the content is. On a thread page the posts are
//! kept, their widgets and signatures dropped; on an article page reader
//! comments stay dropped (see [`crate::classify::posts`]). A listing and a
//! product page are reported and judged as articles: demoting a listing's
//! entries (a headline over a snippet or a date) lost recall on every dev
//! file in cross-validation (their gold often holds the entries), so the
//! kind is there for a pipeline to route such pages.

use std::sync::LazyLock;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use regex::Regex;

use crate::classify::decode::State;
use crate::classify::features::{Ending, LineFeatures};
use crate::classify::kinds;
use crate::classify::posts::Series;
use crate::label::PageKind;

/// A thread: a series of posts that is not below an article and holds at
/// least this share of the page's prose.
const THREAD_PROSE: f32 = 0.6;
/// A listing: at least this many teaser units (a headline over a snippet or
/// a date)…
const LISTING_UNITS: usize = 6;
/// … that hold at least this share of the words decoding kept.
const LISTING_KEPT_SHARE: f32 = 0.6;
/// A product page: at least this many short lines with a price…
const PRODUCT_PRICES: usize = 2;
/// … and at least one line with a shop's cue ("Add to cart", "In stock").
const PRODUCT_CUES: usize = 1;
/// Lines longer than this (in bytes) are not read for prices and cues.
const SHORT_LINE: usize = 80;

/// A price: a currency sign or code next to a number.
static PRICE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"(?:[$€£¥₹₽]|(?-u:\b)(?:USD|EUR|GBP|CHF|PLN|CZK|SEK|NOK|DKK|zł|Kč|kr|руб|грн)\.?)\s?[0-9][0-9.,]*",
        r"|[0-9][0-9.,]*\s?(?:[$€£¥₹₽円元]|(?:USD|EUR|GBP|CHF|PLN|CZK|SEK|NOK|DKK|zł|Kč|kr|руб|грн)(?:$|[^\p{L}\p{N}]))"
    ))
    .expect("valid price regex")
});

/// A shop's cues (`data/kinds/product.txt`).
static CUES: LazyLock<AhoCorasick> = LazyLock::new(|| {
    let phrases = include_str!("../../data/kinds/product.txt")
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'));
    AhoCorasickBuilder::new()
        .ascii_case_insensitive(true)
        .match_kind(MatchKind::LeftmostFirst)
        .build(phrases)
        .expect("the product cues build")
});

/// Reads the page's kind from its lines, its series of posts and the
/// decoded states.
pub(crate) fn detect(
    text: &str,
    lines: &[LineFeatures],
    series: Option<&Series>,
    states: &[State],
) -> PageKind {
    // Before threads: the dates of an index's entries look like the
    // headers of posts.
    if is_listing(lines, states) {
        return PageKind::Listing;
    }
    if series.is_some_and(|s| is_thread(lines, s)) {
        return PageKind::Thread;
    }
    if is_product(text, lines) {
        return PageKind::Product;
    }
    PageKind::Article
}

/// See [`THREAD_PROSE`].
fn is_thread(lines: &[LineFeatures], s: &Series) -> bool {
    if s.below_article() {
        return false;
    }
    let prose = |f: &LineFeatures| if f.words >= 10 { f.chars as f32 } else { 0.0 };
    let all: f32 = lines.iter().map(prose).sum();
    let inside: f32 = lines[s.first..s.end].iter().map(prose).sum();
    all > 0.0 && inside >= THREAD_PROSE * all && s.post_prose >= THREAD_POST_CHARS
}

/// A thread's posts hold on average at least this many characters of prose.
const THREAD_POST_CHARS: f32 = 80.0;

/// See [`PRODUCT_PRICES`].
fn is_product(text: &str, lines: &[LineFeatures]) -> bool {
    let short = |f: &&LineFeatures| {
        !f.blank && f.digits > 0 && (f.trim_end - f.trim_start) as usize <= SHORT_LINE
    };
    let content = |f: &LineFeatures| &text[f.trim_start as usize..f.trim_end as usize];
    let prices = lines
        .iter()
        .filter(short)
        .filter(|f| PRICE.is_match(content(f)))
        .take(PRODUCT_PRICES)
        .count();
    if prices < PRODUCT_PRICES {
        return false;
    }
    lines
        .iter()
        .filter(|f| !f.blank && (f.trim_end - f.trim_start) as usize <= SHORT_LINE)
        .filter(|f| CUES.is_match(content(f)))
        .take(PRODUCT_CUES)
        .count()
        >= PRODUCT_CUES
}

/// See [`LISTING_UNITS`].
fn is_listing(lines: &[LineFeatures], states: &[State]) -> bool {
    let mut in_unit = Vec::new();
    if teaser_units(lines, &mut in_unit) < LISTING_UNITS {
        return false;
    }
    let (mut kept, mut units) = (0u64, 0u64);
    for ((f, s), &u) in lines.iter().zip(states).zip(&in_unit) {
        if s.kept() {
            kept += u64::from(f.words);
            if u {
                units += u64::from(f.words);
            }
        }
    }
    kept > 0 && units as f32 >= LISTING_KEPT_SHARE * kept as f32
}

/// Headline-shaped lines followed by a snippet (prose, or text cut with an
/// ellipsis) or by a date, and that date: the units of an index page.
/// Returns their number; `in_unit` tells, per line, whether it is in one.
fn teaser_units(lines: &[LineFeatures], in_unit: &mut Vec<bool>) -> usize {
    in_unit.clear();
    in_unit.resize(lines.len(), false);
    let rows: Vec<usize> = (0..lines.len()).filter(|&i| !lines[i].blank).collect();
    let mut units = 0;
    for (k, w) in rows.windows(2).enumerate() {
        let (head, next) = (&lines[w[0]], &lines[w[1]]);
        let snippet = next.words >= 8
            && !next.bullet
            && (matches!(next.ending, Ending::Sentence | Ending::Ellipsis)
                || !kinds::heading_like(next));
        let dated = next.date || next.time;
        // A headline ends without a full stop; a paragraph of one short
        // sentence does not.
        if kinds::heading_like(head)
            && head.words >= 4
            && head.ending == Ending::Other
            && (snippet || next.ending == Ending::Ellipsis || dated)
        {
            units += 1;
            in_unit[w[0]] = true;
            in_unit[w[1]] = true;
            // The entry's date, below its snippet.
            if let Some(&after) = rows.get(k + 2) {
                let g = &lines[after];
                if snippet && (g.date || g.time) && g.words <= 8 {
                    in_unit[after] = true;
                }
            }
        }
    }
    units
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for k in PageKind::ALL {
            assert_eq!(k.as_str().parse::<PageKind>().unwrap(), k);
        }
        assert!("forum".parse::<PageKind>().is_err());
    }

    #[test]
    fn prices() {
        for (s, want) in [
            ("$19.99", true),
            ("19,99 €", true),
            ("Preis: 7,49 EUR", true),
            ("1 299 zł", true),
            ("In 2019 the price rose", false),
            ("Chapter 12", false),
        ] {
            assert_eq!(PRICE.is_match(s), want, "{s:?}");
        }
    }
}
