"""Names and titles: runs of capitalised words and the titles around them.

One compiled regex finds the runs of capitalised words (with name particles
such as "al-" and "van der"); a run is split at words of place and body
names, and what is left may be a person's name when its context says so (a
title before it, an honorific, a speech verb, an apposition). Runs with an
organisation head noun go to :mod:`.organisations`.

The title helpers read "[former] [NATO|Ukrainian|Ukraine's] Title" before a
name (:func:`prefix`) and ", the United States Ambassador to NATO" after it
(:func:`apposition`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Final

from streams.core.actors._shared import (
    APPOSITION_REACH,
    FORMER_LOOKBACK,
    HONORIFIC_LOOKBACK,
    PRE_APPOSITION_REACH,
    SPEECH_LOOKBACK,
    TO_BODY_LOOKBACK,
    Context,
    Coverage,
    Person,
    skip_back,
    surname_key,
)
from streams.core.actors.organisations import ACRONYM, OrganisationFinder
from streams.core.knowledge import Entity, Title

__all__ = [
    "NameFinder",
    "NamePatterns",
    "apposition",
    "apposition_title",
    "cue_before",
    "headlines",
    "honorific_before",
    "pre_apposition",
    "prefix",
]

_FORMER = re.compile(r"\b(?:former|ex-|then-|erstwhile|onetime|one-time)\s*$", re.IGNORECASE)
_FORMER_ANY = re.compile(r"\b(?:former|ex-|then-|erstwhile|onetime|one-time)\b", re.IGNORECASE)
# Every honorific holds a capital letter (``honorific_before`` relies on it).
HONORIFIC = re.compile(
    r"\b(?:Mr|Mrs|Ms|Dr|Sir|Dame|Lord|Lady|Sheikh|Gen|Lt|Col|Maj|Capt|Adm|Sen|Rep|Gov|Prof|Sgt"
    r"|Spc|Pvt|Cpl|Cmdr|Cdr|Brig|Cmdre|Commodore|Sgt\. Maj|Pfc|Ens|Hon|HE|H\.E)\.?\s+$"
)
_SPEECH_AFTER = re.compile(
    r"(?:,\s+who\b|,?(?<!\s)\s+(?:said|says|told|warned|added|stated|noted|stressed|argued|claimed"
    r"|announced|insisted|urged|wrote|tweeted|declared|explained|replied|responded|asked"
    r"|confirmed|denied|has|had|was|is|will|would|called|met|visited|accused|welcomed"
    r"|condemned|praised|criticised|criticized|rejected|spoke|speaking|expressed|agreed"
    r"|welcomes|condemns|calls|marks|comments|urges|warns|visits|meets|announces|praises"
    r"|criticises|criticizes|rejects|tells|adds|insists|says|speaks|expresses|signs|signed"
    r"|travelled|traveled|arrived|leads|led|ordered|orders|vowed|vows|pledged|pledges)\b)"
)
_SPEECH_BEFORE_CUES = ("said", "says", "told", "warned", "according to", "by", "with", "met",
                       "and", "called", "urged")
_SPEECH_BEFORE = re.compile(
    r"\b(?:" + "|".join(r"\s+".join(cue.split()) for cue in _SPEECH_BEFORE_CUES) + r")\s+$"
)
# The word each cue ends with: the last word before a name must end so.
_SPEECH_BEFORE_LAST = tuple(cue.split()[-1] for cue in _SPEECH_BEFORE_CUES)
_APPOSITION = re.compile(r",\s+(?:(?:the|a|an|who\s+is|who\s+was)\s+)?")
_SEGMENT_END = re.compile(r"[,.;:()\"!?\n]|\s(?:and|said|says|who|which|has|have|had)\s")
_TO_BODY = re.compile(r"\b(?:to|of|for|at)\s+(?:the\s+)?$")
_LINE = re.compile(r"[^\n]+")
# A Title Case headline: at most this long, at least this many words of
# which at least this share capitalised.
HEADLINE_MAX_CHARS: Final = 200
HEADLINE_MIN_WORDS: Final = 4
HEADLINE_CAPITALISED: Final = 0.85
# Characters that end a sentence or clause; a line ending in one is no headline.
_HEADLINE_END = ".!?\"':,;"


class NamePatterns:
    """The token and run regexes, built from the name particles.

    A token is a capitalised word or an initial, optionally after a
    particle ("al-", "van "). The runs regex has the first token's two
    cases (a capital, or a particle and a capital) as alternatives: a
    capital is tried first and the particle alternation only where a
    particle's first letter stands, which makes the scan over the whole
    text cheaper. The matches are those of
    ``(?<![\\w'-])TOKEN(?:[ ]+TOKEN)*(?![\\w])``: a particle starts with a
    small letter and a capital token with a capital, so at most one case
    applies.
    """

    __slots__ = ("chunk", "short_chunk", "token")

    def __init__(self, particles: Sequence[str]) -> None:
        alternation = "|".join(re.escape(p) for p in particles) or "(?!)"
        token = (rf"(?:(?:{alternation})[-\s])?"
                 r"(?:[A-Z]\.|[A-Z][A-Za-z]*(?:-[A-Za-z]+|'(?!s\b)[A-Za-z]+)*)")
        cap_rest = r"(?:\.|[A-Za-z]*(?:-[A-Za-z]+|'(?!s\b)[A-Za-z]+)*)"
        first = "".join(sorted({p[0] for p in particles}))
        particle_case = (rf"|(?=[{re.escape(first)}])(?:{alternation})[-\s][A-Z]{cap_rest}"
                         if particles else "")
        self.token = re.compile(token)
        self.chunk = re.compile(
            rf"(?<![\w'-])(?:[A-Z]{cap_rest}{particle_case})(?:[ ]+{token})*(?![\w])")
        # Bounded, for anchored look-ahead: a name after "of" has a few words.
        self.short_chunk = re.compile(rf"{token}(?:[ ]+{token}){{0,5}}(?![\w])")


def honorific_before(folded: str, start: int) -> bool:
    """Tell whether an honorific ("Mr ", "Gen. ") stands right before ``start``:
    ``HONORIFIC`` searched over the lookback window.

    Every honorific is capitalised, so the last word of the window holds a
    capital when it matches; most names follow a small word ("the", "of",
    "said"), and that test spares them the search at every position.
    """
    lo = max(0, start - HONORIFIC_LOOKBACK)
    words = folded[lo:start].split()
    return (bool(words) and not words[-1].islower()
            and HONORIFIC.search(folded, lo, start) is not None)


def cue_before(cue: re.Pattern[str], last_words: tuple[str, ...], folded: str, start: int,
               lookback: int) -> bool:
    """Tell whether ``cue`` (a search anchored at its end by ``\\s+$``)
    matches in the ``lookback`` characters before ``start``.

    ``last_words`` are the words the cue's alternatives end with: the last
    word of the window must end with one of them for the search to match,
    a cheaper test than the search at every position.
    """
    lo = max(0, start - lookback)
    words = folded[lo:start].split()
    return (bool(words) and words[-1].endswith(last_words)
            and cue.search(folded, lo, start) is not None)


def headlines(folded: str, small_words: frozenset[str]) -> Coverage:
    """Return the lines written in Title Case: short, unpunctuated at the
    end, and with nearly every word capitalised."""
    spans = Coverage(len(folded))
    for line in _LINE.finditer(folded):
        body = line.group().rstrip()
        if not body or len(body) > HEADLINE_MAX_CHARS or body[-1] in _HEADLINE_END:
            continue
        words = [w for w in body.split() if w[0].isalpha() and w not in small_words]
        if (len(words) >= HEADLINE_MIN_WORDS
                and sum(w[0].isupper() for w in words) >= HEADLINE_CAPITALISED * len(words)):
            spans.add(line.start(), line.end())
    return spans


class NameFinder:
    """Classify the runs of capitalised words of one text."""

    def __init__(self, patterns: NamePatterns, words: Mapping[str, frozenset[str]],
                 orgs: OrganisationFinder, fullnames: Mapping[str, Entity]) -> None:
        """Keep the patterns, word lists, organisation rules and known full names.

        Args:
            patterns: The token and run regexes.
            words: Word sets ``function``, ``nameish``, ``org_heads`` and
                ``small_words``.
            orgs: Builds an organisation from a run with a head noun.
            fullnames: Known persons by the surname keys of all their words.
        """
        self._patterns = patterns
        self._function = words["function"]
        self._nameish = words["nameish"]
        self._org_heads = words["org_heads"]
        self._small_words = words["small_words"]
        self._orgs = orgs
        self._fullnames = fullnames

    def scan(self, ctx: Context, blocked: bytearray) -> None:
        """Sort every run of name words not ``blocked`` (by a hit or a
        title) into persons, organisations, one-word names and acronyms."""
        folded = ctx.folded
        # Bound methods and sets in locals: the loop runs once per run of
        # capitalised words, about a hundred times per article.
        covered_find = ctx.covered.mask.find
        heads_find = headlines(folded, self._small_words).mask.find
        any_head = heads_find(1) != -1
        blocked_find = blocked.find
        token_iter = self._patterns.token.finditer
        is_acronym = ACRONYM.fullmatch
        acronyms, singles = ctx.acronyms, ctx.singles
        function, org_heads, nameish = self._function, self._org_heads, self._nameish
        for chunk in self._patterns.chunk.finditer(folded):
            cs, ce = chunk.span()
            if covered_find(0, cs, ce) == -1 or (any_head and heads_find(1, cs, ce) != -1):
                # Title Case headlines capitalise every word: no context rules.
                continue
            first = chunk.group()
            if first.isalpha():
                # No space, so one token: the chunk itself (most chunks),
                # classified as classify_run would classify a one-word run.
                if blocked_find(1, cs, ce) == -1 and first not in function:
                    if first in org_heads:
                        self._one_word(ctx, first, cs, ce)
                    elif first not in nameish:
                        if is_acronym(folded, cs, ce):
                            acronyms.append((cs, ce))
                        else:
                            singles.append((cs, ce))
                continue
            run: list[tuple[int, int]] = []
            words: list[str] = []
            for m in token_iter(folded, cs, ce):
                tok = m.span()
                word = m.group()
                if blocked_find(1, tok[0], tok[1]) == -1 and word not in function:
                    run.append(tok)
                    words.append(word)
                elif run:
                    self._classify_run(ctx, run, words)
                    run, words = [], []
            if run:
                self._classify_run(ctx, run, words)

    def _one_word(self, ctx: Context, word: str, start: int, end: int) -> None:
        """A one-word run that is an organisation head ("Ministry")."""
        del word
        org = self._orgs.org_actor(ctx, [(start, end)])
        if org is not None:
            ctx.orgs.append(org)

    def _classify_run(self, ctx: Context, run: list[tuple[int, int]], words: list[str]) -> None:
        if not self._org_heads.isdisjoint(words):
            org = self._orgs.org_actor(ctx, run)
            if org is not None:
                ctx.orgs.append(org)
            return
        # Words of place and body names split the run; what is left between
        # them may be a person's name.
        part: list[tuple[int, int]] = []
        for tok, word in zip(run, words, strict=True):
            if word not in self._nameish:
                part.append(tok)
            elif part:
                self._classify_name(ctx, part)
                part = []
        if part:
            self._classify_name(ctx, part)

    def _classify_name(self, ctx: Context, run: list[tuple[int, int]]) -> None:
        folded = ctx.folded
        start, end = run[0][0], run[-1][1]
        if len(run) == 1:
            if ACRONYM.fullmatch(folded, start, end):
                ctx.acronyms.append((start, end))
            else:
                ctx.singles.append((start, end))
            return
        known = self._fullnames.get(" ".join([surname_key(folded[s:e]) for s, e in run]))
        if known is None and ctx.title_end.get(skip_back(folded, start)) is None:
            # Neither a known name nor a title before it (``prefix`` would
            # leave it as it is): a person only by a cue around it, and
            # most runs are none, so no Person is built for them.
            if _cued(ctx, start, end):
                ctx.persons.append(Person(start, end, start, end))
            return
        person = Person(start, end, start, end)
        if known is not None:
            person.entity, person.source = known, "kb"
        prefix(ctx, person)
        if known is not None or person.role is not None or _cued(ctx, start, end):
            ctx.persons.append(person)


def _cued(ctx: Context, start: int, end: int) -> bool:
    """Tell whether the context of the name at ``[start, end)`` says it is a
    person's: an honorific or a speech verb before or after it, or a title
    in an apposition after or before it."""
    folded = ctx.folded
    return bool(
        honorific_before(folded, start)
        or _SPEECH_AFTER.match(folded, end)
        or cue_before(_SPEECH_BEFORE, _SPEECH_BEFORE_LAST, folded, start, SPEECH_LOOKBACK)
        or apposition_title(ctx, end) is not None
        or pre_apposition(ctx, start) is not None
    )


def prefix(ctx: Context, person: Person) -> None:
    """Read "[former] [NATO|Ukrainian|Ukraine's] Title" before the name."""
    folded = ctx.folded
    found = ctx.title_end.get(skip_back(folded, person.start))
    if found is None:
        return
    tstart, title = found
    ctx.used_titles.add(tstart)
    person.role = title.canonical
    person.start = tstart
    qpos = skip_back(folded, tstart)
    if folded[qpos - 2 : qpos] == "'s":
        qpos -= 2
    qual = ctx.hit_end.get(qpos)
    if qual is not None and qual.entity.type in ("country", "organisation"):
        person.start = qual.start
        person.role_org = qual.entity.id
        person.country = (
            qual.entity.id if qual.entity.type == "country" else qual.entity.country
        )
    if _FORMER.search(folded, max(0, person.start - FORMER_LOOKBACK), person.start):
        person.former = True


def is_former(folded: str, pos: int) -> bool:
    """Tell whether "former", "ex-" or the like stands right before ``pos``."""
    return bool(_FORMER.search(folded, max(0, pos - FORMER_LOOKBACK), pos))


def apposition_title(ctx: Context, pos: int) -> tuple[int, int, int, Title] | None:
    """Find ", the United States Ambassador to NATO" right after ``pos``."""
    folded = ctx.folded
    match = _APPOSITION.match(folded, pos)
    if match is None:
        return None
    seg_end = _SEGMENT_END.search(folded, match.end(), match.end() + APPOSITION_REACH)
    limit = seg_end.start() if seg_end else min(len(folded), match.end() + APPOSITION_REACH)
    title = ctx.first_title(match.end(), limit)
    if title is None:
        return None
    return pos, title[0], limit, title[2]


def pre_apposition(ctx: Context, start: int) -> tuple[int, int, int, Title] | None:
    """Find "former NATO commander ..., " ending just before a name."""
    folded = ctx.folded
    if folded[max(0, start - 2) : start] != ", ":
        return None
    seg_from = max(0, start - PRE_APPOSITION_REACH)
    cut = max(folded.rfind(c, seg_from, start - 2) for c in ",.;:(\n")
    seg_from = max(seg_from, cut + 1)
    title = ctx.first_title(seg_from, start - 2)
    if title is None:
        return None
    return seg_from, title[0], title[1], title[2]


def apposition(ctx: Context, person: Person) -> None:
    """Fill role, body and country from an apposition after or before."""
    found = apposition_title(ctx, person.name_end)
    if found is None:
        found = pre_apposition(ctx, person.start)
        if found is None:
            return
    seg_start, tstart, limit, title = found
    ctx.used_titles.add(tstart)
    if person.role is None:
        person.role = title.canonical
        if _FORMER_ANY.search(ctx.folded, seg_start, tstart):
            person.former = True
    for org in ctx.orgs:
        if tstart < org.start < limit and person.role_org is None:
            person.role_org = org.id
            person.country = person.country or org.country
            person.affiliation = person.affiliation or org.id
    _apposition_bodies(ctx, person, seg_start, tstart, limit)


def _apposition_bodies(ctx: Context, person: Person, seg_start: int, tstart: int,
                       limit: int) -> None:
    """Take country and body from the gazetteer hits of an apposition."""
    folded = ctx.folded
    for start in range(seg_start, limit):
        hit = ctx.hit_at.get(start)
        if hit is None or hit.entity.type == "person":
            continue
        if any(o.start <= start < o.end for o in ctx.orgs):
            continue
        after_title = start > tstart
        if hit.entity.type == "country" and not after_title and person.country is None:
            person.country = hit.entity.id
            person.affiliation = person.affiliation or hit.entity.id
        if person.role_org is None:
            person.role_org = hit.entity.id
        elif after_title and _TO_BODY.search(folded, max(0, start - TO_BODY_LOOKBACK), start):
            # "Ambassador to NATO": the body follows the title.
            person.role_org = hit.entity.id
