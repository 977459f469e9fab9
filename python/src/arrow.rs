//! Arrow arrays in and out through the Arrow C Data Interface (PyCapsules),
//! with arrow-rs's FFI: `Stripper._strip_arrow`, under `strip_batch` on a
//! pyarrow array.

use arrow_array::ffi::{from_ffi, to_ffi, FFI_ArrowArray, FFI_ArrowSchema};
use arrow_array::{Array, LargeStringArray, StringArray, StringViewArray};
use arrow_data::ArrayData;
use arrow_schema::{ArrowError, DataType};
use decruft::{map_batch, Hints, Stripper};
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::types::PyCapsule;

use crate::convert::batch_threads;

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
pub(crate) struct ArrowArray(ArrayData);

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

/// An Arrow string array of one of the three string types.
enum Strings {
    Small(StringArray),
    Large(LargeStringArray),
    View(StringViewArray),
}

impl Strings {
    fn of(data: ArrayData, what: &str) -> PyResult<Strings> {
        Ok(match data.data_type() {
            DataType::Utf8 => Strings::Small(StringArray::from(data)),
            DataType::LargeUtf8 => Strings::Large(LargeStringArray::from(data)),
            DataType::Utf8View => Strings::View(StringViewArray::from(data)),
            other => {
                return Err(PyTypeError::new_err(format!(
                    "strip_batch takes {what} as an Arrow array of strings, not of {other}"
                )))
            }
        })
    }

    fn items(&self) -> Vec<Option<&str>> {
        match self {
            Strings::Small(a) => a.iter().collect(),
            Strings::Large(a) => a.iter().collect(),
            Strings::View(a) => a.iter().collect(),
        }
    }
}

/// The strings of an optional Arrow array as long as the texts; all `None`
/// without one.
fn hint_array(obj: Option<&Bound<'_, PyAny>>, n: usize, what: &str) -> PyResult<Option<Strings>> {
    let Some(obj) = obj.filter(|o| !o.is_none()) else {
        return Ok(None);
    };
    let strings = Strings::of(import_array(obj)?, what)?;
    let len = strings.items().len();
    if len != n {
        return Err(PyValueError::new_err(format!("{len} {what} for {n} texts")));
    }
    Ok(Some(strings))
}

/// The strings of an Arrow string array (``string``, ``large_string`` or
/// ``string_view``, given through ``__arrow_c_array__``) stripped on
/// `threads` threads without the GIL, nulls kept, as an array of the same
/// type; `urls` and `titles`, Arrow string arrays as long (nulls: none),
/// are each text's hints, as `strip_batch` takes them from lists.
pub(crate) fn strip_arrow(
    py: Python<'_>,
    stripper: &Stripper,
    texts: &Bound<'_, PyAny>,
    threads: Option<usize>,
    urls: Option<&Bound<'_, PyAny>>,
    titles: Option<&Bound<'_, PyAny>>,
) -> PyResult<ArrowArray> {
    let threads = batch_threads(threads)?;
    let texts = Strings::of(import_array(texts)?, "texts")?;
    let items = texts.items();
    let n = items.len();
    let urls = hint_array(urls, n, "urls")?;
    let titles = hint_array(titles, n, "titles")?;
    let (urls, titles) = (
        urls.as_ref().map_or_else(|| vec![None; n], Strings::items),
        titles.as_ref().map_or_else(|| vec![None; n], Strings::items),
    );
    let inputs: Vec<(Option<&str>, Hints<'_>)> =
        (0..n).map(|i| (items[i], Hints::new().url(urls[i]).title(titles[i]))).collect();
    let outs = py.detach(|| map_batch(&inputs, threads, |(t, hints)| t.map(|t| stripper.strip_with(t, hints).text())));
    let out = match texts {
        Strings::Small(_) => {
            if outs.iter().flatten().map(String::len).sum::<usize>() > i32::MAX as usize {
                return Err(PyValueError::new_err("result too large for a string array (use large_string)"));
            }
            StringArray::from_iter(outs.iter().map(Option::as_deref)).into_data()
        }
        Strings::Large(_) => LargeStringArray::from_iter(outs.iter().map(Option::as_deref)).into_data(),
        Strings::View(_) => StringViewArray::from_iter(outs.iter().map(Option::as_deref)).into_data(),
    };
    Ok(ArrowArray(out))
}
