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

Integrations: :mod:`decruft.datatrove` (a datatrove pipeline step); for
Spark, see the package README.
"""

from __future__ import annotations

from typing import Any

from . import _decruft
from ._decruft import CONTENT_LABELS, LABELS, DecruftError, __version__, strip
from ._types import LabelName, LineVerdict

__all__ = [
    "CONTENT_LABELS",
    "LABELS",
    "DecruftError",
    "LabelName",
    "LineVerdict",
    "Stripper",
    "strip",
    "__version__",
]

def _is_arrow(obj: object) -> bool:
    # Only a pyarrow object can be a pyarrow array: no import of pyarrow (a
    # heavy module) unless the caller already has one.
    module = type(obj).__module__ or ""
    return module == "pyarrow" or module.startswith("pyarrow.")


class Stripper(_decruft.Stripper):
    __doc__ = _decruft.Stripper.__doc__

    __slots__ = ()

    def strip_batch(self, texts, *, threads=None):
        """The cleaned text of many documents, on all cores, without the GIL.

        Args:
            texts: a list (or any iterable) of str, or a pyarrow ``Array`` or
                ``ChunkedArray`` of ``string``, ``large_string`` (or
                ``string_view``). Arrow input is read in place, without
                converting the strings to Python objects; nulls stay null.
            threads: how many threads to use (default: one per core).

        Returns:
            A list of str for list input, else a pyarrow array of the same
            type (and chunking) as the input; item ``i`` is
            ``self.strip(texts[i])``.
        """
        if _is_arrow(texts):
            return _strip_arrow(self, texts, threads)
        return super().strip_batch(texts, threads=threads)


def _strip_arrow(stripper: Stripper, texts: Any, threads: int | None) -> Any:
    import pyarrow as pa

    if isinstance(texts, pa.ChunkedArray):
        chunks = [_strip_arrow_array(stripper, c, threads) for c in texts.chunks]
        return pa.chunked_array(chunks, type=texts.type)
    if isinstance(texts, pa.Array):
        return _strip_arrow_array(stripper, texts, threads)
    raise TypeError(f"strip_batch takes a pyarrow Array or ChunkedArray, not {type(texts).__name__}")


def _strip_arrow_array(stripper: Stripper, arr: Any, threads: int | None) -> Any:
    import pyarrow as pa

    typ = arr.type
    if pa.types.is_string(typ):
        large = False
    elif pa.types.is_large_string(typ):
        large = True
    elif getattr(pa.types, "is_string_view", lambda _: False)(typ):
        out = _strip_arrow_array(stripper, arr.cast(pa.large_string()), threads)
        return out.cast(typ)
    else:
        raise TypeError(f"strip_batch takes an Arrow array of strings, not of {typ}")
    n = len(arr)
    if n == 0:
        return pa.array([], type=typ)
    _validity, offsets, data = arr.buffers()
    out_offsets, out_data = _decruft.Stripper._strip_arrow(
        stripper, offsets, data, arr.offset, n, large, threads
    )
    validity = None
    null_count = arr.null_count
    if null_count:
        # A fresh bitmap at offset 0 (the input's may start mid-byte).
        validity = arr.is_valid().buffers()[1]
    return pa.Array.from_buffers(
        typ, n, [validity, pa.py_buffer(out_offsets), pa.py_buffer(out_data)], null_count=null_count
    )
