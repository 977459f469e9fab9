//! Stage 2 of the pipeline: per-line features, shared by the heuristics, the model and training.
//!
//! One pass over each line's characters gives its shape (length, words,
//! punctuation, capitals, digits, bullets, URLs); one Aho-Corasick scan over
//! the whole document gives lexicon hits by category; regexes run on short
//! lines only; a hash table counts repeated lines. The document's language is
//! the stoplist that most of its words fall in, and each line's stopword count
//! is taken against that language.

use std::sync::LazyLock;

use memchr::memmem;

use crate::text::data::CATEGORIES;
use crate::text::lexicon::{Lexicon, ScanBufs};
use crate::text::lines::Span;
use crate::text::shapes;
use crate::text::tokens;
use crate::util::hash::HashedMap;

/// How a line ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub(crate) enum Ending {
    /// A letter, digit or anything not listed below.
    #[default]
    Other,
    /// Sentence punctuation: . ! ? 。 (possibly followed by a closing quote).
    Sentence,
    /// A colon.
    Colon,
    /// An ellipsis (… or ...), typical of truncated teaser snippets.
    Ellipsis,
    /// An arrow or chevron (→ › » > ▶), typical of "read more" links.
    Arrow,
    /// Other punctuation: , ; - | etc.
    Punct,
}

/// What the extractor knows about one line.
#[derive(Clone, Debug, Default)]
pub(crate) struct LineFeatures {
    /// The line holds only white space.
    pub(crate) blank: bool,
    /// Byte range of the trimmed content (bullet included), relative to the document.
    pub(crate) trim_start: u32,
    pub(crate) trim_end: u32,
    /// Bytes of the content without bullet and without trailing symbols
    /// (arrows, colons): the denominator of lexicon shares.
    pub(crate) core_len: u32,
    /// Leading white space, in characters (a tab counts 4).
    pub(crate) indent: u16,
    /// Characters of the trimmed content.
    pub(crate) chars: u32,
    /// Words (see [`tokens`]).
    pub(crate) words: u32,
    /// Where the hashes of the line's first words (up to [`LISTED_WORDS`])
    /// are in the document's list.
    pub(crate) words_at: (u32, u32),
    /// Whether that list holds every word of the trimmed line, bullet
    /// included (see [`DocFeatures::all_words`]).
    pub(crate) words_complete: bool,
    /// Words in the document language's stoplist.
    pub(crate) stop: u32,
    /// Words that start with an uppercase letter.
    pub(crate) upper_words: u32,
    /// Words made only of digits.
    pub(crate) numeric_words: u32,
    /// Characters that are digits.
    pub(crate) digits: u32,
    /// Characters that are neither letters, digits nor white space.
    pub(crate) punct: u32,
    /// Starts with a list bullet (* + o - • · ► ▪ or "1.").
    pub(crate) bullet: bool,
    pub(crate) ending: Ending,
    /// Contains a URL or an e-mail address.
    pub(crate) url: bool,
    /// Separator characters between items (| · • /).
    pub(crate) separators: u16,
    /// Bytes covered by lexicon phrases, per category.
    pub(crate) lex_cover: [u16; CATEGORIES],
    /// Categories with a phrase starting right at the beginning of the line.
    pub(crate) lex_lead: u16,
    /// Lexicon hits per category (saturating).
    pub(crate) lex_hits: [u8; CATEGORIES],
    /// The phrase covering the most bytes (for reasons).
    pub(crate) lex_best: Option<u32>,
    /// Shape regexes (short lines only).
    pub(crate) date: bool,
    pub(crate) time: bool,
    pub(crate) byline: bool,
    pub(crate) reading_time: bool,
    pub(crate) counter: bool,
    /// Ends with a photo credit or source ("© Reuters", "Foto: dpa").
    pub(crate) credit: bool,
    /// Lower-case letter directly followed by an upper-case one inside a
    /// word ("Student-AthleteA 24-year-old"): glued headline and snippet.
    pub(crate) glued: u16,
    /// Words starting upper-case among the first eight.
    pub(crate) lead_upper: u8,
    /// How many lines of the document have exactly this trimmed content.
    pub(crate) repeats: u16,
}

impl LineFeatures {
    /// Stopword density: stopwords per word.
    #[inline]
    pub(crate) fn stop_density(&self) -> f32 {
        if self.words == 0 {
            0.0
        } else {
            self.stop as f32 / self.words as f32
        }
    }

    /// Share of the trimmed line covered by lexicon phrases of category `c`.
    #[inline]
    pub(crate) fn lex_share(&self, c: usize) -> f32 {
        (self.lex_cover[c] as f32 / self.core_len.max(1) as f32).min(1.0)
    }

    /// The category covering most of the line, with its share.
    pub(crate) fn lex_top(&self) -> Option<(usize, f32)> {
        (0..CATEGORIES)
            .filter(|&c| self.lex_cover[c] > 0)
            .map(|c| (c, self.lex_share(c)))
            .max_by(|a, b| a.1.total_cmp(&b.1))
    }

    /// Share of all lexicon categories together.
    pub(crate) fn lex_total_share(&self) -> f32 {
        (self.lex_cover.iter().map(|&c| c as f32).sum::<f32>() / self.core_len.max(1) as f32)
            .min(1.0)
    }
}

/// The features of a whole document.
#[derive(Debug, Default)]
pub(crate) struct DocFeatures {
    pub(crate) lines: Vec<LineFeatures>,
    /// Index of the document language in the lexicon's stoplists, if any words matched.
    pub(crate) lang: Option<usize>,
    /// Share of the document's words that are stopwords of its language.
    pub(crate) stop_rate: f32,
    /// The hashes of the first [`KEPT_WORDS`] words of each line (see
    /// [`LineFeatures::words_at`]).
    word_hashes: Vec<u64>,
    /// Scratch: (line, language mask) of every stopword hit.
    stop_hits: Vec<(u32, u64)>,
    /// Scratch: content hash of each line → count.
    repeat_counts: HashedMap<u16>,
    /// Scratch: each line's content hash.
    line_hashes: Vec<u64>,
    /// Scratch for the lexicon search.
    scan_bufs: ScanBufs,
    /// Scratch: the byte range of each line searched for phrases…
    pieces: Vec<(u32, u32)>,
    /// … and its line with the length of its bullet.
    piece_lines: Vec<(u32, u32)>,
    /// Scratch: (line, factor) of sampled lines, to scale their stopword counts.
    stop_scale: Vec<(u32, f32)>,
}

static URL: LazyLock<memmem::Finder<'static>> = LazyLock::new(|| memmem::Finder::new("://"));
static WWW: LazyLock<memmem::Finder<'static>> = LazyLock::new(|| memmem::Finder::new("www."));

const BULLETS: &[char] = &[
    '*', '+', '-', '•', '·', '►', '▪', '▸', '■', '●', '◦', '–', '—', '❯', '>',
];

/// Length of a leading bullet ("* ", "o ", "1. ") in bytes, or 0.
fn bullet_len(s: &str) -> usize {
    let mut chars = s.char_indices();
    let Some((_, c)) = chars.next() else { return 0 };
    if BULLETS.contains(&c) || c == 'o' {
        match chars.next() {
            Some((i, space @ (' ' | '\u{a0}'))) => return i + space.len_utf8(),
            None if c != 'o' => return c.len_utf8(),
            _ => return 0,
        }
    }
    if c.is_ascii_digit() {
        let digits = s.bytes().take_while(u8::is_ascii_digit).count();
        if digits <= 2 && s[digits..].starts_with(". ") {
            return digits + 2;
        }
    }
    0
}

fn ending(s: &str) -> Ending {
    let mut rev = s.chars().rev();
    let Some(last) = rev.next() else {
        return Ending::Other;
    };
    let before = rev.next();
    match last {
        '.' if before == Some('.') => Ending::Ellipsis,
        '…' => Ending::Ellipsis,
        '.' | '!' | '?' | '。' | '！' | '？' | '؟' | '।' => Ending::Sentence,
        '"' | '”' | '’' | '\'' | ')' | '»' | '」' | '』' | '“'
            if before
                .is_some_and(|b| matches!(b, '.' | '!' | '?' | '…' | '。' | ' ' | '\u{a0}')) =>
        {
            if last == '»' && before.is_some_and(|b| b == ' ' || b == '\u{a0}') && !s.contains('«')
            {
                Ending::Arrow
            } else {
                Ending::Sentence
            }
        }
        // A quotation or bracket closed after a word ends like the word
        // (a headline ending in a quoted phrase).
        '"' | '”' | '’' | '\'' | ')' | '»' | '」' | '』' | '“'
            if before.is_some_and(char::is_alphanumeric) =>
        {
            Ending::Other
        }
        ':' | '：' => Ending::Colon,
        '→' | '›' | '▶' | '►' | '⟶' | '➔' | '➜' | '❯' | '⇢' | '»' if !s.contains('«') => {
            Ending::Arrow
        }
        '>' => Ending::Arrow,
        c if c.is_alphanumeric() => Ending::Other,
        _ => Ending::Punct,
    }
}

/// Trims Unicode white space (and zero-width characters) from both ends.
fn trim(s: &str) -> (usize, usize) {
    let ws = |c: char| c.is_whitespace() || matches!(c, '\u{200B}' | '\u{FEFF}' | '\u{2060}');
    // Layout indentation (long runs of ASCII blanks) is skipped bytewise.
    let ascii = s.bytes().take_while(|&b| b == b' ' || b == b'\t').count();
    let start = ascii + (s.len() - ascii - s[ascii..].trim_start_matches(ws).len());
    let end = s[start..].trim_end_matches(ws).len() + start;
    (start, end)
}

/// The width of leading white space, in characters (a tab counts 4).
fn indent_width(ws: &str) -> u16 {
    let width = if ws.is_ascii() {
        ws.len() + 3 * memchr::memchr_iter(b'\t', ws.as_bytes()).count()
    } else {
        ws.chars().map(|c| if c == '\t' { 4 } else { 1 }).sum()
    };
    width.min(u16::MAX as usize) as u16
}

/// Words per line whose hashes are kept for the model's n-grams.
pub(super) const KEPT_WORDS: usize = 10;

/// Words per line whose hashes are listed: enough for the head evidence
/// to read every word of a line short enough to be a headline
/// (`evidence.rs` checks this) without tokenizing it again.
pub(super) const LISTED_WORDS: usize = 41;

impl DocFeatures {
    /// Whether the document's stoplist fits it: a language was found and
    /// enough of its words are stopwords. Without that, stopword density
    /// says nothing about a line.
    #[inline]
    pub(crate) fn knows_language(&self) -> bool {
        self.lang.is_some() && self.stop_rate >= 0.08
    }

    /// The hashes of the first [`KEPT_WORDS`] words of line `i`.
    pub(crate) fn words(&self, i: usize) -> &[u64] {
        let (a, b) = self.lines[i].words_at;
        &self.word_hashes[a as usize..(b as usize).min(a as usize + KEPT_WORDS)]
    }

    /// The hashes of every word of line `i`'s trimmed content, as
    /// [`tokens::scan`] gives them, if the features listed them all: a
    /// line of at most [`LISTED_WORDS`] words, sampled whole, whose bullet
    /// (if any) is no word.
    pub(crate) fn all_words(&self, i: usize) -> Option<&[u64]> {
        let f = &self.lines[i];
        let (a, b) = f.words_at;
        f.words_complete
            .then(|| &self.word_hashes[a as usize..b as usize])
    }

    /// Extracts the features of every line of `text`, whose line spans are
    /// `spans`; `language` forces a stoplist instead of detecting one.
    pub(crate) fn extract(
        &mut self,
        lex: &Lexicon,
        text: &str,
        spans: &[Span],
        language: Option<usize>,
    ) {
        self.lines.clear();
        self.word_hashes.clear();
        self.stop_hits.clear();
        self.repeat_counts.clear();
        self.line_hashes.clear();
        self.pieces.clear();
        self.piece_lines.clear();
        let mut lang_counts = LangCounts::default();
        let mut total_words = 0u64;

        for (i, span) in spans.iter().enumerate() {
            let line = &text[span.content()];
            let (ts, te) = trim(line);
            let mut f = LineFeatures {
                trim_start: span.start + ts as u32,
                trim_end: span.start + te as u32,
                ..LineFeatures::default()
            };
            let content = &line[ts..te];
            if content.is_empty() {
                f.blank = true;
                self.line_hashes.push(0);
                self.lines.push(f);
                continue;
            }
            f.indent = indent_width(&line[..ts]);
            let blen = bullet_len(content);
            f.bullet = blen > 0;
            let body = &content[blen..];
            f.core_len = body.trim_end_matches(|c: char| !c.is_alphanumeric()).len() as u32;
            // Long lines are judged on a sample: their first SAMPLE bytes give
            // the word statistics, scaled to the whole line.
            let sample = &body[..floor_char_boundary(body, SAMPLE)];
            let scale = if sample.is_empty() {
                1.0
            } else {
                body.len() as f32 / sample.len() as f32
            };
            let words_from = self.word_hashes.len() as u32;
            let st = tokens::scan(sample, |w| {
                if f.words < 8 && w.upper {
                    f.lead_upper += 1;
                }
                if (f.words as usize) < LISTED_WORDS {
                    self.word_hashes.push(w.hash);
                }
                f.words += 1;
                f.upper_words += w.upper as u32;
                f.numeric_words += w.numeric as u32;
                let mask = lex.stop_mask(w.hash);
                if mask != 0 {
                    self.stop_hits.push((i as u32, mask));
                    lang_counts.add(mask);
                }
            });
            f.words_at = (words_from, self.word_hashes.len() as u32);
            // A bullet that is a word ("o ", "1. ") is not in the list.
            f.words_complete = (f.words as usize) <= LISTED_WORDS
                && sample.len() == body.len()
                && (blen == 0 || !content.as_bytes()[0].is_ascii_alphanumeric());
            f.chars = st.chars;
            f.digits = st.digits;
            f.punct = st.punct;
            f.separators = st.separators.min(u16::MAX as u32) as u16;
            f.glued = st.glued.min(u16::MAX as u32) as u16;
            if sample.len() < body.len() {
                let rest = &body.as_bytes()[sample.len()..];
                f.chars += rest.iter().filter(|&&b| (b as i8) >= -0x40).count() as u32;
                let up = |n: u32| (n as f32 * scale).round() as u32;
                f.words = up(f.words);
                f.upper_words = up(f.upper_words);
                f.numeric_words = up(f.numeric_words);
                f.digits = up(f.digits);
                f.punct = up(f.punct);
                f.glued = up(f.glued as u32).min(u16::MAX as u32) as u16;
                f.separators = up(f.separators as u32).min(u16::MAX as u32) as u16;
                // Stopwords are counted on the sample: remember its share.
                self.stop_scale.push((i as u32, scale));
            }
            f.chars += blen as u32;
            total_words += f.words as u64;
            f.ending = ending(body);
            let bytes = sample.as_bytes();
            f.url = memchr::memchr2(b'/', b'.', bytes).is_some()
                && (URL.find(bytes).is_some() || WWW.find(bytes).is_some())
                || memchr::memchr(b'@', bytes)
                    .is_some_and(|at| bytes[at..].contains(&b'.') && at > 0);
            if body.len() <= shapes::MAX_LEN {
                // Dates, times and counters need digits; the regexes only
                // run where they can match.
                if f.digits > 0 {
                    [f.date, f.time, f.counter, f.reading_time] = shapes::digit_shapes(body);
                }
                f.byline = f.upper_words > 0 && shapes::BYLINE.is_match(body);
            }
            f.credit = shapes::is_credit(body);
            // Lexicon phrases (after this loop): in the whole of a short
            // line, in the first LEXICON_SAMPLE bytes of a long one (stock
            // phrases open lines).
            let scanned = floor_char_boundary(content, LEXICON_SAMPLE) as u32;
            self.pieces.push((f.trim_start, f.trim_start + scanned));
            self.piece_lines.push((i as u32, blen as u32));
            let h = line_hash(content);
            // Saturating: 65,536 copies of a line must not wrap to 0.
            let n = self.repeat_counts.entry(h).or_default();
            *n = n.saturating_add(1);
            self.line_hashes.push(h);
            self.lines.push(f);
        }

        let (lines, pieces, piece_lines) = (&mut self.lines, &self.pieces, &self.piece_lines);
        lex.scan(text, pieces, &mut self.scan_bufs, |k, hit| {
            let (i, blen) = piece_lines[k];
            let f = &mut lines[i as usize];
            let cat = lex.phrases[hit.phrase as usize].category as usize;
            let len = (hit.end - hit.start) as u16;
            f.lex_cover[cat] = f.lex_cover[cat].saturating_add(len);
            f.lex_hits[cat] = f.lex_hits[cat].saturating_add(1);
            if hit.start <= blen as usize {
                f.lex_lead |= 1 << cat;
            }
            let better = match f.lex_best {
                None => true,
                Some(p) => lex.phrases[p as usize].text.len() < len as usize,
            };
            if better {
                f.lex_best = Some(hit.phrase);
            }
        });

        // Language: the stoplist with most hits; stopword counts against it.
        let lang_counts = lang_counts.totals();
        let best = (0..lex.langs.len()).max_by_key(|&l| (lang_counts[l], std::cmp::Reverse(l)));
        self.lang = language.or(best.filter(|&l| lang_counts[l] > 0));
        let mut stops = 0u64;
        if let Some(l) = self.lang {
            let bit = 1u64 << l;
            for &(line, mask) in &self.stop_hits {
                if mask & bit != 0 {
                    self.lines[line as usize].stop += 1;
                }
            }
            for &(line, scale) in &self.stop_scale {
                let f = &mut self.lines[line as usize];
                f.stop = ((f.stop as f32 * scale).round() as u32).min(f.words);
            }
            stops = self.lines.iter().map(|f| f.stop as u64).sum();
        }
        self.stop_scale.clear();
        self.stop_rate = if total_words > 0 {
            stops as f32 / total_words as f32
        } else {
            0.0
        };

        for (f, h) in self.lines.iter_mut().zip(&self.line_hashes) {
            if !f.blank {
                f.repeats = self.repeat_counts.get(h).copied().unwrap_or(1);
            }
        }
    }
}

/// Per-language stopword counts, added a whole language mask at a time:
/// 64 counters kept bit-sliced (plane `k` holds bit `k` of every counter),
/// so a word in many stoplists costs a carry chain, not a loop over its
/// languages.
#[derive(Default)]
struct LangCounts {
    planes: [u64; 16],
    /// Masks added since the planes were last emptied into `totals`.
    pending: u32,
    totals: Vec<u32>,
}

impl LangCounts {
    #[inline]
    fn add(&mut self, mut mask: u64) {
        for plane in &mut self.planes {
            let carry = *plane & mask;
            *plane ^= mask;
            mask = carry;
            if mask == 0 {
                break;
            }
        }
        self.pending += 1;
        // 16 planes count to 65 535: empty them before they overflow.
        if self.pending == u16::MAX as u32 {
            self.flush();
        }
    }

    fn flush(&mut self) {
        self.totals.resize(64, 0);
        for (k, plane) in self.planes.iter_mut().enumerate() {
            for (l, total) in self.totals.iter_mut().enumerate() {
                *total += ((*plane >> l) as u32 & 1) << k;
            }
            *plane = 0;
        }
        self.pending = 0;
    }

    /// The count of every language.
    fn totals(mut self) -> Vec<u32> {
        self.flush();
        self.totals
    }
}

/// Bytes of a long line that give its word statistics.
const SAMPLE: usize = 384;
/// Bytes of a long line searched for lexicon phrases.
const LEXICON_SAMPLE: usize = 192;

/// The largest char boundary of `s` at or below `i`.
fn floor_char_boundary(s: &str, i: usize) -> usize {
    if i >= s.len() {
        return s.len();
    }
    (0..=i).rev().find(|&k| s.is_char_boundary(k)).unwrap_or(0)
}

/// A hash of a line's content for counting repeats: its length and its
/// first and last 48 bytes (long lines that agree on all three repeat).
fn line_hash(content: &str) -> u64 {
    let b = content.as_bytes();
    let head = &b[..b.len().min(48)];
    let tail = &b[b.len().saturating_sub(48)..];
    let mut h = tokens::combine(tokens::HASH_SEED, b.len() as u64);
    for part in [head, tail] {
        let mut chunks = part.chunks_exact(8);
        for c in &mut chunks {
            h = tokens::combine(h, u64::from_le_bytes(c.try_into().expect("8 bytes")));
        }
        let rest = chunks.remainder();
        let mut last = [0u8; 8];
        last[..rest.len()].copy_from_slice(rest);
        h = tokens::combine(h, u64::from_le_bytes(last));
    }
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bit_sliced_counts_match_a_loop() {
        let mut counts = LangCounts::default();
        let mut want = vec![0u32; 64];
        let mut x = 0x2545_f491_4f6c_dd1du64;
        for n in 0..200_000u64 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            // Sparse masks mostly, a full one now and then.
            let mask = if n % 1000 == 0 {
                u64::MAX
            } else {
                x & (x >> 3) & (x >> 7)
            };
            counts.add(mask);
            for (l, w) in want.iter_mut().enumerate() {
                *w += (mask >> l) as u32 & 1;
            }
        }
        assert_eq!(counts.totals(), want);
    }
    use crate::text::lexicon::DEFAULT;
    use crate::text::lines;

    fn features(text: &str) -> DocFeatures {
        let mut spans = Vec::new();
        lines::split(text.as_bytes(), &mut spans);
        let mut doc = DocFeatures::default();
        doc.extract(&DEFAULT, text, &spans, None);
        doc
    }

    #[test]
    fn shape() {
        let doc = features("  * Accueil\n\nLe président a dit qu'il était prêt à coopérer avec les États-Unis.\nLire la suite →\n");
        let nav = &doc.lines[0];
        assert!(nav.bullet);
        assert_eq!(nav.indent, 2);
        assert_eq!(nav.words, 1);
        assert!(doc.lines[1].blank);
        let body = &doc.lines[2];
        assert_eq!(body.ending, Ending::Sentence);
        assert!(body.stop_density() > 0.3, "{}", body.stop_density());
        assert_eq!(doc.lang.map(|l| DEFAULT.langs[l]), Some("fr"));
        let more = &doc.lines[3];
        assert_eq!(more.ending, Ending::Arrow);
        let read_more = Label::ReadMore.category().unwrap();
        assert!(more.lex_share(read_more) > 0.8);
        assert_ne!(more.lex_lead & (1 << read_more), 0);
    }

    use crate::label::Label;

    #[test]
    fn endings() {
        let cases = [
            ("Il a dit.", Ending::Sentence),
            ("« Je suis prêt »", Ending::Sentence),
            ("Il a dit « oui. »", Ending::Sentence),
            ("Lire la suite »", Ending::Arrow),
            ("Indebted NHS trusts \"in shocking state\"", Ending::Other),
            ("Le « Grand Paris »", Ending::Sentence),
            ("Lire la suite →", Ending::Arrow),
            ("Emmanuel Macron ...", Ending::Ellipsis),
            ("Tags:", Ending::Colon),
            ("Un titre", Ending::Other),
            ("Suivez-nous,", Ending::Punct),
            ("", Ending::Other),
        ];
        for (s, want) in cases {
            assert_eq!(ending(s), want, "{s:?}");
        }
    }

    #[test]
    fn bullets() {
        for (s, n) in [
            ("* a", 2),
            ("o a", 2),
            ("• a", 4),
            ("12. a", 4),
            ("2024. a", 0),
            ("oui", 0),
            ("*", 1),
        ] {
            assert_eq!(bullet_len(s), n, "{s:?}");
        }
    }

    #[test]
    fn repeats() {
        let doc = features("Lire la suite\nx\n  Lire la suite\n");
        assert_eq!(doc.lines[0].repeats, 2);
        assert_eq!(doc.lines[1].repeats, 1);
        assert_eq!(doc.lines[2].repeats, 2);
    }

    /// Issue 13: the count was a u16 that wrapped: a line seen 65,536
    /// times counted 0 (and 65,537 times, 1: a line of its own).
    #[test]
    fn repeats_saturate_rather_than_wrap() {
        let doc = features(&"Partager\n".repeat(65_537));
        assert_eq!(doc.lines[0].repeats, u16::MAX);
    }
}
