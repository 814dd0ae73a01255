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
from operator import itemgetter
from typing import Any, Final, Literal, TypeVar

__all__ = ["LEFTMOST", "LONGEST", "Policy", "resolve_overlaps"]

Policy = Literal["longest", "leftmost"]
LONGEST: Final = "longest"
LEFTMOST: Final = "leftmost"

_S = TypeVar("_S", bound=tuple[Any, ...])
_start = itemgetter(0)


def _greedy(spans: Iterable[_S], taken: bytearray, accept: Callable[[_S], bool] | None
            ) -> list[_S]:
    # A byte per character: marking and testing are one C call each.
    kept: list[_S] = []
    for span in sorted(spans, key=lambda s: (s[0] - s[1], s[0])):
        start, end = span[0], span[1]
        if taken.find(1, start, end) == -1 and (accept is None or accept(span)):
            kept.append(span)
            if end > start:
                taken[start:end] = b"\x01" * (end - start)
    kept.sort(key=_start)
    return kept


def _longest(spans: Iterable[_S], size: int, accept: Callable[[_S], bool] | None) -> list[_S]:
    # Most spans overlap no other (an article's mentions, gazetteer hits):
    # one C-level sort by start splits the spans into clusters of mutually
    # chained overlaps, a lone span is kept as it is, and only a real
    # cluster pays for the greedy longest-first pass. Clusters never
    # overlap each other, so choosing within each one keeps exactly what
    # the greedy pass over all spans keeps (it would run the same choices
    # in the same order within a cluster); only the order of ``accept``
    # calls across clusters differs, which is why ``accept`` must be pure.
    ordered = sorted(spans, key=_start)
    kept: list[_S] = []
    taken: bytearray | None = None
    i, n = 0, len(ordered)
    while i < n:
        span = ordered[i]
        start, reach = span[0], span[1]
        j = i + 1
        while j < n and ordered[j][0] < reach:
            if ordered[j][1] > reach:
                reach = ordered[j][1]
            j += 1
        if reach <= start:
            # An empty span sorts after the longer ones of its start under
            # the greedy order, not before them by start: the plain pass.
            return _greedy(ordered, bytearray(size), accept)
        if j == i + 1:
            if accept is None or accept(span):
                kept.append(span)
        else:
            if taken is None:
                taken = bytearray(size)
            kept.extend(_greedy(ordered[i:j], taken, accept))
        i = j
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
            overlaps nothing kept; a refused span blocks nothing. It must
            be pure: the calls are not made in the order of choice.
        rank: For ``LEFTMOST``: tie-break after start and length, smaller first.
    """
    if policy == LONGEST:
        return _longest(spans, size, accept)
    if policy == LEFTMOST:
        return _leftmost(spans, rank)
    raise ValueError(f"unknown overlap policy {policy!r}")
