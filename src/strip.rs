//! The public entry point: a [`Stripper`] reads a document and gives every
//! line a [`Verdict`], plus the cleaned text.

use std::cell::RefCell;
use std::fmt;
use std::io::{self, Write};
use std::ops::Range;
use std::sync::Arc;

use crate::context::{Rescorer, STAGE2};
use crate::decode::{Costs, Decoder, State, Step};
use crate::features::{DocFeatures, Ending, LineFeatures};
use crate::lexicon::{self, Lexicon};
use crate::lines::{self, Span};
use crate::model::{self, Kind, Model, Vectorizer};
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
        /// [`StripperBuilder::explain`] is on.
        top: Vec<(&'static str, f32)>,
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
    /// How much the line, on its own, looks like article content: a
    /// probability in `[0, 1]` before context decoding.
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
    model: Option<Arc<Model>>,
    explain: bool,
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
    model: ModelChoice,
    explain: bool,
}

#[derive(Clone, Debug)]
enum ModelChoice {
    Default,
    Heuristics,
    Json(String),
    #[cfg(feature = "train")]
    Loaded(Arc<Model>),
}

impl Default for StripperBuilder {
    fn default() -> StripperBuilder {
        StripperBuilder {
            keep: LabelSet::content(),
            language: None,
            threshold: 0.0,
            extra: Vec::new(),
            model: ModelChoice::Default,
            explain: false,
        }
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

    /// Uses the model in `json` (the contents of a file written by
    /// `decruft train`) instead of the embedded one. [`build`](Self::build)
    /// fails if it is not a model for this version of decruft.
    pub fn model_json(&mut self, json: &str) -> &mut StripperBuilder {
        self.model = ModelChoice::Json(json.to_string());
        self
    }

    /// Uses the hand-written heuristics alone, without the learned model.
    pub fn heuristics_only(&mut self) -> &mut StripperBuilder {
        self.model = ModelChoice::Heuristics;
        self
    }

    #[cfg(feature = "train")]
    pub(crate) fn loaded_model(&mut self, model: Arc<Model>) -> &mut StripperBuilder {
        self.model = ModelChoice::Loaded(model);
        self
    }

    /// Makes model verdicts carry the inputs that weighed most (see
    /// [`Reason::Model`]). Costs an allocation per line; meant for review.
    pub fn explain(&mut self, yes: bool) -> &mut StripperBuilder {
        self.explain = yes;
        self
    }

    fn lexicon(&self) -> Result<Arc<Lexicon>, Error> {
        if self.extra.is_empty() {
            return Ok(Arc::clone(&lexicon::DEFAULT));
        }
        let mut files: Vec<(Label, &str)> =
            self.extra.iter().map(|(l, f)| (*l, f.as_str())).collect();
        files.extend(lexicon::default_files());
        Ok(Arc::new(Lexicon::build(&files)?))
    }

    fn model(&self) -> Result<Option<Arc<Model>>, Error> {
        Ok(match &self.model {
            ModelChoice::Default => Some(Arc::clone(
                model::DEFAULT
                    .as_ref()
                    .map_err(|e| Error::setting(e.clone()))?,
            )),
            ModelChoice::Heuristics => None,
            ModelChoice::Json(json) => Some(Arc::new(Model::from_json(json)?)),
            #[cfg(feature = "train")]
            ModelChoice::Loaded(m) => Some(Arc::clone(m)),
        })
    }

    /// Builds the stripper.
    ///
    /// Fails on an unknown language code, a non-finite threshold, or extra
    /// phrases under a label that is not boilerplate.
    pub fn build(&self) -> Result<Stripper, Error> {
        if !self.threshold.is_finite() {
            return Err(Error::setting(format!(
                "threshold must be finite, got {}",
                self.threshold
            )));
        }
        // The lexicon takes longest to build: the regexes and the model get
        // ready on this thread meanwhile.
        let (lexicon, model) = std::thread::scope(|scope| {
            let lexicon = scope.spawn(|| self.lexicon());
            crate::patterns::warm();
            let model = self.model();
            let lexicon = lexicon.join().expect("building the lexicon does not panic");
            (lexicon, model)
        });
        let (lexicon, model) = (lexicon?, model?);
        let language =
            match &self.language {
                None => None,
                Some(code) => Some(lexicon.langs.iter().position(|l| l == code).ok_or_else(
                    || {
                        Error::setting(format!(
                            "unknown language '{code}' (known: {})",
                            lexicon.langs.join(", ")
                        ))
                    },
                )?),
            };
        Ok(Stripper {
            keep: self.keep,
            lexicon,
            language,
            bias: self.threshold,
            model,
            explain: self.explain,
        })
    }
}

/// Per-thread working memory, reused across documents.
#[derive(Default)]
pub(crate) struct Scratch {
    pub spans: Vec<Span>,
    lossy_spans: Vec<Span>,
    pub doc: DocFeatures,
    pub emissions: Vec<Emission>,
    pub steps: Vec<Step>,
    pub step_line: Vec<u32>,
    pub states: Vec<State>,
    /// Decoded state of every line (blank lines: the state of the line before).
    pub line_states: Vec<State>,
    /// The heuristic decoder's state of every line (combined models).
    pub heuristic_states: Vec<State>,
    /// The emission log-odds of every line (heuristic or model).
    pub logits: Vec<f32>,
    pub vectorizer: Vectorizer,
    rescorer: Rescorer,
    logits2: Vec<f32>,
    x2: Vec<f32>,
    pub x: Vec<f32>,
    pub sparse: Vec<u32>,
    crosses: Vec<u32>,
    decoder: Decoder,
}

thread_local! {
    static SCRATCH: RefCell<Scratch> = RefCell::new(Scratch::default());
}

impl Scratch {
    /// Fills `x`, `sparse` and `crosses` with the first-stage inputs of line
    /// `i` for a model of this kind (the vectorizer must be prepared).
    fn line_inputs(&mut self, text: &str, kind: Kind, i: usize) {
        self.x.fill(0.0);
        self.sparse.clear();
        self.crosses.clear();
        let heuristic = (kind == Kind::Combined).then_some(self.heuristic_states.as_slice());
        self.vectorizer.line(
            text,
            &self.doc,
            &self.emissions,
            heuristic,
            kind,
            i,
            &mut self.x,
            &mut self.sparse,
        );
        self.vectorizer
            .crosses(&self.doc, i, &self.x, &mut self.crosses);
    }
}

/// Builds decoder steps from per-line log-odds and barriers.
fn fill_steps(s: &mut Scratch, barriers: bool) {
    s.steps.clear();
    s.step_line.clear();
    let mut new_block = true;
    for (i, f) in s.doc.lines.iter().enumerate() {
        if f.blank {
            new_block = true;
            continue;
        }
        let barrier = if barriers {
            s.emissions[i].barrier
        } else {
            0.0
        };
        s.steps.push(Step {
            logit: s.logits[i],
            barrier,
            new_block,
        });
        s.step_line.push(i as u32);
        new_block = false;
    }
}

fn spread_states(s: &Scratch, out: &mut Vec<State>) {
    out.clear();
    out.resize(s.doc.lines.len(), State::Before);
    for (k, &i) in s.step_line.iter().enumerate() {
        out[i as usize] = s.states[k];
    }
}

impl Stripper {
    /// A stripper with the default settings: the embedded lexicon and model.
    ///
    /// # Panics
    ///
    /// Only in a broken build, whose embedded model does not fit its
    /// features (the crate's tests catch that); use
    /// [`Stripper::builder`]`().build()` to get that as an error.
    pub fn new() -> Stripper {
        StripperBuilder::default()
            .build()
            .expect("default settings are valid")
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
    pub fn strip<'a>(&self, text: &'a str) -> Stripped<'a> {
        self.strip_inner(text.as_bytes(), text)
    }

    /// Strips a document that may not be valid UTF-8. Lines are judged on a
    /// lossy UTF-8 view; kept lines keep their original bytes.
    pub fn strip_bytes<'a>(&self, bytes: &'a [u8]) -> Stripped<'a> {
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

    fn strip_inner<'a>(&self, input: &'a [u8], text: &str) -> Stripped<'a> {
        if text.len() > lines::MAX_INPUT {
            return keep_all(input);
        }
        SCRATCH.with(|s| {
            let s = &mut *s.borrow_mut();
            self.classify(text, s);
            self.verdicts(input, text, s)
        })
    }

    /// Runs the classifier on `text`: features, scores, decoding. Leaves the
    /// per-line log-odds in `s.logits` and decoded states in `s.line_states`.
    pub(crate) fn classify(&self, text: &str, s: &mut Scratch) {
        lines::split(text.as_bytes(), &mut s.spans);
        s.doc.extract(&self.lexicon, text, &s.spans, self.language);
        rules::score(&s.doc, &mut s.emissions);
        s.logits.clear();
        s.logits
            .extend(s.emissions.iter().map(|e| e.logit - self.bias));
        s.logits2.clear();
        s.logits2.resize(s.logits.len(), 0.0);
        let Some(model) = &self.model else {
            fill_steps(s, true);
            s.decoder.decode(&s.steps, &Costs::default(), &mut s.states);
            let mut states = std::mem::take(&mut s.line_states);
            spread_states(s, &mut states);
            s.line_states = states;
            return;
        };
        let combined = model.kind == Kind::Combined;
        if combined {
            fill_steps(s, true);
            s.decoder.decode(&s.steps, &Costs::default(), &mut s.states);
            let mut states = std::mem::take(&mut s.heuristic_states);
            spread_states(s, &mut states);
            s.heuristic_states = states;
        }
        s.vectorizer.prepare(&s.doc, &s.emissions);
        s.x.resize(model::DENSE, 0.0);
        for i in 0..s.doc.lines.len() {
            if s.doc.lines[i].blank {
                continue;
            }
            s.line_inputs(text, model.kind, i);
            s.logits[i] = model.logit(&s.x, &s.crosses, &s.sparse);
        }
        s.rescorer.prepare(&s.doc.lines, &s.logits);
        s.x2.resize(STAGE2, 0.0);
        for i in 0..s.doc.lines.len() {
            if !s.doc.lines[i].blank {
                s.x2.fill(0.0);
                s.rescorer.line(&s.doc.lines, i, &mut s.x2);
                let z = model.logit2(&s.x2);
                let z = if combined {
                    rules::veto(rules::vetoes(&s.emissions[i]), z)
                } else {
                    z
                };
                s.logits2[i] = z - self.bias;
            }
        }
        std::mem::swap(&mut s.logits, &mut s.logits2);
        if combined {
            fill_steps(s, true);
        } else {
            fill_steps(s, false);
        }
        s.decoder.decode(&s.steps, &model.costs, &mut s.states);
        let mut states = std::mem::take(&mut s.line_states);
        spread_states(s, &mut states);
        s.line_states = states;
    }

    fn verdicts<'a>(&self, input: &'a [u8], text: &str, s: &mut Scratch) -> Stripped<'a> {
        let n = s.spans.len();
        let mut lines = Vec::with_capacity(n);
        let title = find_title(&s.doc.lines, &s.emissions, &s.line_states);
        // The kind of the last end-of-article marker seen (a comment header,
        // a newsletter box…): what follows it and is dropped is of that kind.
        let mut marker: Option<Label> = None;
        for i in 0..n {
            let (span, f, e) = (s.spans[i], &s.doc.lines[i], s.emissions[i]);
            let logit = s.logits[i];
            let state = s.line_states[i];
            let (label, reason) = if f.blank {
                (Label::Blank, Reason::Blank { kept: false })
            } else if Some(i) == title {
                (Label::Title, Reason::Context("title above the article"))
            } else if state.kept() {
                let label = if is_heading(f, text) {
                    Label::Heading
                } else {
                    Label::Body
                };
                let reason = if logit <= 0.0 {
                    Reason::Context("inside the article")
                } else if self.model.is_some() {
                    self.model_reason(text, s, i)
                } else {
                    Reason::Prose
                };
                (label, reason)
            } else {
                let (label, reason) = self.drop_label(&e, logit, state, marker);
                // In review mode, say which inputs made the model drop the line.
                let reason = if self.explain && self.model.is_some() {
                    self.model_reason(text, s, i)
                } else {
                    reason
                };
                (label, reason)
            };
            if let (Cause::Phrase(label, _), true) = (e.cause, e.barrier > 0.0) {
                marker = Some(label);
            }
            let kept = label != Label::Blank && self.keep.contains(label);
            let score = 1.0 / (1.0 + (-logit).exp());
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
        let all: u64 = s.doc.lines.iter().map(|f| f.words as u64).sum();
        let kept = s
            .doc
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
        }
    }

    fn model_reason(&self, text: &str, s: &mut Scratch, i: usize) -> Reason {
        let logit = s.logits[i];
        let (Some(model), true) = (&self.model, self.explain) else {
            return Reason::Model {
                logit,
                top: Vec::new(),
            };
        };
        s.line_inputs(text, model.kind, i);
        s.x2.fill(0.0);
        s.rescorer.line(&s.doc.lines, i, &mut s.x2);
        Reason::Model {
            logit,
            top: model.explain(&s.x, &s.crosses, &s.sparse, &s.x2, 5),
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
fn keep_all(input: &[u8]) -> Stripped<'_> {
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

/// The title: the first kept line if it reads as a heading, else the nearest
/// heading-like line above the article, looking past metadata (byline, date)
/// and short lines.
fn find_title(lines: &[LineFeatures], emissions: &[Emission], state_of: &[State]) -> Option<usize> {
    let first = main_region_start(lines, state_of)?;
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
        // Bylines, dates, share buttons and ads sit between a title and its
        // article; look past them.
        let skippable = f.words <= 3
            || matches!(
                emissions[i].cause,
                Cause::Short
                    | Cause::Shape(Label::Metadata | Label::Share | Label::Ad, _)
                    | Cause::Phrase(Label::Metadata | Label::Share | Label::Ad, _)
            );
        if !skippable {
            break;
        }
    }
    None
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

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_send_sync<T: Send + Sync>() {}

    #[test]
    fn public_types_are_send_and_sync() {
        assert_send_sync::<Stripper>();
        assert_send_sync::<Stripped<'_>>();
        assert_send_sync::<Verdict>();
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
        let out = Stripper::new().strip(&text);
        assert_eq!(out.text(), text);
    }
}
