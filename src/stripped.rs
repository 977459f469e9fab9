//! The result of stripping a document: a [`Verdict`] per line (label,
//! score, [`Reason`], kept or not) and its views: the cleaned text, the
//! annotated rows of a review, the loss guard.

use std::fmt;
use std::io::{self, Write};
use std::ops::Range;
use std::sync::Arc;

use crate::label::Label;
use crate::label::PageKind;

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

/// The verdict on one unit of the input: a line, or a piece of a long line.
///
/// Most lines are judged whole. A line longer than about 1,000 bytes (the
/// only line of a document: 200), where a page arrived as one line or a
/// layout glued a menu to the article, is cut into pieces at sentence
/// ends, item separators (`|`, `·`, `›`…) and where a run of menu items
/// turns into prose; each piece is judged as a line is. Such a line has
/// one verdict per piece, in order, every piece after the first with
/// [`continues`](Verdict::continues) set; the pieces cover the line exactly.
///
/// # Example
///
/// ```
/// let menu = "Accueil Politique Économie Culture Sport Contact";
/// let para = "Le projet de loi de finances a été présenté mercredi en Conseil des ministres, avec des économies annoncées dans la plupart des ministères.";
/// let page = format!("{menu} {para} {para} Partager | Tweeter | Imprimer");
/// let out = decruft::Stripper::new().strip(&page);
/// // One line, judged piece by piece.
/// assert!(out.lines().len() > 1);
/// assert!(!out.lines()[0].continues && out.lines()[1].continues);
/// assert!(out.text().starts_with("Le projet de loi"));
/// assert!(!out.text().contains("Accueil") && !out.text().contains("Tweeter"));
/// ```
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct Verdict {
    /// Byte range of the unit in the input, without its terminator: a
    /// line's content (or a line's last piece) up to its `\n` or `\r\n`;
    /// any other piece, its text up to the white space that separates it
    /// from the next piece.
    pub range: Range<usize>,
    /// Byte offset where the next unit starts: just past the line's
    /// terminator (if any), or for a piece that is not its line's last,
    /// past the white space after it.
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
    /// Whether this unit continues the line of the verdict before it: a
    /// piece of a long line, not its first.
    pub continues: bool,
}

/// The result of stripping one document: a verdict per unit (an input line,
/// or a piece of a long line: see [`Verdict`]) and the cleaned text.
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
    /// The page's kind (see [`Stripped::kind`]).
    pub(crate) kind: PageKind,
}

/// A document is flagged when stripping drops more than this share of its words…
const LOSS_SHARE: f64 = 0.95;
/// …and it had at least this many words (tiny inputs are often all menu).
const LOSS_MIN_WORDS: u64 = 50;

impl<'a> Stripped<'a> {
    /// The page's kind, read from its text: an article, a thread (its posts
    /// were kept as content), a listing or a product page (see
    /// [`PageKind`]). A document that was not classified (see
    /// [`Stripped::judged`]) is an article.
    pub fn kind(&self) -> PageKind {
        self.kind
    }

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

    /// One verdict per unit, in input order: per input line, or for a line
    /// cut into pieces, per piece (see [`Verdict`]).
    pub fn lines(&self) -> &[Verdict] {
        &self.lines
    }

    /// The bytes of the cleaned text: every kept unit, byte for byte, in
    /// input order.
    ///
    /// Kept units that were contiguous in the input come out exactly as
    /// they were, with what was between them (a line's terminator, the
    /// white space between two pieces of a line). Where dropped pieces
    /// separated two kept pieces of one line, a line break takes their
    /// place: the line's own terminator, or `\n` if the line has none (the
    /// input's last line). A line whose last piece is dropped still ends
    /// with its terminator after its last kept piece.
    ///
    /// # Example
    ///
    /// ```
    /// let a = "Le projet de loi de finances a été présenté mercredi en Conseil des ministres, avec des économies annoncées dans la plupart des ministères. Le texte sera débattu à l’Assemblée nationale à partir du mois prochain.";
    /// let b = "Le gouvernement espère ramener le déficit public sous la barre des cinq pour cent du produit intérieur brut dès l’année prochaine. Les oppositions jugent ces prévisions trop optimistes.";
    /// // A page that arrived as one line: cut into pieces, the share row dropped.
    /// let page = format!("{a} Partager sur Facebook | Partager sur Twitter | Imprimer | {b}");
    /// let out = decruft::Stripper::new().strip(&page);
    /// let text = out.text();
    /// assert!(text.contains("Les oppositions jugent") && !text.contains("Partager"));
    /// // Every line of the cleaned text is the input's own text.
    /// assert!(text.lines().all(|l| page.contains(l)));
    /// ```
    pub fn bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.kept_bytes());
        self.write_kept(&mut out)
            .expect("writing to a Vec cannot fail");
        out
    }

    /// The cleaned text (see [`Stripped::bytes`]). Kept units are
    /// byte-identical to the input; input that was not valid UTF-8 is
    /// converted lossily (use [`Stripped::bytes`] to keep the original
    /// bytes).
    pub fn text(&self) -> String {
        match String::from_utf8(self.bytes()) {
            Ok(s) => s,
            Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
        }
    }

    /// Gives `emit` the cleaned text (see [`Stripped::bytes`]) in parts, in
    /// order: the one definition of what is kept, for every writer.
    pub(crate) fn each_kept(&self, mut emit: impl FnMut(&[u8])) {
        let _ = kept_parts(self.input, &self.lines, |bytes, _| {
            emit(bytes);
            Ok::<(), ()>(())
        });
    }

    /// Writes the cleaned text (see [`Stripped::bytes`]) to `w`.
    pub fn write_kept<W: Write + ?Sized>(&self, w: &mut W) -> io::Result<()> {
        kept_parts(self.input, &self.lines, |bytes, _| w.write_all(bytes))
    }

    /// Writes the review view: a first row with the page's kind (unless the
    /// input is empty), then one
    /// row per unit with a mark (`+` kept, `-`
    /// dropped), the label, the score, the reason and the unit's text; kept
    /// rows green and dropped rows dim when `color` is set. A line cut into
    /// pieces gets a row of its own (`line`, how many pieces) with its
    /// pieces' rows below it, their text indented.
    pub fn write_annotated<W: Write + ?Sized>(&self, w: &mut W, color: bool) -> io::Result<()> {
        if !self.lines.is_empty() {
            let kind = format!("kind: {}", self.kind);
            writeln!(w, "  {:<10} {:<4}  {kind:<42} |", "page", "")?;
        }
        let mut in_pieces = false;
        for (i, v) in self.lines.iter().enumerate() {
            if !v.continues {
                let pieces = self.lines[i + 1..]
                    .iter()
                    .take_while(|n| n.continues)
                    .count();
                in_pieces = pieces > 0;
                if in_pieces {
                    let what = format!("cut into {} pieces", pieces + 1);
                    writeln!(w, "  {:<10} {:<4}  {what:<42} |", "line", "")?;
                }
            }
            let text = String::from_utf8_lossy(self.line_bytes(i));
            let (on, off) = match (color, v.kept) {
                (false, _) => ("", ""),
                (true, true) => ("\x1b[32m", "\x1b[0m"),
                (true, false) => ("\x1b[2m", "\x1b[0m"),
            };
            let mark = if v.kept { '+' } else { '-' };
            let indent = if in_pieces { "  " } else { "" };
            let reason = v.reason.to_string();
            writeln!(
                w,
                "{on}{mark} {:<10} {:.2}  {reason:<42} | {indent}{}{off}",
                v.label,
                v.score,
                text.trim_end()
            )?;
        }
        Ok(())
    }

    /// Number of bytes of the cleaned text.
    pub fn kept_bytes(&self) -> usize {
        let mut n = 0;
        self.each_kept(|bytes| n += bytes.len());
        n
    }

    /// Points the verdicts, drawn from a lossy UTF-8 view of the input,
    /// back into the input's own bytes. The lossy text has one U+FFFD (3
    /// bytes) for each invalid sequence of the input (1 to 3 bytes) and is
    /// the same elsewhere; unit boundaries are char boundaries of the lossy
    /// text, so none falls inside a U+FFFD.
    pub(crate) fn reanchor(&mut self) {
        // (offset in the lossy text, offset in the input) after each
        // replaced sequence; offsets in `usize`: the input may be over 4 GiB.
        let mut anchors = vec![(0usize, 0usize)];
        let (mut lossy, mut orig) = (0usize, 0usize);
        for chunk in self.input.utf8_chunks() {
            lossy += chunk.valid().len();
            orig += chunk.valid().len();
            if !chunk.invalid().is_empty() {
                lossy += char::REPLACEMENT_CHARACTER.len_utf8();
                orig += chunk.invalid().len();
                anchors.push((lossy, orig));
            }
        }
        let map = |x: usize| {
            let (l, o) = anchors[anchors.partition_point(|a| a.0 <= x) - 1];
            o + (x - l)
        };
        for v in &mut self.lines {
            v.range = map(v.range.start)..map(v.range.end);
            v.end = map(v.end);
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
        let mut kind = None;
        for (start, part) in parts {
            // A document classified in parts has the kind of its first.
            kind.get_or_insert(part.kind);
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
            kind: kind.unwrap_or_default(),
        }
    }

    /// The cleaned text of `text` (the classified text, whose units these
    /// verdicts are), and where each kept unit's text is in it: `(start,
    /// end, unit)`, in order.
    pub(crate) fn kept_from(&self, text: &[u8]) -> (Vec<u8>, Vec<(usize, usize, usize)>) {
        let mut out = Vec::with_capacity(text.len());
        let mut at = Vec::new();
        let _ = kept_parts(text, &self.lines, |bytes, unit| {
            if let Some(i) = unit {
                at.push((out.len(), out.len() + bytes.len(), i));
            }
            out.extend_from_slice(bytes);
            Ok::<(), ()>(())
        });
        (out, at)
    }

    /// Takes in the verdicts of a pass over the cleaned text, whose kept
    /// units are at `at` in it (see [`Stripped::kept_from`]). A unit is
    /// dropped here when a unit that pass dropped overlaps it (a blank
    /// line: starts where it starts), with that unit's label, score and
    /// reason; returns whether there were any.
    pub(crate) fn settle(&mut self, again: &Stripped<'_>, at: &[(usize, usize, usize)]) -> bool {
        let mut changed = false;
        let mut k = 0;
        for v in again.lines.iter().filter(|v| !v.kept) {
            let (a, b) = (v.range.start, v.range.end);
            // Units of this pass that end before the dropped one are done
            // with (both lists are in text order).
            while k < at.len() && at[k].1 < a {
                k += 1;
            }
            let mut j = k;
            while j < at.len() && at[j].0 <= b {
                let (s, e, i) = at[j];
                // A blank line is a line of its own in both passes; any
                // other unit lies within one line of the cleaned text.
                let hit = if self.lines[i].label == Label::Blank {
                    v.label == Label::Blank && s == a
                } else {
                    s < b && a < e
                };
                if hit {
                    let unit = &mut self.lines[i];
                    unit.kept = false;
                    unit.label = v.label;
                    unit.score = v.score;
                    unit.reason = v.reason.clone();
                    changed = true;
                }
                j += 1;
            }
        }
        // The words kept are those that pass kept.
        self.words.1 = again.words.1;
        changed
    }

    /// The bytes of unit `i` (without terminator: see [`Verdict::range`]).
    pub fn line_bytes(&self, i: usize) -> &'a [u8] {
        &self.input[self.lines[i].range.clone()]
    }
}

/// Gives `emit` the cleaned text of `verdicts` over `input`, in order (see
/// [`Stripped::bytes`]): each kept unit's text with its index, and what
/// goes between them (terminators, white space, line breaks) with `None`.
fn kept_parts<E>(
    input: &[u8],
    verdicts: &[Verdict],
    mut emit: impl FnMut(&[u8], Option<usize>) -> Result<(), E>,
) -> Result<(), E> {
    let mut i = 0;
    while i < verdicts.len() {
        let v = &verdicts[i];
        // Line `i..j`: a line judged whole, or its pieces.
        let j = i + 1 + verdicts[i + 1..].iter().take_while(|v| v.continues).count();
        if j == i + 1 {
            if v.kept {
                emit(&input[v.range.clone()], Some(i))?;
                emit(&input[v.range.end..v.end], None)?;
            }
            i = j;
            continue;
        }
        let last = &verdicts[j - 1];
        let terminator = &input[last.range.end..last.end];
        let mut prev: Option<usize> = None;
        for (k, v) in verdicts.iter().enumerate().take(j).skip(i) {
            if !v.kept {
                continue;
            }
            match prev {
                // Contiguous pieces: the white space between them.
                Some(p) if p + 1 == k => {
                    emit(&input[verdicts[p].range.end..verdicts[p].end], None)?
                }
                // Dropped pieces between: a line break.
                Some(_) if terminator.is_empty() => emit(b"\n", None)?,
                Some(_) => emit(terminator, None)?,
                None => {}
            }
            emit(&input[v.range.clone()], Some(k))?;
            prev = Some(k);
        }
        if prev.is_some() {
            emit(terminator, None)?;
        }
        i = j;
    }
    Ok(())
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
                continues: false,
            });
            start = end;
        }
        Stripped {
            input,
            lines,
            words: (0, 0),
            judged: false,
            kind: PageKind::default(),
        }
    }
}
