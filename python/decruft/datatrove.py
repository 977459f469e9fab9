"""datatrove pipeline steps: a formatter that strips boilerplate lines from
every document, and a filter that drops the documents stripping emptied.

>>> from datatrove.executor import LocalPipelineExecutor
>>> from datatrove.pipeline.readers import JsonlReader
>>> from datatrove.pipeline.writers import JsonlWriter
>>> from decruft.datatrove import DecruftFilter, DecruftFormatter
>>> LocalPipelineExecutor(pipeline=[
...     JsonlReader("data/"),
...     DecruftFormatter(),
...     DecruftFilter(min_kept_chars=200, exclusion_writer=JsonlWriter("rejected/")),
...     JsonlWriter("clean/"),
... ], tasks=4).run()  # doctest: +SKIP

Documents go through :meth:`decruft.Stripper.strip_batch_with_counts` in
batches, so each batch is stripped on all cores without the GIL.

The filter's rules are the command line's (``decruft --jsonl --drop-empty
--min-kept-chars N --min-kept-share X``), with the same reason names:
``empty``, ``too_short``, ``low_kept_share``.
"""

from __future__ import annotations

from typing import Iterable

from datatrove.data import Document, DocumentsPipeline

# Importing datatrove's filters and formatters packages needs `regex` (the
# C4 filters'), not all of its "processing" extra: decruft's "datatrove"
# extra brings it.
from datatrove.pipeline.filters.base_filter import BaseFilter
from datatrove.pipeline.formatters.base import BaseFormatter
from datatrove.pipeline.writers.disk_base import DiskWriter
from datatrove.utils.batching import batched
from datatrove.utils.typeshelper import StatHints

from . import Stripper

__all__ = ["DecruftFilter", "DecruftFormatter", "REASONS", "judge"]

#: The filter's reasons, in the order its rules are checked.
REASONS = ("empty", "too_short", "low_kept_share")

# Unicode's White_Space, what Rust's str::trim takes away (Python's
# str.strip() also takes \x1c-\x1f): the filter and the command line must
# call the same documents empty.
_WHITE_SPACE = "\t\n\v\f\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"


def judge(
    chars_in: int, kept: str, *, drop_empty: bool = True, min_kept_chars: int = 0, min_kept_share: float = 0.0
) -> str | None:
    """The first rule a document of ``chars_in`` characters, stripped to
    ``kept``, fails (one of :data:`REASONS`), or None to keep it.

    The rules of ``decruft --jsonl`` (the library's ``DocRules``): lengths
    are ``len()`` of the text (code points); a document with no text has lost
    nothing, so the share rule leaves it alone.
    """
    if drop_empty and not kept.strip(_WHITE_SPACE):
        return "empty"
    if min_kept_chars or min_kept_share:
        n = len(kept)
        if n < min_kept_chars:
            return "too_short"
        if chars_in > 0 and n < min_kept_share * chars_in:
            return "low_kept_share"
    return None


def _stripper(
    stripper: Stripper | None,
    keep: Iterable[str] | str | None,
    language: str | None,
    threshold: float,
    model: str | None,
    heuristics_only: bool,
) -> Stripper:
    if stripper is None:
        return Stripper(keep=keep, language=language, threshold=threshold, model=model, heuristics_only=heuristics_only)
    if keep is not None or language is not None or threshold != 0.0 or model is not None or heuristics_only:
        raise ValueError("give a stripper or its settings, not both")
    return stripper


def _metadata_strs(batch: list[Document], key: str | None) -> list[str | None] | None:
    """Each document's ``metadata[key]`` when it is a str, else None."""
    if key is None:
        return None
    values = [doc.metadata.get(key) for doc in batch]
    return [v if isinstance(v, str) else None for v in values]


class DecruftFormatter(BaseFormatter):
    """Strips boilerplate lines from ``Document.text`` with decruft.

    A formatter: it rewrites the text and never drops a document (put a
    :class:`DecruftFilter` after it for that). For each document it stores,
    in ``doc.metadata``:

    * ``metadata_key`` (``decruft_removed_fraction``): the fraction of
      characters removed (0.0 for an empty document);
    * ``chars_in_key`` (``decruft_chars_in``): the characters before, which
      a :class:`DecruftFilter` after it reads.

    Its stats, in datatrove's style:

    * ``total``: documents seen;
    * ``line-filter-<label>`` (e.g. ``line-filter-navigation``): lines
      dropped under each boilerplate label, summed over documents (unit:
      doc, so the stats also show the mean per document that had any);
    * ``chars_in`` / ``chars_removed``: characters before and removed.

    Args:
        stripper: a configured :class:`decruft.Stripper` (default: default
            settings). Or give its settings instead:
        keep, language, threshold, model, heuristics_only: as in
            :class:`decruft.Stripper`, when ``stripper`` is not given.
        batch_size: documents per call to ``strip_batch_with_counts``.
        threads: threads per batch (default: all cores). With several
            datatrove workers on one machine, set ``threads=1`` so that the
            workers do not oversubscribe the cores.
        metadata_key: where to store the removed fraction (None: don't).
        chars_in_key: where to store the characters before (None: don't).
        url_key: the metadata holding a document's URL (datatrove's
            readers put a record's ``url`` there): its slug is evidence of
            the headline, its host the site in ``patterns``, as in
            ``decruft --jsonl``. None: not read.
        title_key: the metadata holding a document's title, where present
            (as ``decruft --jsonl --title-field title``). None: not read.
    """

    name = "🧹 decruft"

    def __init__(
        self,
        stripper: Stripper | None = None,
        *,
        keep: Iterable[str] | str | None = None,
        language: str | None = None,
        threshold: float = 0.0,
        model: str | None = None,
        heuristics_only: bool = False,
        batch_size: int = 256,
        threads: int | None = None,
        metadata_key: str | None = "decruft_removed_fraction",
        chars_in_key: str | None = "decruft_chars_in",
        url_key: str | None = "url",
        title_key: str | None = "title",
    ):
        super().__init__()
        if batch_size < 1:
            raise ValueError("batch_size must be at least 1")
        self.stripper = _stripper(stripper, keep, language, threshold, model, heuristics_only)
        self.batch_size = batch_size
        self.threads = threads
        self.metadata_key = metadata_key
        self.chars_in_key = chars_in_key
        self.url_key = url_key
        self.title_key = title_key

    def format(self, text: str) -> str:
        """The cleaned text of one document (what ``run`` does in batches)."""
        return self.stripper.strip(text)

    def run(self, data: DocumentsPipeline, rank: int = 0, world_size: int = 1) -> DocumentsPipeline:
        for batch in batched(data, self.batch_size):
            with self.track_time("batch"):
                results = self.stripper.strip_batch_with_counts(
                    [doc.text for doc in batch],
                    threads=self.threads,
                    urls=_metadata_strs(batch, self.url_key),
                    titles=_metadata_strs(batch, self.title_key),
                )
            for doc, (text, dropped) in zip(batch, results):
                self.stat_update(StatHints.total)
                before = len(doc.text)
                removed = before - len(text)
                self.stat_update("chars_in", value=before)
                self.stat_update("chars_removed", value=removed)
                for label, n in dropped.items():
                    self.stat_update(f"line-filter-{label}", value=n)
                doc.text = text
                if self.metadata_key is not None:
                    doc.metadata[self.metadata_key] = removed / before if before else 0.0
                if self.chars_in_key is not None:
                    doc.metadata[self.chars_in_key] = before
                yield doc


class DecruftFilter(BaseFilter):
    """Drops documents that stripping emptied or nearly emptied.

    The rules of ``decruft --jsonl`` (see :func:`judge`), checked in order;
    a dropped document is counted as ``dropped_<reason>`` (``empty``,
    ``too_short``, ``low_kept_share``) in the step's stats, gets
    ``metadata["filter_reason"]``, and goes to ``exclusion_writer`` if one
    is given, so that nothing is lost unaccounted.

    After a :class:`DecruftFormatter` (the usual place) the text is already
    stripped: the filter reads the characters before from the formatter's
    ``decruft_chars_in`` metadata and the text as it is, and strips nothing.
    A document without that metadata is stripped here to be judged, and
    left as it was: put the filter before the formatter (or alone) to drop
    pages decruft would empty while keeping their text whole, in the output
    and in the exclusion writer's.

    Args:
        drop_empty: drop documents left with no text (or only white space).
        min_kept_chars: drop documents left with fewer characters (0: off).
        min_kept_share: drop documents that keep less than this share of
            their characters, in [0, 1] (0: off).
        exclusion_writer: where dropped documents go (a datatrove writer).
        stripper, keep, language, threshold, model, heuristics_only: the
            stripper for documents that were not stripped yet, as in
            :class:`DecruftFormatter`.
        batch_size: documents judged together.
        threads: threads per batch when stripping (default: all cores).
        chars_in_key: the metadata a :class:`DecruftFormatter` leaves.
        url_key, title_key: as in :class:`DecruftFormatter`, for documents
            stripped here.
    """

    name = "🧹 decruft filter"

    def __init__(
        self,
        *,
        drop_empty: bool = True,
        min_kept_chars: int = 0,
        min_kept_share: float = 0.0,
        exclusion_writer: DiskWriter | None = None,
        stripper: Stripper | None = None,
        keep: Iterable[str] | str | None = None,
        language: str | None = None,
        threshold: float = 0.0,
        model: str | None = None,
        heuristics_only: bool = False,
        batch_size: int = 256,
        threads: int | None = None,
        chars_in_key: str = "decruft_chars_in",
        url_key: str | None = "url",
        title_key: str | None = "title",
    ):
        if batch_size < 1:
            raise ValueError("batch_size must be at least 1")
        if min_kept_chars < 0:
            raise ValueError("min_kept_chars must be 0 or more")
        if not 0.0 <= min_kept_share <= 1.0:
            raise ValueError("min_kept_share must be between 0 and 1")
        super().__init__(exclusion_writer=exclusion_writer, batch_size=batch_size)
        self.drop_empty = drop_empty
        self.min_kept_chars = min_kept_chars
        self.min_kept_share = min_kept_share
        self.stripper = _stripper(stripper, keep, language, threshold, model, heuristics_only)
        self.threads = threads
        self.chars_in_key = chars_in_key
        self.url_key = url_key
        self.title_key = title_key

    def _judge(self, chars_in: int, kept: str) -> bool | tuple[bool, str]:
        reason = judge(
            chars_in,
            kept,
            drop_empty=self.drop_empty,
            min_kept_chars=self.min_kept_chars,
            min_kept_share=self.min_kept_share,
        )
        return True if reason is None else (False, reason)

    def filter(self, doc: Document) -> bool | tuple[bool, str]:
        return self.filter_batch([doc])[0]

    def filter_batch(self, batch: list[Document]) -> list[bool | tuple[bool, str]]:
        fresh = [i for i, doc in enumerate(batch) if self.chars_in_key not in doc.metadata]
        kept = {}
        if fresh:
            docs = [batch[i] for i in fresh]
            texts = self.stripper.strip_batch(
                [doc.text for doc in docs],
                threads=self.threads,
                urls=_metadata_strs(docs, self.url_key),
                titles=_metadata_strs(docs, self.title_key),
            )
            kept = dict(zip(fresh, texts))
        out = []
        for i, doc in enumerate(batch):
            if i in kept:
                out.append(self._judge(len(doc.text), kept[i]))
            else:
                out.append(self._judge(int(doc.metadata[self.chars_in_key]), doc.text))
        return out
