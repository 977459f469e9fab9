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
    """One line of :meth:`Stripper.annotate`: ``text[start:end]`` is the line
    (without its terminator; str indices), ``label`` what it is, ``kept``
    whether it is in the cleaned text, ``score`` the probability that the line is
    content as the decoder reads it (before it reads the document as a
    whole), ``reason`` why it got its label."""

    label: LabelName
    score: float
    kept: bool
    reason: str
    start: int
    end: int
