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

    def strip_batch(self, texts, *, threads=None, sites=None, urls=None, titles=None):
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
            urls: each text's URL (a list of str or None as long as
                ``texts``, or an Arrow array of strings): its slug is
                evidence of the headline and its host the site in
                ``patterns``, as ``decruft --jsonl`` reads a record's
                ``url`` field. Give it whenever records have URLs: the
                result then equals ``decruft --jsonl``'s, byte for byte.
            titles: each text's title (a crawler's ``<title>``), likewise,
                as ``decruft --jsonl --title-field``.
            sites: each text's site in the stripper's ``patterns`` (a list of
                str or None as long as ``texts``, or an Arrow array of
                strings; with Arrow texts, all are then read as Python
                lists).

        Returns:
            A list of str for list input; for Arrow input (pyarrow needed),
            a pyarrow ``Array`` of the same type, or a ``ChunkedArray`` with
            the same chunks for a chunked array or stream. Item ``i`` is
            ``self.strip(texts[i], url=urls[i], title=titles[i],
            site=sites[i])``.
        """
        if sites is not None:
            sites, urls, titles = (_to_list(h) if _is_arrow(h) else h for h in (sites, urls, titles))
            if _is_arrow(texts):
                import pyarrow as pa

                chunked = texts if isinstance(texts, (pa.Array, pa.ChunkedArray)) else pa.chunked_array(texts)
                out = super().strip_batch(chunked.to_pylist(), threads=threads, sites=sites, urls=urls, titles=titles)
                return pa.array(out, type=chunked.type)
            return super().strip_batch(texts, threads=threads, sites=sites, urls=urls, titles=titles)
        if _is_arrow(texts):
            return _strip_arrow(self, texts, threads, urls, titles)
        if _is_arrow(urls) or _is_arrow(titles):
            urls, titles = (_to_list(h) if _is_arrow(h) else h for h in (urls, titles))
        return super().strip_batch(texts, threads=threads, urls=urls, titles=titles)


def _to_list(arrow: Any) -> list:
    import pyarrow as pa

    if isinstance(arrow, (pa.Array, pa.ChunkedArray)):
        return arrow.to_pylist()
    return pa.chunked_array(arrow).to_pylist()


def _hint_chunks(hint: Any, lengths: list[int], what: str) -> list[Any]:
    """``hint`` (a list of str or None, or an Arrow string array) as Arrow
    arrays cut like the texts' chunks; ``None`` for each without one."""
    if hint is None:
        return [None] * len(lengths)
    import pyarrow as pa

    if _is_arrow(hint):
        arr = hint if isinstance(hint, (pa.Array, pa.ChunkedArray)) else pa.chunked_array(hint)
        if isinstance(arr, pa.ChunkedArray):
            arr = arr.combine_chunks()
    else:
        if isinstance(hint, str):
            raise TypeError(f"{what} must be a list of str, not a str")
        arr = pa.array(list(hint), type=pa.large_string())
    if len(arr) != sum(lengths):
        raise ValueError(f"{len(arr)} {what} for {sum(lengths)} texts")
    out, at = [], 0
    for n in lengths:
        out.append(arr.slice(at, n))
        at += n
    return out


def _strip_arrow(stripper: Stripper, texts: Any, threads: int | None, urls: Any = None, titles: Any = None) -> Any:
    import pyarrow as pa

    strip = _decruft.Stripper._strip_arrow
    if hasattr(type(texts), "__arrow_c_array__"):
        u = t = None
        if urls is not None or titles is not None:
            n = len(texts) if isinstance(texts, pa.Array) else len(pa.array(texts))
            [u], [t] = _hint_chunks(urls, [n], "urls"), _hint_chunks(titles, [n], "titles")
        return pa.array(strip(stripper, texts, threads, u, t))
    # A stream of arrays (a chunked array): pyarrow reads it, each chunk
    # goes through the C Data Interface on its own.
    chunked = texts if isinstance(texts, pa.ChunkedArray) else pa.chunked_array(texts)
    lengths = [len(c) for c in chunked.chunks]
    us, ts = _hint_chunks(urls, lengths, "urls"), _hint_chunks(titles, lengths, "titles")
    chunks = [pa.array(strip(stripper, c, threads, u, t)) for c, u, t in zip(chunked.chunks, us, ts)]
    return pa.chunked_array(chunks, type=chunked.type)
