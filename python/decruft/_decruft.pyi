"""Type stubs for the native module decruft._decruft (``import decruft`` instead:
the package re-exports it and adds Arrow output to ``Stripper.strip_batch``)."""

from os import PathLike
from typing import Any, Iterable, Mapping

from ._types import LabelName, LineVerdict

__version__: str

LABELS: list[LabelName]
"""Every label name, in taxonomy order."""

CONTENT_LABELS: list[LabelName]
"""The labels kept by default: title, standfirst, heading, body."""

class DecruftError(ValueError):
    """Bad settings for a Stripper: an unknown label name or language code, a
    non-finite threshold, a bad model file. The message is the library's own
    (what the ``decruft`` command prints after "decruft: ")."""

def strip(text: str) -> str:
    """The cleaned text of one document, with the default settings (keep
    title, headings and body; embedded model; language detected per
    document). Same as ``Stripper().strip(text)``."""

def site_of_url(url: str) -> str | None:
    """The site of a URL as ``decruft learn`` reads it: its host,
    lower-cased, without ``www.`` and port; None if it has none."""

class Patterns:
    """Lines that recur across the pages of each site, learned from a
    corpus (the ``decruft learn`` file format). Learn with ``add`` or
    ``add_batch``, combine with ``merge`` (counts add, in any order), give to
    ``Stripper(patterns=...)``. Picklable."""

    def __new__(cls, *, site_cap: int = ..., max_lines: int = ...) -> Patterns: ...
    def add(self, site: str, text: str) -> None:
        """Counts one page of ``site``."""
    def add_batch(
        self, sites: Iterable[str | None], texts: Iterable[str], *, threads: int | None = None
    ) -> int:
        """Counts many pages (hashed on all cores without the GIL); a page
        whose site is None is skipped. Returns the pages counted."""
    def merge(self, other: Patterns) -> None:
        """Adds the counts of ``other`` to these."""
    def pages(self, site: str) -> int:
        """The pages seen of ``site``."""
    def line_pages(self, site: str, line: str) -> int:
        """On how many pages of ``site`` the (normalised) line occurs."""
    @property
    def sites(self) -> int:
        """The number of sites."""
    @property
    def lines(self) -> int:
        """The number of lines held."""
    def to_bytes(self) -> bytes:
        """The patterns file's bytes."""
    @staticmethod
    def from_bytes(data: bytes) -> Patterns:
        """Reads a patterns file's bytes (DecruftError if bad)."""
    def save(self, path: str | PathLike[str]) -> None:
        """Writes the patterns file."""
    @staticmethod
    def load(path: str | PathLike[str]) -> Patterns:
        """Reads a patterns file."""

class Stripper:
    """Strips boilerplate lines from scraped web-page text.

    Build one with the settings you need and reuse it: it is immutable, safe
    to share between threads, and picklable.

    Args:
        keep: label names to keep (default: title, standfirst, heading, body), as a list
            or one comma-separated string.
        language: force the stoplist of a language (ISO 639-1 code).
        threshold: decision threshold shift in log-odds (> 0 keeps less).
        model: path to a model JSON file written by ``decruft train``.
        heuristics_only: use the hand-written heuristics alone, no model.
        phrases: extra boilerplate phrases by label (lexicon file text, or a
            list of phrases).
        explain: make ``annotate`` reasons name the model inputs that weighed
            most.
        model_json: the contents of a model file, instead of ``model``.
        patterns: site patterns (``Patterns``): the share of a page's site
            holding each line is a model input.
        min_site_pages: sites with fewer pages are stripped as without
            patterns (default 3; at least 2, as for ``decruft
            --min-site-pages``: a smaller value is a ValueError).

    Raises:
        DecruftError: bad label, language, threshold, phrases or model.
        OSError: the model file cannot be read.
    """

    def __new__(
        cls,
        keep: Iterable[str] | str | None = None,
        language: str | None = None,
        threshold: float = 0.0,
        model: str | PathLike[str] | None = None,
        heuristics_only: bool = False,
        *,
        phrases: Mapping[str, str | Iterable[str]] | None = None,
        explain: bool = False,
        model_json: str | None = None,
        patterns: Patterns | None = None,
        min_site_pages: int | None = None,
    ) -> Stripper: ...
    @property
    def keep(self) -> list[LabelName]:
        """The labels kept in the cleaned text, in taxonomy order."""
    @property
    def language(self) -> str | None:
        """The forced language code, or None (detected per document)."""
    @property
    def threshold(self) -> float:
        """The threshold shift, in log-odds."""
    @property
    def model(self) -> str | None:
        """The path of the model file given, or None."""
    @property
    def heuristics_only(self) -> bool:
        """Whether the learned model is off."""
    def strip(self, text: str, *, url: str | None = None, site: str | None = None, title: str | None = None) -> str:
        """The cleaned text of one document: the kept lines, byte for byte,
        each with its line terminator. ``url``: evidence of the headline,
        and its host is the page's site in ``patterns``; ``site``: the site
        instead; ``title``: the page's title, evidence of the headline."""
    def check(self, text: str, *, url: str | None = None, site: str | None = None) -> dict[str, Any]:
        """The loss guard of one document: ``text`` (cleaned, as ``strip``),
        ``removed_fraction`` (share of words dropped), ``loss_flagged`` (over
        95 % of a 50+ word document removed: review it), ``judged`` and
        ``kind`` (the page's kind read from its text: ``"article"``,
        ``"thread"``, ``"listing"`` or ``"product"``)."""
    def annotate(self, text: str, *, url: str | None = None, site: str | None = None) -> list[LineVerdict]:
        """One dict per unit (an input line, or a piece of a long line):
        label, score, kept, reason, start/end as str indices (characters) of
        the unit without its terminator, and continues (a piece after the
        first of its line)."""
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
        ``result[i] == self.strip(texts[i])``. ``threads``: how many threads
        (default: one per core)."""
    def strip_batch_with_counts(
        self,
        texts: Iterable[str],
        *,
        threads: int | None = None,
        sites: Iterable[str | None] | None = None,
        urls: Iterable[str | None] | None = None,
        titles: Iterable[str | None] | None = None,
    ) -> list[tuple[str, dict[LabelName, int]]]:
        """Like ``strip_batch`` on a list, with the number of dropped
        non-blank lines per label for each document."""
    def _strip_arrow(
        self, texts: Any, threads: int | None = None, urls: Any = None, titles: Any = None
    ) -> _ArrowArray:
        """Internal: an Arrow string array (``__arrow_c_array__``) in, the
        stripped array out. Use ``decruft.Stripper.strip_batch``."""
    def __reduce__(self) -> tuple[Any, ...]: ...

class _ArrowArray:
    """An Arrow array made by decruft: ``pyarrow.array(it)`` takes it."""

    def __arrow_c_array__(self, requested_schema: object | None = None) -> tuple[object, object]: ...

def _restore(cls: type[Stripper], kwargs: dict[str, Any]) -> Stripper:
    """Internal: rebuilds a pickled Stripper."""
