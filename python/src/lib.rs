//! Python bindings for decruft: the native module `decruft._decruft`.
//!
//! The pure-Python package `decruft` (python/decruft/) re-exports what is here
//! and adds the pyarrow glue on top of `Stripper._strip_arrow`, which reads
//! and writes Arrow arrays through the Arrow C Data Interface (PyCapsules).
//!
//! Every entry point that does real work releases the GIL while it strips;
//! the batch entry points spread the documents over threads with the
//! library's batch engine ([`decruft::map_batch`]: one thread per core, or
//! `threads`).

use std::num::NonZeroUsize;
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

use arrow_array::ffi::{from_ffi, to_ffi, FFI_ArrowArray, FFI_ArrowSchema};
use arrow_array::{Array, LargeStringArray, StringArray, StringViewArray};
use arrow_data::ArrayData;
use arrow_schema::{ArrowError, DataType};
use decruft::{map_batch, Hints, Label, LabelSet, Page, Patterns, Stripper};
use pyo3::exceptions::{PyOSError, PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyCapsule, PyDict, PyList, PyString, PyTuple, PyType};
use pyo3::{create_exception, intern};

create_exception!(
    decruft,
    DecruftError,
    PyValueError,
    "Bad settings for a Stripper: an unknown label name or language code, a\nnon-finite threshold, a bad model file. The message is the library's own\n(what the `decruft` command prints after \"decruft: \")."
);

fn decruft_err(e: decruft::Error) -> PyErr {
    DecruftError::new_err(e.to_string())
}

/// The stripper behind the module-level `strip`.
fn default_stripper() -> &'static Stripper {
    static DEFAULT: OnceLock<Stripper> = OnceLock::new();
    DEFAULT.get_or_init(Stripper::new)
}

/// Encodes a Python `str` as UTF-8 bytes (one copy; lone surrogates raise
/// `UnicodeEncodeError`). The bytes object keeps the data alive while the GIL
/// is released.
fn encode<'py>(obj: &Bound<'py, PyAny>, what: &str) -> PyResult<Bound<'py, PyBytes>> {
    match obj.cast::<PyString>() {
        Ok(s) => s.encode_utf8(),
        Err(_) => Err(PyTypeError::new_err(format!(
            "{what} must be str, not {}",
            obj.get_type().name().map(|n| n.to_string()).unwrap_or_else(|_| "?".into())
        ))),
    }
}

/// The `str` view of bytes that Python's UTF-8 encoder produced.
fn as_str(bytes: &[u8]) -> &str {
    std::str::from_utf8(bytes).expect("Python's UTF-8 encoder gives valid UTF-8")
}

/// The threads a batch call uses: `threads`, or one per core.
fn batch_threads(threads: Option<usize>) -> PyResult<NonZeroUsize> {
    match threads {
        None => Ok(decruft::default_threads()),
        Some(n) => NonZeroUsize::new(n).ok_or_else(|| PyValueError::new_err("threads must be at least 1")),
    }
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
struct PyStripper {
    inner: Stripper,
    settings: Settings,
}

/// Reads `keep`: a comma-separated string or an iterable of label names.
fn parse_keep(keep: &Bound<'_, PyAny>) -> PyResult<(LabelSet, Vec<String>)> {
    let labels = if let Ok(s) = keep.cast::<PyString>() {
        s.to_cow()?.parse::<LabelSet>().map_err(decruft_err)?
    } else {
        let not_names = || PyTypeError::new_err("keep must be a list of label names");
        let mut labels = LabelSet::empty();
        for item in keep.try_iter().map_err(|_| not_names())? {
            let item = item?;
            let name = item.cast::<PyString>().map_err(|_| not_names())?.to_cow()?;
            labels = labels.with(name.trim().parse::<Label>().map_err(decruft_err)?);
        }
        labels
    };
    // Normalised: taxonomy order, no duplicates.
    Ok((labels, labels.iter().map(|l| l.to_string()).collect()))
}

/// Reads `phrases`: `{label: str | iterable of str}`.
fn parse_phrases(phrases: &Bound<'_, PyDict>) -> PyResult<Vec<(String, String)>> {
    let mut out = Vec::new();
    for (k, v) in phrases.iter() {
        let label: String = k.extract().map_err(|_| PyTypeError::new_err("phrases keys must be label names"))?;
        let text = if let Ok(s) = v.cast::<PyString>() {
            s.to_cow()?.into_owned()
        } else {
            let mut lines = Vec::new();
            for item in v.try_iter()? {
                lines.push(item?.extract::<String>()?);
            }
            lines.join("\n")
        };
        out.push((label, text));
    }
    Ok(out)
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

/// Encodes every item of `texts` (an iterable of `str`).
fn encode_all<'py>(texts: &Bound<'py, PyAny>) -> PyResult<Vec<Bound<'py, PyBytes>>> {
    if texts.is_instance_of::<PyString>() {
        return Err(PyTypeError::new_err("texts must be a list of str, not a str"));
    }
    let mut out = Vec::with_capacity(texts.len().unwrap_or(0));
    for (i, item) in texts.try_iter()?.enumerate() {
        out.push(encode(&item?, &format!("texts[{i}]"))?);
    }
    Ok(out)
}

/// `f` over every str of the iterable `texts`, in order: the strings are
/// encoded with the GIL held, then mapped on `threads` threads without it.
fn strip_list<T: Send>(
    py: Python<'_>,
    texts: &Bound<'_, PyAny>,
    sites: Option<&Bound<'_, PyAny>>,
    threads: Option<usize>,
    f: impl Fn(&str, &Hints<'_>) -> T + Sync,
) -> PyResult<Vec<T>> {
    let threads = batch_threads(threads)?;
    let encoded = encode_all(texts)?;
    let sites = optional_strs(sites, encoded.len(), "sites")?;
    let inputs: Vec<(&[u8], Option<&str>)> =
        encoded.iter().zip(&sites).map(|(b, s)| (b.as_bytes(), s.as_deref())).collect();
    Ok(py.detach(|| map_batch(&inputs, threads, |(b, site)| f(as_str(b), &Hints::new().site(*site)))))
}

/// Reads `items`, an iterable of `str` or `None` as long as the texts
/// (`None` itself: all `None`).
fn optional_strs(items: Option<&Bound<'_, PyAny>>, n: usize, what: &str) -> PyResult<Vec<Option<String>>> {
    let Some(items) = items.filter(|i| !i.is_none()) else {
        return Ok(vec![None; n]);
    };
    if items.is_instance_of::<PyString>() {
        return Err(PyTypeError::new_err(format!("{what} must be a list of str, not a str")));
    }
    let mut out = Vec::with_capacity(n);
    for item in items.try_iter()? {
        let item = item?;
        out.push(if item.is_none() { None } else { Some(item.extract::<String>()?) });
    }
    if out.len() != n {
        return Err(PyValueError::new_err(format!("{} {what} for {n} texts", out.len())));
    }
    Ok(out)
}

fn arrow_err(e: ArrowError) -> PyErr {
    PyValueError::new_err(format!("bad Arrow array: {e}"))
}

/// Imports the array of an object with `__arrow_c_array__` (the Arrow
/// PyCapsule interface: pyarrow arrays, and any other producer), checked in
/// full (offsets in bounds, UTF-8) before anything reads it.
fn import_array(obj: &Bound<'_, PyAny>) -> PyResult<ArrayData> {
    let py = obj.py();
    let method = intern!(py, "__arrow_c_array__");
    if !obj.hasattr(method)? {
        return Err(PyTypeError::new_err("expected an Arrow array (an object with __arrow_c_array__)"));
    }
    let (schema, array): (Bound<'_, PyCapsule>, Bound<'_, PyCapsule>) = obj.call_method0(method)?.extract()?;
    let schema = schema.pointer_checked(Some(c"arrow_schema"))?;
    let array = array.pointer_checked(Some(c"arrow_array"))?;
    // SAFETY: capsules of these names hold an ArrowSchema and an ArrowArray
    // (the C Data Interface), alive while we hold the capsules. The schema
    // is only read; the array is moved out, its release callback with it
    // (the capsule's destructor then finds it released).
    let data = unsafe {
        let schema = &*schema.as_ptr().cast::<FFI_ArrowSchema>();
        let array = FFI_ArrowArray::from_raw(array.as_ptr().cast::<FFI_ArrowArray>());
        from_ffi(array, schema)
    }
    .map_err(arrow_err)?;
    data.validate_full().map_err(arrow_err)?;
    Ok(data)
}

/// An Arrow array made here, handed to Python through
/// `__arrow_c_array__` (`pyarrow.array(it)` takes it).
#[pyclass(module = "decruft._decruft", name = "_ArrowArray", frozen)]
struct ArrowArray(ArrayData);

#[pymethods]
impl ArrowArray {
    #[pyo3(signature = (requested_schema=None))]
    fn __arrow_c_array__<'py>(
        &self,
        py: Python<'py>,
        requested_schema: Option<Bound<'py, PyAny>>,
    ) -> PyResult<(Bound<'py, PyCapsule>, Bound<'py, PyCapsule>)> {
        let _ = requested_schema; // the array comes as it is
        let (array, schema) = to_ffi(&self.0).map_err(arrow_err)?;
        Ok((
            PyCapsule::new_with_value(py, schema, c"arrow_schema")?,
            PyCapsule::new_with_value(py, array, c"arrow_array")?,
        ))
    }
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
    ///
    /// Returns:
    ///     The cleaned text (``""`` if nothing is kept).
    #[pyo3(signature = (text, *, url=None, site=None))]
    fn strip<'py>(
        &self,
        py: Python<'py>,
        text: &Bound<'py, PyAny>,
        url: Option<String>,
        site: Option<String>,
    ) -> PyResult<Bound<'py, PyString>> {
        let bytes = encode(text, "text")?;
        let input = bytes.as_bytes();
        let hints = Hints::new().url(url.as_deref()).site(site.as_deref());
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
    ///     at least 50 words removed) and ``judged`` (False only for an input
    ///     too large to classify, kept whole).
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
        let (out, removed, flagged, judged) = py.detach(|| {
            let s = self.inner.strip_with(as_str(input), &hints);
            (s.text(), s.removed_fraction(), s.loss_flagged(), s.judged())
        });
        let d = PyDict::new(py);
        d.set_item("text", out)?;
        d.set_item("removed_fraction", removed)?;
        d.set_item("loss_flagged", flagged)?;
        d.set_item("judged", judged)?;
        Ok(d)
    }

    /// The verdict on every line of one document.
    ///
    /// Args:
    ///     text: the scraped text of one page.
    ///
    /// Returns:
    ///     One dict per input line, in order, with keys ``label`` (str, see
    ///     ``decruft.LABELS``), ``score`` (float: the probability that the line
    ///     is content as the decoder reads it, before it reads the document
    ///     as a whole), ``kept`` (bool), ``reason`` (str),
    ///     and ``start``/``end``: the line's position in ``text`` as ``str``
    ///     indices (characters, not bytes), without its line terminator, so
    ///     ``text[d["start"]:d["end"]]`` is the line.
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
    ///     sites: each text's site in ``patterns`` (a list of str or None,
    ///         as long as ``texts``).
    ///
    /// Returns:
    ///     A list of str, ``result[i] == self.strip(texts[i], site=sites[i])``.
    #[pyo3(signature = (texts, *, threads=None, sites=None))]
    fn strip_batch<'py>(
        &self,
        py: Python<'py>,
        texts: &Bound<'py, PyAny>,
        threads: Option<usize>,
        sites: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyList>> {
        let stripper = &self.inner;
        let outs = strip_list(py, texts, sites, threads, |text, hints| stripper.strip_with(text, hints).text())?;
        PyList::new(py, outs.iter().map(|s| PyString::new(py, s)))
    }

    /// Like ``strip_batch``, with the number of dropped lines per label.
    ///
    /// Args:
    ///     texts: an iterable of str.
    ///     threads: as in ``strip_batch``.
    ///
    /// Returns:
    ///     A list of ``(cleaned_text, {label: dropped_lines})`` pairs; the
    ///     dict holds the labels of dropped non-blank lines only.
    #[pyo3(signature = (texts, *, threads=None, sites=None))]
    fn strip_batch_with_counts<'py>(
        &self,
        py: Python<'py>,
        texts: &Bound<'py, PyAny>,
        threads: Option<usize>,
        sites: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyList>> {
        let stripper = &self.inner;
        let outs = strip_list(py, texts, sites, threads, |text, hints| strip_counting(stripper, text, hints))?;
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
    /// that ``pyarrow.array`` takes. Use ``strip_batch``.
    #[pyo3(signature = (texts, threads=None))]
    fn _strip_arrow(&self, py: Python<'_>, texts: &Bound<'_, PyAny>, threads: Option<usize>) -> PyResult<ArrowArray> {
        let threads = batch_threads(threads)?;
        let data = import_array(texts)?;
        let stripper = &self.inner;
        let strip = |items: Vec<Option<&str>>| map_batch(&items, threads, |t| t.map(|t| stripper.strip(t).text()));
        let out = match data.data_type() {
            DataType::Utf8 => {
                let outs = py.detach(|| strip(StringArray::from(data.clone()).iter().collect()));
                if outs.iter().flatten().map(String::len).sum::<usize>() > i32::MAX as usize {
                    return Err(PyValueError::new_err("result too large for a string array (use large_string)"));
                }
                StringArray::from_iter(outs.iter().map(Option::as_deref)).into_data()
            }
            DataType::LargeUtf8 => {
                let outs = py.detach(|| strip(LargeStringArray::from(data.clone()).iter().collect()));
                LargeStringArray::from_iter(outs.iter().map(Option::as_deref)).into_data()
            }
            DataType::Utf8View => {
                let outs = py.detach(|| strip(StringViewArray::from(data.clone()).iter().collect()));
                StringViewArray::from_iter(outs.iter().map(Option::as_deref)).into_data()
            }
            other => {
                return Err(PyTypeError::new_err(format!(
                    "strip_batch takes an Arrow array of strings, not of {other}"
                )))
            }
        };
        Ok(ArrowArray(out))
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
fn strip<'py>(py: Python<'py>, text: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyString>> {
    let bytes = encode(text, "text")?;
    let input = bytes.as_bytes();
    let out = py.detach(|| default_stripper().strip(as_str(input)).text());
    Ok(PyString::new(py, &out))
}

/// Lines that recur across the pages of each site, learned from a corpus:
/// a line most pages of its site hold is likely template (a menu, a rail of
/// other articles, an author bio). Give them to ``Stripper(patterns=...)``.
///
/// Learn with ``add``/``add_batch`` (one call per page, or many pages at
/// once on all cores without the GIL), combine learners with ``merge``
/// (counts add, in any order: learn per partition, merge on the driver),
/// save with ``to_bytes``/``save``, load with ``from_bytes``/``load``. The
/// bytes are the ``decruft learn`` file format (the two are
/// interchangeable). Picklable.
///
/// Args:
///     site_cap: at most this many distinct lines kept per site.
///     max_lines: at most this many lines kept across sites.
#[pyclass(module = "decruft", name = "Patterns")]
struct PyPatterns {
    inner: Arc<Patterns>,
}

#[pymethods]
impl PyPatterns {
    #[new]
    #[pyo3(signature = (*, site_cap=decruft::DEFAULT_SITE_CAP, max_lines=decruft::DEFAULT_BUDGET))]
    fn new(site_cap: usize, max_lines: usize) -> PyPatterns {
        PyPatterns { inner: Arc::new(Patterns::with_caps(site_cap, max_lines)) }
    }

    /// Counts one page of ``site``.
    fn add(&mut self, py: Python<'_>, site: &str, text: &Bound<'_, PyAny>) -> PyResult<()> {
        let bytes = encode(text, "text")?;
        let input = bytes.as_bytes();
        let page = py.detach(|| Page::new(as_str(input)));
        Arc::make_mut(&mut self.inner).add(site, &page);
        Ok(())
    }

    /// Counts many pages: ``sites[i]`` is the site of ``texts[i]`` (None:
    /// the page is skipped). Pages are hashed on ``threads`` threads (default:
    /// one per core) without the GIL.
    ///
    /// Returns:
    ///     The number of pages counted.
    #[pyo3(signature = (sites, texts, *, threads=None))]
    fn add_batch(
        &mut self,
        py: Python<'_>,
        sites: &Bound<'_, PyAny>,
        texts: &Bound<'_, PyAny>,
        threads: Option<usize>,
    ) -> PyResult<usize> {
        let threads = batch_threads(threads)?;
        let encoded = encode_all(texts)?;
        let sites = optional_strs(Some(sites), encoded.len(), "sites")?;
        let inputs: Vec<&[u8]> = encoded.iter().map(|b| b.as_bytes()).collect();
        let pages = py.detach(|| map_batch(&inputs, threads, |b| Page::new(as_str(b))));
        let inner = Arc::make_mut(&mut self.inner);
        let mut n = 0;
        for (site, page) in sites.iter().zip(&pages) {
            if let Some(site) = site {
                inner.add(site, page);
                n += 1;
            }
        }
        Ok(n)
    }

    /// Adds the counts of ``other`` to these.
    fn merge(&mut self, other: PyRef<'_, PyPatterns>) {
        let other = Arc::clone(&other.inner);
        Arc::make_mut(&mut self.inner).merge(&other);
    }

    /// The pages seen of ``site``.
    fn pages(&self, site: &str) -> u32 {
        self.inner.pages(site)
    }

    /// On how many pages of ``site`` the line occurs (normalised as when
    /// learning; twin pages counted once).
    fn line_pages(&self, site: &str, line: &str) -> u32 {
        self.inner.line_pages(site, line)
    }

    /// The number of sites.
    #[getter]
    fn sites(&self) -> usize {
        self.inner.sites()
    }

    /// The number of lines held across sites.
    #[getter]
    fn lines(&self) -> usize {
        self.inner.lines()
    }

    /// The patterns file's bytes (the ``decruft learn`` format).
    fn to_bytes<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        PyBytes::new(py, &self.inner.to_bytes())
    }

    /// Reads a patterns file's bytes.
    ///
    /// Raises:
    ///     DecruftError: not a patterns file, another format version,
    ///         truncated or corrupt.
    #[staticmethod]
    fn from_bytes(data: &[u8]) -> PyResult<PyPatterns> {
        Ok(PyPatterns { inner: Arc::new(Patterns::from_bytes(data).map_err(decruft_err)?) })
    }

    /// Writes the patterns file to ``path``.
    fn save(&self, path: PathBuf) -> PyResult<()> {
        std::fs::write(&path, self.inner.to_bytes()).map_err(|e| PyOSError::new_err(format!("{}: {e}", path.display())))
    }

    /// Reads a patterns file (written by ``save`` or ``decruft learn``).
    #[staticmethod]
    fn load(path: PathBuf) -> PyResult<PyPatterns> {
        let data = std::fs::read(&path).map_err(|e| PyOSError::new_err(format!("{}: {e}", path.display())))?;
        Patterns::from_bytes(&data)
            .map(|p| PyPatterns { inner: Arc::new(p) })
            .map_err(|e| DecruftError::new_err(format!("{}: {e}", path.display())))
    }

    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<(Bound<'py, PyAny>, (Bound<'py, PyBytes>,))> {
        let py = slf.py();
        let from = py.import("decruft._decruft")?.getattr("Patterns")?.getattr("from_bytes")?;
        Ok((from, (PyBytes::new(py, &slf.borrow().inner.to_bytes()),)))
    }

    fn __repr__(&self) -> String {
        format!("Patterns(<{} sites, {} lines>)", self.inner.sites(), self.inner.lines())
    }
}

/// The site of a URL as ``decruft learn`` and ``Stripper`` read it: its
/// host, lower-cased, without ``www.`` and port; None if it has none.
#[pyfunction]
fn site_of_url(url: &str) -> Option<String> {
    decruft::site_of_url(url)
}

/// Internal: rebuilds a pickled Stripper.
#[pyfunction]
fn _restore<'py>(cls: &Bound<'py, PyType>, kwargs: &Bound<'py, PyDict>) -> PyResult<Bound<'py, PyAny>> {
    cls.call((), Some(kwargs))
}

/// Native part of decruft; import ``decruft`` instead.
#[pymodule]
fn _decruft(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    m.add_class::<PyStripper>()?;
    m.add_class::<ArrowArray>()?;
    m.add_class::<PyPatterns>()?;
    m.add_function(wrap_pyfunction!(site_of_url, m)?)?;
    m.add_function(wrap_pyfunction!(strip, m)?)?;
    m.add_function(wrap_pyfunction!(_restore, m)?)?;
    m.add("DecruftError", py.get_type::<DecruftError>())?;
    m.add("LABELS", Label::ALL.iter().map(|l| l.as_str()).collect::<Vec<_>>())?;
    m.add("CONTENT_LABELS", LabelSet::content().iter().map(|l| l.as_str()).collect::<Vec<_>>())?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
