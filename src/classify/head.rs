//! The article's head: evidence of which line is the headline, and the
//! title and standfirst chosen after decoding.
//!
//! Before the model, [`Evidence::find`] marks the lines that repeat the
//! page's title or the URL's slug. A scraped page usually starts with its
//! HTML `<title>` ("Headline | Site name"); a crawler's title field, when
//! given, serves the same. A later line that repeats most of the title, or
//! whose words are the slug's, is almost always the headline: language-
//! independent evidence of where the article starts, which the model reads
//! as inputs.
//!
//! After decoding, [`find`] picks the headline among the headline-shaped
//! lines above the article's first paragraph (looking past bylines, dates,
//! share rows and a standfirst) and the standfirst between the two.

use crate::classify::decode::State;
use crate::classify::features::{DocFeatures, Ending, LineFeatures};
use crate::classify::rules::{self, Cause, Emission};
use crate::label::Label;
use crate::text::tokens;

/// What a caller knows about the page besides its text.
#[derive(Clone, Copy, Debug, Default)]
pub struct Hints<'a> {
    /// The page's title (a crawler's `<title>`), if known.
    pub title: Option<&'a str>,
    /// The page's URL, if known.
    pub url: Option<&'a str>,
    /// The page's site, the key of its lines in the stripper's
    /// [`Patterns`](crate::Patterns), if known; else the host of `url`
    /// (see [`site_of_url`](crate::site_of_url)).
    pub site: Option<&'a str>,
}

/// The line repeats most of the page title.
pub(crate) const TITLE_MATCH: u8 = 1;
/// The line is the page title itself: the first line, repeated below.
pub(crate) const PAGE_TITLE: u8 = 2;
/// The line's words are the URL slug's.
pub(crate) const SLUG_MATCH: u8 = 4;

/// Whether a line's evidence names it the headline: it repeats the page's
/// title or the URL's slug, and is not the page title itself.
pub(crate) fn names_headline(flags: u8) -> bool {
    flags & (TITLE_MATCH | SLUG_MATCH) != 0 && flags & PAGE_TITLE == 0
}

/// Lines longer than this many words are never a headline.
const MAX_WORDS: u32 = 40;
/// Lines examined for a match at most (headlines are near the top).
const MAX_LINES: usize = 4000;

/// Per-line head evidence of one document.
#[derive(Debug, Default)]
pub(crate) struct Evidence {
    /// Per line: [`TITLE_MATCH`], [`PAGE_TITLE`], [`SLUG_MATCH`] bits.
    pub flags: Vec<u8>,
    /// The headline the evidence points at: the first matching line.
    pub headline: Option<u32>,
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
    /// A copy of the evidence without the scratch buffers.
    #[cfg(feature = "train")]
    pub(crate) fn snapshot(&self) -> Evidence {
        Evidence {
            flags: self.flags.clone(),
            headline: self.headline,
            ..Evidence::default()
        }
    }

    /// Finds the evidence in `text` (features already extracted).
    pub(crate) fn find(&mut self, text: &str, doc: &DocFeatures, hints: &Hints<'_>) {
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
                words_of(line, &mut self.words);
                let n = self.words.len();
                if n >= 2
                    && (n * 5 >= self.segment * 3 || n * 2 >= self.title.len())
                    && contains_run(&self.title, &self.words)
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
        tokens::fold_into(text, &mut self.folded);
        // Folding keeps every other character's bytes: without the fillers
        // that follow folded letters, the bytes are UTF-8 again.
        self.folded.retain(|&b| b != tokens::FILLER);
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

/// The head chosen after decoding: the title line and the standfirst lines.
#[derive(Debug, Default, Clone, PartialEq)]
pub(crate) struct Head {
    pub title: Option<usize>,
    pub standfirst: Vec<usize>,
    /// The article right below the title when decoding kept none of it: a
    /// short article under its headline is not given up for a longer
    /// sidebar.
    pub lead: Vec<usize>,
    /// Lines decoding kept above the title that are not prose (a menu, a
    /// breadcrumb, a kicker): not the article.
    pub above: Vec<usize>,
}

/// Whether a line is shaped like a headline: a few words, no list bullet or
/// URL, little boilerplate vocabulary, not a date or byline, and no final
/// full stop (a question or exclamation may end one).
pub(crate) fn headline_shaped(f: &LineFeatures, text: &str) -> bool {
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
            && !(f.date || f.byline || f.reading_time || f.counter)
    } else {
        rules::heading_like(f) && f.words <= 25
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

/// A fluent line that may be a standfirst: a sentence or two of prose, no
/// byline or date shape, little boilerplate vocabulary.
fn fluent(f: &LineFeatures, know_language: bool) -> bool {
    (6..=80).contains(&f.words)
        && !f.bullet
        && !f.url
        && !(f.date || f.byline || f.reading_time || f.counter || f.credit)
        && f.lex_total_share() < 0.2
        && (!know_language || f.stop_density() >= 0.1)
        && !matches!(f.ending, Ending::Ellipsis | Ending::Arrow | Ending::Colon)
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
pub(crate) fn find(
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
        if k >= 8 || (fluent(f, know) && f.words >= 15) {
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
        let prose = f.words >= 6
            && f.lex_total_share() < 0.3
            && !(f.date || f.byline || f.counter || f.reading_time)
            && (!know || f.stop_density() >= 0.1 || f.words * 2 > f.chars)
            && !headline_shaped(f, text);
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
