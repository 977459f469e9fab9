"""decruft: strip boilerplate lines from scraped web-page text.

Menus, bylines and dates, teaser blocks, newsletter, donation, share and
comment widgets, cookie and legal notices go; the article (title, headings,
body) stays, byte for byte.

>>> import decruft
>>> decruft.strip("Menu\\n\\nA long enough paragraph of article text ...\\n")  # doctest: +SKIP
'A long enough paragraph of article text ...\\n'

The work is done by the Rust library; :meth:`Stripper.strip_batch` strips
many documents at once on all cores without holding the GIL, and takes lists
of str as well as pyarrow string arrays.

Integrations: :mod:`decruft.datatrove` (datatrove steps: a formatter and a
filter); for
Spark, see the package README.
"""

from __future__ import annotations

from typing import Any

from . import _decruft
from ._decruft import CONTENT_LABELS, LABELS, DecruftError, Patterns, __version__, site_of_url, strip
from ._types import LabelName, LineVerdict

__all__ = [
    "CONTENT_LABELS",
    "LABELS",
    "DecruftError",
    "LabelName",
    "LineVerdict",
    "Patterns",
    "Stripper",
    "site_of_url",
    "strip",
    "__version__",
]

def _is_arrow(obj: object) -> bool:
    # Anything that speaks the Arrow PyCapsule interface: pyarrow arrays and
    # chunked arrays, and other producers (polars, nanoarrow, ...).
    t = type(obj)
    return hasattr(t, "__arrow_c_array__") or hasattr(t, "__arrow_c_stream__")


class Stripper(_decruft.Stripper):
    __doc__ = _decruft.Stripper.__doc__

    __slots__ = ()

    def strip_batch(self, texts, *, threads=None, sites=None):
        """The cleaned text of many documents, on all cores, without the GIL.

        Args:
            texts: a list (or any iterable) of str, or an Arrow array of
                ``string``, ``large_string`` or ``string_view``: a pyarrow
                ``Array`` or ``ChunkedArray``, or any object with
                ``__arrow_c_array__`` or ``__arrow_c_stream__`` (the Arrow
                PyCapsule interface). Arrow input is read in place through
                the Arrow C Data Interface, without converting the strings
                to Python objects; nulls stay null.
            threads: how many threads to use (default: one per core).
            sites: each text's site in the stripper's ``patterns`` (a list of
                str or None as long as ``texts``, or an Arrow array of
                strings; with Arrow texts, both are read as Python lists).

        Returns:
            A list of str for list input; for Arrow input (pyarrow needed),
            a pyarrow ``Array`` of the same type, or a ``ChunkedArray`` with
            the same chunks for a chunked array or stream. Item ``i`` is
            ``self.strip(texts[i])``.
        """
        if sites is not None:
            if _is_arrow(sites):
                sites = _to_list(sites)
            if _is_arrow(texts):
                import pyarrow as pa

                chunked = texts if isinstance(texts, (pa.Array, pa.ChunkedArray)) else pa.chunked_array(texts)
                out = super().strip_batch(chunked.to_pylist(), threads=threads, sites=sites)
                return pa.array(out, type=chunked.type)
            return super().strip_batch(texts, threads=threads, sites=sites)
        if _is_arrow(texts):
            return _strip_arrow(self, texts, threads)
        return super().strip_batch(texts, threads=threads)


def _to_list(arrow: Any) -> list:
    import pyarrow as pa

    if isinstance(arrow, (pa.Array, pa.ChunkedArray)):
        return arrow.to_pylist()
    return pa.chunked_array(arrow).to_pylist()


def _strip_arrow(stripper: Stripper, texts: Any, threads: int | None) -> Any:
    import pyarrow as pa

    if hasattr(type(texts), "__arrow_c_array__"):
        return pa.array(_decruft.Stripper._strip_arrow(stripper, texts, threads))
    # A stream of arrays (a chunked array): pyarrow reads it, each chunk
    # goes through the C Data Interface on its own.
    chunked = texts if isinstance(texts, pa.ChunkedArray) else pa.chunked_array(texts)
    chunks = [pa.array(_decruft.Stripper._strip_arrow(stripper, c, threads)) for c in chunked.chunks]
    return pa.chunked_array(chunks, type=chunked.type)
