"""Markup from (text, entities): the marks of each entity woven into the text at UTF-16 offsets.

Shared by the HTML and Markdown writers. A mark is a string inserted at an offset; at one offset the closing
marks come first (the innermost first), then line marks (Markdown's quote prefixes), then the opening marks
(the outermost first), so nested and adjacent entities come out nested and adjacent.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, NamedTuple

from tgfleet.parser.formats import FIXED_WIDTH
from tgfleet.parser.utf16 import from_surrogates

CLOSE, LINE_END, LINE_START, OPEN = 0, 1, 2, 3


class Mark(NamedTuple):
    """``text`` inserted at UTF-16 ``offset``; ``stage`` (CLOSE...OPEN) then ``rank`` order marks at one offset."""

    offset: int
    stage: int
    rank: int
    text: str


def pair_marks(spans: Iterable[tuple[int, int, str, str, bool]], size: int) -> list[Mark]:
    """Opening and closing marks for ``(offset, length, open, close, innermost)`` spans, clamped to
    ``[0, size]``.

    Empty spans are dropped (they would mark nothing). Spans are opened outermost first: by offset, then the
    longer first, then an ``innermost`` one (code, pre: nothing inside them is markup) after the others of
    the same extent, then in the given order; they close in the reverse order.
    """
    kept = []
    for index, (offset, length, start_mark, end_mark, innermost) in enumerate(spans):
        start, end = max(0, offset), min(size, offset + length)
        if end > start:
            kept.append((start, -end, innermost, index, start_mark, end_mark))
    kept.sort()
    marks = []
    for order, (start, neg_end, _, _, start_mark, end_mark) in enumerate(kept):
        marks.append(Mark(start, OPEN, order, start_mark))
        marks.append(Mark(-neg_end, CLOSE, -order, end_mark))
    return marks


def entity_marks(entities: Iterable[Any], size: int, marks_of: Callable[[Any], tuple[str, str] | None]) -> list[Mark]:
    """The paired marks of every entity ``marks_of`` can write (None: it has no markup), code and pre
    innermost."""
    spans = []
    for entity in entities:
        pair = marks_of(entity)
        if pair is not None:
            spans.append((entity.offset, entity.length, *pair, isinstance(entity, FIXED_WIDTH)))
    return pair_marks(spans, size)


def weave(units: str, marks: list[Mark], escape: Callable[[str], str]) -> str:
    """``units`` (a surrogate string) with ``marks`` inserted and every run of text between them escaped."""
    out = []
    pos = 0
    for mark in sorted(marks):
        if mark.offset > pos:
            out.append(escape(from_surrogates(units[pos : mark.offset])))
            pos = mark.offset
        out.append(mark.text)
    out.append(escape(from_surrogates(units[pos:])))
    return "".join(out)
