"""Text primitives shared by the extractors: markup stripping and sentences.

Sentence boundaries are found with one compiled regex over the whole text;
the extractors ask for the sentence around an offset only where a rule fired,
so an article with no trigger costs one scan.
"""

from __future__ import annotations

import html
import re
from bisect import bisect_right
from collections.abc import Set as AbstractSet
from dataclasses import dataclass

__all__ = ["MAX_SENTENCE_CHARS", "Sentences", "quote_window", "split_sentences", "strip_markup"]

MAX_SENTENCE_CHARS = 1000
"""Longest span treated as one sentence. A longer run (a run-on "sentence",
text without stops, a list without full stops) is cut into pieces of at most
this many characters at whitespace, so every sentence-level step (modality,
roles, sense restrictions) costs a bounded amount per trigger. No sentence of
the evaluation data or the benchmark corpus comes near it."""

# How far before a full stop the word it ends is sought.
_ABBREVIATION_LOOKBACK = 12

# A boundary candidate: terminal punctuation, optional closing quotes or
# brackets, then whitespace, or a blank line on its own.
# Possessive quantifiers: a long run of stops or blank lines must not make
# the engine retry every suffix of the run (quadratic on hostile input).
# The pattern opens with a character set, not a look-behind, so the engine
# skips to the next stop or newline in C instead of trying every position:
# "(?<![.!?])[.!?]++" is written as one stop, then a look-behind over it.
_BOUNDARY = re.compile(
    r"""[.!?\n](?:(?<=[.!?])(?<![.!?].)[.!?]*+["'\u201d\u2019)\]]*+(?=\s)|(?<=\n)[ \t]*+\n)"""
)
_WORD_BEFORE = re.compile(r"([A-Za-z][A-Za-z.]*)\.$")
_TAG = re.compile(r"<[^<>]{0,2000}+>")
_SCRIPT_OPEN = re.compile(r"<(script|style)\b", re.IGNORECASE)
_NON_SPACE = re.compile(r"\S")
_SPACE = re.compile(r"\s")
_ASCII_SPACES = " \n\t\r\x0b\x0c"


def _last_space(text: str, lo: int, hi: int) -> int:
    """Index of the last whitespace character in ``text[lo:hi]``, or -1.

    ASCII whitespace is found with ``rfind``; other Unicode spaces by a scan
    back from the end to there (only long sentences are cut, so this is rare).
    """
    ascii_at = max(text.rfind(c, lo, hi) for c in _ASCII_SPACES)
    for i in range(hi - 1, max(ascii_at, lo - 1), -1):
        if text[i].isspace():
            return i
    return ascii_at


def strip_markup(text: str) -> str:
    """Remove HTML tags and decode entities, keeping the words.

    Block-level tags become spaces so words on either side stay apart.
    Text without ``<`` or ``&`` is returned unchanged (the common case).
    """
    if "<" not in text and "&" not in text:
        return text
    if "<" in text:
        text = _TAG.sub(" ", _drop_scripts(text))
    return html.unescape(text)


def _drop_scripts(text: str) -> str:
    # A scan with str.find instead of a lazy ``.*?`` regex: an unclosed
    # <script> must cost one pass, not one pass per opening tag.
    lower = text.lower()
    parts: list[str] = []
    pos = 0
    while (match := _SCRIPT_OPEN.search(lower, pos)) is not None:
        parts.append(text[pos:match.start()])
        parts.append(" ")
        close = lower.find("</" + match.group(1), match.end())
        if close < 0:
            return "".join(parts)
        end = lower.find(">", close)
        pos = len(text) if end < 0 else end + 1
    parts.append(text[pos:])
    return "".join(parts)


def _is_abbreviation(text: str, dot_end: int, abbreviations: AbstractSet[str]) -> bool:
    match = _WORD_BEFORE.search(text, max(0, dot_end - _ABBREVIATION_LOOKBACK), dot_end)
    if match is None:
        return False
    word = match.group(1).lower().rstrip(".")
    if word in abbreviations:
        return True
    # A single capital initial ("Anders F. Rasmussen").
    return len(word) == 1 and match.group(1).isupper()


def split_sentences(text: str, abbreviations: AbstractSet[str]) -> tuple[tuple[int, int], ...]:
    """Split ``text`` into sentence spans ``(start, end)``.

    A full stop after one of ``abbreviations`` (lower case, without the
    stop: "gen", "u.s"; list ``sentences.abbreviations`` of the knowledge
    base) or after a capital initial does not end a sentence.

    Spans exclude surrounding whitespace, cover every non-blank character
    exactly once, and are in text order. No span is longer than
    :data:`MAX_SENTENCE_CHARS`: a longer sentence is cut at whitespace (or,
    in text without any, hard at the limit).
    """
    spans: list[tuple[int, int]] = []
    start = 0
    n = len(text)
    nxt = -1  # the first non-space at or after the last boundary, cached
    for match in _BOUNDARY.finditer(text):
        end = match.end()
        token = match.group()
        if token[0] == "." and len(token) == 1 and _is_abbreviation(
                text, match.start() + 1, abbreviations):
            continue
        # A lowercase word after the stop usually continues the sentence.
        if nxt < end:
            found = _NON_SPACE.search(text, end)
            nxt = found.start() if found else n
        if token[0] != "\n" and nxt < n and text[nxt].islower():
            continue
        _append(text, spans, start, end)
        start = end
    _append(text, spans, start, n)
    return tuple(spans)


def _append(text: str, spans: list[tuple[int, int]], start: int, end: int) -> None:
    found = _NON_SPACE.search(text, start, end)
    if found is None:
        return
    start = found.start()
    while text[end - 1].isspace():
        end -= 1
    while end - start > MAX_SENTENCE_CHARS:
        # The last whitespace in the second half of the allowed length: pieces
        # stay long, and a word is never split where the text has spaces.
        limit = start + MAX_SENTENCE_CHARS
        cut = _last_space(text, start + MAX_SENTENCE_CHARS // 2, limit + 1)
        piece_end = cut if cut != -1 else limit
        next_start = piece_end
        while text[piece_end - 1].isspace():
            piece_end -= 1
        spans.append((start, piece_end))
        found = _NON_SPACE.search(text, next_start, end)
        if found is None:
            return
        start = found.start()
    spans.append((start, end))


def quote_window(text: str, start: int, end: int, focus: tuple[int, int],
                 limit: int) -> tuple[int, int]:
    """Return the span quoted for a match at ``focus`` inside ``text[start:end]``.

    The whole span when it has at most ``limit`` characters, else a window of
    at most ``limit`` characters that contains the match, centred on it where
    the span allows, cut at whitespace so words stay whole (hard cuts only in
    text without whitespace near the edge). A match longer than ``limit`` is
    quoted alone. The result never starts or ends with whitespace.
    """
    if end - start <= limit:
        return start, end
    f0, f1 = focus
    room = limit - (f1 - f0)
    if room <= 0:
        return f0, f1
    lo = max(start, f0 - room // 2)
    hi = min(end, lo + limit)
    lo = max(start, hi - limit)
    if lo > start and not text[lo - 1].isspace():
        # Forward to the first word that starts inside the window.
        found = _SPACE.search(text, lo, f0)
        if found is not None:
            lo = found.end()
    if hi < end and not text[hi].isspace():
        cut = _last_space(text, f1, hi)
        if cut != -1:
            hi = cut
    while lo < f0 and text[lo].isspace():
        lo += 1
    while hi > f1 and text[hi - 1].isspace():
        hi -= 1
    return lo, hi


@dataclass(frozen=True, slots=True)
class Sentences:
    """Sentence spans of one text with lookup by character offset.

    Attributes:
        text: The text they split.
        spans: ``(start, end)`` pairs in text order.
        starts: The span starts, for bisection.
    """

    text: str
    spans: tuple[tuple[int, int], ...]
    starts: tuple[int, ...]

    @classmethod
    def of(cls, text: str, abbreviations: AbstractSet[str]) -> Sentences:
        """Split ``text`` once (see :func:`split_sentences`) and keep the spans."""
        spans = split_sentences(text, abbreviations)
        return cls(text=text, spans=spans, starts=tuple(s for s, _ in spans))

    def index_at(self, offset: int) -> int:
        """Return the index of the sentence containing ``offset`` (or the
        nearest one before it); -1 when the text has no sentence."""
        if not self.spans:
            return -1
        return max(0, bisect_right(self.starts, offset) - 1)

    def span_at(self, offset: int) -> tuple[int, int]:
        """Return the ``(start, end)`` of the sentence around ``offset``."""
        i = self.index_at(offset)
        return self.spans[i] if i >= 0 else (0, len(self.text))
