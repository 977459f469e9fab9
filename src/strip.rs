//! The public entry point: a [`Stripper`] and its settings
//! ([`StripperBuilder`]). Stripping runs the classifier's stages
//! (`classify/`) and draws the verdicts (`classify/verdict.rs`), a part at
//! a time for outsized input (`text/parts.rs`), again and again with
//! [`StripperBuilder::stable`].

use std::sync::Arc;

use crate::classify::verdict::Labelling;
use crate::classify::Classifier;
use crate::error::Error;
use crate::hints::Hints;
use crate::label::{Label, LabelSet};
use crate::model::{self, Model};
use crate::site::{Patterns, DEFAULT_MIN_PAGES, LEAST_MIN_PAGES};
use crate::stripped::Stripped;
use crate::text::data;
use crate::text::lexicon::{self, Lexicon};
use crate::text::lines;
use crate::text::parts::{parts, PART_LINES};

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
    /// What classifies documents (training vectorises them with the
    /// heuristics' one).
    pub(crate) classifier: Classifier,
    explain: bool,
    stable: bool,
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
    patterns: Option<Arc<Patterns>>,
    min_site_pages: u32,
    stable: bool,
    cascade: bool,
}

#[derive(Clone, Debug)]
enum ModelChoice {
    Default,
    Heuristics,
    Json(String),
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
            patterns: None,
            min_site_pages: DEFAULT_MIN_PAGES,
            stable: false,
            cascade: false,
        }
    }
}

impl StripperBuilder {
    /// Which labels are kept in the cleaned text (default: title, standfirst,
    /// heading, body). [`build`](Self::build) fails on an empty set, which
    /// would empty every document (issue 20: Python took `keep=[]`, the
    /// command refused it).
    ///
    /// # Example
    ///
    /// ```
    /// use decruft::{LabelSet, Stripper};
    ///
    /// let err = Stripper::builder().keep(LabelSet::empty()).build().unwrap_err();
    /// assert!(err.to_string().starts_with("keep takes one or more labels"));
    /// ```
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

    /// Makes model verdicts carry the inputs that weighed most (see
    /// [`Reason::Model`](crate::Reason::Model)). Costs an allocation per line; meant for review.
    pub fn explain(&mut self, yes: bool) -> &mut StripperBuilder {
        self.explain = yes;
        self
    }

    /// Reads the lines each site repeats on its pages (learned by
    /// [`Patterns::add_page`] or `decruft learn`): for a document of a site
    /// with enough pages (see [`min_site_pages`](Self::min_site_pages)),
    /// the share of the site's pages holding each line is a model input, and
    /// a line dropped mostly for it says so ([`Reason::Template`](crate::Reason::Template)).
    /// A document's site is [`Hints::site`], else the host of [`Hints::url`].
    ///
    /// # Example
    ///
    /// ```
    /// use std::sync::Arc;
    /// use decruft::{Hints, Patterns, Stripper};
    ///
    /// let mut patterns = Patterns::new();
    /// patterns.add_page("example.com", "Home\nNews\n\nAn article.\n");
    /// let stripper = Stripper::builder().patterns(Arc::new(patterns)).build().unwrap();
    /// let hints = Hints::new().site("example.com");
    /// let out = stripper.strip_with("Home\nNews\n\nAnother article.\n", &hints);
    /// # drop(out);
    /// ```
    pub fn patterns(&mut self, patterns: Arc<Patterns>) -> &mut StripperBuilder {
        self.patterns = Some(patterns);
        self
    }

    /// Sites with fewer pages than `k` in the patterns are stripped exactly
    /// as without patterns (default [`DEFAULT_MIN_PAGES`](crate::DEFAULT_MIN_PAGES)).
    /// [`build`](Self::build) fails if `k` is below
    /// [`LEAST_MIN_PAGES`](crate::LEAST_MIN_PAGES) (2).
    ///
    /// # Example
    ///
    /// ```
    /// use decruft::Stripper;
    ///
    /// assert!(Stripper::builder().min_site_pages(2).build().is_ok());
    /// let err = Stripper::builder().min_site_pages(1).build().unwrap_err();
    /// assert_eq!(err.to_string(), "min_site_pages must be at least 2, got 1");
    /// ```
    pub fn min_site_pages(&mut self, k: u32) -> &mut StripperBuilder {
        self.min_site_pages = k;
        self
    }

    fn lexicon(&self) -> Result<Arc<Lexicon>, Error> {
        if self.extra.is_empty() {
            return Ok(Arc::clone(&lexicon::DEFAULT));
        }
        let mut files: Vec<(Label, &str)> =
            self.extra.iter().map(|(l, f)| (*l, f.as_str())).collect();
        files.extend(data::default_files());
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
        })
    }

    /// Makes stripping idempotent (default: off): the cleaned text is
    /// stripped again, and the lines that pass drops are dropped too, until
    /// a pass keeps every line (at most 8 passes). Stripping the result
    /// again then changes nothing, as a re-run of a pipeline expects. A line
    /// dropped by a later pass gets that pass's label, score and reason.
    /// It costs a second pass at least; documents lose a little more.
    ///
    /// # Example
    ///
    /// ```
    /// let stripper = decruft::Stripper::builder().stable(true).build()?;
    /// let page = "Accueil\n\nLe texte de l'article commence ici, avec une phrase longue comme on en lit dans la presse.\n";
    /// let once = stripper.strip(page).text();
    /// assert_eq!(stripper.strip(&once).text(), once);
    /// # Ok::<(), decruft::Error>(())
    /// ```
    pub fn stable(&mut self, yes: bool) -> &mut StripperBuilder {
        self.stable = yes;
        self
    }

    /// Lets the lines the model is sure of skip its second stage (default:
    /// off), as the model's cascade says: a line whose first-stage score is
    /// far from the decision (2.5 log-odds in the shipped model) keeps a
    /// score derived from its own and saves the trees' work: 78% of the dev
    /// corpus's lines skip them, about 1.3x faster on one thread. Off by
    /// default because it costs content: in cross-validation by site (18 dev
    /// files) mean recall fell 0.9413 -> 0.9362 and F1 0.8898 -> 0.8888, no
    /// file beyond its bootstrap spread. A model without a cascade ignores
    /// this.
    ///
    /// # Example
    ///
    /// ```
    /// let fast = decruft::Stripper::builder().cascade(true).build()?;
    /// # drop(fast);
    /// # Ok::<(), decruft::Error>(())
    /// ```
    pub fn cascade(&mut self, yes: bool) -> &mut StripperBuilder {
        self.cascade = yes;
        self
    }

    /// Builds the stripper.
    ///
    /// Fails on an empty keep set, an unknown language code, a non-finite
    /// threshold, a `min_site_pages` below 2, extra phrases under a label
    /// that is not boilerplate, or a bad model file.
    pub fn build(&self) -> Result<Stripper, Error> {
        self.build_with(|| self.model())
    }

    /// Builds the stripper with the model `model` gives (called while the
    /// lexicon builds on another thread): [`build`](Self::build) with the
    /// model of the settings, training with a model it has just fitted.
    pub(crate) fn build_with(
        &self,
        model: impl FnOnce() -> Result<Option<Arc<Model>>, Error>,
    ) -> Result<Stripper, Error> {
        if !self.threshold.is_finite() {
            return Err(Error::setting(format!(
                "threshold must be finite, got {}",
                self.threshold
            )));
        }
        // Keeping nothing empties every document: surely a mistake (an
        // unset shell variable, `keep=[]`), refused on every surface.
        if self.keep.iter().next().is_none() {
            return Err(Error::setting(
                "keep takes one or more labels: with none, every document is emptied",
            ));
        }
        if self.min_site_pages < LEAST_MIN_PAGES {
            return Err(Error::setting(format!(
                "min_site_pages must be at least {LEAST_MIN_PAGES}, got {}",
                self.min_site_pages
            )));
        }
        // The lexicon takes longest to build: the regexes and the model get
        // ready on this thread meanwhile.
        let (lexicon, model) = std::thread::scope(|scope| {
            let lexicon = scope.spawn(|| self.lexicon());
            crate::text::shapes::warm();
            let model = model();
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
            classifier: Classifier {
                lexicon,
                language,
                bias: self.threshold,
                model,
                patterns: self.patterns.clone(),
                min_site_pages: self.min_site_pages,
                exact: !self.cascade,
                cascade_counts: Arc::default(),
            },
            explain: self.explain,
            stable: self.stable,
        })
    }
}

impl Stripper {
    /// How many non-blank lines this stripper and its clones have given
    /// the model's second stage, and how many of them the cascade let skip
    /// the trees (see [`StripperBuilder::cascade`]): `(lines, skipped)`.
    ///
    /// # Example
    ///
    /// ```
    /// let stripper = decruft::Stripper::new();
    /// stripper.strip("Accueil\nLe président a parlé longuement devant les députés.\n");
    /// let (lines, skipped) = stripper.cascade_counts();
    /// assert!(lines == 2 && skipped <= lines);
    /// ```
    pub fn cascade_counts(&self) -> (u64, u64) {
        let c = &self.classifier.cascade_counts;
        (
            c[0].load(std::sync::atomic::Ordering::Relaxed),
            c[1].load(std::sync::atomic::Ordering::Relaxed),
        )
    }

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
        self.strip_inner(text.as_bytes(), text, &Hints::default())
    }

    /// Strips a document, with what the caller knows of the page besides
    /// its text: its title (a crawler's `<title>`) and URL are evidence of
    /// which line is the headline.
    ///
    /// # Example
    ///
    /// ```
    /// use decruft::{Hints, Label, Stripper};
    ///
    /// let page = "\
    /// Accueil
    /// Politique
    /// Économie
    ///
    /// Le gouvernement présente son budget
    ///
    /// Par Jeanne Martin
    ///
    /// Le projet de loi de finances a été présenté mercredi en Conseil des ministres, avec des économies annoncées dans la plupart des ministères.
    ///
    /// Les débats commenceront à l'Assemblée nationale la semaine prochaine, a indiqué le ministre chargé des comptes publics.
    /// ";
    /// let hints = Hints::new()
    ///     .title("Le gouvernement présente son budget | Le Journal")
    ///     .url("https://example.com/politique/le-gouvernement-presente-son-budget");
    /// let out = Stripper::new().strip_with(page, &hints);
    /// let i = out.lines().iter().position(|v| v.label == Label::Title).unwrap();
    /// assert_eq!(out.line_bytes(i), "Le gouvernement présente son budget".as_bytes());
    /// ```
    pub fn strip_with<'a>(&self, text: &'a str, hints: &Hints<'_>) -> Stripped<'a> {
        self.strip_inner(text.as_bytes(), text, hints)
    }

    /// Strips a document that may not be valid UTF-8. Lines are judged on a
    /// lossy UTF-8 view; kept lines keep their original bytes.
    pub fn strip_bytes<'a>(&self, bytes: &'a [u8]) -> Stripped<'a> {
        self.strip_bytes_with(bytes, &Hints::default())
    }

    /// [`Stripper::strip_bytes`] with hints (see [`Stripper::strip_with`]).
    pub fn strip_bytes_with<'a>(&self, bytes: &'a [u8], hints: &Hints<'_>) -> Stripped<'a> {
        match std::str::from_utf8(bytes) {
            Ok(text) => self.strip_inner(bytes, text, hints),
            Err(_) => {
                let lossy = String::from_utf8_lossy(bytes);
                let mut out = self.strip_inner(bytes, &lossy, hints);
                out.reanchor();
                out
            }
        }
    }

    /// Strips a document of any size a part at a time, giving each part's
    /// result to `f` in order, so that memory stays that of one part: the
    /// engine of `decruft FILE`. A document of up to 16,384 lines and 64
    /// MiB is one part, stripped as [`Stripper::strip_bytes`] does; a longer
    /// one is cut after a blank line every 16,384 lines or 64 MiB (or at
    /// twice that without a blank line), and each part stripped on its own
    /// (no page is that long: such input is a dump, not an article). Each
    /// result's offsets are relative to its part
    /// ([`Stripped::line_bytes`] gives the bytes).
    ///
    /// # Example
    ///
    /// ```
    /// let stripper = decruft::Stripper::new();
    /// let mut cleaned = Vec::new();
    /// stripper.strip_parts("Lire la suite →\n".as_bytes(), |part| {
    ///     part.write_kept(&mut cleaned).unwrap();
    /// });
    /// assert!(cleaned.is_empty());
    /// ```
    pub fn strip_parts<'a>(&self, bytes: &'a [u8], mut f: impl FnMut(Stripped<'a>)) {
        for part in parts(bytes) {
            f(self.strip_bytes(&bytes[part]));
        }
    }

    fn strip_inner<'a>(&self, input: &'a [u8], text: &str, hints: &Hints<'_>) -> Stripped<'a> {
        // Outsized documents are classified a part at a time, so that the
        // classifier's memory (about 200 bytes a line) stays that of one
        // part, and inputs over 4 GiB are stripped too. No page has that
        // many lines: quality there is moot, memory is not.
        if text.len() > PART_LINES {
            let parts = parts(text.as_bytes());
            if parts.len() > 1 {
                // One part's verdicts at a time, moved into the whole's.
                let lines = memchr::memchr_iter(b'\n', text.as_bytes()).count() + 1;
                let stripped = parts.iter().map(|part| {
                    let piece = &text[part.clone()];
                    (part.start, self.strip_part(piece.as_bytes(), piece, hints))
                });
                return Stripped::concat(input, lines, stripped);
            }
        }
        self.strip_part(input, text, hints)
    }

    fn strip_part<'a>(&self, input: &'a [u8], text: &str, hints: &Hints<'_>) -> Stripped<'a> {
        if text.len() > lines::MAX_INPUT {
            return Stripped::keep_all(input);
        }
        let labelling = Labelling {
            keep: self.keep,
            lexicon: &self.classifier.lexicon,
            model: self.classifier.model.is_some(),
        };
        let mut out = self.classifier.classify(text, hints, self.explain, |c| {
            labelling.verdicts(input, text, c)
        });
        if self.stable {
            // Until a pass keeps every unit it is given. The cleaned text
            // of a pass is stripped again; the units that pass drops map
            // back to the units of the original text they overlap (the
            // verdicts always point into the original text).
            for _ in 0..STABLE_PASSES {
                if !out.lines().iter().any(|v| v.kept) {
                    break;
                }
                let (kept_text, at) = out.kept_from(text.as_bytes());
                let t = std::str::from_utf8(&kept_text).expect("kept units of UTF-8 text");
                let again = self.classifier.classify(t, hints, self.explain, |c| {
                    labelling.verdicts(&kept_text, t, c)
                });
                if !out.settle(&again, &at) {
                    break;
                }
            }
        }
        out
    }
}

/// The most passes of a [`StripperBuilder::stable`] stripper.
const STABLE_PASSES: usize = 8;

#[cfg(test)]
mod tests {
    use super::*;

    /// Issue 13: 10 MB of blank lines took 2.66 GB: the classifier's
    /// memory grew with the document's lines, and inputs over 4 GiB were
    /// kept whole. Outsized documents are stripped a part at a time, with
    /// the verdicts of the whole (offsets into the whole input).
    #[test]
    fn an_outsized_document_is_stripped_in_parts_like_a_whole() {
        let p = "Ceci est un paragraphe assez long pour être gardé, avec les mots les plus courants de la langue.";
        let text = format!(
            "{}{p}\n\nPartager sur Facebook\n",
            "\n".repeat(3 * PART_LINES)
        );
        let s = Stripper::new();
        let out = s.strip(&text);
        assert!(out.judged());
        assert_eq!(out.lines().len(), 3 * PART_LINES + 3);
        assert_eq!(out.text(), format!("{p}\n"));
        let last = out.lines().last().unwrap();
        assert_eq!(&text[last.range.clone()], "Partager sur Facebook");
        assert_eq!(last.end, text.len());
        // Not UTF-8: the same, on the original bytes.
        let mut bytes = text.clone().into_bytes();
        bytes.insert(0, 0xff);
        let out = s.strip_bytes(&bytes);
        assert_eq!(out.bytes(), format!("{p}\n").as_bytes());
        // Part by part: the same lines, the same cleaned text.
        let (mut lines, mut kept) = (0, Vec::new());
        s.strip_parts(&bytes, |part| {
            lines += part.lines().len();
            part.write_kept(&mut kept).unwrap();
        });
        assert_eq!(lines, 3 * PART_LINES + 3);
        assert_eq!(kept, format!("{p}\n").as_bytes());
        // From a reader, a few bytes at a time: the same.
        struct Trickle<'a>(&'a [u8]);
        impl std::io::Read for Trickle<'_> {
            fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
                let n = buf.len().min(self.0.len()).min(1000);
                buf[..n].copy_from_slice(&self.0[..n]);
                self.0 = &self.0[n..];
                Ok(n)
            }
        }
        let (mut lines, mut read) = (0, Vec::new());
        s.strip_reader(Trickle(&bytes), |part| {
            lines += part.lines().len();
            part.write_kept(&mut read)
        })
        .unwrap();
        assert_eq!((lines, read), (3 * PART_LINES + 3, kept));
    }

    fn assert_send_sync<T: Send + Sync>() {}

    #[test]
    fn public_types_are_send_and_sync() {
        assert_send_sync::<Stripper>();
        assert_send_sync::<Stripped<'_>>();
        assert_send_sync::<crate::stripped::Verdict>();
    }

    /// Issue 13: `Stripper(phrases={'share': 'a' * 8000})` took 9–16 s to
    /// build. A phrase longer than a line could be is refused at once.
    #[test]
    fn a_phrase_of_8000_bytes_is_refused() {
        let long = "a".repeat(8000);
        let err = Stripper::builder()
            .phrases(Label::Share, &long)
            .build()
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("8000 bytes is longer than the limit of 500"),
            "{err}"
        );
        let ok = "b".repeat(500);
        assert!(Stripper::builder()
            .phrases(Label::Share, &ok)
            .build()
            .is_ok());
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
