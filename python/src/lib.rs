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

mod arrow;
mod convert;
mod patterns;
mod stripper;

use decruft::{Label, LabelSet};
use pyo3::create_exception;
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;

use crate::arrow::ArrowArray;
use crate::patterns::{site_of_url, PyPatterns};
use crate::stripper::{_restore, strip, PyStripper};

create_exception!(
    decruft,
    DecruftError,
    PyValueError,
    "Bad settings for a Stripper: an unknown label name or language code, a\nnon-finite threshold, a bad model file. The message is the library's own\n(what the `decruft` command prints after \"decruft: \")."
);

/// A library error as a `DecruftError`.
fn decruft_err(e: decruft::Error) -> PyErr {
    DecruftError::new_err(e.to_string())
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
