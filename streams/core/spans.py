"""Choosing among overlapping spans: one resolver, two named policies.

A span is any tuple whose first two items are its start and end offsets
(``(start, end, ...)``, including named tuples such as gazetteer hits and
lexicon matches).

* ``LONGEST``: the longest span wins, then the leftmost; a span is kept
  when it overlaps none kept before it. Used for actor mentions and for
  gazetteer, title and agent hits.
* ``LEFTMOST``: the leftmost span wins, then the longest, then ``rank``;
  a span is kept when it starts at or after the end of the last kept one.
  Used for lexicon matches.

Both return the kept spans in text order (a stable sort by start).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, Final, Literal, TypeVar

__all__ = ["LEFTMOST", "LONGEST", "Policy", "resolve_overlaps"]

Policy = Literal["longest", "leftmost"]
LONGEST: Final = "longest"
LEFTMOST: Final = "leftmost"

_S = TypeVar("_S", bound=tuple[Any, ...])


def _longest(spans: Iterable[_S], size: int, accept: Callable[[_S], bool] | None) -> list[_S]:
    # A byte per character: marking and testing are one C call each.
    kept: list[_S] = []
    taken = bytearray(size)
    for span in sorted(spans, key=lambda s: (s[0] - s[1], s[0])):
        start, end = span[0], span[1]
        if taken.find(1, start, end) == -1 and (accept is None or accept(span)):
            kept.append(span)
            if end > start:
                taken[start:end] = b"\x01" * (end - start)
    kept.sort(key=lambda s: s[0])
    return kept


def _leftmost(spans: Iterable[_S], rank: Callable[[_S], tuple[Any, ...]] | None) -> list[_S]:
    if rank is None:
        ordered = sorted(spans, key=lambda s: (s[0], s[0] - s[1]))
    else:
        ordered = sorted(spans, key=lambda s: (s[0], s[0] - s[1], *rank(s)))
    kept: list[_S] = []
    last_end = -1
    for span in ordered:
        if span[0] >= last_end:
            kept.append(span)
            last_end = span[1]
    return kept


def resolve_overlaps(
    spans: Iterable[_S],
    policy: Policy,
    *,
    size: int = 0,
    accept: Callable[[_S], bool] | None = None,
    rank: Callable[[_S], tuple[Any, ...]] | None = None,
) -> list[_S]:
    """Return the non-overlapping spans ``policy`` keeps, in text order.

    Args:
        spans: ``(start, end, ...)`` tuples, in any order; ties keep it.
        policy: ``LONGEST`` or ``LEFTMOST`` (see the module docstring).
        size: For ``LONGEST``: the text length (every end is at most it).
        accept: For ``LONGEST``: a further test run only on a span that
            overlaps nothing kept; a refused span blocks nothing.
        rank: For ``LEFTMOST``: tie-break after start and length, smaller first.
    """
    if policy == LONGEST:
        return _longest(spans, size, accept)
    if policy == LEFTMOST:
        return _leftmost(spans, rank)
    raise ValueError(f"unknown overlap policy {policy!r}")
