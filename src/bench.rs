//! Entry points into the pipeline's stages, for the benchmarks in
//! `benches/` (the `bench` feature). Not a stable API.

use std::sync::LazyLock;

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};

use crate::classify::features::DocFeatures;
use crate::text::fold::fold_into;
use crate::text::lexicon::{ScanBufs, DEFAULT};
use crate::text::lines::{self, Span};

/// The units of `text` the pipeline judges, as `(start, end, next,
/// continues)`: its lines, each long line replaced by its pieces
/// (`text/segment/`). For the fuzz target `segment`.
pub fn units(text: &str) -> Vec<(usize, usize, usize, bool)> {
    let mut spans: Vec<Span> = Vec::new();
    crate::text::segment::split(text, &mut spans);
    spans
        .iter()
        .map(|s| (s.start as usize, s.end as usize, s.next as usize, s.cont))
        .collect()
}

/// The longest piece the segmenter cuts, in bytes.
pub const MAX_PIECE: usize = crate::text::segment::MAX_PIECE;

/// Splits `text` into line spans; returns the number of lines.
pub fn split_lines(text: &str) -> usize {
    let mut spans: Vec<Span> = Vec::new();
    lines::split(text.as_bytes(), &mut spans);
    spans.len()
}

/// Runs the bare Aho-Corasick automaton of the default lexicon over
/// `text` (no word-boundary checks); returns the number of matches.
pub fn bare_scan(text: &str) -> usize {
    // One DFA of all the phrases: the fastest single pass there is.
    static ALL: LazyLock<AhoCorasick> = LazyLock::new(|| {
        AhoCorasick::builder()
            .kind(Some(AhoCorasickKind::DFA))
            .match_kind(MatchKind::LeftmostLongest)
            .build(DEFAULT.phrases.iter().map(|p| {
                let mut folded = Vec::new();
                fold_into(&p.text, &mut folded);
                folded
            }))
            .expect("the lexicon builds")
    });
    ALL.find_iter(text).count()
}

/// Runs the lexicon scan as the features use it (every line a piece);
/// returns the number of hits.
pub fn lexicon_scan(text: &str) -> usize {
    let mut spans: Vec<Span> = Vec::new();
    lines::split(text.as_bytes(), &mut spans);
    let pieces: Vec<(u32, u32)> = spans
        .iter()
        .map(|s| (s.content().start as u32, s.content().end as u32))
        .collect();
    let mut n = 0;
    DEFAULT.scan(text, &pieces, &mut ScanBufs::default(), |_, _| n += 1);
    n
}

/// Extracts the line features of `text`; returns the number of words.
pub fn features(text: &str) -> u64 {
    let mut spans: Vec<Span> = Vec::new();
    lines::split(text.as_bytes(), &mut spans);
    let mut doc = DocFeatures::default();
    doc.extract(&DEFAULT, text, &spans, None);
    doc.lines.iter().map(|f| f.words as u64).sum()
}
