"""Types shared by the package and its stubs: one definition of each."""

from __future__ import annotations

from typing import Literal, TypedDict

LabelName = Literal[
    "title",
    "standfirst",
    "heading",
    "body",
    "navigation",
    "metadata",
    "teaser",
    "read-more",
    "newsletter",
    "donation",
    "share",
    "comments",
    "legal",
    "ad",
    "blank",
]


class LineVerdict(TypedDict):
    """One unit of :meth:`Stripper.annotate` (a line, or a piece of a long
    line): ``text[start:end]`` is the unit (without its terminator, or for a
    piece, without the white space before the next piece; str indices),
    ``label`` what it is, ``kept`` whether it is in the cleaned text,
    ``score`` the probability that the unit is content as the decoder reads
    it (before it reads the document as a whole), ``reason`` why it got its
    label, ``continues`` whether it is a piece that continues the line of the
    unit before it."""

    label: LabelName
    score: float
    kept: bool
    reason: str
    start: int
    end: int
    continues: bool
