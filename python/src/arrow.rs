//! Arrow arrays in and out through the Arrow C Data Interface (PyCapsules),
//! with arrow-rs's FFI: `Stripper._strip_arrow`, under `strip_batch` on a
//! pyarrow array.

use arrow_array::ffi::{from_ffi, to_ffi, FFI_ArrowArray, FFI_ArrowSchema};
use arrow_array::{Array, LargeStringArray, StringArray, StringViewArray};
use arrow_data::ArrayData;
use arrow_schema::{ArrowError, DataType};
use decruft::{map_batch, Stripper};
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

/// The strings of an Arrow string array (``string``, ``large_string`` or
/// ``string_view``, given through ``__arrow_c_array__``) stripped on
/// `threads` threads without the GIL, nulls kept, as an array of the same
/// type.
pub(crate) fn strip_arrow(
    py: Python<'_>,
    stripper: &Stripper,
    texts: &Bound<'_, PyAny>,
    threads: Option<usize>,
) -> PyResult<ArrowArray> {
    let threads = batch_threads(threads)?;
    let data = import_array(texts)?;
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
            return Err(PyTypeError::new_err(format!("strip_batch takes an Arrow array of strings, not of {other}")))
        }
    };
    Ok(ArrowArray(out))
}
