//! The public entry point: a [`Stripper`] reads a document and gives every
//! line a [`Verdict`], plus the cleaned text.

use std::cell::RefCell;
use std::fmt;
use std::io::{self, Write};
use std::ops::Range;
use std::sync::Arc;

use crate::decode::{Costs, Decoder, State, Step};
use crate::features::{DocFeatures, Ending, LineFeatures};
use crate::lexicon::{self, Lexicon};
use crate::lines::{self, Span};
use crate::rules::{self, Cause, Emission};
use crate::{Error, Label, LabelSet};

/// Why a line got its label.
///
/// # Example
///
/// ```
/// let stripper = decruft::Stripper::new();
/// let out = stripper.strip("Lire la suite →\n");
/// assert_eq!(out.lines()[0].reason.to_string(), r#"phrase "Lire la suite" (read-more)"#);
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
#[non_exhaustive]
pub enum Reason<'a> {
    /// An empty line; kept when it separates two kept paragraphs.
    Blank {
        /// Whether the blank line is kept.
        kept: bool,
    },
    /// A phrase of the boilerplate lexicon covers much of the line.
    Phrase {
        /// The lexicon category of the phrase.
        label: Label,
        /// The phrase as written in the lexicon.
        phrase: &'a str,
    },
    /// A shape rule on the line alone (a date, a byline, a counter…).
    Rule(&'static str),
    /// The line reads like article prose on its own.
    Prose,
    /// The line's neighbours decided (it sits inside or outside the article).
    Context(&'static str),
}

impl fmt::Display for Reason<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Reason::Blank { kept: true } => f.write_str("blank line between kept paragraphs"),
            Reason::Blank { kept: false } => f.write_str("blank line"),
            Reason::Phrase { label, phrase } => write!(f, "phrase {phrase:?} ({label})"),
            Reason::Rule(why) => write!(f, "rule: {why}"),
            Reason::Prose => f.write_str("prose: long, stopword-dense line"),
            Reason::Context(why) => write!(f, "context: {why}"),
        }
    }
}

/// The verdict on one input line.
#[derive(Clone, Debug, PartialEq)]
pub struct Verdict<'a> {
    /// Byte range of the line in the input, without its terminator.
    pub range: Range<usize>,
    /// Byte offset just past the line's terminator (`\n` or `\r\n`, if any).
    pub end: usize,
    /// What the line is.
    pub label: Label,
    /// How much the line, on its own, looks like article content: a
    /// probability in `[0, 1]` before context decoding.
    pub score: f32,
    /// Whether the line is in the cleaned text.
    pub kept: bool,
    /// Why the line got its label.
    pub reason: Reason<'a>,
}

/// The result of stripping one document: a verdict per input line and the
/// cleaned text.
///
/// # Example
///
/// ```
/// let text = "Accueil\n\nUn long paragraphe, écrit pour être lu, où les mots les plus courants de la langue reviennent souvent.\n\nPartager sur Facebook\n";
/// let out = decruft::Stripper::new().strip(text);
/// assert_eq!(out.lines().len(), 5);
/// assert_eq!(out.text(), "Un long paragraphe, écrit pour être lu, où les mots les plus courants de la langue reviennent souvent.\n");
/// ```
#[derive(Clone, Debug)]
pub struct Stripped<'a> {
    input: &'a [u8],
    lines: Vec<Verdict<'a>>,
}

impl<'a> Stripped<'a> {
    /// One verdict per input line, in input order.
    pub fn lines(&self) -> &[Verdict<'a>] {
        &self.lines
    }

    /// The bytes of the cleaned text: every kept line, byte for byte, with its terminator.
    pub fn bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.kept_bytes());
        self.write_kept(&mut out).expect("writing to a Vec cannot fail");
        out
    }

    /// The cleaned text. Kept lines are byte-identical to the input; input
    /// that was not valid UTF-8 is converted lossily (use [`Stripped::bytes`]
    /// to keep the original bytes).
    pub fn text(&self) -> String {
        match String::from_utf8(self.bytes()) {
            Ok(s) => s,
            Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
        }
    }

    /// Writes the cleaned text to `w`.
    pub fn write_kept<W: Write + ?Sized>(&self, w: &mut W) -> io::Result<()> {
        for v in self.lines.iter().filter(|v| v.kept) {
            w.write_all(&self.input[v.range.start..v.end])?;
        }
        Ok(())
    }

    /// Writes the review view: one row per input line with a mark (`+` kept,
    /// `-` dropped), the label, the score, the reason and the line itself;
    /// kept rows green and dropped rows dim when `color` is set.
    pub fn write_annotated<W: Write + ?Sized>(&self, w: &mut W, color: bool) -> io::Result<()> {
        for (i, v) in self.lines.iter().enumerate() {
            let text = String::from_utf8_lossy(self.line_bytes(i));
            let (on, off) = match (color, v.kept) {
                (false, _) => ("", ""),
                (true, true) => ("\x1b[32m", "\x1b[0m"),
                (true, false) => ("\x1b[2m", "\x1b[0m"),
            };
            let mark = if v.kept { '+' } else { '-' };
            let reason = v.reason.to_string();
            writeln!(w, "{on}{mark} {:<10} {:.2}  {reason:<42} | {}{off}", v.label, v.score, text.trim_end())?;
        }
        Ok(())
    }

    /// Number of bytes of the cleaned text.
    pub fn kept_bytes(&self) -> usize {
        self.lines.iter().filter(|v| v.kept).map(|v| v.end - v.range.start).sum()
    }

    /// The input the verdicts point into.
    pub(crate) fn input(&self) -> &'a [u8] {
        self.input
    }

    /// The bytes of line `i` (without terminator).
    pub fn line_bytes(&self, i: usize) -> &'a [u8] {
        &self.input[self.lines[i].range.clone()]
    }
}

/// Strips boilerplate from scraped text.
///
/// A stripper holds its lexicon, stoplists and settings; build it once and
/// share it (it is `Send + Sync`) across threads.
///
/// # Example
///
/// ```
/// use decruft::{Label, Stripper};
///
/// let stripper = Stripper::new();
/// let page = "\
/// Accueil
/// Actualités
///
/// Poutine félicite Trump pour sa victoire
///
/// Par Tom Ozimek
/// 8 novembre 2024 13:17
///
/// Le président russe a félicité le président élu pour sa victoire électorale et a salué son engagement à collaborer avec Moscou et Kiev.
///
/// Selon le porte-parole du Kremlin, Moscou était toujours prêt à discuter avec les États-Unis sur une série de questions, notamment le conflit en Ukraine.
///
/// Partager sur Facebook
/// ";
/// let out = stripper.strip(page);
/// let kept: Vec<Label> = out.lines().iter().filter(|v| v.kept && v.label != Label::Blank).map(|v| v.label).collect();
/// assert_eq!(kept, [Label::Title, Label::Body, Label::Body]);
/// assert!(out.text().starts_with("Poutine félicite Trump"));
/// ```
#[derive(Clone, Debug)]
pub struct Stripper {
    keep: LabelSet,
    lexicon: Arc<Lexicon>,
    language: Option<usize>,
    bias: f32,
    costs: Costs,
}

impl Default for Stripper {
    fn default() -> Stripper {
        Stripper::new()
    }
}

/// Settings for a [`Stripper`].
///
/// # Example
///
/// ```
/// use decruft::{Label, LabelSet, Stripper};
///
/// let stripper = Stripper::builder()
///     .keep(LabelSet::content().with(Label::Metadata))
///     .language("fr")
///     .threshold(0.5)
///     .build()
///     .unwrap();
/// assert!(Stripper::builder().language("xx").build().is_err());
/// # drop(stripper);
/// ```
#[derive(Clone, Debug)]
pub struct StripperBuilder {
    keep: LabelSet,
    language: Option<String>,
    threshold: f32,
    extra: Vec<(Label, String)>,
}

impl Default for StripperBuilder {
    fn default() -> StripperBuilder {
        StripperBuilder { keep: LabelSet::content(), language: None, threshold: 0.0, extra: Vec::new() }
    }
}

impl StripperBuilder {
    /// Which labels are kept in the cleaned text (default: title, heading, body).
    pub fn keep(&mut self, labels: LabelSet) -> &mut StripperBuilder {
        self.keep = labels;
        self
    }

    /// Forces the stoplist of a language (ISO 639-1 code such as `"fr"`)
    /// instead of detecting it per document.
    pub fn language(&mut self, code: &str) -> &mut StripperBuilder {
        self.language = Some(code.to_string());
        self
    }

    /// Shifts the decision threshold, in log-odds: positive values keep less
    /// (more precision), negative values keep more (more recall). Default 0.
    pub fn threshold(&mut self, threshold: f32) -> &mut StripperBuilder {
        self.threshold = threshold;
        self
    }

    /// Adds phrases to the lexicon under a boilerplate label, in the lexicon
    /// file format: one phrase a line, `#` starts a comment.
    pub fn phrases(&mut self, label: Label, file: &str) -> &mut StripperBuilder {
        self.extra.push((label, file.to_string()));
        self
    }

    /// Builds the stripper.
    ///
    /// Fails on an unknown language code, a non-finite threshold, or extra
    /// phrases under a label that is not boilerplate.
    pub fn build(&self) -> Result<Stripper, Error> {
        if !self.threshold.is_finite() {
            return Err(Error::setting(format!("threshold must be finite, got {}", self.threshold)));
        }
        let lexicon = if self.extra.is_empty() {
            Arc::clone(&lexicon::DEFAULT)
        } else {
            let mut files: Vec<(Label, &str)> =
                self.extra.iter().map(|(l, f)| (*l, f.as_str())).collect();
            files.extend(lexicon::default_files());
            Arc::new(Lexicon::build(&files)?)
        };
        let language = match &self.language {
            None => None,
            Some(code) => Some(lexicon.langs.iter().position(|l| l == code).ok_or_else(|| {
                Error::setting(format!(
                    "unknown language '{code}' (known: {})",
                    lexicon.langs.join(", ")
                ))
            })?),
        };
        Ok(Stripper { keep: self.keep, lexicon, language, bias: self.threshold, costs: Costs::default() })
    }
}

/// Per-thread working memory, reused across documents.
#[derive(Default)]
struct Scratch {
    spans: Vec<Span>,
    lossy_spans: Vec<Span>,
    doc: DocFeatures,
    emissions: Vec<Emission>,
    steps: Vec<Step>,
    step_line: Vec<u32>,
    states: Vec<State>,
    decoder: Decoder,
}

thread_local! {
    static SCRATCH: RefCell<Scratch> = RefCell::new(Scratch::default());
}

impl Stripper {
    /// A stripper with the default settings and the embedded lexicon.
    pub fn new() -> Stripper {
        StripperBuilder::default().build().expect("default settings are valid")
    }

    /// Settings for a stripper.
    pub fn builder() -> StripperBuilder {
        StripperBuilder::default()
    }

    /// The labels this stripper keeps.
    pub fn kept_labels(&self) -> LabelSet {
        self.keep
    }

    /// Strips a document.
    pub fn strip<'a>(&'a self, text: &'a str) -> Stripped<'a> {
        self.strip_inner(text.as_bytes(), text)
    }

    /// Strips a document that may not be valid UTF-8. Lines are judged on a
    /// lossy UTF-8 view; kept lines keep their original bytes.
    pub fn strip_bytes<'a>(&'a self, bytes: &'a [u8]) -> Stripped<'a> {
        match std::str::from_utf8(bytes) {
            Ok(text) => self.strip_inner(bytes, text),
            Err(_) => {
                let lossy = String::from_utf8_lossy(bytes);
                let mut out = self.strip_inner(bytes, &lossy);
                // Re-anchor the verdicts on the original bytes: the lossy text
                // has the same lines (U+FFFD never swallows a '\n').
                SCRATCH.with(|s| {
                    let s = &mut *s.borrow_mut();
                    lines::split(bytes, &mut s.lossy_spans);
                    for (v, span) in out.lines.iter_mut().zip(&s.lossy_spans) {
                        v.range = span.content();
                        v.end = span.next as usize;
                    }
                });
                out.input = bytes;
                out
            }
        }
    }

    fn strip_inner<'a>(&'a self, input: &'a [u8], text: &str) -> Stripped<'a> {
        if text.len() > lines::MAX_INPUT {
            return keep_all(input);
        }
        SCRATCH.with(|s| {
            let s = &mut *s.borrow_mut();
            lines::split(text.as_bytes(), &mut s.spans);
            s.doc.extract(&self.lexicon, text, &s.spans, self.language);
            rules::score(&s.doc, &mut s.emissions);
            s.steps.clear();
            s.step_line.clear();
            let mut gap = true;
            for (i, (f, e)) in s.doc.lines.iter().zip(&s.emissions).enumerate() {
                if f.blank {
                    gap = true;
                    continue;
                }
                s.steps.push(Step { logit: e.logit - self.bias, barrier: e.barrier, new_block: gap });
                s.step_line.push(i as u32);
                gap = false;
            }
            s.decoder.decode(&s.steps, &self.costs, &mut s.states);
            self.verdicts(input, text, s)
        })
    }

    fn verdicts<'a>(&'a self, input: &'a [u8], text: &str, s: &Scratch) -> Stripped<'a> {
        let n = s.spans.len();
        let mut lines = Vec::with_capacity(n);
        let mut state_of = vec![State::Before; n];
        for (k, &i) in s.step_line.iter().enumerate() {
            state_of[i as usize] = s.states[k];
        }
        let title = find_title(&s.doc.lines, &s.emissions, &state_of);
        let mut comments_above = false;
        for (i, (span, f)) in s.spans.iter().zip(&s.doc.lines).enumerate() {
            let e = &s.emissions[i];
            let state = state_of[i];
            let (label, reason) = if f.blank {
                (Label::Blank, Reason::Blank { kept: false })
            } else if Some(i) == title {
                (Label::Title, Reason::Context("title above the article"))
            } else if state.kept() {
                let label = if is_heading(f, text) { Label::Heading } else { Label::Body };
                let reason = if e.logit > 0.0 { Reason::Prose } else { Reason::Context("inside the article") };
                (label, reason)
            } else {
                self.drop_label(e, state, comments_above)
            };
            if matches!(e.cause, Cause::Phrase(Label::Comments, _)) && e.barrier > 0.0 {
                comments_above = true;
            }
            let kept = label != Label::Blank && self.keep.contains(label);
            let score = 1.0 / (1.0 + (-(e.logit - self.bias)).exp());
            lines.push(Verdict { range: span.content(), end: span.next as usize, label, score, kept, reason });
        }
        keep_separating_blanks(&mut lines);
        Stripped { input, lines }
    }

    fn drop_label(&self, e: &Emission, state: State, comments_above: bool) -> (Label, Reason<'_>) {
        match e.cause {
            Cause::Phrase(label, phrase) => {
                (label, Reason::Phrase { label, phrase: &self.lexicon.phrases[phrase as usize].text })
            }
            Cause::Shape(label, why) => (label, Reason::Rule(why)),
            _ if comments_above && state == State::After => {
                (Label::Comments, Reason::Context("in the comment section"))
            }
            Cause::Prose => match state {
                State::After => (Label::Teaser, Reason::Context("prose after the article ends")),
                State::Before => (Label::Teaser, Reason::Context("prose before the article starts")),
                _ => (Label::Teaser, Reason::Context("prose cut off from the article")),
            },
            Cause::Short => match state {
                State::Gap => (Label::Navigation, Reason::Context("short line in a hole of the article")),
                State::After => (Label::Navigation, Reason::Context("short line after the article")),
                _ => (Label::Navigation, Reason::Context("short line before the article")),
            },
        }
    }
}

/// A stripper's verdict when the input is too large to index: keep it all.
fn keep_all(input: &[u8]) -> Stripped<'_> {
    let mut lines = Vec::new();
    let mut start = 0;
    while start < input.len() {
        let nl = memchr::memchr(b'\n', &input[start..]).map_or(input.len(), |i| start + i);
        let end = (nl + 1).min(input.len());
        let reason = Reason::Context("input too large to judge; kept whole");
        lines.push(Verdict { range: start..nl, end, label: Label::Body, score: 1.0, kept: true, reason });
        start = end;
    }
    Stripped { input, lines }
}

/// Whether a kept line reads as a heading rather than a paragraph.
fn is_heading(f: &LineFeatures, text: &str) -> bool {
    if !rules::heading_like(f) || f.words > 15 {
        return false;
    }
    match f.ending {
        Ending::Other => true,
        Ending::Sentence => {
            let content = &text[f.trim_start as usize..f.trim_end as usize];
            content.ends_with('?') || content.ends_with('!')
        }
        _ => false,
    }
}

/// The title: the first kept line if it reads as a heading, else the nearest
/// heading-like line above the article, looking past metadata (byline, date)
/// and short lines.
fn find_title(lines: &[LineFeatures], emissions: &[Emission], state_of: &[State]) -> Option<usize> {
    let first = (0..lines.len()).find(|&i| !lines[i].blank && state_of[i].kept())?;
    if rules::heading_like(&lines[first]) && lines[first].ending != Ending::Sentence {
        return Some(first);
    }
    let mut looked = 0;
    for i in (0..first).rev() {
        let f = &lines[i];
        if f.blank {
            continue;
        }
        looked += 1;
        if looked > 6 {
            break;
        }
        if rules::heading_like(f) && f.words >= 3 && emissions[i].logit > -3.0 && f.repeats <= 2 {
            return Some(i);
        }
        let skippable = matches!(emissions[i].cause, Cause::Shape(Label::Metadata, _) | Cause::Short)
            || f.words <= 3;
        if !skippable {
            break;
        }
    }
    None
}

/// Keeps the blank lines that separate two kept paragraphs: the first run of
/// blank lines after a kept line, when another kept line follows.
fn keep_separating_blanks(lines: &mut [Verdict<'_>]) {
    let mut last_kept: Option<usize> = None;
    for i in 0..lines.len() {
        if lines[i].label == Label::Blank || !lines[i].kept {
            continue;
        }
        if let Some(p) = last_kept {
            let mut j = p + 1;
            while j < i && lines[j].label != Label::Blank {
                j += 1;
            }
            while j < i && lines[j].label == Label::Blank {
                lines[j].kept = true;
                lines[j].reason = Reason::Blank { kept: true };
                j += 1;
            }
        }
        last_kept = Some(i);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_send_sync<T: Send + Sync>() {}

    #[test]
    fn public_types_are_send_and_sync() {
        assert_send_sync::<Stripper>();
        assert_send_sync::<Stripped<'_>>();
        assert_send_sync::<Verdict<'_>>();
    }

    #[test]
    fn empty_input() {
        let s = Stripper::new();
        let out = s.strip("");
        assert!(out.lines().is_empty());
        assert_eq!(out.text(), "");
    }

    #[test]
    fn blank_lines_between_kept_paragraphs_are_kept() {
        let p = "Ceci est un paragraphe assez long pour être gardé, avec les mots les plus courants de la langue.";
        let text = format!("{p}\n\n\n{p} Encore.\n");
        let stripper = Stripper::new();
        let out = stripper.strip(&text);
        assert_eq!(out.text(), text);
    }
}
