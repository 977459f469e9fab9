//! Per-line features, shared by the heuristics, the model and training.
//!
//! One pass over each line's characters gives its shape (length, words,
//! punctuation, capitals, digits, bullets, URLs); one Aho-Corasick scan over
//! the whole document gives lexicon hits by category; regexes run on short
//! lines only; a hash table counts repeated lines. The document's language is
//! the stoplist that most of its words fall in, and each line's stopword count
//! is taken against that language.

use memchr::memmem;

use crate::lexicon::{HashedMap, Lexicon, CATEGORIES};
use crate::lines::Span;
use crate::patterns;
use crate::tokens;

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
    pub blank: bool,
    /// Byte range of the trimmed content (bullet included), relative to the document.
    pub trim_start: u32,
    pub trim_end: u32,
    /// Bytes of the content without bullet and without trailing symbols
    /// (arrows, colons): the denominator of lexicon shares.
    pub core_len: u32,
    /// Leading white space, in characters (a tab counts 4).
    pub indent: u16,
    /// Characters of the trimmed content.
    pub chars: u32,
    /// Words (see [`tokens`]).
    pub words: u32,
    /// Words in the document language's stoplist.
    pub stop: u32,
    /// Words that start with an uppercase letter.
    pub upper_words: u32,
    /// Words made only of digits.
    pub numeric_words: u32,
    /// Characters that are digits.
    pub digits: u32,
    /// Characters that are neither letters, digits nor white space.
    pub punct: u32,
    /// Starts with a list bullet (* + o - • · ► ▪ or "1.").
    pub bullet: bool,
    pub ending: Ending,
    /// Contains a URL or an e-mail address.
    pub url: bool,
    /// Separator characters between items (| · • /).
    pub separators: u16,
    /// Bytes covered by lexicon phrases, per category.
    pub lex_cover: [u16; CATEGORIES],
    /// Categories with a phrase starting right at the beginning of the line.
    pub lex_lead: u16,
    /// Lexicon hits per category (saturating).
    pub lex_hits: [u8; CATEGORIES],
    /// The phrase covering the most bytes (for reasons).
    pub lex_best: Option<u32>,
    /// Shape regexes (short lines only).
    pub date: bool,
    pub time: bool,
    pub byline: bool,
    pub reading_time: bool,
    pub counter: bool,
    /// Ends with a photo credit or source ("© Reuters", "Foto: dpa").
    pub credit: bool,
    /// Lower-case letter directly followed by an upper-case one inside a
    /// word ("Student-AthleteA 24-year-old"): glued headline and snippet.
    pub glued: u16,
    /// Words starting upper-case among the first eight.
    pub lead_upper: u8,
    /// How many lines of the document have exactly this trimmed content.
    pub repeats: u16,
}

impl LineFeatures {
    /// Stopword density: stopwords per word.
    #[inline]
    pub fn stop_density(&self) -> f32 {
        if self.words == 0 {
            0.0
        } else {
            self.stop as f32 / self.words as f32
        }
    }

    /// Share of the trimmed line covered by lexicon phrases of category `c`.
    #[inline]
    pub fn lex_share(&self, c: usize) -> f32 {
        (self.lex_cover[c] as f32 / self.core_len.max(1) as f32).min(1.0)
    }

    /// The category covering most of the line, with its share.
    pub fn lex_top(&self) -> Option<(usize, f32)> {
        (0..CATEGORIES)
            .filter(|&c| self.lex_cover[c] > 0)
            .map(|c| (c, self.lex_share(c)))
            .max_by(|a, b| a.1.total_cmp(&b.1))
    }

    /// Share of all lexicon categories together.
    pub fn lex_total_share(&self) -> f32 {
        (self.lex_cover.iter().map(|&c| c as f32).sum::<f32>() / self.core_len.max(1) as f32).min(1.0)
    }
}

/// The features of a whole document.
#[derive(Debug, Default)]
pub(crate) struct DocFeatures {
    pub lines: Vec<LineFeatures>,
    /// Index of the document language in the lexicon's stoplists, if any words matched.
    pub lang: Option<usize>,
    /// Share of the document's words that are stopwords of its language.
    pub stop_rate: f32,
    /// Scratch: (line, language mask) of every stopword hit.
    stop_hits: Vec<(u32, u64)>,
    /// Scratch: content hash of each line → count.
    repeat_counts: HashedMap<u16>,
    /// Scratch: each line's content hash.
    line_hashes: Vec<u64>,
}

const BULLETS: &[char] = &['*', '+', '-', '•', '·', '►', '▪', '▸', '■', '●', '◦', '–', '—', '❯', '>'];

/// Length of a leading bullet ("* ", "o ", "1. ") in bytes, or 0.
fn bullet_len(s: &str) -> usize {
    let mut chars = s.char_indices();
    let Some((_, c)) = chars.next() else { return 0 };
    if BULLETS.contains(&c) || c == 'o' {
        match chars.next() {
            Some((i, ' ' | '\u{a0}')) => return i + 1,
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
    let Some(last) = rev.next() else { return Ending::Other };
    let before = rev.next();
    match last {
        '.' if before == Some('.') => Ending::Ellipsis,
        '…' => Ending::Ellipsis,
        '.' | '!' | '?' | '。' | '！' | '？' | '؟' | '।' => Ending::Sentence,
        '"' | '”' | '’' | '\'' | ')' | '»' | '」' | '』' | '“'
            if before.is_some_and(|b| matches!(b, '.' | '!' | '?' | '…' | '。' | ' ' | '\u{a0}')) =>
        {
            if last == '»' && before.is_some_and(|b| b == ' ' || b == '\u{a0}') && !s.contains('«') {
                Ending::Arrow
            } else {
                Ending::Sentence
            }
        }
        ':' | '：' => Ending::Colon,
        '→' | '›' | '▶' | '►' | '⟶' | '➔' | '➜' | '❯' | '⇢' | '»' if !s.contains('«') => Ending::Arrow,
        '>' => Ending::Arrow,
        c if c.is_alphanumeric() => Ending::Other,
        _ => Ending::Punct,
    }
}

/// Trims Unicode white space (and zero-width characters) from both ends.
fn trim(s: &str) -> (usize, usize) {
    let ws = |c: char| c.is_whitespace() || matches!(c, '\u{200B}' | '\u{FEFF}' | '\u{2060}');
    let start = s.len() - s.trim_start_matches(ws).len();
    let end = s.trim_end_matches(ws).len().max(start);
    (start, end)
}

impl DocFeatures {
    /// Extracts the features of every line of `text`, whose line spans are
    /// `spans`; `language` forces a stoplist instead of detecting one.
    pub(crate) fn extract(&mut self, lex: &Lexicon, text: &str, spans: &[Span], language: Option<usize>) {
        self.lines.clear();
        self.stop_hits.clear();
        self.repeat_counts.clear();
        self.line_hashes.clear();
        let mut lang_counts = [0u32; 64];
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
            f.indent = line[..ts].chars().map(|c| if c == '\t' { 4 } else { 1 }).sum::<u16>();
            let blen = bullet_len(content);
            f.bullet = blen > 0;
            let body = &content[blen..];
            f.core_len = body.trim_end_matches(|c: char| !c.is_alphanumeric()).len() as u32;
            let mut prev_lower = false;
            for c in body.chars() {
                f.chars += 1;
                if prev_lower && c.is_uppercase() {
                    f.glued += 1;
                }
                prev_lower = c.is_lowercase();
                if c.is_ascii_digit() {
                    f.digits += 1;
                } else if !c.is_alphanumeric() && !c.is_whitespace() {
                    f.punct += 1;
                    if matches!(c, '|' | '·' | '•' | '/' | '‧' | '∙') {
                        f.separators += 1;
                    }
                }
            }
            f.chars += blen as u32;
            tokens::for_each_word(body, |w| {
                if f.words < 8 && w.upper {
                    f.lead_upper += 1;
                }
                f.words += 1;
                f.upper_words += w.upper as u32;
                f.numeric_words += w.numeric as u32;
                let mask = lex.stop_mask(w.hash);
                if mask != 0 {
                    self.stop_hits.push((i as u32, mask));
                    let mut m = mask;
                    while m != 0 {
                        lang_counts[m.trailing_zeros() as usize] += 1;
                        m &= m - 1;
                    }
                }
            });
            total_words += f.words as u64;
            f.ending = ending(body);
            let bytes = body.as_bytes();
            f.url = memmem::find(bytes, b"://").is_some()
                || memmem::find(bytes, b"www.").is_some()
                || memchr::memchr(b'@', bytes).is_some_and(|at| bytes[at..].contains(&b'.') && at > 0);
            if body.len() <= patterns::MAX_LEN {
                if f.digits > 0 {
                    f.date = patterns::DATE.is_match(body);
                    f.time = patterns::TIME.is_match(body);
                    f.reading_time = patterns::READING_TIME.is_match(body);
                    f.counter = patterns::COUNTER.is_match(body);
                } else {
                    f.reading_time = patterns::READING_TIME.is_match(body);
                    f.counter = patterns::COUNTER.is_match(body);
                }
                f.byline = f.upper_words > 0 && patterns::BYLINE.is_match(body);
            }
            let tail = body.len().saturating_sub(patterns::CREDIT_TAIL);
            let tail = body.char_indices().map(|(i, _)| i).find(|&i| i >= tail).unwrap_or(0);
            f.credit = patterns::CREDIT.is_match(&body[tail..]);
            let h = content.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
                (h ^ b as u64).wrapping_mul(0x0100_0000_01b3)
            });
            *self.repeat_counts.entry(h).or_default() += 1;
            self.line_hashes.push(h);
            self.lines.push(f);
        }

        // Language: the stoplist with most hits; stopword counts against it.
        let best = (0..lex.langs.len()).max_by_key(|&l| (lang_counts[l], std::cmp::Reverse(l)));
        self.lang = language.or(best.filter(|&l| lang_counts[l] > 0));
        let mut stops = 0u64;
        if let Some(l) = self.lang {
            let bit = 1u64 << l;
            for &(line, mask) in &self.stop_hits {
                if mask & bit != 0 {
                    self.lines[line as usize].stop += 1;
                    stops += 1;
                }
            }
        }
        self.stop_rate = if total_words > 0 { stops as f32 / total_words as f32 } else { 0.0 };

        for (f, h) in self.lines.iter_mut().zip(&self.line_hashes) {
            if !f.blank {
                f.repeats = self.repeat_counts.get(h).copied().unwrap_or(1);
            }
        }

        // Lexicon: one scan of the whole text, hits assigned to lines in order.
        let mut line = 0usize;
        let lines = &mut self.lines;
        lex.scan(text, |hit| {
            while line < spans.len() && (spans[line].end as usize) < hit.end {
                line += 1;
            }
            let Some(f) = lines.get_mut(line) else { return };
            if f.blank || hit.start < f.trim_start as usize {
                return;
            }
            let cat = lex.phrases[hit.phrase as usize].category as usize;
            let len = (hit.end - hit.start) as u16;
            f.lex_cover[cat] = f.lex_cover[cat].saturating_add(len);
            f.lex_hits[cat] = f.lex_hits[cat].saturating_add(1);
            let lead_at = f.trim_start as usize + bullet_len(&text[f.trim_start as usize..f.trim_end as usize]);
            if hit.start <= lead_at {
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
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lexicon::DEFAULT;
    use crate::lines;

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
        let read_more = Label::BOILERPLATE.iter().position(|l| *l == Label::ReadMore).unwrap();
        assert!(more.lex_share(read_more) > 0.8);
        assert_ne!(more.lex_lead & (1 << read_more), 0);
    }

    use crate::Label;

    #[test]
    fn endings() {
        let cases = [
            ("Il a dit.", Ending::Sentence),
            ("« Je suis prêt »", Ending::Sentence),
            ("Il a dit « oui. »", Ending::Sentence),
            ("Lire la suite »", Ending::Arrow),
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
        for (s, n) in [("* a", 2), ("o a", 2), ("• a", 4), ("12. a", 4), ("2024. a", 0), ("oui", 0), ("*", 1)] {
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
}
