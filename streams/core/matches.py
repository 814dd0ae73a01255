"""Lexicon matches: one automaton pass finds them, one resolver picks among overlaps.

Overlapping matches are resolved leftmost-longest (the ``LEFTMOST`` policy
of :mod:`streams.core.spans`), so "strike a deal" wins over "strike" and
"hunger strike" over "strike".
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from streams.core.lexicon import Lexicon, boundary_text
from streams.core.spans import LEFTMOST
from streams.core.spans import resolve_overlaps as _resolve

__all__ = ["Match", "find_matches", "find_matches_bounded", "is_word", "resolve_overlaps"]


class Match(NamedTuple):
    """A lexicon match before roles and modality (a tuple: built for every
    automaton hit, so construction cost counts).

    Attributes:
        start: Offset of the trigger.
        end: One past its end.
        rule: Index of the rule in the lexicon.
        length: Token count of the pattern that matched.
    """

    start: int
    end: int
    rule: int
    length: int


def is_word(ch: str) -> bool:
    """Tell whether ``ch`` is a word character (as ``\\w``)."""
    return ch.isalnum() or ch == "_"


def find_matches(lexicon: Lexicon, lowered: str, padded: str | None = None) -> list[Match]:
    """Return every pattern match in ``lowered`` (lower-cased text), unresolved.

    The automaton scans the text once; a pattern's tail is tried only where
    its anchor fired on whole-word boundaries.

    Args:
        lexicon: Compiled rules.
        lowered: The lower-cased text.
        padded: ``boundary_text(lowered)`` when the caller has it already.
    """
    return find_matches_bounded(lexicon, lowered, padded)[0]


def find_matches_bounded(lexicon: Lexicon, lowered: str, padded: str | None = None,
                         max_steps: int | None = None) -> tuple[list[Match], bool]:
    """:func:`find_matches` that stops after ``max_steps`` steps; also says whether it did.

    Each automaton hit costs one step plus one per anchor it carries (the tails that
    may be tried after it), the two costs that grow with the text. News articles take
    at most about 500 steps (507 in the densest of 2,800 development and bench
    articles, 4 KB); a run-on text where every word is an anchor takes several per
    word, and a tail over a long hyphen-joined run costs microseconds, so the bound
    keeps such a text from taking seconds. The matches found before the stop are
    returned (in text order, as without a bound).
    """
    automaton = lexicon.automaton
    if automaton is None or not lowered:
        return [], False
    if padded is None:
        padded = boundary_text(lowered)
    out: list[Match] = []
    new = tuple.__new__  # Match(...) without the generated __new__: once per hit
    budget = -1 if max_steps is None else max_steps
    # Keys are space-padded word forms, so every hit is a whole word; its
    # trailing space is at ``last`` in ``padded``, one past its end in ``lowered``.
    for last, (klen, anchors, gate, bare) in automaton.iter(padded):
        if budget >= 0:
            budget -= 1 + len(anchors)
            if budget < 0:
                return out, True
        end = last - 1
        start = end - klen
        if gate is not None and gate.match(lowered, end) is None:
            # No tail matches here: only the anchors that are whole patterns.
            for anchor in bare:
                out.append(new(Match, (start, end, anchor.rule, anchor.length)))
            continue
        for anchor in anchors:
            tail = anchor.tail
            if tail is None:
                out.append(new(Match, (start, end, anchor.rule, anchor.length)))
                continue
            m = tail.match(lowered, end)
            if m is not None:
                out.append(new(Match, (start, m.end(), anchor.rule, anchor.length)))
    return out, False


def resolve_overlaps(matches: Sequence[Match]) -> list[Match]:
    """Keep non-overlapping matches, leftmost first, then longest, then most specific.

    Pure: the result depends only on the matches, in text order.
    """
    return _resolve(matches, LEFTMOST, rank=lambda m: (-m.length, m.rule))
