"""Organisations the knowledge base does not know: head nouns and acronyms.

A run of capitalised words with an organisation head noun ("Ministry",
"Brigade") is an organisation, taking in a qualifying demonym ("Iraqi
Army"), an ordinal ("407th Air Expeditionary Group") and an "of" phrase
("Ministry of Defence"). An all-capital acronym is one when defined in
parentheses, written after "the", or used more than once.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping
from typing import Final

from streams.core._construct import new_actor
from streams.core.actors._shared import (
    CAP_WORD_LOOKBACK,
    ORDINAL_LOOKBACK,
    SEAT,
    THE_LOOKBACK,
    Context,
    is_sentence_initial,
    skip_back,
    slug,
)
from streams.core.knowledge import Entity
from streams.core.model import Actor

__all__ = ["ACRONYM", "THE_BEFORE", "OrganisationFinder"]

# All-capital acronyms ("CJTF-OIR", "NAVCENT") and unit numbers ("CTF 50").
ACRONYM = re.compile(r"[A-Z][A-Z0-9]{1,7}(?:-[A-Z0-9]{1,8})?")
_ACRONYM_DEF = re.compile(r"\(([A-Z][A-Z0-9]{1,7}(?:-[A-Z0-9]{1,8})?)\)")
_UNIT_NUMBER = re.compile(r" \d{1,4}\b")
_ORDINAL_BEFORE = re.compile(r"\b\d{1,4}(?:st|nd|rd|th) $")
THE_BEFORE = re.compile(r"\b[Tt]he\s+$")
_LOWER_AFTER = re.compile(r"(?<!\s)\s+[a-z]")
_ORG_OF = re.compile(r"(?<!\s)\s+(?:of|for)\s+(?:the\s+)?")
_CAP_BEFORE = re.compile(r"\b([A-Z][a-z]+)\s+$")
# The head noun of a country's government ("the Federal Government of Iraq").
_GOVERNMENT_HEAD: Final = "Government"


class OrganisationFinder:
    """Organisation mentions from runs of capitalised words and acronyms."""

    def __init__(self, by_id: Mapping[str, Entity], short_chunk: re.Pattern[str],
                 words: Mapping[str, frozenset[str]]) -> None:
        """Keep the entities by id, the bounded run regex and the word sets.

        Args:
            by_id: Known entities by id.
            short_chunk: A run of up to six name tokens (after "of").
            words: Word sets ``stop``, ``small_caps`` and ``single_heads``.
        """
        self._by_id = by_id
        self._short_chunk = short_chunk
        self._stop = words["stop"]
        self._small_caps = words["small_caps"]
        self._single_heads = words["single_heads"]

    def _qualifier(self, ctx: Context, start: int) -> tuple[int, str | None, bool]:
        """Take in a qualifying demonym or country ("Iraqi Army") and an
        ordinal ("407th ...") before ``start``: the new start, the country
        and whether anything qualified the run."""
        folded = ctx.folded
        country: str | None = None
        qualified = False
        prev = ctx.hit_end.get(skip_back(folded, start))
        if prev is not None and prev.entity.type == "country" and prev.kind != SEAT:
            start, country, qualified = prev.start, prev.entity.id, True
            # And a capitalised word before it ("Free Syrian Army").
            word = _CAP_BEFORE.search(folded, max(0, start - CAP_WORD_LOOKBACK), start)
            if word is not None and word.group(1) not in self._stop:
                start = word.start(1)
        ordinal = _ORDINAL_BEFORE.search(folded, max(0, start - ORDINAL_LOOKBACK), start)
        if ordinal is not None:
            # "407th Air Expeditionary Group": a numbered unit.
            start, qualified = ordinal.start(), True
        return start, country, qualified

    def org_actor(self, ctx: Context, run: list[tuple[int, int]]) -> Actor | None:
        """Return the organisation a run with a head noun names, or None."""
        folded = ctx.folded
        end = run[-1][1]
        start, country, qualified = self._qualifier(ctx, run[0][0])
        tail = _ORG_OF.match(folded, end)
        if tail is not None:
            nxt = self._short_chunk.match(folded, tail.end())
            if nxt is not None and nxt.group().split()[0] not in self._small_caps:
                end, qualified = nxt.end(), True
                inner = ctx.hit_at.get(tail.end())
                if inner is not None and inner.entity.type == "country":
                    country = country or inner.entity.id
        head = folded[run[-1][0] : run[-1][1]]
        if head == _GOVERNMENT_HEAD and country is not None:
            # "the Federal Government of Iraq" is that country's government.
            entity = self._by_id[country]
            return new_actor(
                id=country, name=entity.name, type="government", text=ctx.text[start:end],
                start=start, end=end, country=country, affiliation=country,
            )  # fmt: skip
        # A lone head names one body only when capitalised mid-phrase ("the
        # Coalition") or as a subject ("Coalition aircraft struck").
        lone_ok = head in self._single_heads and bool(
            THE_BEFORE.search(folded, max(0, start - THE_LOOKBACK), start)
            or (is_sentence_initial(folded, start) and _LOWER_AFTER.match(folded, end))
        )
        if len(run) == 1 and not qualified and not lone_ok:
            return None
        name = ctx.text[start:end]
        return new_actor(
            id=f"org:{slug(name)}", name=name, type="organisation", text=name,
            start=start, end=end, country=country, affiliation=country, source="context",
        )  # fmt: skip

    @staticmethod
    def acronym_actors(ctx: Context, actors: list[Actor]) -> list[Actor]:
        """Organisations named by an all-capital acronym the knowledge base
        does not know: defined in parentheses after a name, written after
        "the", or used more than once ("CJTF-OIR", "the ISF")."""
        folded = ctx.folded
        named: dict[str, Actor] = {}
        if "(" in folded:
            by_end = {a.end: a for a in actors if a.type == "organisation"}
            for match in _ACRONYM_DEF.finditer(folded):
                owner = by_end.get(skip_back(folded, match.start()))
                if owner is not None:
                    named.setdefault(match.group(1), owner)
        if not ctx.acronyms:
            return []
        counts = Counter(folded[s:e] for s, e in ctx.acronyms)
        out: list[Actor] = []
        for start, end in ctx.acronyms:
            word = folded[start:end]
            owner = named.get(word)
            defined = folded[start - 1 : start] == "(" and folded[end : end + 1] == ")"
            if not (
                owner is not None
                or defined
                or counts[word] > 1
                or THE_BEFORE.search(folded, max(0, start - THE_LOOKBACK), start)
            ):
                continue
            number = _UNIT_NUMBER.match(folded, end)
            if number is not None:
                end = number.end()
            out.append(_acronym_actor(ctx.text[start:end], start, end, owner))
        return out


def _acronym_actor(text: str, start: int, end: int, owner: Actor | None) -> Actor:
    if owner is not None:
        return new_actor(
            id=owner.id, name=owner.name, type="organisation", text=text,
            start=start, end=end, country=owner.country,
            affiliation=owner.affiliation, source="coref",
        )  # fmt: skip
    return new_actor(
        id=f"org:{slug(text)}", name=text, type="organisation", text=text,
        start=start, end=end, source="context",
    )  # fmt: skip
