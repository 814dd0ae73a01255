"""The gazetteer: one Aho-Corasick pass over the folded text.

Every known surface form (names, aliases, demonyms, seats of government),
the title words, the generic agent nouns and the pronouns ride in one
automaton, so one scan finds them all. Hits of known countries and
organisations become mentions here (:meth:`Gazetteer.hit_actor`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from operator import itemgetter
from string import ascii_lowercase

import ahocorasick

from streams.core._construct import new_actor
from streams.core.actors._shared import (
    AGENT,
    CAP_WORD_LOOKBACK,
    DEMONYM,
    GOV_BEFORE_LOOKBACK,
    GOV_BEFORE_TAIL,
    NAME,
    PLACE_PREP_LOOKBACK,
    PRONOUN,
    SEAT,
    TITLE,
    WORD_CHAR,
    AgentForm,
    Context,
    Hit,
    char_flags,
    fold,
    is_sentence_initial,
    skip_back,
    transliterations,
)
from streams.core.actors.coreference import PRONOUN_FORMS
from streams.core.knowledge import Entity, KnowledgeBase, Title
from streams.core.model import Actor, ActorType
from streams.core.spans import LONGEST, resolve_overlaps

__all__ = ["Gazetteer"]

# Patterns that open with whitespace carry (?<!\s) so that a search over a
# long run of blanks tries only the run's first position (linear, not
# quadratic); anchored matches start after a word, where it always holds.
# Words for the executive after a demonym or country name.
_GOV_AFTER = re.compile(
    r"(?:'s)?(?<!\s)\s+(?:[Gg]overnment|[Aa]dministration|[Aa]uthorities|regime|[Cc]abinet|leadership)\b"
)
_GOV_BEFORE = re.compile(
    r"\b(?:[Tt]he\s+)?([Gg]overnment|[Aa]uthorities|regime)\s+(?:of|in)\s+(?:the\s+)?$"
)
_PLACE_PREP = re.compile(
    r"\b(?:in|at|to|from|near|into|outside|around|across|towards?|via|through|inside|within"
    r"|over|visit(?:ed|ing|s)?|capital)\s+(?:the\s+)?$",
    re.IGNORECASE,
)
_CAP_BEFORE = re.compile(r"\b([A-Z][a-z]+)\s+$")
_CAP_AFTER = re.compile(r"(?<!\s)\s+([A-Z][a-z]+)\b")

# Pronouns are matched with one delimiter character on each side, so that
# "he" inside "the" never fires.
_PRONOUN_BEFORE = ' \n\t"('
_PRONOUN_AFTER = " \n\t,.;:\"')!?"
_PRONOUN_AT_START = re.compile(r"(I|We|He|She|They)[ ,']")
# Registration order of entity types: the first registration of a key wins.
_TYPE_ORDER = (("country", 0), ("organisation", 1))

_Forms = dict[str, tuple[Entity | Title, str]]
_start = itemgetter(0)


class Gazetteer:
    """The compiled automaton of one knowledge base, and what its hits mean."""

    def __init__(self, kb: KnowledgeBase, stop: frozenset[str], press: frozenset[str],
                 brands: frozenset[str] = frozenset()) -> None:
        """Compile every surface form of ``kb`` into one automaton.

        Args:
            kb: The knowledge base whose countries, organisations, persons,
                titles and generic agents are matched.
            stop: Capitalised words that never belong to a person's name.
            press: Words that make a place name before them a paper's name.
            brands: Words that make a place name after them a company's
                name, even opening a sentence ("Air France").
        """
        self._stop = stop
        self._press = press
        self._brands = brands
        self.automaton = ahocorasick.Automaton()
        forms = self._entity_forms(kb)
        for key, value in forms.items():
            self.automaton.add_word(key, (len(key), value[0], value[1]))
        # Generic agents and pronouns ride in the same automaton too; a
        # name or title of the same spelling keeps the key.
        self._add_agents(kb.agents, forms)
        self._add_pronouns()
        self.automaton.make_automaton()

    @staticmethod
    def _entity_forms(kb: KnowledgeBase) -> _Forms:
        forms: _Forms = {}

        def add(surface: str, entity: Entity | Title, kind: str) -> None:
            key = fold(surface).strip()
            if len(key) < 2:
                return
            # The first registration wins: countries, then organisations,
            # then persons, each name before its demonyms and seats.
            if key not in forms or (forms[key][1] != NAME and kind == NAME):
                forms[key] = (entity, kind)

        order = dict(_TYPE_ORDER)
        for entity in sorted(kb.entities, key=lambda e: order.get(e.type, 2)):
            for surface in (entity.name, *entity.aliases):
                add(surface, entity, NAME)
                if entity.type == "person":
                    for variant in transliterations(surface):
                        add(variant, entity, NAME)
            for surface in entity.demonyms:
                add(surface, entity, DEMONYM)
            for surface in entity.seats:
                add(surface, entity, SEAT)
        # Titles ride in the same automaton: one pass finds both.
        for title in kb.titles:
            if fold(title.text) not in forms:
                add(title.text, title, TITLE)
        return forms

    def _add_agents(self, agents: Iterable[Entity], forms: _Forms) -> None:
        agent_keys: set[str] = set()
        for agent in agents:
            for alias in agent.aliases:
                strict = alias.startswith("~")
                surface = fold(alias.lstrip("~")).strip()
                variants = {surface}
                if surface[:1].islower():
                    variants.add(surface[0].upper() + surface[1:])
                for key in variants:
                    if len(key) < 2 or key in forms or key in agent_keys:
                        continue
                    agent_keys.add(key)
                    form = AgentForm(agent, strict, surface.lower())
                    self.automaton.add_word(key, (len(key), form, AGENT))

    def _add_pronouns(self) -> None:
        for word in PRONOUN_FORMS:
            for before in _PRONOUN_BEFORE:
                for after in _PRONOUN_AFTER:
                    key = f"{before}{word}{after}"
                    self.automaton.add_word(key, (len(key), word, PRONOUN))

    def scan(self, ctx: Context) -> tuple[list[Hit], list[tuple[int, int, Title]]]:
        """Return the entity hits and the title hits, each non-overlapping
        with the longest match winning; keep agent and pronoun hits in
        ``ctx``."""
        folded = ctx.folded
        found: list[Hit] = []
        titles: list[tuple[int, int, Title]] = []
        agents: list[tuple[int, int, AgentForm]] = []
        n = len(folded)
        first = _PRONOUN_AT_START.match(folded)
        if first is not None:
            ctx.pronouns.append((0, first.end(1), first.group(1)))
        flags = char_flags(folded)
        pronouns = ctx.pronouns
        new = tuple.__new__  # Hit(...) without the generated __new__: once per hit
        for end_index, (length, value, kind) in self.automaton.iter(folded):
            end = end_index + 1
            start = end - length
            if kind == PRONOUN:
                pronouns.append((start + 1, end - 1, value))
                continue
            # A form must not continue a word, a hyphenated compound or an
            # identifier on either side.
            if (start > 0 and flags[start - 1]) or (end < n and flags[end] == WORD_CHAR):
                continue
            if kind == AGENT:
                agents.append((start, end, value))
            elif kind == TITLE:
                titles.append((start, end, value))
            else:
                found.append(new(Hit, (start, end, value, kind)))
        is_name_part = self._is_name_part

        def accept(hit: Hit) -> bool:
            # Only a one-word country name can be part of another name: the
            # other hits (most of them) are settled without a second call.
            if hit.entity.type != "country" or hit.kind == DEMONYM:
                return True
            return not is_name_part(folded, hit)

        chosen = resolve_overlaps(found, LONGEST, size=n, accept=accept)
        agent_hits = ctx.agent_hits
        resolved_agents = resolve_overlaps(agents, LONGEST, size=n)
        if agent_hits:
            agent_hits.extend(resolved_agents)
            agent_hits.sort(key=_start)
        else:
            # Resolved spans come in text order already.
            agent_hits.extend(resolved_agents)
        pronouns.sort(key=_start)
        return chosen, resolve_overlaps(titles, LONGEST, size=n)

    def _is_name_part(self, folded: str, hit: Hit) -> bool:
        """Tell whether a one-word place name belongs to a person's or a
        paper's or a company's name ("Michael Jordan", "George Washington",
        "Washington Post", "Air France"), or a currency sign ("US$", "A$")."""
        if hit.entity.type != "country" or hit.kind == DEMONYM:
            return False
        if folded.startswith("$", hit.end):
            return True
        if " " in folded[hit.start : hit.end]:
            return False
        k = skip_back(folded, hit.start)
        # Cheap C-level tests first: a capitalised word must end right
        # before, its small letters (stripped from the right) after a capital.
        before: re.Match[str] | None = None
        if 0 < k < hit.start and folded[k - 1].islower():
            lo = max(0, hit.start - CAP_WORD_LOOKBACK)
            cap = lo + len(folded[lo:k].rstrip(ascii_lowercase)) - 1
            if lo <= cap < k - 1 and "A" <= folded[cap] <= "Z":
                before = _CAP_BEFORE.search(folded, lo, hit.start)
        if before is not None and (
            before.group(1) in self._brands
            or (before.group(1) not in self._stop
                and not is_sentence_initial(folded, before.start(1)))
        ):
            return True
        after = _CAP_AFTER.match(folded, hit.end)
        return after is not None and after.group(1) in self._press

    @staticmethod
    def hit_actor(ctx: Context, hit: Hit) -> Actor:
        """Return the mention a country or organisation hit stands for:
        the country, its government ("the German government", "the
        Kremlin said") or the organisation."""
        entity, folded, text = hit.entity, ctx.folded, ctx.text
        start, end = hit.start, hit.end
        if entity.type == "organisation":
            return new_actor(
                id=entity.id, name=entity.name, type="organisation", text=text[start:end],
                start=start, end=end, country=entity.country,
                affiliation=entity.id if entity.kind in ("alliance", "igo") else entity.country,
            )  # fmt: skip
        kind: ActorType = "country"
        gov_after = _GOV_AFTER.match(folded, end)
        # The look-behind search only runs after "of"/"in" (cheap C test).
        gov_before = (
            _GOV_BEFORE.search(folded, max(0, start - GOV_BEFORE_LOOKBACK), start)
            if folded.endswith(("of ", "in ", "the "), max(0, start - GOV_BEFORE_TAIL), start)
            else None
        )
        if gov_after is not None:
            kind, end = "government", gov_after.end()
        elif gov_before is not None:
            kind, start = "government", gov_before.start(1)
        elif hit.kind == SEAT and not _PLACE_PREP.search(
                folded, max(0, start - PLACE_PREP_LOOKBACK), start):
            kind = "government"
        return new_actor(
            id=entity.id, name=entity.name, type=kind, text=text[start:end], start=start,
            end=end, country=entity.id, affiliation=entity.id,
        )  # fmt: skip
