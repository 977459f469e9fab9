//! The result of stripping a document: a [`Verdict`] per line (label,
//! score, [`Reason`], kept or not) and its views: the cleaned text, the
//! annotated rows of a review, the loss guard.

use std::fmt;
use std::io::{self, Write};
use std::ops::Range;
use std::sync::Arc;

use crate::label::Label;

/// Why a line got its label.
///
/// # Example
///
/// ```
/// let stripper = decruft::Stripper::new();
/// let out = stripper.strip("Lire la suite →\n");
/// assert_eq!(out.lines()[0].reason.to_string(), r#"phrase "Lire la suite" (read-more)"#);
/// ```
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum Reason {
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
        phrase: Arc<str>,
    },
    /// A shape rule on the line alone (a date, a byline, a counter…).
    Rule(&'static str),
    /// The line reads like article prose on its own.
    Prose,
    /// The line's neighbours decided (it sits inside or outside the article).
    Context(&'static str),
    /// The learned model scored the line as content.
    Model {
        /// The model's log-odds for the line.
        logit: f32,
        /// The inputs that weighed most, with their contributions to the
        /// first stage (line features, n-grams) or the second (the line's
        /// own score `line_score`, its neighbours', runs); empty unless
        /// [`StripperBuilder::explain`](crate::StripperBuilder::explain) is on.
        top: Vec<(&'static str, f32)>,
    },
    /// Most pages of the document's site hold the line (with site
    /// [`Patterns`](crate::Patterns)), and neither a phrase nor a shape rule
    /// explains its drop: the site's template.
    Template {
        /// The site's pages holding the line (twin pages counted once).
        pages: u32,
        /// The site's pages.
        of: u32,
        /// The site.
        site: Arc<str>,
    },
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Reason::Blank { kept: true } => f.write_str("blank line between kept paragraphs"),
            Reason::Blank { kept: false } => f.write_str("blank line"),
            Reason::Phrase { label, phrase } => write!(f, "phrase {phrase:?} ({label})"),
            Reason::Rule(why) => write!(f, "rule: {why}"),
            Reason::Prose => f.write_str("prose: long, stopword-dense line"),
            Reason::Context(why) => write!(f, "context: {why}"),
            Reason::Model { logit, top } => {
                write!(f, "model {logit:+.2}")?;
                for (k, (name, w)) in top.iter().enumerate() {
                    write!(f, "{} {w:+.2} {name}", if k == 0 { ":" } else { "," })?;
                }
                Ok(())
            }
            Reason::Template { pages, of, site } => {
                write!(f, "template: on {pages} of {of} pages of {site}")
            }
        }
    }
}

/// The verdict on one input line.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct Verdict {
    /// Byte range of the line in the input, without its terminator.
    pub range: Range<usize>,
    /// Byte offset just past the line's terminator (`\n` or `\r\n`, if any).
    pub end: usize,
    /// What the line is.
    pub label: Label,
    /// The probability, in `[0, 1]`, that the line is content as the
    /// decoder reads it: the heuristics' score, or the model's second-stage
    /// score (which already weighs the neighbours' first-stage scores),
    /// shifted by the threshold. The decoder then reads the document as a
    /// whole, so a kept line may score below 0.5 and a dropped one above.
    pub score: f32,
    /// Whether the line is in the cleaned text.
    pub kept: bool,
    /// Why the line got its label.
    pub reason: Reason,
}

/// The result of stripping one document: a verdict per input line and the
/// cleaned text.
///
/// # Example
///
/// ```
/// let text = "Menu\n\nLe texte de l'article commence ici, avec une phrase longue comme on en lit dans la presse.\n\nIl continue par un second paragraphe, tout aussi long, qui développe le propos de l'auteur.\n\nPartager sur Facebook\n";
/// let stripper = decruft::Stripper::new();
/// let out = stripper.strip(text);
/// assert_eq!(out.lines().len(), 7);
/// assert!(!out.lines()[6].kept);
/// assert_eq!(out.text(), "Le texte de l'article commence ici, avec une phrase longue comme on en lit dans la presse.\n\nIl continue par un second paragraphe, tout aussi long, qui développe le propos de l'auteur.\n");
/// ```
#[derive(Clone, Debug)]
pub struct Stripped<'a> {
    pub(crate) input: &'a [u8],
    pub(crate) lines: Vec<Verdict>,
    /// Words of the input, and of the kept lines.
    pub(crate) words: (u64, u64),
    /// Whether the lines were classified (see [`Stripped::judged`]).
    pub(crate) judged: bool,
}

/// A document is flagged when stripping drops more than this share of its words…
const LOSS_SHARE: f64 = 0.95;
/// …and it had at least this many words (tiny inputs are often all menu).
const LOSS_MIN_WORDS: u64 = 50;

impl<'a> Stripped<'a> {
    /// The share of the input's words that the cleaned text drops, in `[0, 1]`
    /// (0 for an input without words).
    pub fn removed_fraction(&self) -> f64 {
        let (all, kept) = self.words;
        if all == 0 {
            0.0
        } else {
            1.0 - kept as f64 / all as f64
        }
    }

    /// Whether stripping removed nearly everything: over 95 % of the words of
    /// a document of at least 50 words. A pipeline should route such
    /// documents to review rather than silently emptying them: either the
    /// page had no article, or decruft missed it.
    ///
    /// # Example
    ///
    /// ```
    /// let menu = "Accueil\nActualités\nSport\nContact\n".repeat(20);
    /// let stripper = decruft::Stripper::new();
    /// let out = stripper.strip(&menu);
    /// assert!(out.removed_fraction() > 0.95);
    /// assert!(out.loss_flagged());
    /// ```
    pub fn loss_flagged(&self) -> bool {
        self.words.0 >= LOSS_MIN_WORDS && self.removed_fraction() > LOSS_SHARE
    }

    /// Whether the lines were classified. An input over 4 GiB is not: it
    /// is kept whole, every line `body` with the reason "input too large to
    /// judge; kept whole", and a caller should say so rather than pass it
    /// on as stripped (`decruft FILE` warns; a JSON Lines record is bad).
    pub fn judged(&self) -> bool {
        self.judged
    }

    /// One verdict per input line, in input order.
    pub fn lines(&self) -> &[Verdict] {
        &self.lines
    }

    /// The bytes of the cleaned text: every kept line, byte for byte, with its terminator.
    pub fn bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.kept_bytes());
        self.write_kept(&mut out)
            .expect("writing to a Vec cannot fail");
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
            writeln!(
                w,
                "{on}{mark} {:<10} {:.2}  {reason:<42} | {}{off}",
                v.label,
                v.score,
                text.trim_end()
            )?;
        }
        Ok(())
    }

    /// Number of bytes of the cleaned text.
    pub fn kept_bytes(&self) -> usize {
        self.lines
            .iter()
            .filter(|v| v.kept)
            .map(|v| v.end - v.range.start)
            .sum()
    }

    /// Points the verdicts, drawn from a lossy UTF-8 view of the input,
    /// back into the input's own bytes: the lossy text has the same lines
    /// (U+FFFD never swallows a `\n`), not the same offsets.
    pub(crate) fn reanchor(&mut self) {
        // Lines as `lines::split` cuts them, in `usize` offsets: the input
        // may be over 4 GiB.
        let input = self.input;
        let mut start = 0;
        let mut verdicts = self.lines.iter_mut();
        for nl in memchr::memchr_iter(b'\n', input) {
            let Some(v) = verdicts.next() else { return };
            let end = if nl > start && input[nl - 1] == b'\r' {
                nl - 1
            } else {
                nl
            };
            v.range = start..end;
            v.end = nl + 1;
            start = nl + 1;
        }
        if let Some(v) = verdicts.next() {
            v.range = start..input.len();
            v.end = input.len();
        }
    }

    /// The verdicts of a document stripped in parts: each part's (with
    /// its start in `input`), in order, as one result.
    /// `lines`: about how many lines there are in all.
    pub(crate) fn concat<'p>(
        input: &'a [u8],
        lines: usize,
        parts: impl Iterator<Item = (usize, Stripped<'p>)>,
    ) -> Stripped<'a> {
        let mut all_lines = Vec::with_capacity(lines);
        let (mut all, mut kept, mut judged) = (0, 0, true);
        for (start, part) in parts {
            all += part.words.0;
            kept += part.words.1;
            judged &= part.judged;
            all_lines.extend(part.lines.into_iter().map(|mut v| {
                v.range = v.range.start + start..v.range.end + start;
                v.end += start;
                v
            }));
        }
        Stripped {
            input,
            lines: all_lines,
            words: (all, kept),
            judged,
        }
    }

    /// The kept lines of `text` (the classified text, whose lines these
    /// verdicts are), each with its terminator.
    pub(crate) fn kept_from(&self, text: &[u8]) -> Vec<u8> {
        let mut out = Vec::with_capacity(text.len());
        for v in self.lines.iter().filter(|v| v.kept) {
            out.extend_from_slice(&text[v.range.start..v.end]);
        }
        out
    }

    /// Takes in the verdicts of a pass over the cleaned text: `kept[k]` is
    /// the line of this result that is line `k` there. Lines that pass
    /// dropped are dropped here, with its label, score and reason; returns
    /// whether there were any.
    pub(crate) fn settle(&mut self, again: &Stripped<'_>, kept: &[usize]) -> bool {
        if again.lines.len() != kept.len() {
            return false; // cannot happen: the lines map one to one
        }
        let mut changed = false;
        for (v, &i) in again.lines.iter().zip(kept) {
            if !v.kept {
                let line = &mut self.lines[i];
                line.kept = false;
                line.label = v.label;
                line.score = v.score;
                line.reason = v.reason.clone();
                changed = true;
            }
        }
        // The words kept are those that pass kept.
        self.words.1 = again.words.1;
        changed
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

impl Stripped<'_> {
    /// A stripper's verdict when the input is too large to index: keep it all.
    pub(crate) fn keep_all(input: &[u8]) -> Stripped<'_> {
        let mut lines = Vec::new();
        let mut start = 0;
        while start < input.len() {
            let nl = memchr::memchr(b'\n', &input[start..]).map_or(input.len(), |i| start + i);
            let end = (nl + 1).min(input.len());
            let reason = Reason::Context("input too large to judge; kept whole");
            lines.push(Verdict {
                range: start..nl,
                end,
                label: Label::Body,
                score: 1.0,
                kept: true,
                reason,
            });
            start = end;
        }
        Stripped {
            input,
            lines,
            words: (0, 0),
            judged: false,
        }
    }
}
