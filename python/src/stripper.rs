//! `decruft.Stripper` (its settings kept for pickling and `repr`) and the
//! module-level `strip`.

use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

use decruft::{Hints, Label, LabelSet, Patterns, Stripper};
use pyo3::exceptions::{PyOSError, PyValueError};
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyString, PyTuple, PyType};

use crate::arrow::{strip_arrow, ArrowArray};
use crate::convert::{as_str, encode, parse_keep, parse_phrases, strip_list, BatchHints};
use crate::patterns::PyPatterns;
use crate::{decruft_err, DecruftError};

/// The stripper behind the module-level `strip`.
fn default_stripper() -> &'static Stripper {
    static DEFAULT: OnceLock<Stripper> = OnceLock::new();
    DEFAULT.get_or_init(Stripper::new)
}

/// The settings a stripper was built from, kept for pickling and `repr`.
#[derive(Clone, Debug, Default)]
struct Settings {
    keep: Option<Vec<String>>,
    language: Option<String>,
    threshold: f64,
    model_path: Option<String>,
    model_json: Option<Arc<str>>,
    heuristics_only: bool,
    phrases: Vec<(String, String)>,
    explain: bool,
    patterns: Option<Arc<Patterns>>,
    min_site_pages: Option<u32>,
}

/// Strips boilerplate lines from scraped web-page text.
///
/// Build one with the settings you need and reuse it: it is immutable, safe
/// to share between threads, and picklable (for multiprocessing, Spark,
/// datatrove).
///
/// Args:
///     keep: label names to keep in the cleaned text (default: title,
///         heading, body). A list of names or one comma-separated string.
///         See ``decruft.LABELS``.
///     language: force the stoplist of a language (ISO 639-1 code such as
///         ``"fr"``) instead of detecting it per document.
///     threshold: shift of the decision threshold, in log-odds: positive
///         keeps less (more precision), negative keeps more (more recall).
///     model: path to a model JSON file written by ``decruft train``, used
///         instead of the embedded model.
///     heuristics_only: use the hand-written heuristics alone, no model.
///     phrases: extra boilerplate phrases, by label: ``{"share": "Partager
///         sur Mastodon\nToot this"}`` (lexicon file format: one phrase a
///         line, ``#`` starts a comment) or a list of phrases per label.
///     explain: make ``annotate`` reasons name the model inputs that
///         weighed most (slower; for review).
///     model_json: the contents of a model file, instead of ``model``.
///
/// Raises:
///     DecruftError: an unknown label or language, a non-finite threshold,
///         phrases under a label that is not boilerplate, a bad model file.
///     OSError: the model file cannot be read.
#[pyclass(module = "decruft", name = "Stripper", subclass, frozen)]
pub(crate) struct PyStripper {
    inner: Stripper,
    settings: Settings,
}

fn read_model(py: Python<'_>, path: &PathBuf) -> PyResult<String> {
    std::fs::read_to_string(path).map_err(|e| {
        let shown = path.display().to_string();
        match e.raw_os_error() {
            // OSError(errno, strerror, filename) picks the subclass
            // (FileNotFoundError, PermissionError…) from errno.
            Some(code) => {
                let strerror = py
                    .import("os")
                    .and_then(|os| os.call_method1("strerror", (code,)))
                    .and_then(|s| s.extract::<String>())
                    .unwrap_or_else(|_| e.to_string());
                PyOSError::new_err((code, strerror, shown))
            }
            // Not UTF-8 and the like: what the CLI says about such a file.
            None => DecruftError::new_err(format!("{shown}: {e}")),
        }
    })
}

impl PyStripper {
    fn build(settings: Settings) -> PyResult<PyStripper> {
        let mut b = Stripper::builder();
        if let Some(keep) = &settings.keep {
            b.keep(keep.join(",").parse::<LabelSet>().map_err(decruft_err)?);
        }
        if let Some(lang) = &settings.language {
            b.language(lang);
        }
        b.threshold(settings.threshold as f32);
        for (label, text) in &settings.phrases {
            let label = label.parse::<Label>().map_err(decruft_err)?;
            b.phrases(label, text);
        }
        if settings.heuristics_only && settings.model_json.is_some() {
            return Err(DecruftError::new_err("model and heuristics_only exclude each other"));
        }
        if let Some(json) = &settings.model_json {
            b.model_json(json);
        }
        if settings.heuristics_only {
            b.heuristics_only();
        }
        b.explain(settings.explain);
        if let Some(p) = &settings.patterns {
            b.patterns(Arc::clone(p));
        }
        if let Some(k) = settings.min_site_pages {
            b.min_site_pages(k);
        }
        let inner = b.build().map_err(decruft_err)?;
        Ok(PyStripper { inner, settings })
    }
}

/// What `__reduce__` gives pickle: `_restore` and its arguments.
type Reduced<'py> = (Bound<'py, PyAny>, (Bound<'py, PyType>, Bound<'py, PyDict>));

/// One document's verdicts, detached from the input, with character offsets.
struct LineOut {
    label: Label,
    score: f32,
    kept: bool,
    reason: String,
    start: usize,
    end: usize,
    continues: bool,
}

fn annotate_lines(stripper: &Stripper, text: &str, hints: &Hints<'_>) -> Vec<LineOut> {
    let out = stripper.strip_with(text, hints);
    let mut byte = 0usize;
    let mut chars = 0usize;
    let mut to_chars = |to: usize| {
        chars += text[byte..to].chars().count();
        byte = to;
        chars
    };
    out.lines()
        .iter()
        .map(|v| LineOut {
            label: v.label,
            score: v.score,
            kept: v.kept,
            reason: v.reason.to_string(),
            start: to_chars(v.range.start),
            end: to_chars(v.range.end),
            continues: v.continues,
        })
        .collect()
}

/// Cleaned text and the number of dropped (non-blank) lines per label.
fn strip_counting(stripper: &Stripper, text: &str, hints: &Hints<'_>) -> (String, [u32; Label::ALL.len()]) {
    let out = stripper.strip_with(text, hints);
    let mut counts = [0u32; Label::ALL.len()];
    for v in out.lines() {
        if !v.kept && v.label != Label::Blank {
            counts[v.label.index()] += 1;
        }
    }
    (out.text(), counts)
}

#[pymethods]
impl PyStripper {
    #[new]
    #[pyo3(signature = (keep=None, language=None, threshold=0.0, model=None, heuristics_only=false, *, phrases=None, explain=false, model_json=None, patterns=None, min_site_pages=None))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        py: Python<'_>,
        keep: Option<&Bound<'_, PyAny>>,
        language: Option<String>,
        threshold: f64,
        model: Option<PathBuf>,
        heuristics_only: bool,
        phrases: Option<&Bound<'_, PyDict>>,
        explain: bool,
        model_json: Option<String>,
        patterns: Option<PyRef<'_, PyPatterns>>,
        min_site_pages: Option<u32>,
    ) -> PyResult<PyStripper> {
        if let Some(k) = min_site_pages.filter(|&k| k < decruft::LEAST_MIN_PAGES) {
            let least = decruft::LEAST_MIN_PAGES;
            return Err(PyValueError::new_err(format!("min_site_pages must be at least {least}, got {k}")));
        }
        let keep = match keep {
            None => None,
            Some(k) if k.is_none() => None,
            Some(k) => Some(parse_keep(k)?.1),
        };
        if model.is_some() && model_json.is_some() {
            return Err(PyValueError::new_err("give model or model_json, not both"));
        }
        let model_json = match &model {
            Some(path) => Some(read_model(py, path)?),
            None => model_json,
        };
        let settings = Settings {
            keep,
            language,
            threshold,
            model_path: model.map(|p| p.display().to_string()),
            model_json: model_json.map(Arc::from),
            heuristics_only,
            phrases: phrases.map(parse_phrases).transpose()?.unwrap_or_default(),
            explain,
            patterns: patterns.map(|p| Arc::clone(&p.inner)),
            min_site_pages,
        };
        PyStripper::build(settings)
    }

    /// The cleaned text of one document: the kept lines, byte for byte, each
    /// with its line terminator.
    ///
    /// Args:
    ///     text: the scraped text of one page.
    ///     url: the page's URL: its slug is evidence of the headline, its
    ///         host (without ``www.``) the page's site in ``patterns``.
    ///     site: the page's site in ``patterns`` (instead of the URL's host).
    ///     title: the page's title (a crawler's ``<title>``): the line that
    ///         matches it is the headline.
    ///
    /// Returns:
    ///     The cleaned text (``""`` if nothing is kept).
    #[pyo3(signature = (text, *, url=None, site=None, title=None))]
    fn strip<'py>(
        &self,
        py: Python<'py>,
        text: &Bound<'py, PyAny>,
        url: Option<String>,
        site: Option<String>,
        title: Option<String>,
    ) -> PyResult<Bound<'py, PyString>> {
        let bytes = encode(text, "text")?;
        let input = bytes.as_bytes();
        let hints = Hints::new().url(url.as_deref()).site(site.as_deref()).title(title.as_deref());
        let out = py.detach(|| self.inner.strip_with(as_str(input), &hints).text());
        Ok(PyString::new(py, &out))
    }

    /// The loss guard of one document: what stripping it removed, and
    /// whether that was nearly everything (a page to review: it had no
    /// article, or decruft missed it).
    ///
    /// Args:
    ///     text: the scraped text of one page.
    ///     url, site: as for ``strip``.
    ///
    /// Returns:
    ///     A dict: ``text`` (the cleaned text, as ``strip`` returns it),
    ///     ``removed_fraction`` (the share of the input's words dropped, in
    ///     [0, 1]), ``loss_flagged`` (over 95 % of the words of a document of
    ///     at least 50 words removed), ``judged`` (False only for an input
    ///     too large to classify, kept whole) and ``kind`` (the page's kind
    ///     read from its text: ``"article"``, ``"thread"``, ``"listing"`` or
    ///     ``"product"``; see the guide).
    #[pyo3(signature = (text, *, url=None, site=None))]
    fn check<'py>(
        &self,
        py: Python<'py>,
        text: &Bound<'py, PyAny>,
        url: Option<String>,
        site: Option<String>,
    ) -> PyResult<Bound<'py, PyDict>> {
        let bytes = encode(text, "text")?;
        let input = bytes.as_bytes();
        let hints = Hints::new().url(url.as_deref()).site(site.as_deref());
        let (out, removed, flagged, judged, kind) = py.detach(|| {
            let s = self.inner.strip_with(as_str(input), &hints);
            (s.text(), s.removed_fraction(), s.loss_flagged(), s.judged(), s.kind())
        });
        let d = PyDict::new(py);
        d.set_item("text", out)?;
        d.set_item("removed_fraction", removed)?;
        d.set_item("loss_flagged", flagged)?;
        d.set_item("judged", judged)?;
        d.set_item("kind", kind.as_str())?;
        Ok(d)
    }

    /// The verdict on every unit of one document: every line, or for a
    /// long line cut into pieces (a page that arrived as one line, a menu
    /// glued to the article), every piece.
    ///
    /// Args:
    ///     text: the scraped text of one page.
    ///
    /// Returns:
    ///     One dict per unit, in order, with keys ``label`` (str, see
    ///     ``decruft.LABELS``), ``score`` (float: the probability that the unit
    ///     is content as the decoder reads it, before it reads the document
    ///     as a whole), ``kept`` (bool), ``reason`` (str),
    ///     ``start``/``end``: the unit's position in ``text`` as ``str``
    ///     indices (characters, not bytes), without its line terminator (a
    ///     piece: without the white space before the next piece), so
    ///     ``text[d["start"]:d["end"]]`` is the unit; and ``continues``
    ///     (bool): the unit is a piece continuing the line of the one before.
    ///     ``url`` and ``site`` as in ``strip``.
    #[pyo3(signature = (text, *, url=None, site=None))]
    fn annotate<'py>(
        &self,
        py: Python<'py>,
        text: &Bound<'py, PyAny>,
        url: Option<String>,
        site: Option<String>,
    ) -> PyResult<Bound<'py, PyList>> {
        let bytes = encode(text, "text")?;
        let input = bytes.as_bytes();
        let hints = Hints::new().url(url.as_deref()).site(site.as_deref());
        let lines = py.detach(|| annotate_lines(&self.inner, as_str(input), &hints));
        let names: Vec<Bound<'py, PyString>> = Label::ALL.iter().map(|l| PyString::intern(py, l.as_str())).collect();
        let list = PyList::empty(py);
        for l in lines {
            let d = PyDict::new(py);
            d.set_item(intern!(py, "label"), &names[l.label.index()])?;
            d.set_item(intern!(py, "score"), l.score as f64)?;
            d.set_item(intern!(py, "kept"), l.kept)?;
            d.set_item(intern!(py, "reason"), l.reason)?;
            d.set_item(intern!(py, "start"), l.start)?;
            d.set_item(intern!(py, "end"), l.end)?;
            d.set_item(intern!(py, "continues"), l.continues)?;
            list.append(d)?;
        }
        Ok(list)
    }

    /// The cleaned text of many documents, on all cores, without the GIL.
    ///
    /// Args:
    ///     texts: an iterable of str (a list, a tuple…). ``decruft.Stripper``
    ///         also takes a pyarrow string array or chunked array.
    ///     threads: how many threads to use (default: one per core).
    ///     urls: each text's URL (a list of str or None, as long as
    ///         ``texts``): its slug is evidence of the headline, its host
    ///         the site in ``patterns``, as ``decruft --jsonl`` reads a
    ///         record's ``url`` field.
    ///     titles: each text's title (a crawler's ``<title>``), as
    ///         ``decruft --jsonl --title-field``.
    ///     sites: each text's site in ``patterns`` (instead of the URL's
    ///         host).
    ///
    /// Returns:
    ///     A list of str, ``result[i] == self.strip(texts[i], url=urls[i],
    ///     title=titles[i], site=sites[i])``.
    #[pyo3(signature = (texts, *, threads=None, sites=None, urls=None, titles=None))]
    fn strip_batch<'py>(
        &self,
        py: Python<'py>,
        texts: &Bound<'py, PyAny>,
        threads: Option<usize>,
        sites: Option<&Bound<'py, PyAny>>,
        urls: Option<&Bound<'py, PyAny>>,
        titles: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyList>> {
        let stripper = &self.inner;
        let hints = BatchHints { urls, titles, sites };
        let outs = strip_list(py, texts, hints, threads, |text, hints| stripper.strip_with(text, hints).text())?;
        PyList::new(py, outs.iter().map(|s| PyString::new(py, s)))
    }

    /// Like ``strip_batch``, with the number of dropped lines per label.
    ///
    /// Args:
    ///     texts: an iterable of str.
    ///     threads, sites, urls, titles: as in ``strip_batch``.
    ///
    /// Returns:
    ///     A list of ``(cleaned_text, {label: dropped_lines})`` pairs; the
    ///     dict holds the labels of dropped non-blank lines only.
    #[pyo3(signature = (texts, *, threads=None, sites=None, urls=None, titles=None))]
    fn strip_batch_with_counts<'py>(
        &self,
        py: Python<'py>,
        texts: &Bound<'py, PyAny>,
        threads: Option<usize>,
        sites: Option<&Bound<'py, PyAny>>,
        urls: Option<&Bound<'py, PyAny>>,
        titles: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyList>> {
        let stripper = &self.inner;
        let hints = BatchHints { urls, titles, sites };
        let outs = strip_list(py, texts, hints, threads, |text, hints| strip_counting(stripper, text, hints))?;
        let names: Vec<Bound<'py, PyString>> = Label::ALL.iter().map(|l| PyString::intern(py, l.as_str())).collect();
        let list = PyList::empty(py);
        for (text, counts) in outs {
            let d = PyDict::new(py);
            for (i, &n) in counts.iter().enumerate() {
                if n > 0 {
                    d.set_item(&names[i], n)?;
                }
            }
            list.append(PyTuple::new(py, [PyString::new(py, &text).into_any(), d.into_any()])?)?;
        }
        Ok(list)
    }

    /// Internal: strips the strings of an Arrow string array (``string``,
    /// ``large_string`` or ``string_view``) given through
    /// ``__arrow_c_array__``, nulls kept; returns an array of the same type
    /// that ``pyarrow.array`` takes. ``urls`` and ``titles``: Arrow string
    /// arrays as long, or None. Use ``strip_batch``.
    #[pyo3(signature = (texts, threads=None, urls=None, titles=None))]
    fn _strip_arrow(
        &self,
        py: Python<'_>,
        texts: &Bound<'_, PyAny>,
        threads: Option<usize>,
        urls: Option<&Bound<'_, PyAny>>,
        titles: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<ArrowArray> {
        strip_arrow(py, &self.inner, texts, threads, urls, titles)
    }

    /// The labels kept in the cleaned text, in taxonomy order.
    #[getter]
    fn keep(&self) -> Vec<String> {
        self.inner.kept_labels().iter().map(|l| l.to_string()).collect()
    }

    /// The forced language code, or None (detected per document).
    #[getter]
    fn language(&self) -> Option<String> {
        self.settings.language.clone()
    }

    /// The threshold shift, in log-odds.
    #[getter]
    fn threshold(&self) -> f64 {
        self.settings.threshold
    }

    /// The path of the model file given, or None.
    #[getter]
    fn model(&self) -> Option<String> {
        self.settings.model_path.clone()
    }

    /// Whether the learned model is off.
    #[getter]
    fn heuristics_only(&self) -> bool {
        self.settings.heuristics_only
    }

    fn __repr__(slf: &Bound<'_, Self>) -> PyResult<String> {
        let py = slf.py();
        let s = &slf.get().settings;
        let repr = |v: Bound<'_, PyAny>| -> PyResult<String> { Ok(v.repr()?.to_cow()?.into_owned()) };
        let mut parts = Vec::new();
        if let Some(keep) = &s.keep {
            parts.push(format!("keep={}", repr(PyList::new(py, keep)?.into_any())?));
        }
        if let Some(lang) = &s.language {
            parts.push(format!("language={}", repr(PyString::new(py, lang).into_any())?));
        }
        if s.threshold != 0.0 {
            parts.push(format!("threshold={}", s.threshold));
        }
        if let Some(p) = &s.model_path {
            parts.push(format!("model={}", repr(PyString::new(py, p).into_any())?));
        } else if s.model_json.is_some() {
            parts.push("model_json=...".to_string());
        }
        if s.heuristics_only {
            parts.push("heuristics_only=True".into());
        }
        if !s.phrases.is_empty() {
            let labels: Vec<&str> = s.phrases.iter().map(|(l, _)| l.as_str()).collect();
            parts.push(format!("phrases=<{}>", labels.join(", ")));
        }
        if s.explain {
            parts.push("explain=True".into());
        }
        if let Some(p) = &s.patterns {
            parts.push(format!("patterns=<{} sites>", p.sites()));
        }
        if let Some(k) = s.min_site_pages {
            parts.push(format!("min_site_pages={k}"));
        }
        let name = slf.get_type().qualname()?;
        Ok(format!("{name}({})", parts.join(", ")))
    }

    /// Pickles as the settings (the model's JSON included, if one was given),
    /// so a stripper travels to worker processes.
    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<Reduced<'py>> {
        let py = slf.py();
        let s = &slf.get().settings;
        let kw = PyDict::new(py);
        kw.set_item("keep", s.keep.clone())?;
        kw.set_item("language", s.language.clone())?;
        kw.set_item("threshold", s.threshold)?;
        kw.set_item("heuristics_only", s.heuristics_only)?;
        if !s.phrases.is_empty() {
            let p = PyDict::new(py);
            for (label, text) in &s.phrases {
                p.set_item(label, text)?;
            }
            kw.set_item("phrases", p)?;
        }
        kw.set_item("explain", s.explain)?;
        kw.set_item("model_json", s.model_json.as_deref())?;
        if let Some(p) = &s.patterns {
            let patterns = Bound::new(py, PyPatterns { inner: Arc::clone(p) })?;
            kw.set_item("patterns", patterns)?;
        }
        kw.set_item("min_site_pages", s.min_site_pages)?;
        let restore = py.import("decruft._decruft")?.getattr("_restore")?;
        Ok((restore, (slf.get_type(), kw)))
    }
}

/// The cleaned text of one document, with the default settings (keep title,
/// headings and body; embedded model; language detected per document).
///
/// Same as ``Stripper().strip(text)``, without building a stripper.
#[pyfunction]
pub(crate) fn strip<'py>(py: Python<'py>, text: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyString>> {
    let bytes = encode(text, "text")?;
    let input = bytes.as_bytes();
    let out = py.detach(|| default_stripper().strip(as_str(input)).text());
    Ok(PyString::new(py, &out))
}

/// Internal: rebuilds a pickled Stripper.
#[pyfunction]
pub(crate) fn _restore<'py>(cls: &Bound<'py, PyType>, kwargs: &Bound<'py, PyDict>) -> PyResult<Bound<'py, PyAny>> {
    cls.call((), Some(kwargs))
}
