//! Stage 3 of the pipeline, with `rules.rs`: head evidence, before the model: which lines repeat the page's title or
//! the URL's slug.
//!
//! [`Evidence::gather`] marks them. A scraped page usually starts with its
//! HTML `<title>` ("Headline | Site name"); a crawler's title field, when
//! given, serves the same. A later line that repeats most of the title, or
//! whose words are the slug's, is almost always the headline: language-
//! independent evidence of where the article starts, which the model reads
//! as inputs. (After decoding, `headline.rs` picks the headline itself.)

use crate::classify::features::{self, DocFeatures, LineFeatures};
use crate::hints::Hints;
use crate::text::fold;
use crate::text::tokens;

/// The line repeats most of the page title.
pub(super) const TITLE_MATCH: u8 = 1;
/// The line is the page title itself: the first line, repeated below.
pub(super) const PAGE_TITLE: u8 = 2;
/// The line's words are the URL slug's.
pub(super) const SLUG_MATCH: u8 = 4;

/// Whether a line's evidence names it the headline: it repeats the page's
/// title or the URL's slug, and is not the page title itself.
pub(super) fn names_headline(flags: u8) -> bool {
    flags & (TITLE_MATCH | SLUG_MATCH) != 0 && flags & PAGE_TITLE == 0
}

/// Lines longer than this many words are never a headline.
const MAX_WORDS: u32 = 40;
// The features list every word of such a line.
const _: () = assert!(features::LISTED_WORDS >= MAX_WORDS as usize);
/// Lines examined for a match at most (headlines are near the top).
const MAX_LINES: usize = 4000;

/// Per-line head evidence of one document.
#[derive(Debug, Default)]
pub(crate) struct Evidence {
    /// Per line: [`TITLE_MATCH`], [`PAGE_TITLE`], [`SLUG_MATCH`] bits.
    pub(crate) flags: Vec<u8>,
    /// The headline the evidence points at: the first matching line.
    pub(crate) headline: Option<u32>,
    title: Vec<u64>,
    segment: usize,
    slug: Vec<u64>,
    words: Vec<u64>,
    folded: Vec<u8>,
    ascii: String,
}

/// Separators between a title's parts ("Headline | Site", "Site - Headline").
const SEPARATORS: [&str; 12] = [
    " | ", " - ", " – ", " — ", " :: ", " » ", " « ", " · ", " / ", " : ", "｜", "_",
];

fn words_of(text: &str, out: &mut Vec<u64>) {
    out.clear();
    tokens::scan(text, |w| out.push(w.hash));
}

/// Whether `needle` occurs as a contiguous run in `hay`.
fn contains_run(hay: &[u64], needle: &[u64]) -> bool {
    !needle.is_empty() && hay.windows(needle.len()).any(|w| w == needle)
}

impl Evidence {
    /// Gathers the evidence in `text` (features already extracted).
    pub(crate) fn gather(&mut self, text: &str, doc: &DocFeatures, hints: &Hints<'_>) {
        let lines = &doc.lines;
        self.flags.clear();
        self.flags.resize(lines.len(), 0);
        self.headline = None;
        let first = lines.iter().position(|f| !f.blank);
        let content = |f: &LineFeatures| &text[f.trim_start as usize..f.trim_end as usize];
        // The title: the caller's, else the first line (a scraped <title>).
        let (title, implicit) = match (hints.title, first) {
            (Some(t), _) => (Some(t.trim()), None),
            (None, Some(i)) if lines[i].words <= MAX_WORDS => (Some(content(&lines[i])), Some(i)),
            _ => (None, None),
        };
        self.title.clear();
        self.segment = 0;
        if let Some(t) = title {
            words_of(t, &mut self.title);
            // The longest part between separators: the headline in
            // "Headline | Section | Site".
            let mut parts = vec![t];
            for sep in SEPARATORS {
                parts = parts.iter().flat_map(|p| p.split(sep)).collect();
            }
            let mut w = Vec::new();
            for p in parts {
                words_of(p, &mut w);
                self.segment = self.segment.max(w.len());
            }
        }
        self.slug(hints.url);
        if self.title.is_empty() && self.slug.is_empty() {
            return;
        }
        let mut page_title_repeated = false;
        for (i, f) in lines.iter().enumerate().take(MAX_LINES) {
            if f.blank || f.words < 2 || f.words > MAX_WORDS || Some(i) == implicit {
                continue;
            }
            let line = content(f);
            let mut flags = 0;
            if self.title.len() >= 2 {
                // The features' list of the line's words, else its words
                // again.
                let words = match doc.all_words(i) {
                    Some(words) => words,
                    None => {
                        words_of(line, &mut self.words);
                        &self.words
                    }
                };
                let n = words.len();
                if n >= 2
                    && (n * 5 >= self.segment * 3 || n * 2 >= self.title.len())
                    && contains_run(&self.title, words)
                {
                    flags |= TITLE_MATCH;
                    page_title_repeated |= implicit.is_some();
                }
            }
            if self.slug.len() >= 3 && f.words >= 3 && self.slug_match(line) {
                flags |= SLUG_MATCH;
            }
            if flags != 0 {
                self.flags[i] = flags;
                self.headline.get_or_insert(i as u32);
            }
        }
        if let (Some(i), true) = (implicit, page_title_repeated) {
            self.flags[i] |= PAGE_TITLE;
        }
    }

    /// The folded words of the URL's slug: its last path segment with
    /// letters, percent-decoded, without a file extension.
    fn slug(&mut self, url: Option<&str>) {
        self.slug.clear();
        let Some(url) = url else { return };
        let path = url.split_once("://").map_or(url, |(_, rest)| rest);
        let path = path.split(['?', '#']).next().unwrap_or(path);
        let Some((_, path)) = path.split_once('/') else {
            return;
        };
        let Some(seg) = path
            .rsplit('/')
            .find(|s| s.bytes().filter(u8::is_ascii_alphabetic).count() >= 8 || !s.is_ascii())
        else {
            return;
        };
        let seg = seg
            .rsplit_once('.')
            .filter(|(_, ext)| ext.len() <= 5 && ext.bytes().all(|b| b.is_ascii_alphanumeric()))
            .map_or(seg, |(stem, _)| stem);
        let decoded = percent_decode(seg);
        let spaced: String = decoded
            .chars()
            .map(|c| if c.is_alphanumeric() { c } else { ' ' })
            .collect();
        let mut slug = std::mem::take(&mut self.slug);
        self.ascii_words(&spaced, &mut slug);
        slug.sort_unstable();
        slug.dedup();
        self.slug = slug;
    }

    /// Whether most of the line's words are the slug's and they cover much
    /// of the slug.
    fn slug_match(&mut self, line: &str) -> bool {
        let mut words = std::mem::take(&mut self.words);
        self.ascii_words(line, &mut words);
        let n = words.len();
        let hits = words
            .iter()
            .filter(|w| self.slug.binary_search(w).is_ok())
            .count();
        self.words = words;
        hits >= 3 && hits * 5 >= n * 3 && hits * 2 >= self.slug.len()
    }

    /// The words of `text` with Latin letters folded to their ASCII base
    /// ("é" → "e"), as slugs write them.
    fn ascii_words(&mut self, text: &str, out: &mut Vec<u64>) {
        self.folded.clear();
        fold::fold_into(text, &mut self.folded);
        // Folding keeps every other character's bytes: without the fillers
        // that follow folded letters, the bytes are UTF-8 again.
        self.folded.retain(|&b| b != fold::FILLER);
        for b in &mut self.folded {
            if (0x02..=0x04).contains(b) {
                *b = b' ';
            }
        }
        self.ascii.clear();
        self.ascii.push_str(&String::from_utf8_lossy(&self.folded));
        words_of(&self.ascii, out);
    }
}

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            let hex = |c: u8| (c as char).to_digit(16);
            if let (Some(h), Some(l)) = (hex(b[i + 1]), hex(b[i + 2])) {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        out.push(if b[i] == b'+' { b' ' } else { b[i] });
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}
