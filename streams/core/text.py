"""Text primitives shared by the extractors: markup stripping and sentences.

Sentence boundaries are found with one compiled regex over the whole text;
the extractors ask for the sentence around an offset only where a rule fired,
so an article with no trigger costs one scan.
"""

from __future__ import annotations

import html
import re
from bisect import bisect_right
from dataclasses import dataclass

__all__ = ["Sentences", "split_sentences", "strip_markup"]

# Abbreviations after which a full stop does not end a sentence. Titles and
# initials matter most in news copy ("Gen. Milley", "U.S. officials").
_ABBREVIATION_WORDS = """
    mr mrs ms dr prof gen lt col maj capt cpt sgt adm cmdr brig rep sen gov pres
    st jr sr rev hon amb sec dept no vol fig inc ltd co corp jan feb mar apr jun
    jul aug sep sept oct nov dec u.s u.n u.k e.u vs etc approx est mt ft
"""
_ABBREVIATIONS = frozenset(_ABBREVIATION_WORDS.split())

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


def _is_abbreviation(text: str, dot_end: int) -> bool:
    match = _WORD_BEFORE.search(text, max(0, dot_end - 12), dot_end)
    if match is None:
        return False
    word = match.group(1).lower().rstrip(".")
    if word in _ABBREVIATIONS:
        return True
    # A single capital initial ("Anders F. Rasmussen").
    return len(word) == 1 and match.group(1).isupper()


def split_sentences(text: str) -> tuple[tuple[int, int], ...]:
    """Split ``text`` into sentence spans ``(start, end)``.

    Spans exclude surrounding whitespace, cover every non-blank character
    exactly once, and are in text order.
    """
    spans: list[tuple[int, int]] = []
    start = 0
    n = len(text)
    nxt = -1  # the first non-space at or after the last boundary, cached
    for match in _BOUNDARY.finditer(text):
        end = match.end()
        token = match.group()
        if token[0] == "." and len(token) == 1 and _is_abbreviation(text, match.start() + 1):
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
    spans.append((start, end))


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
    def of(cls, text: str) -> Sentences:
        """Split ``text`` once and keep the spans."""
        spans = split_sentences(text)
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
