"""A datatrove pipeline step that strips boilerplate from every document.

>>> from datatrove.executor import LocalPipelineExecutor
>>> from datatrove.pipeline.readers import JsonlReader
>>> from datatrove.pipeline.writers import JsonlWriter
>>> from decruft.datatrove import DecruftFormatter
>>> LocalPipelineExecutor(pipeline=[
...     JsonlReader("data/"),
...     DecruftFormatter(),
...     JsonlWriter("clean/"),
... ], tasks=4).run()  # doctest: +SKIP

Documents go through :meth:`decruft.Stripper.strip_batch` in batches, so
each batch is stripped on all cores without the GIL.
"""

from __future__ import annotations

from typing import Iterable

from datatrove.data import DocumentsPipeline

# PipelineStep, not datatrove's BaseFormatter: importing
# datatrove.pipeline.formatters needs datatrove's optional "processing"
# dependencies (regex…), which this step does not.
from datatrove.pipeline.base import PipelineStep
from datatrove.utils.batching import batched
from datatrove.utils.typeshelper import StatHints

from . import Stripper

__all__ = ["DecruftFormatter"]


class DecruftFormatter(PipelineStep):
    """Strips boilerplate lines from ``Document.text`` with decruft.

    For each document it stores the fraction of characters removed in
    ``doc.metadata[metadata_key]`` (0.0 for an empty document), and counts
    in the step's stats:

    * ``total``: documents seen; ``forwarded`` and ``dropped`` when
      ``drop_empty`` is set;
    * ``dropped_lines_<label>`` (e.g. ``dropped_lines_navigation``): lines
      dropped under each boilerplate label, summed over documents (unit:
      doc, so the stats also show the mean per document that had any);
    * ``chars_in`` / ``chars_removed``: characters before and removed.

    Args:
        stripper: a configured :class:`decruft.Stripper` (default: default
            settings). Or give its settings instead:
        keep, language, threshold, model, heuristics_only: as in
            :class:`decruft.Stripper`, when ``stripper`` is not given.
        batch_size: documents per call to ``strip_batch``.
        threads: threads per batch (default: all cores). With several
            datatrove workers on one machine, set ``threads=1`` so that the
            workers do not oversubscribe the cores.
        metadata_key: where to store the removed fraction (None: don't).
        drop_empty: drop documents left with no text (or only white space).
    """

    name = "🧹 decruft"
    type = "✂️ - FORMAT"  # as datatrove's formatters

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
        drop_empty: bool = False,
    ):
        super().__init__()
        if stripper is None:
            stripper = Stripper(
                keep=keep, language=language, threshold=threshold, model=model, heuristics_only=heuristics_only
            )
        elif keep is not None or language is not None or threshold != 0.0 or model is not None or heuristics_only:
            raise ValueError("give a stripper or its settings, not both")
        if batch_size < 1:
            raise ValueError("batch_size must be at least 1")
        self.stripper = stripper
        self.batch_size = batch_size
        self.threads = threads
        self.metadata_key = metadata_key
        self.drop_empty = drop_empty

    def format(self, text: str) -> str:
        """The cleaned text of one document (what ``run`` does in batches)."""
        return self.stripper.strip(text)

    def run(self, data: DocumentsPipeline, rank: int = 0, world_size: int = 1) -> DocumentsPipeline:
        for batch in batched(data, self.batch_size):
            with self.track_time("batch"):
                results = self.stripper.strip_batch_with_counts([doc.text for doc in batch], threads=self.threads)
            for doc, (text, dropped) in zip(batch, results):
                self.stat_update(StatHints.total)
                before = len(doc.text)
                removed = before - len(text)
                self.stat_update("chars_in", value=before)
                self.stat_update("chars_removed", value=removed)
                for label, n in dropped.items():
                    self.stat_update(f"dropped_lines_{label}", value=n)
                doc.text = text
                if self.metadata_key is not None:
                    doc.metadata[self.metadata_key] = removed / before if before else 0.0
                if self.drop_empty:
                    if not text.strip():
                        self.stat_update(StatHints.dropped)
                        continue
                    self.stat_update(StatHints.forwarded)
                yield doc
