//! Below the line: cutting long lines into pieces.
//!
//! Most lines are judged whole. Some are not lines a reader would recognise:
//! a page that a scraper flattened to one line (`trafilatura.html2txt`,
//! `get_text(" ")`, corpora that collapsed white space), or a layout that
//! glued a menu, a breadcrumb, a share row and the article's paragraphs into
//! one long line. Judged whole, such a line is kept or dropped with all it
//! holds. [`split`] gives the pipeline its units instead: every line, except
//! that a line longer than [`LONG_LINE`] (the only line of a document: longer
//! than [`ONE_LINE_DOC`]) is replaced by its pieces. A piece is a byte range
//! of its line, [`Span::cont`] tells it continues the line of the unit
//! before it, and the pieces of a line cover it exactly.
//!
//! Where a line is cut, in the order the cutter looks:
//!
//! * after a sentence end (`.`, `!`, `?`, `…`, closing quotes after them)
//!   when the next word starts like a sentence (a capital, a digit, a
//!   letter of a script without case); not after an initial, a short
//!   abbreviation ("Mr.", "U.S.") or an ordinal ("9. Oktober");
//! * right after a CJK sentence end (`。！？`), spaces or not;
//! * after a separator between items (`|`, `·`, `•`, `›`, `»`, `/`, `>`,
//!   arrows and the like, standing alone between spaces): breadcrumbs,
//!   share rows and menus come apart item by item;
//! * after a word ending in a colon when a capital follows ("Tags: …",
//!   "Share this: Twitter …");
//! * before a stock phrase of the boilerplate lexicon written as a header
//!   or a widget's label is, capitalised ("Leave a reply", "Related
//!   articles", "Comments", "Sign up for our newsletter"; not "… said in
//!   the comments"; menu words aside): such a piece starts with its
//!   phrase, as a line would, and is never joined to its neighbours;
//! * where a run of capitalised words (a menu) turns into prose: before the
//!   capitalised word that a mostly lower-case run follows ("… Kontakt
//!   Warenkorb | Der Artikel wurde erfolgreich hinzugefügt."), and where
//!   prose turns into a run of capitalised words without a sentence end.
//!
//! Cutting is not the goal: a paragraph must not come out in shreds, since
//! every cut is one more place where the model may drop half a sentence.
//! So lines up to [`LONG_LINE`] are never cut (a paragraph is rarely
//! longer), and neighbouring pieces that both read as prose are joined again
//! up to [`MAX_PROSE`] bytes: what stays cut is where the kind of text
//! changes. A run that does not read as prose (a menu without separators)
//! is cut every [`MAX_OTHER`] bytes, and no piece is longer than
//! [`MAX_PIECE`] (cut at the last white space before it), so a 10 MB line
//! is judged piece by piece.
//!
//! The cutter reads the line once, keeping a window of a few words either
//! side of the gap it decides: its memory does not grow with the line.

use std::collections::VecDeque;

use crate::label::Label;
use crate::text::lexicon::{ScanBufs, DEFAULT};
use crate::text::lines::{self, Span};

/// Lines longer than this many bytes (runs of white space counted as one)
/// are cut into pieces. Article paragraphs are rarely longer; the lines
/// that glue a menu to an article are (1,400–8,000 bytes on the pages that
/// prompted this, issue 22).
pub(crate) const LONG_LINE: usize = 1000;

/// The only non-blank line of a document is cut from this length: a page
/// that arrives as one line holds its menu and its article in that line
/// however short it is.
pub(crate) const ONE_LINE_DOC: usize = 200;

/// Neighbouring pieces that both read as prose are joined again up to this
/// many bytes: sentences of one paragraph stay together.
pub(crate) const MAX_PROSE: usize = 600;

/// No piece is longer than this many bytes: a longer run without a
/// boundary is cut at the last white space before it (inside a word only
/// if there is none).
pub(crate) const MAX_PIECE: usize = 4096;

/// A run of words that does not read as prose (a menu, a list of links or
/// tags) is cut every this many bytes: a menu of 4,000 bytes looks like no
/// line a scraper writes, a few dozen of its words like a menu line.
pub(crate) const MAX_OTHER: usize = 250;

/// Words of the window before a gap that the menu-to-prose rule reads.
const BEFORE: usize = 8;
/// Words of the window after a gap that the menu-to-prose rule reads.
const AFTER: usize = 6;
/// A menu-to-prose cut is at least this many words from any other cut.
const CHANGE_GAP: usize = 4;
/// Words read past the gap being decided: the window after it, for it and
/// for the next few places (see [`Cutter::change_at`]).
const LOOK: usize = AFTER + CHANGE_GAP + 1;

/// Appends the units of `text` to `out` (cleared first): its lines, as
/// [`lines::split`] gives them, with each long line replaced by its pieces.
pub(crate) fn split(text: &str, out: &mut Vec<Span>) {
    lines::split(text.as_bytes(), out);
    let bytes = text.as_bytes();
    let min = if one_line(bytes, out) {
        ONE_LINE_DOC
    } else {
        LONG_LINE
    };
    let Some(first) = out.iter().position(|s| long(&bytes[s.content()], min)) else {
        return;
    };
    // Only documents with a long line pay for this copy.
    let rest = out.split_off(first);
    let mut cutter = Cutter::default();
    for span in rest {
        if long(&bytes[span.content()], min) {
            cutter.cut(text, span, out);
        } else {
            out.push(span);
        }
    }
}

/// Gives `each` the text of every unit of `text`, as [`split`] cuts them,
/// without holding the lines: only a long line's pieces are collected, one
/// line at a time (site memory walks pages of millions of lines this way).
pub(crate) fn for_each_unit(text: &str, mut each: impl FnMut(&str)) {
    let bytes = text.as_bytes();
    let mut non_blank = bytes
        .split(|&b| b == b'\n')
        .filter(|l| !l.iter().all(u8::is_ascii_whitespace));
    let min = if non_blank.nth(1).is_none() {
        ONE_LINE_DOC
    } else {
        LONG_LINE
    };
    let mut cutter = Cutter::default();
    let mut pieces = Vec::new();
    let mut start = 0usize;
    while start <= bytes.len() {
        let nl = memchr::memchr(b'\n', &bytes[start..]).map(|i| start + i);
        let stop = nl.unwrap_or(bytes.len());
        let end = if stop > start && bytes[stop - 1] == b'\r' {
            stop - 1
        } else {
            stop
        };
        if nl.is_none() && start == bytes.len() {
            break;
        }
        if long(&bytes[start..end], min) {
            pieces.clear();
            let span = Span {
                start: start as u32,
                end: end as u32,
                next: nl.map_or(stop, |i| i + 1) as u32,
                cont: false,
            };
            cutter.cut(text, span, &mut pieces);
            for p in &pieces {
                each(&text[p.content()]);
            }
        } else {
            each(&text[start..end]);
        }
        match nl {
            Some(i) => start = i + 1,
            None => break,
        }
    }
}

/// Whether the document has at most one non-blank line.
fn one_line(bytes: &[u8], spans: &[Span]) -> bool {
    spans
        .iter()
        .filter(|s| !bytes[s.content()].iter().all(u8::is_ascii_whitespace))
        .nth(1)
        .is_none()
}

/// Whether a line is longer than `min` bytes, runs of ASCII white space
/// counted as one byte (layout padding is not length).
fn long(line: &[u8], min: usize) -> bool {
    if line.len() <= min {
        return false;
    }
    let mut n = 0;
    let mut space = false;
    for &b in line {
        let s = matches!(b, b' ' | b'\t' | b'\r' | b'\x0b' | b'\x0c');
        if !(s && space) {
            n += 1;
            if n > min {
                return true;
            }
        }
        space = s;
    }
    false
}

/// How a word starts: its first letter or digit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Class {
    /// An upper-case letter.
    Upper,
    /// A lower-case letter.
    Lower,
    /// A letter of a script without case (CJK, Arabic, Hebrew, Thai…).
    Uncased,
    /// A digit.
    Digit,
    /// No letter or digit.
    Other,
}

/// The word ends a sentence ("said.", "right?").
const ENDS: u8 = 1;
/// The word ends with a CJK sentence end (`。`), which needs no space after.
const CJK_END: u8 = 2;
/// The word is an item separator ("|", "·", "›").
const SEP: u8 = 4;
/// The word ends in a colon ("Tags:").
const COLON: u8 = 8;
/// The word starts like a sentence (a capital, a digit, an uncased letter).
const STARTS: u8 = 16;
/// A stock phrase of the boilerplate lexicon starts at the word,
/// capitalised ("Leave a reply", "Related articles", "Comments").
const PHRASE: u8 = 32;

/// One word of a line: a run of characters between white space (or after
/// a CJK sentence end), as offsets into the line.
#[derive(Clone, Copy, Debug)]
struct Word {
    start: u32,
    end: u32,
    class: Class,
    flags: u8,
    /// Letters of scripts without case.
    uncased: u16,
}

impl Word {
    #[inline]
    fn has(&self, flag: u8) -> bool {
        self.flags & flag != 0
    }
}

/// Whether the gap between `a` and the next word `b` is a boundary on its
/// own (not the menu-to-prose rule, which needs a window).
#[inline]
fn hard(a: &Word, b: &Word) -> bool {
    b.has(PHRASE)
        || a.has(CJK_END)
        || (a.has(ENDS) && b.has(STARTS))
        || (a.has(SEP) && !b.has(SEP))
        || (a.has(COLON) && b.has(STARTS))
}

/// Characters that separate items when they stand alone (up to three of
/// them) between spaces.
fn is_separator(c: char) -> bool {
    matches!(
        c,
        '|' | '¦'
            | '·'
            | '•'
            | '‧'
            | '∙'
            | '⋅'
            | '›'
            | '‹'
            | '»'
            | '/'
            | '\\'
            | '>'
            | '<'
            | '→'
            | '←'
            | '►'
            | '▸'
            | '▶'
            | '◆'
            | '◇'
            | '■'
            | '□'
            | '●'
            | '○'
            | '◦'
            | '★'
            | '☆'
            | '❯'
            | '❮'
            | '♦'
            | '~'
    )
}

/// Closing quotes and brackets that may follow a sentence end.
fn is_closer(c: char) -> bool {
    matches!(
        c,
        '"' | '\'' | '”' | '’' | '»' | ')' | ']' | '」' | '』' | '）' | '】' | '〉' | '》'
    )
}

/// Opening quotes and brackets that may precede a sentence's first letter.
fn is_opener(c: char) -> bool {
    matches!(
        c,
        '"' | '\'' | '“' | '‘' | '«' | '„' | '(' | '[' | '¿' | '¡' | '「' | '『' | '（' | '【'
    )
}

fn is_cjk_end(c: char) -> bool {
    matches!(c, '。' | '！' | '？')
}

/// Words that end in a full stop without ending a sentence (lower-cased,
/// without the stop): titles, company suffixes, months, "No.", "vs.".
const ABBREVIATIONS: &[&str] = &[
    "mr", "mrs", "ms", "dr", "st", "rt", "hon", "jr", "sr", "prof", "gen", "gov", "sen", "rep",
    "pres", "inc", "ltd", "co", "corp", "no", "nr", "vs", "etc", "jan", "feb", "mar", "apr", "jun",
    "jul", "aug", "sep", "sept", "oct", "nov", "dec", "fig", "vol", "pp", "ca", "bzw", "str",
    "mme", "mlle", "av", "art",
];

/// Whether the word, which ends in a full stop, is an abbreviation, an
/// initial or an ordinal rather than a sentence's last word.
fn abbreviation(word: &str) -> bool {
    if word.ends_with("..") {
        return false; // an ellipsis ends a sentence
    }
    let core = word.trim_start_matches(is_opener).trim_end_matches('.');
    let mut chars = core.chars();
    match (chars.next(), chars.next()) {
        (None, _) => return false,                   // a lone stop
        (Some(c), None) => return c.is_alphabetic(), // an initial
        _ => {}
    }
    if core.len() <= 6 && core.contains('.') {
        return true; // "U.S", "e.g", "z.B"
    }
    if core.len() <= 2 && core.bytes().all(|b| b.is_ascii_digit()) {
        return true; // "9. Oktober"
    }
    core.len() <= 5 && ABBREVIATIONS.iter().any(|a| a.eq_ignore_ascii_case(core))
}

/// Reads what the cutter needs of one word.
fn word(line: &str, start: usize, end: usize) -> Word {
    let s = &line[start..end];
    let mut class = Class::Other;
    let mut uncased = 0u32;
    for c in s.chars() {
        if !c.is_alphanumeric() {
            continue;
        }
        if class == Class::Other {
            class = if c.is_uppercase() {
                Class::Upper
            } else if c.is_lowercase() {
                Class::Lower
            } else if c.is_alphabetic() {
                Class::Uncased
            } else {
                Class::Digit
            };
            if class != Class::Uncased {
                break;
            }
        }
        if c.is_alphabetic() && !c.is_lowercase() && !c.is_uppercase() {
            uncased += 1;
        }
    }
    let mut flags = 0;
    let first = s.trim_start_matches(is_opener).chars().next();
    if first.is_some_and(|c| {
        c.is_uppercase() || c.is_numeric() || (c.is_alphabetic() && !c.is_lowercase())
    }) {
        flags |= STARTS;
    }
    let bare = s.trim_end_matches(is_closer);
    match bare.chars().next_back() {
        Some(c) if is_cjk_end(c) => flags |= CJK_END,
        Some('!' | '?' | '…' | '؟' | '।') => flags |= ENDS,
        Some('.') if !abbreviation(bare) => flags |= ENDS,
        Some(':' | '：') if bare.len() > 1 => flags |= COLON,
        _ => {}
    }
    if s.len() <= 12 && s.chars().count() <= 3 && s.chars().all(is_separator) {
        flags |= SEP;
    }
    Word {
        start: start as u32,
        end: end as u32,
        class,
        flags,
        uncased: uncased.min(u16::MAX as u32) as u16,
    }
}

/// The next word of `line` at or after `*pos`, moving `*pos` past it.
fn next_word(line: &str, pos: &mut usize) -> Option<Word> {
    let bytes = line.as_bytes();
    let mut i = *pos;
    // Skip white space.
    while i < bytes.len() {
        let b = bytes[i];
        if b < 0x80 {
            if !b.is_ascii_whitespace() && b != b'\x0b' {
                break;
            }
            i += 1;
        } else {
            let c = line[i..].chars().next().expect("a char boundary");
            if !c.is_whitespace() {
                break;
            }
            i += c.len_utf8();
        }
    }
    if i >= bytes.len() {
        *pos = i;
        return None;
    }
    let start = i;
    let cap = start + MAX_PIECE;
    while i < bytes.len() {
        let b = bytes[i];
        if b < 0x80 {
            if b.is_ascii_whitespace() || b == b'\x0b' {
                break;
            }
            if i + 1 > cap {
                break;
            }
            i += 1;
            continue;
        }
        let c = line[i..].chars().next().expect("a char boundary");
        if c.is_whitespace() || i + c.len_utf8() > cap {
            break;
        }
        i += c.len_utf8();
        if is_cjk_end(c) {
            // The sentence ends here, with its closing quotes: the next
            // word starts right after, space or not.
            while let Some(c) = line[i..]
                .chars()
                .next()
                .filter(|&c| is_closer(c) || is_cjk_end(c))
            {
                if i + c.len_utf8() > cap {
                    break;
                }
                i += c.len_utf8();
            }
            break;
        }
    }
    if i == start {
        // A single character longer than what is left of the cap cannot
        // happen (MAX_PIECE is far above 4 bytes); guard anyway.
        i = start + line[start..].chars().next().map_or(1, char::len_utf8);
    }
    *pos = i;
    Some(word(line, start, i))
}

/// A run of words being gathered into a piece.
#[derive(Clone, Copy, Debug, Default)]
struct Run {
    start: u32,
    end: u32,
    /// Words starting with a letter; lower-case, upper-case and uncased ones.
    words: u32,
    lower: u32,
    upper: u32,
    uncased_words: u32,
    uncased: u32,
    /// Whether the run's last word ends a sentence.
    ends: bool,
    /// The run starts with a stock phrase: it is never joined to another.
    phrase: bool,
    empty: bool,
}

impl Run {
    fn new() -> Run {
        Run {
            empty: true,
            ..Run::default()
        }
    }

    fn add(&mut self, w: &Word) {
        if self.empty {
            self.start = w.start;
            self.empty = false;
            self.phrase = w.has(PHRASE);
        }
        self.end = w.end;
        match w.class {
            Class::Upper => self.upper += 1,
            Class::Lower => self.lower += 1,
            Class::Uncased => self.uncased_words += 1,
            Class::Digit | Class::Other => {}
        }
        if matches!(w.class, Class::Upper | Class::Lower | Class::Uncased) {
            self.words += 1;
        }
        self.uncased += u32::from(w.uncased);
        self.ends = w.has(ENDS) || w.has(CJK_END);
    }

    fn join(&mut self, other: &Run) {
        self.end = other.end;
        self.words += other.words;
        self.lower += other.lower;
        self.upper += other.upper;
        self.uncased_words += other.uncased_words;
        self.uncased += other.uncased;
        self.ends = other.ends;
    }

    /// Whether the words of a run so far read as prose: as
    /// [`Run::prose`], except that in scripts without case, long words
    /// (text written without spaces) stand for the sentence end not yet
    /// read.
    fn prose_so_far(&self) -> bool {
        let cased = self.lower + self.upper;
        if cased >= self.uncased_words {
            self.words >= 5 && 5 * self.lower >= 2 * cased
        } else {
            self.uncased >= 4 * self.uncased_words
        }
    }

    /// Whether the run reads as prose: five words or more, at least two in
    /// five of the cased ones lower-case; in scripts without case, a
    /// sentence (it ends like one) of some length.
    fn prose(&self) -> bool {
        let cased = self.lower + self.upper;
        if cased >= self.uncased_words {
            self.words >= 5 && 5 * self.lower >= 2 * cased
        } else {
            self.ends && self.uncased >= 8
        }
    }
}

/// Bytes of a long line searched for stock phrases at a time (so that a
/// long line is never folded whole).
const SCAN_CHUNK: usize = 1 << 16;

/// Appends to `out` where stock phrases of the (default) boilerplate
/// lexicon start in `line`, capitalised as a header or a widget's label is
/// ("Leave a reply", "Related articles", "Share this"; not "… in the
/// comments"): offsets into the line, in order. The default lexicon, not a
/// stripper's own: what a unit is does not depend on settings.
fn phrase_starts(line: &str, bufs: &mut ScanBufs, out: &mut Vec<u32>) {
    out.clear();
    let bytes = line.as_bytes();
    let mut start = 0;
    while start < line.len() {
        let mut end = (start + SCAN_CHUNK).min(line.len());
        if end < line.len() {
            // End the chunk at a space, so that no phrase straddles two.
            if let Some(k) = bytes[start..end].iter().rposition(|&b| b == b' ') {
                end = start + k.max(1);
            }
            while !line.is_char_boundary(end) {
                end -= 1;
            }
            if end <= start {
                end = start + line[start..].chars().next().map_or(1, char::len_utf8);
            }
        }
        let lex = &*DEFAULT;
        // Menu words ("Home", "Kontakt") run together in menus: the
        // menu-to-prose rule, not their phrases, cuts there.
        let menu = Label::Navigation.category();
        lex.scan(line, &[(start as u32, end as u32)], bufs, |_, hit| {
            let at = start + hit.start;
            let category = lex.phrases[hit.phrase as usize].category as usize;
            if at > 0
                && Some(category) != menu
                && line[at..].chars().next().is_some_and(char::is_uppercase)
            {
                out.push(at as u32);
            }
        });
        start = end;
    }
}

/// Cuts lines into pieces; reusable across lines.
#[derive(Default, Debug)]
struct Cutter {
    /// The words around the gap being decided; `words[0]` is word number
    /// `first` of the line.
    words: VecDeque<Word>,
    first: usize,
    /// The last word a menu-to-prose cut was made before.
    last_change: Option<usize>,
    /// Inside a French quotation («…»), opened at this word: its closing »
    /// is not a separator.
    quote: Option<usize>,
    /// Where stock phrases start in the line (see [`phrase_starts`]), and
    /// the first not yet passed.
    phrases: Vec<u32>,
    next_phrase: usize,
    scan: ScanBufs,
}

/// A quotation open for more words than this is taken as closed (a stray
/// «): its » may be separators again.
const QUOTE_WORDS: usize = 80;

impl Cutter {
    /// Appends the pieces of line `span` of `text` to `out`.
    fn cut(&mut self, text: &str, span: Span, out: &mut Vec<Span>) {
        let line = &text[span.content()];
        self.words.clear();
        self.first = 0;
        self.last_change = None;
        self.quote = None;
        phrase_starts(line, &mut self.scan, &mut self.phrases);
        self.next_phrase = 0;
        let from = out.len();
        let mut pieces = Pieces {
            out,
            base: span.start,
            from,
            run: Run::new(),
            pending: Run::new(),
        };
        let mut pos = 0;
        // Word `next` is decided once the window after it is read.
        let mut next = 0;
        while let Some(mut w) = next_word(line, &mut pos) {
            let n = self.first + self.words.len();
            self.quote_state(line, n, &mut w);
            self.phrase_state(&mut w);
            self.words.push_back(w);
            let n = self.first + self.words.len();
            while next + LOOK < n {
                self.decide(next, n, &mut pieces);
                next += 1;
            }
            // History: the window before the next word, and a little more.
            while self.first + BEFORE + 1 < next {
                self.words.pop_front();
                self.first += 1;
            }
        }
        let n = self.first + self.words.len();
        while next < n {
            self.decide(next, n, &mut pieces);
            next += 1;
        }
        pieces.finish(span);
    }

    /// French quotation marks: « opens a quotation whose » closes it, and
    /// such a » is no separator. `w` is word `i` of the line.
    fn quote_state(&mut self, line: &str, i: usize, w: &mut Word) {
        let s = &line[w.start as usize..w.end as usize];
        if s.starts_with('«') {
            self.quote = Some(i);
        }
        if s.contains('»') {
            if self.quote.is_some_and(|q| i - q <= QUOTE_WORDS) {
                w.flags &= !SEP;
            }
            self.quote = None;
        }
    }

    /// Marks `w` if a stock phrase starts with it (or right after an
    /// opening quote or bracket at its start).
    fn phrase_state(&mut self, w: &mut Word) {
        while self
            .phrases
            .get(self.next_phrase)
            .is_some_and(|&p| p < w.start)
        {
            self.next_phrase += 1;
        }
        if self
            .phrases
            .get(self.next_phrase)
            .is_some_and(|&p| p < w.end && p <= w.start + 3)
        {
            w.flags |= PHRASE;
        }
    }

    #[inline]
    fn at(&self, i: usize) -> &Word {
        &self.words[i - self.first]
    }

    /// Whether there is a hard boundary before word `i` (of `n` read).
    #[inline]
    fn hard_at(&self, i: usize, n: usize) -> bool {
        i > 0 && i < n && i > self.first && hard(self.at(i - 1), self.at(i))
    }

    /// Decides the gap before word `i` (words up to `n` are read) and hands
    /// the word to the pieces.
    fn decide(&mut self, i: usize, n: usize, pieces: &mut Pieces<'_>) {
        let cut = self.hard_at(i, n) || self.change_at(i, n);
        let w = *self.at(i);
        pieces.add(&w, cut);
    }

    /// The menu-to-prose rule (and prose-to-menu): whether to cut before
    /// word `i`, a capitalised word that starts prose after a run of
    /// capitalised words, or starts a run of them after prose, with no
    /// other cut within [`CHANGE_GAP`] words. Of neighbouring places where
    /// prose could start, the first that starts like a sentence (see
    /// [`Cutter::starts_sentence`]) or else the one with the most
    /// lower-case words after it wins ("Kontakt Warenkorb | Der Artikel
    /// wurde", not "Kontakt | Warenkorb Der Artikel wurde" nor "Der |
    /// Artikel wurde"; "Flipboard Reddit | This shop has", not "Flipboard
    /// | Reddit This shop has").
    fn change_at(&mut self, i: usize, n: usize) -> bool {
        if self.last_change.is_some_and(|l| i - l < CHANGE_GAP) {
            return false;
        }
        let Some(change) = self.change(i, n) else {
            return false;
        };
        if let Change::ToProse(score) = change {
            // A later place within reach that looks more like a sentence's
            // start, or is followed by more lower-case words, wins.
            let better = !self.starts_sentence(i, n)
                && (i + 1..i + CHANGE_GAP).any(|j| match self.change(j, n) {
                    Some(Change::ToProse(s)) => self.starts_sentence(j, n) || s > score,
                    _ => false,
                });
            if better {
                return false;
            }
        }
        self.last_change = Some(i);
        true
    }

    /// Whether capitalised word `i` looks like the first word of a
    /// sentence: a short word ("Der", "The", "Le", "Im": an article, a
    /// pronoun) or one followed by a lower-case word ("This shop").
    fn starts_sentence(&self, i: usize, n: usize) -> bool {
        let w = self.at(i);
        w.end - w.start <= 3 || (i + 1 < n && self.at(i + 1).class == Class::Lower)
    }

    /// What the window around word `i` says of a cut before it.
    fn change(&self, i: usize, n: usize) -> Option<Change> {
        if i == 0 || i >= n || self.at(i).class != Class::Upper {
            return None;
        }
        let lo_k = i.saturating_sub(CHANGE_GAP - 1).max(1);
        if (lo_k..i + CHANGE_GAP).any(|k| self.hard_at(k, n)) {
            return None;
        }
        // Back to the last boundary, at most BEFORE words.
        let mut lo = i;
        while lo > self.first && i - lo < BEFORE && !self.hard_at(lo, n) {
            lo -= 1;
        }
        // Forward to the end of the sentence, at most AFTER words.
        let mut hi = i + 1;
        while hi < n && hi - i <= AFTER && !self.hard_at(hi, n) {
            hi += 1;
        }
        let share = |range: std::ops::Range<usize>| {
            let (mut lower, mut cased) = (0u32, 0u32);
            for k in range {
                match self.at(k).class {
                    Class::Lower => {
                        lower += 1;
                        cased += 1;
                    }
                    Class::Upper => cased += 1,
                    _ => {}
                }
            }
            (lower, cased)
        };
        let (lb, nb) = share(lo..i);
        let (la, na) = share(i + 1..hi);
        if nb < 4 {
            return None;
        }
        // Menu then prose: at most one in eight of the words before is
        // lower-case (a name with initials in a sentence is no menu), at
        // least half of those after.
        if na >= 3 && 8 * lb <= nb && 2 * la >= na {
            return Some(Change::ToProse(la as f32 / na as f32));
        }
        // Prose then menu: three fifths before, none of five after.
        if na >= 5 && 5 * lb >= 3 * nb && la == 0 {
            return Some(Change::ToMenu);
        }
        None
    }
}

/// A change of kind of text, from [`Cutter::change`].
#[derive(Clone, Copy, Debug, PartialEq)]
enum Change {
    /// A menu turns into prose; the share of lower-case words after.
    ToProse(f32),
    /// Prose turns into a menu.
    ToMenu,
}

/// The pieces of one line as they are found: words gather into a run
/// until a cut; a finished run joins the pending piece if both are prose,
/// else the pending piece is written out.
struct Pieces<'o> {
    out: &'o mut Vec<Span>,
    /// The line's first byte in the text.
    base: u32,
    /// Where this line's pieces start in `out`.
    from: usize,
    run: Run,
    pending: Run,
}

impl Pieces<'_> {
    fn add(&mut self, w: &Word, cut: bool) {
        let len = (w.end - self.run.start) as usize;
        if !self.run.empty
            && (cut || len > MAX_PIECE || (len > MAX_OTHER && !self.run.prose_so_far()))
        {
            self.close_run();
        }
        self.run.add(w);
    }

    fn close_run(&mut self) {
        let run = std::mem::replace(&mut self.run, Run::new());
        if run.empty {
            return;
        }
        if !self.pending.empty
            && !self.pending.phrase
            && !run.phrase
            && self.pending.prose()
            && run.prose()
            && (run.end - self.pending.start) as usize <= MAX_PROSE
        {
            self.pending.join(&run);
            return;
        }
        self.flush();
        self.pending = run;
    }

    fn flush(&mut self) {
        let p = std::mem::replace(&mut self.pending, Run::new());
        if p.empty {
            return;
        }
        let cont = self.out.len() > self.from;
        self.out.push(Span {
            start: self.base + p.start,
            end: self.base + p.end,
            next: 0,
            cont,
        });
    }

    /// Writes the last piece and ties the line's pieces together: each
    /// piece ends where its last word does and runs on (`next`) to where
    /// the next piece starts; the first starts where the line does, the
    /// last ends where it does.
    fn finish(mut self, span: Span) {
        self.close_run();
        self.flush();
        let pieces = &mut self.out[self.from..];
        match pieces {
            [] => self.out.push(span),
            _ => {
                pieces[0].start = span.start;
                for k in 1..pieces.len() {
                    pieces[k - 1].next = pieces[k].start;
                }
                let last = pieces.len() - 1;
                pieces[last].end = span.end;
                pieces[last].next = span.next;
            }
        }
    }
}

#[cfg(test)]
mod tests;
