//! Python values in: strings encoded once (the bytes stay alive while the
//! GIL is released), lists of them, label and phrase settings, thread
//! counts; and the batch helper that maps a stripper over a list.

use std::num::NonZeroUsize;

use decruft::{map_batch, Hints, Label, LabelSet};
use pyo3::exceptions::{PyTypeError, PyUnicodeEncodeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyString};

use crate::decruft_err;

/// Encodes a Python `str` as UTF-8 bytes (one copy; lone surrogates raise
/// `UnicodeEncodeError`). The bytes object keeps the data alive while the GIL
/// is released.
pub(crate) fn encode<'py>(obj: &Bound<'py, PyAny>, what: &str) -> PyResult<Bound<'py, PyBytes>> {
    match obj.cast::<PyString>() {
        Ok(s) => s.encode_utf8(),
        Err(_) => Err(PyTypeError::new_err(format!("{what} must be str, not {}", type_name(obj)))),
    }
}

/// The name of an object's type, for messages.
fn type_name(obj: &Bound<'_, PyAny>) -> String {
    obj.get_type().name().map(|n| n.to_string()).unwrap_or_else(|_| "?".into())
}

/// The `str` view of bytes that Python's UTF-8 encoder produced.
pub(crate) fn as_str(bytes: &[u8]) -> &str {
    std::str::from_utf8(bytes).expect("Python's UTF-8 encoder gives valid UTF-8")
}

/// The threads a batch call uses: `threads` (from 1 to
/// `decruft::MAX_THREADS`, as `decruft --threads` takes), or one per core.
pub(crate) fn batch_threads(threads: Option<usize>) -> PyResult<NonZeroUsize> {
    match threads {
        None => Ok(decruft::default_threads()),
        Some(n) => NonZeroUsize::new(n).filter(|n| n.get() <= decruft::MAX_THREADS).ok_or_else(|| {
            PyValueError::new_err(format!("threads must be from 1 to {}, not {n}", decruft::MAX_THREADS))
        }),
    }
}

/// Reads `keep`: a comma-separated string or an iterable of label names.
pub(crate) fn parse_keep(keep: &Bound<'_, PyAny>) -> PyResult<(LabelSet, Vec<String>)> {
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
pub(crate) fn parse_phrases(phrases: &Bound<'_, PyDict>) -> PyResult<Vec<(String, String)>> {
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

/// Encodes every item of `texts` (an iterable of `str`).
pub(crate) fn encode_all<'py>(texts: &Bound<'py, PyAny>) -> PyResult<Vec<Bound<'py, PyBytes>>> {
    if texts.is_instance_of::<PyString>() {
        return Err(PyTypeError::new_err("texts must be a list of str, not a str"));
    }
    let mut out = Vec::with_capacity(texts.len().unwrap_or(0));
    for (i, item) in texts.try_iter()?.enumerate() {
        let what = format!("texts[{i}]");
        out.push(encode(&item?, &what).map_err(|e| naming(texts.py(), e, &what))?);
    }
    Ok(out)
}

/// A `UnicodeEncodeError` (a lone surrogate) that says which item of a
/// batch it is about, so that one bad string in thousands can be found
/// (issue 20); other errors as they are.
fn naming(py: Python<'_>, e: PyErr, what: &str) -> PyErr {
    if !e.is_instance_of::<PyUnicodeEncodeError>(py) {
        return e;
    }
    let v = e.value(py);
    let renamed = (|| -> PyResult<PyErr> {
        let reason: String = v.getattr("reason")?.extract()?;
        let args = (
            v.getattr("encoding")?,
            v.getattr("object")?,
            v.getattr("start")?,
            v.getattr("end")?,
            format!("{reason} ({what})"),
        );
        Ok(PyErr::from_value(py.get_type::<PyUnicodeEncodeError>().call1(args)?))
    })();
    renamed.unwrap_or(e)
}

/// What a batch call knows of each text besides it, each an iterable of
/// `str` or `None` as long as the texts (or `None`): the page's URL (its
/// slug is evidence of the headline; its host the site, as in `decruft
/// --jsonl`), its title and its site.
#[derive(Default)]
pub(crate) struct BatchHints<'a, 'py> {
    pub(crate) urls: Option<&'a Bound<'py, PyAny>>,
    pub(crate) titles: Option<&'a Bound<'py, PyAny>>,
    pub(crate) sites: Option<&'a Bound<'py, PyAny>>,
}

/// `f` over every str of the iterable `texts`, in order, with its hints:
/// the strings are encoded with the GIL held, then mapped on `threads`
/// threads without it.
pub(crate) fn strip_list<T: Send>(
    py: Python<'_>,
    texts: &Bound<'_, PyAny>,
    hints: BatchHints<'_, '_>,
    threads: Option<usize>,
    f: impl Fn(&str, &Hints<'_>) -> T + Sync,
) -> PyResult<Vec<T>> {
    let threads = batch_threads(threads)?;
    let encoded = encode_all(texts)?;
    let n = encoded.len();
    let urls = optional_strs(hints.urls, n, "urls")?;
    let titles = optional_strs(hints.titles, n, "titles")?;
    let sites = optional_strs(hints.sites, n, "sites")?;
    let inputs: Vec<(&[u8], Hints<'_>)> = encoded
        .iter()
        .enumerate()
        .map(|(i, b)| {
            let hints = Hints::new().url(urls[i].as_deref()).title(titles[i].as_deref()).site(sites[i].as_deref());
            (b.as_bytes(), hints)
        })
        .collect();
    Ok(py.detach(|| map_batch(&inputs, threads, |(b, hints)| f(as_str(b), hints))))
}

/// Reads `items`, an iterable of `str` or `None` as long as the texts
/// (`None` itself: all `None`).
pub(crate) fn optional_strs(items: Option<&Bound<'_, PyAny>>, n: usize, what: &str) -> PyResult<Vec<Option<String>>> {
    let Some(items) = items.filter(|i| !i.is_none()) else {
        return Ok(vec![None; n]);
    };
    if items.is_instance_of::<PyString>() {
        return Err(PyTypeError::new_err(format!("{what} must be a list of str, not a str")));
    }
    let mut out = Vec::with_capacity(n);
    for (i, item) in items.try_iter()?.enumerate() {
        let item = item?;
        out.push(if item.is_none() {
            None
        } else {
            let s = item.cast::<PyString>().map_err(|_| {
                PyTypeError::new_err(format!("{what}[{i}] must be str or None, not {}", type_name(&item)))
            })?;
            Some(s.to_cow()?.into_owned())
        });
    }
    if out.len() != n {
        return Err(PyValueError::new_err(format!("{} {what} for {n} texts", out.len())));
    }
    Ok(out)
}
