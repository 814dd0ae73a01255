"""The one overlap resolver and its two policies."""

from __future__ import annotations

from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st

from streams.core.spans import LEFTMOST, LONGEST, resolve_overlaps

SPANS = [(0, 5, "a"), (3, 12, "b"), (10, 14, "c"), (14, 16, "d"), (0, 2, "e")]


class TestLongest:
    def test_longest_wins_then_text_order(self) -> None:
        """The longest span is kept first; the rest fill the gaps, in text order."""
        assert resolve_overlaps(SPANS, LONGEST, size=20) == [
            (0, 2, "e"), (3, 12, "b"), (14, 16, "d")]

    def test_equal_length_ties_go_left(self) -> None:
        """Of two overlapping spans of one length the leftmost is kept."""
        assert resolve_overlaps([(2, 6, "r"), (0, 4, "l")], LONGEST, size=6) == [(0, 4, "l")]

    def test_a_refused_span_blocks_nothing(self) -> None:
        """``accept`` refusing the longest span lets the spans under it through."""
        kept = resolve_overlaps(SPANS, LONGEST, size=20, accept=lambda s: s[2] != "b")
        assert kept == [(0, 5, "a"), (10, 14, "c"), (14, 16, "d")]


class TestLeftmost:
    def test_leftmost_wins_then_longest(self) -> None:
        """The leftmost span is kept, the longest of those starting there."""
        assert resolve_overlaps(SPANS, LEFTMOST) == [(0, 5, "a"), (10, 14, "c"), (14, 16, "d")]

    def test_rank_breaks_ties(self) -> None:
        """Spans of one start and length are ranked by ``rank``, smaller first."""
        spans = [(0, 3, 2), (0, 3, 1)]
        assert resolve_overlaps(spans, LEFTMOST, rank=lambda s: (s[2],)) == [(0, 3, 1)]


def test_unknown_policy_is_refused() -> None:
    """A policy name that is not one of the two raises."""
    with pytest.raises(ValueError, match="unknown overlap policy"):
        resolve_overlaps(SPANS, "shortest")  # type: ignore[arg-type]


@given(st.lists(st.tuples(st.integers(0, 40), st.integers(1, 10)).map(
    lambda t: (t[0], t[0] + t[1])), max_size=30))
def test_kept_spans_never_overlap_and_are_in_text_order(spans: list[tuple[int, int]]) -> None:
    """Under either policy the kept spans are disjoint, sorted, and drawn from the input."""
    for kept in (resolve_overlaps(spans, LONGEST, size=50), resolve_overlaps(spans, LEFTMOST)):
        assert all(a[1] <= b[0] for a, b in pairwise(kept))
        assert all(span in spans for span in kept)
        if spans:
            assert kept


def _plain_longest(spans: list[tuple[int, int, int]], size: int,
                   refused: frozenset[int]) -> list[tuple[int, int, int]]:
    """The definition of ``LONGEST``: one greedy pass, longest then leftmost."""
    kept: list[tuple[int, int, int]] = []
    taken = bytearray(size)
    for span in sorted(spans, key=lambda s: (s[0] - s[1], s[0])):
        start, end, tag = span
        if taken.find(1, start, end) == -1 and tag not in refused:
            kept.append(span)
            taken[start:end] = b"\x01" * (end - start)
    kept.sort(key=lambda s: s[0])
    return kept


@given(st.lists(st.tuples(st.integers(0, 40), st.integers(0, 10)), max_size=30),
       st.frozensets(st.integers(0, 30)))
def test_longest_clusters_keep_what_one_greedy_pass_keeps(
        raw: list[tuple[int, int]], refused: frozenset[int]) -> None:
    """Choosing within clusters of overlapping spans (the fast path) keeps
    exactly the spans, in the order, of the plain greedy pass, empty and
    duplicate spans and refused spans included."""
    spans = [(start, start + length, tag) for tag, (start, length) in enumerate(raw)]
    kept = resolve_overlaps(spans, LONGEST, size=50, accept=lambda s: s[2] not in refused)
    assert kept == _plain_longest(spans, 50, refused)
