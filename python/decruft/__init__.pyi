"""Type stubs for decruft: the native module's names (decruft/_decruft.pyi)
and the wrapper's Arrow-aware ``Stripper.strip_batch``."""

from typing import Iterable, TypeVar, overload

from . import _decruft
from ._decruft import (
    CONTENT_LABELS as CONTENT_LABELS,
    LABELS as LABELS,
    DecruftError as DecruftError,
    Patterns as Patterns,
    __version__ as __version__,
    site_of_url as site_of_url,
    strip as strip,
)
from ._types import LabelName as LabelName, LineVerdict as LineVerdict

_Arrow = TypeVar("_Arrow")

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

class Stripper(_decruft.Stripper):
    @overload
    def strip_batch(
        self,
        texts: Iterable[str],
        *,
        threads: int | None = None,
        sites: Iterable[str | None] | None = None,
        urls: Iterable[str | None] | None = None,
        titles: Iterable[str | None] | None = None,
    ) -> list[str]:
        """The cleaned text of many documents, on all cores, without the GIL:
        ``result[i] == self.strip(texts[i], url=urls[i], title=titles[i],
        site=sites[i])``. ``threads``: how many threads (default: one per
        core). With ``urls``, the result equals ``decruft --jsonl``'s."""
    @overload
    def strip_batch(
        self,
        texts: _Arrow,
        *,
        threads: int | None = None,
        sites: object | None = None,
        urls: object | None = None,
        titles: object | None = None,
    ) -> _Arrow:
        """An Arrow array of strings in (a pyarrow ``Array`` or
        ``ChunkedArray``, or anything with ``__arrow_c_array__`` or
        ``__arrow_c_stream__``), a pyarrow array of the same type (and
        chunking) out; nulls stay null."""
