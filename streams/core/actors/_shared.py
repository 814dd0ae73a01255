"""State and small helpers shared by the actor modules.

Offsets always index the original text: folding maps each character to
exactly one character, so positions in the folded copy are positions in
the original.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left
from dataclasses import dataclass, field
from functools import lru_cache
from types import MappingProxyType
from typing import Final, Literal, NamedTuple

from streams.core.knowledge import Entity, Title
from streams.core.model import Actor, ActorType

__all__ = ["ActorType", "AgentForm", "Context", "Coverage", "Hit", "Person", "char_flags", "fold",
           "is_sentence_initial", "skip_back", "slug", "surname_key", "transliterations"]

# Match kinds in the gazetteer.
HitKind = Literal["name", "demonym", "seat", "title", "agent", "pronoun"]
NAME: Final = "name"
DEMONYM: Final = "demonym"
SEAT: Final = "seat"
TITLE: Final = "title"
AGENT: Final = "agent"
PRONOUN: Final = "pronoun"

# Character windows of the context rules: how far before a position
# (LOOKBACK) or after it (REACH) a cue is sought.
CAP_WORD_LOOKBACK: Final = 30  # a capitalised word before a name or a demonym
HONORIFIC_LOOKBACK: Final = 12  # "Mr ", "Gen. " before a name
SAID_LOOKBACK: Final = 8  # "said " before a name
SPEECH_LOOKBACK: Final = 16  # "according to " before a name
THE_LOOKBACK: Final = 5  # "the " before a title or a head
FORMER_LOOKBACK: Final = 14  # "former " before a title
ORDINAL_LOOKBACK: Final = 8  # "407th " before a unit
TO_BODY_LOOKBACK: Final = 10  # "to the " before a body after a title
GOV_BEFORE_LOOKBACK: Final = 30  # "the government of " before a country
GOV_BEFORE_TAIL: Final = 4  # the characters tested for "of ", "in ", "the " first
PLACE_PREP_LOOKBACK: Final = 16  # "in ", "visited " before a seat
APPOSITION_REACH: Final = 90  # ", the United States Ambassador to NATO" after a name
PRE_APPOSITION_REACH: Final = 160  # "former NATO commander ..., " before a name


def _build_fold_table() -> MappingProxyType[int, str]:
    table: dict[int, str] = {}
    for code in range(0xC0, 0x250):
        char = chr(code)
        base = unicodedata.normalize("NFD", char)[0]
        if base != char and base.isascii() and base.isalpha():
            table[code] = base
    special = (
        ("ø", "o"), ("Ø", "O"), ("ł", "l"), ("Ł", "L"), ("đ", "d"), ("Đ", "D"), ("ı", "i"),
        ("ħ", "h"), ("\u2019", "'"), ("\u2018", "'"), ("\u02bc", "'"), ("\u2010", "-"),
        ("\u2011", "-"), ("\u00a0", " "), ("\u201c", '"'), ("\u201d", '"'),
    )  # fmt: skip
    for src, dst in special:
        table[ord(src)] = dst
    return MappingProxyType(table)


# One character in, one character out: offsets survive folding.
_FOLD_TABLE = _build_fold_table()
# The characters the table folds, and only those: a search for any
# non-ASCII character also stops at every one the table leaves alone
# (a dash, a letter of another script) to call back into Python.
_FOLDABLE = re.compile("[" + "".join(re.escape(chr(code)) for code in sorted(_FOLD_TABLE)) + "]")


def fold(text: str) -> str:
    """Fold Latin diacritics and typographic quotes, keeping the length.

    Args:
        text: Any text.

    Returns:
        The text with "é" as "e", "’" as "'" and so on; character ``i`` of
        the result corresponds to character ``i`` of ``text``.
    """
    if text.isascii():
        return text
    return _FOLDABLE.sub(_fold_char, text)


def _fold_char(match: re.Match[str]) -> str:
    return _FOLD_TABLE[ord(match.group())]


_TRANSLIT_END = re.compile(r"(?:iy|yy|ii|yi|ij|y|i)$")
# Keys of the names seen lately: the same names recur within an article and
# across a news cycle, and a key depends on the name alone. Bounded: a
# long-running worker sees ever new names.
_SURNAME_KEYS_MAX: Final = 8192


@lru_cache(maxsize=_SURNAME_KEYS_MAX)
def surname_key(name: str) -> str:
    """Return a matching key for a surname, tolerant of transliteration.

    "Zelenskiy", "Zelensky", "Zelenskyy" and "Zelenskyi" share one key:
    diacritics fold, case folds, and the Slavic -iy/-yy/-y/-i endings merge.
    """
    key = fold(name).lower().replace("'", "").replace("-", "")
    # Every ending the regex rewrites ends in "y", "i" or "j".
    if len(key) > 4 and key.endswith(("y", "i", "j")):
        key = _TRANSLIT_END.sub("y", key)
    return key


_SLUG_GAP = re.compile(r"[^a-z0-9]+")


def slug(text: str) -> str:
    """Return an id-safe slug of ``text`` ("Free Syrian Army" -> "free-syrian-army")."""
    return _SLUG_GAP.sub("-", fold(text).lower()).strip("-") or "unknown"


def transliterations(surface: str) -> list[str]:
    """Spellings of a name whose last word ends in a Slavic -y/-iy/-yy."""
    head, _, last = surface.rpartition(" ")
    match = re.search(r"(?:iy|yy|y|ii|yi)$", last)
    if match is None or len(last) < 5:
        return []
    stem = last[: match.start()]
    prefix = f"{head} " if head else ""
    return [f"{prefix}{stem}{end}" for end in ("y", "iy", "yy", "yi", "ii") if stem + end != last]


# Character classes for boundary tests, one byte per character: word
# characters (``str.isalnum`` or "_", as ``\w``), the hyphen, and the rest.
WORD_CHAR: Final = 1
HYPHEN: Final = 2
_FLAG_TABLE = bytes(
    WORD_CHAR if chr(b).isalnum() or b == ord("_") else HYPHEN if b == ord("-") else 0
    for b in range(256)
)
# Word characters beyond Latin-1 (``\w`` is ``str.isalnum`` or "_", and "_"
# is ASCII): the letters and digits of other scripts, not their punctuation.
_WORD_BEYOND_LATIN1 = re.compile(r"[^\W\x00-\xff]")


def char_flags(folded: str) -> bytearray:
    """Return the class of each character of ``folded`` (see ``_FLAG_TABLE``)."""
    flags = bytearray(folded.encode("latin-1", "replace").translate(_FLAG_TABLE))
    if not folded.isascii():
        # Encoding turned these into "?"; letters and digits among them
        # (Cyrillic, Greek, ...) are word characters all the same.
        for match in _WORD_BEYOND_LATIN1.finditer(folded):
            flags[match.start()] = WORD_CHAR
    return flags


def skip_back(folded: str, pos: int) -> int:
    """Return the end of the word before ``pos`` across single spacing."""
    i = pos
    while i > 0 and folded[i - 1] in " \t":
        i -= 1
    return i


def is_sentence_initial(folded: str, pos: int) -> bool:
    """Tell whether ``pos`` opens a sentence (after quotes and brackets)."""
    i = pos
    while i > 0 and folded[i - 1] in " \t\"'([":
        i -= 1
    return i == 0 or folded[i - 1] in ".!?\n:;"


@dataclass(frozen=True, slots=True)
class AgentForm:
    """One surface form of a generic agent."""

    entity: Entity
    strict: bool
    lower: str


class Hit(NamedTuple):
    """A resolved gazetteer match in the folded text (a tuple: built for
    every automaton match, so construction cost counts)."""

    start: int
    end: int
    entity: Entity
    kind: str


@dataclass(slots=True)
class Person:
    """What is known about one person mention while it is being built."""

    start: int
    end: int
    name_start: int
    name_end: int
    entity: Entity | None = None
    role: str | None = None
    role_org: str | None = None
    former: bool = False
    country: str | None = None
    affiliation: str | None = None
    source: str = "context"
    ref_name: str | None = None


class Coverage:
    """Marked character positions of one text, with an overlap test.

    A byte per character: marking and testing are C-level slice operations,
    cheaper than interval bookkeeping for the few thousand characters of an
    article.
    """

    __slots__ = ("mask",)

    def __init__(self, size: int) -> None:
        self.mask = bytearray(size)

    def add(self, start: int, end: int) -> None:
        """Mark ``[start, end)``."""
        if end > start:
            self.mask[start:end] = b"\x01" * (end - start)

    def overlaps(self, start: int, end: int) -> bool:
        """Tell whether ``[start, end)`` has a marked character."""
        return self.mask.find(1, start, end) != -1


@dataclass(slots=True)
class Context:
    """Per-call state of one extraction."""

    text: str
    folded: str
    as_of: str | None
    hits: list[Hit] = field(default_factory=list)
    hit_at: dict[int, Hit] = field(default_factory=dict)
    hit_end: dict[int, Hit] = field(default_factory=dict)
    title_end: dict[int, tuple[int, Title]] = field(default_factory=dict)
    covered: Coverage = field(init=False)
    persons: list[Person] = field(default_factory=list)
    orgs: list[Actor] = field(default_factory=list)
    singles: list[tuple[int, int]] = field(default_factory=list)
    used_titles: set[int] = field(default_factory=set)
    titles: list[tuple[int, int, Title]] = field(default_factory=list)
    title_starts: list[int] = field(default_factory=list)
    agent_hits: list[tuple[int, int, AgentForm]] = field(default_factory=list)
    pronouns: list[tuple[int, int, str]] = field(default_factory=list)
    acronyms: list[tuple[int, int]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.covered = Coverage(len(self.text))

    def first_title(self, start: int, end: int) -> tuple[int, int, Title] | None:
        """Return the first title lying inside ``[start, end)``."""
        i = bisect_left(self.title_starts, start)
        if i < len(self.titles) and self.titles[i][1] <= end:
            return self.titles[i]
        return None
