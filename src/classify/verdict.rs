//! From decoded states to verdicts: each line's label (title, heading,
//! body, or the kind of boilerplate), its reason and whether it is kept;
//! the [`Stripped`] result and its views (cleaned text, review rows).

use std::fmt;
use std::io::{self, Write};
use std::ops::Range;
use std::sync::Arc;

use crate::classify::decode::State;
use crate::classify::features::{Ending, LineFeatures};
use crate::classify::head;
use crate::classify::rules::{self, Cause, Emission};
use crate::classify::Classified;
use crate::label::{Label, LabelSet};
use crate::text::lexicon::Lexicon;
use crate::util::math::sigmoid;

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
    input: &'a [u8],
    lines: Vec<Verdict>,
    /// Words of the input, and of the kept lines.
    words: (u64, u64),
    /// Whether the lines were classified (see [`Stripped::judged`]).
    judged: bool,
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

/// How verdicts are drawn from a classified document.
pub(crate) struct Labelling<'a> {
    /// The labels kept in the cleaned text.
    pub keep: LabelSet,
    /// The lexicon whose phrases the reasons quote.
    pub lexicon: &'a Lexicon,
    /// Whether the learned model scored the lines (else the heuristics did).
    pub model: bool,
}

impl Labelling<'_> {
    /// The verdicts on every line of `c`, the classified `text` (whose
    /// bytes are `input`).
    pub(crate) fn verdicts<'a>(
        &self,
        input: &'a [u8],
        text: &str,
        c: &Classified<'_>,
    ) -> Stripped<'a> {
        let n = c.spans.len();
        // With explanations on, dropped lines also say which inputs made
        // the model drop them.
        let explained = !c.top.is_empty();
        let model_reason = |i: usize| Reason::Model {
            logit: c.logits[i],
            top: c.top.get(i).cloned().unwrap_or_default(),
        };
        let mut lines = Vec::with_capacity(n);
        let first = main_region_start(c.lines, c.states);
        let head = head::find(
            text,
            c.doc,
            c.emissions,
            c.logits,
            c.evidence,
            c.states,
            first,
        );
        let title = head.title;
        // The kind of the last end-of-article marker seen (a comment header,
        // a newsletter box…): what follows it and is dropped is of that kind.
        let mut marker: Option<Label> = None;
        let mut site_name: Option<Arc<str>> = None;
        for i in 0..n {
            let (span, f, e) = (c.spans[i], &c.lines[i], c.emissions[i]);
            let logit = c.logits[i];
            let state = c.states[i];
            let (label, reason) = if f.blank {
                (Label::Blank, Reason::Blank { kept: false })
            } else if Some(i) == title {
                (Label::Title, Reason::Context("title above the article"))
            } else if head.standfirst.contains(&i) {
                (
                    Label::Standfirst,
                    Reason::Context("standfirst below the title"),
                )
            } else if title.is_some()
                && c.evidence
                    .flags
                    .get(i)
                    .is_some_and(|f| f & head::PAGE_TITLE != 0)
            {
                // The page's <title> ("Headline | Site"), repeated below by
                // the headline itself.
                (
                    Label::Metadata,
                    Reason::Context("the page title, repeated by the headline"),
                )
            } else if head.above.contains(&i) {
                (Label::Navigation, Reason::Context("above the title"))
            } else if head.lead.contains(&i) {
                (
                    Label::Body,
                    Reason::Context("the article right below its title"),
                )
            } else if state.kept() {
                let label = if is_heading(f, text) {
                    Label::Heading
                } else {
                    Label::Body
                };
                let reason = if logit <= 0.0 && c.rescued {
                    Reason::Context("the page's most article-like region")
                } else if logit <= 0.0 {
                    Reason::Context("inside the article")
                } else if self.model {
                    model_reason(i)
                } else {
                    Reason::Prose
                };
                (label, reason)
            } else {
                let (label, reason) = self.drop_label(&e, logit, state, marker);
                // A line most of the site's pages hold, that no phrase or
                // shape rule explains, goes as the site's template (also
                // under review: the share is what a reviewer wants to see).
                let reason = if matches!(reason, Reason::Context(_)) && c.site.share(i) >= 0.5 {
                    let site = site_name.get_or_insert_with(|| Arc::from(c.site.name.as_str()));
                    Reason::Template {
                        pages: c.site.counts[i],
                        of: c.site.pages,
                        site: Arc::clone(site),
                    }
                } else if explained {
                    model_reason(i)
                } else {
                    reason
                };
                (label, reason)
            };
            if let (Cause::Phrase(label, _), true) = (e.cause, e.barrier > 0.0) {
                marker = Some(label);
            }
            let kept = label != Label::Blank && self.keep.contains(label);
            let score = sigmoid(logit);
            lines.push(Verdict {
                range: span.content(),
                end: span.next as usize,
                label,
                score,
                kept,
                reason,
            });
        }
        keep_separating_blanks(&mut lines);
        let all: u64 = c.lines.iter().map(|f| f.words as u64).sum();
        let kept = c
            .lines
            .iter()
            .zip(&lines)
            .filter(|(_, v)| v.kept)
            .map(|(f, _)| f.words as u64)
            .sum();
        Stripped {
            input,
            lines,
            words: (all, kept),
            judged: true,
        }
    }

    fn drop_label(
        &self,
        e: &Emission,
        logit: f32,
        state: State,
        marker: Option<Label>,
    ) -> (Label, Reason) {
        let cause = match e.cause {
            Cause::Prose | Cause::Short if logit > 0.0 => Cause::Prose,
            Cause::Prose | Cause::Short => Cause::Short,
            c => c,
        };
        match cause {
            Cause::Phrase(label, phrase) => (
                label,
                Reason::Phrase {
                    label,
                    phrase: Arc::clone(&self.lexicon.phrases[phrase as usize].text),
                },
            ),
            Cause::Shape(label, why) => (label, Reason::Rule(why)),
            _ if matches!(state, State::After | State::Closed) && marker.is_some() => {
                let label = marker.unwrap_or(Label::Teaser);
                let why = match label {
                    Label::Comments => "in the comment section",
                    Label::Newsletter => "in a newsletter box",
                    Label::Donation => "in a donation appeal",
                    Label::Legal => "in the legal footer",
                    _ => "in a block of teasers",
                };
                (label, Reason::Context(why))
            }
            Cause::Prose => match state {
                State::After => (
                    Label::Teaser,
                    Reason::Context("prose away from the article"),
                ),
                State::Closed => (
                    Label::Teaser,
                    Reason::Context("prose below an end-of-article marker"),
                ),
                State::Before => (
                    Label::Teaser,
                    Reason::Context("prose before the article starts"),
                ),
                _ => (
                    Label::Teaser,
                    Reason::Context("prose cut off from the article"),
                ),
            },
            Cause::Short => match state {
                State::Gap => (
                    Label::Navigation,
                    Reason::Context("short line in a hole of the article"),
                ),
                State::After | State::Closed => (
                    Label::Navigation,
                    Reason::Context("short line after the article"),
                ),
                _ => (
                    Label::Navigation,
                    Reason::Context("short line before the article"),
                ),
            },
        }
    }
}

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

/// The first line of the main region: the run of kept lines and holes
/// holding the most kept characters.
fn main_region_start(lines: &[LineFeatures], state_of: &[State]) -> Option<usize> {
    // (kept characters, first line) of the best region and of the current one;
    // the first of equally large regions wins.
    let mut best: Option<(u32, usize)> = None;
    let mut cur: Option<(u32, usize)> = None;
    let mut close = |cur: &mut Option<(u32, usize)>| {
        if let Some(c) = cur.take() {
            if best.is_none_or(|b| c.0 > b.0) {
                best = Some(c);
            }
        }
    };
    for (i, (f, s)) in lines.iter().zip(state_of).enumerate() {
        match s {
            _ if f.blank => {}
            State::Keep => cur.get_or_insert((0, i)).0 += f.chars,
            State::Gap => {}
            _ => close(&mut cur),
        }
    }
    close(&mut cur);
    best.map(|(_, start)| start)
}

/// Keeps the blank lines that separate two kept paragraphs: the first run of
/// blank lines after a kept line, when another kept line follows.
fn keep_separating_blanks(lines: &mut [Verdict]) {
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
