"""Generic agents: "troops", "the regime", "local security forces", "NATO allies".

A generic agent noun becomes a mention with the determiners, modifiers and
qualifying country of its phrase. A strict form ("~military") counts only
with a determiner or qualifier and when used as a head ("the military
said", not "the military campaign"). A government noun resolves to the
government of the country in context; the members of a body acting
together ("NATO allies") are the body itself.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Final

from streams.core._construct import new_actor
from streams.core.actors._shared import AgentForm, Context, skip_back
from streams.core.knowledge import Entity
from streams.core.model import Actor

__all__ = ["AgentResolver"]

_NEXT_WORD = re.compile(r"(?<!\s)[ \t]+([a-z]+)")
_OF_PLACE = re.compile(r"(?<!\s)\s+of\s+(?:the\s+)?")
# Most words walked back from the noun for its determiner and modifiers.
PHRASE_MAX_WORDS: Final = 5
_GOVERNMENT_SECTOR: Final = "GOV"


@dataclass(slots=True)
class _Mentions:
    """The mentions found so far, indexed for the agent phrases."""

    blocked: bytearray
    name_mask: bytearray
    ends: dict[int, Actor] = field(default_factory=dict)
    starts: dict[int, Actor] = field(default_factory=dict)
    places: list[tuple[int, str]] = field(default_factory=list)
    place_starts: list[int] = field(default_factory=list)

    @classmethod
    def of(cls, actors: list[Actor], size: int) -> _Mentions:
        index = cls(bytearray(size), bytearray(size))
        for actor in actors:
            a0, a1 = actor.start, actor.end
            if a1 > a0:
                index.blocked[a0:a1] = b"\x01" * (a1 - a0)
                if actor.type in ("person", "organisation"):
                    index.name_mask[a0:a1] = b"\x01" * (a1 - a0)
            index.ends[a1] = actor
            index.starts[a0] = actor
            if actor.type in ("country", "government"):
                index.places.append((a0, actor.id))
        index.places.sort()
        index.place_starts = [p[0] for p in index.places]
        return index


@dataclass(slots=True)
class _Phrase:
    """An agent noun's phrase as it is read backwards from the noun."""

    start: int
    end: int
    country: str | None = None
    affiliation: str | None = None
    body: Actor | None = None
    determined: bool = False
    qualified: bool = False


class AgentResolver:
    """Turn generic agent hits into mentions."""

    def __init__(self, by_id: Mapping[str, Entity], words: Mapping[str, frozenset[str]],
                 affixes: Mapping[str, tuple[str, ...]]) -> None:
        """Keep the entities by id and the word lists of agent phrases.

        Args:
            by_id: Known entities by id.
            words: Word sets ``determiners``, ``modifiers``, ``after_head``,
                ``government_words`` and ``member_kinds``.
            affixes: ``suffixes`` and ``prefixes`` of modifiers ("-backed", "pro-").
        """
        self._by_id = by_id
        self._determiners = words["determiners"]
        self._modifiers = words["modifiers"]
        self._after_head = words["after_head"]
        self._government_words = words["government_words"]
        self._member_kinds = words["member_kinds"]
        self._suffixes = affixes["suffixes"]
        self._prefixes = affixes["prefixes"]

    def agent_actors(self, ctx: Context, actors: list[Actor]) -> list[Actor]:
        """Turn generic agent nouns into mentions, with the determiners,
        modifiers and qualifying country of their phrase."""
        if not ctx.agent_hits:
            return []
        mentions = _Mentions.of(actors, len(ctx.text))
        out: list[Actor] = []
        for hit_start, hit_end, form in ctx.agent_hits:
            if mentions.blocked.find(1, hit_start, hit_end) != -1:
                continue
            phrase = self._phrase(ctx.folded, hit_start, hit_end, mentions)
            if form.strict and not self._is_head(ctx.folded, phrase):
                continue
            of = _OF_PLACE.match(ctx.folded, phrase.end) if phrase.country is None else None
            if of is not None:
                place = mentions.starts.get(of.end())
                if place is not None and place.type in ("country", "government"):
                    phrase.country, phrase.end = place.country or place.id, place.end
            out.append(self._actor(ctx.text, form, phrase, mentions))
        return out

    def _phrase(self, folded: str, hit_start: int, hit_end: int, mentions: _Mentions) -> _Phrase:
        """Walk back from the noun over modifiers to a determiner or a
        qualifying mention."""
        phrase = _Phrase(hit_start, hit_end)
        for _ in range(PHRASE_MAX_WORDS):
            k = skip_back(folded, phrase.start)
            if k == phrase.start or k == 0:
                break
            prev = mentions.ends.get(k)
            if prev is None and folded[k - 2 : k] == "'s":
                prev = mentions.ends.get(k - 2)
            if prev is not None:
                # A country, person or body before the noun qualifies it
                # but stays its own mention ("Iraqi" in "Iraqi troops" is
                # a nationality, as everywhere else).
                phrase.qualified = True
                phrase.country = prev.country or (prev.id if prev.type == "country" else None)
                phrase.affiliation = prev.affiliation if prev.type == "person" else prev.id
                if prev.type == "organisation" and k == hit_start - 1:
                    phrase.body = prev
                break
            space = folded.rfind(" ", 0, k)
            ws = max(space, folded.rfind("\n", space + 1, k)) + 1
            word = folded[ws:k].lower()
            if word in self._determiners:
                phrase.start, phrase.determined = ws, True
                break
            if not self._is_modifier(word):
                break
            if word.endswith(self._suffixes):
                owner = mentions.starts.get(ws)
                phrase.affiliation = owner.id if owner is not None else phrase.affiliation
            phrase.start, phrase.qualified = ws, True
        if mentions.name_mask.find(1, phrase.start, hit_start) != -1:
            # The phrase reached into a name: keep only the noun.
            phrase.start = hit_start
        return phrase

    def _is_modifier(self, word: str) -> bool:
        return (
            word in self._modifiers
            or word.isdigit()
            or word.endswith(self._suffixes)
            or word.startswith(self._prefixes)
        )

    def _is_head(self, folded: str, phrase: _Phrase) -> bool:
        """Tell whether a strict form stands as a head noun ("the military
        said"), not as a modifier ("the military campaign")."""
        if not (phrase.determined or phrase.qualified):
            return False
        nxt = _NEXT_WORD.match(folded, phrase.end)
        # A past-tense verb ("the regime collapsed") keeps it a head.
        return (
            nxt is None
            or nxt.group(1) in self._after_head
            or nxt.group(1).endswith("ed")
        )

    def _actor(self, text: str, form: AgentForm, phrase: _Phrase, mentions: _Mentions) -> Actor:
        start, end, country = phrase.start, phrase.end, phrase.country
        entity = form.entity
        if entity.kind == _GOVERNMENT_SECTOR and form.lower in self._government_words:
            if country is None and (phrase.determined or phrase.qualified):
                i = bisect_left(mentions.place_starts, start) - 1
                country = mentions.places[i][1] if i >= 0 else None
            state = self._by_id.get(country) if country else None
            if state is not None:
                return new_actor(
                    id=state.id, name=state.name, type="government",
                    text=text[start:end], start=start, end=end, country=state.id,
                    affiliation=state.id, source="coref",
                )  # fmt: skip
        body = phrase.body
        known = self._by_id.get(body.id) if body is not None else None
        if known is not None and known.members and entity.kind in self._member_kinds:
            # "NATO countries", "EU member states", "NATO allies": the
            # members acting together are the body itself.
            return new_actor(
                id=known.id, name=known.name, type="organisation",
                text=text[start:end], start=start, end=end, country=known.country,
                affiliation=known.id, source="coref",
            )  # fmt: skip
        state = self._by_id.get(country) if country else None
        ident = f"{entity.id}:{country}" if state is not None else entity.id
        name = f"{entity.name} ({state.name})" if state is not None else entity.name
        return new_actor(
            id=ident, name=name, type=entity.type, text=text[start:end], start=start,
            end=end, country=country, affiliation=phrase.affiliation or country,
            source="context",
        )  # fmt: skip
