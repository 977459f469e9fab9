//! `decruft.Patterns`: site memory learned from Python (per page, per
//! batch on all cores, merged across partitions), and `site_of_url`.

use std::path::PathBuf;
use std::sync::Arc;

use decruft::{map_batch, Page, Patterns};
use pyo3::exceptions::PyOSError;
use pyo3::prelude::*;
use pyo3::types::PyBytes;

use crate::convert::{as_str, batch_threads, encode, encode_all, optional_strs};
use crate::{decruft_err, DecruftError};

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
pub(crate) struct PyPatterns {
    pub(crate) inner: Arc<Patterns>,
}

#[pymethods]
impl PyPatterns {
    #[new]
    #[pyo3(signature = (*, site_cap=decruft::DEFAULT_SITE_CAP, max_lines=decruft::DEFAULT_BUDGET))]
    fn new(site_cap: usize, max_lines: usize) -> PyPatterns {
        PyPatterns { inner: Arc::new(Patterns::with_caps(site_cap, max_lines)) }
    }

    /// Counts one page of ``site`` (nothing for ``""``: no site).
    fn add(&mut self, py: Python<'_>, site: &str, text: &Bound<'_, PyAny>) -> PyResult<()> {
        let bytes = encode(text, "text")?;
        let input = bytes.as_bytes();
        let page = py.detach(|| Page::new(as_str(input)));
        Arc::make_mut(&mut self.inner).add(site, &page);
        Ok(())
    }

    /// Counts many pages: ``sites[i]`` is the site of ``texts[i]`` (None
    /// or ``""``: no site, the page is skipped, as ``decruft learn`` skips
    /// it). Pages are hashed on ``threads`` threads (default:
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
            if let Some(site) = site.as_deref().filter(|s| !s.is_empty()) {
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
pub(crate) fn site_of_url(url: &str) -> Option<String> {
    decruft::site_of_url(url)
}
