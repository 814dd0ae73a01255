"""The actor extractor: the gazetteer, the context rules and coreference in order."""

from __future__ import annotations

from streams.core.actors._shared import Context, fold
from streams.core.actors.agents import AgentResolver
from streams.core.actors.coreference import Coreference
from streams.core.actors.gazetteer import Gazetteer
from streams.core.actors.names import NameFinder, NamePatterns, apposition
from streams.core.actors.organisations import OrganisationFinder
from streams.core.actors.persons import PersonResolver
from streams.core.knowledge import Entity, KnowledgeBase
from streams.core.model import Actor
from streams.core.spans import LONGEST, resolve_overlaps
from streams.core.text import Sentences

__all__ = ["ActorExtractor"]


class ActorExtractor:
    """Compiled gazetteer and context rules, ready for any number of texts.

    Build once per knowledge base; :meth:`extract` keeps no state between
    calls and is safe to call from one thread at a time.
    """

    def __init__(self, kb: KnowledgeBase) -> None:
        """Compile every surface form of ``kb`` into one automaton.

        Args:
            kb: The knowledge base whose countries, organisations, persons,
                titles, generic agents and word lists are used.
        """
        words = kb.vocabulary
        function, nameish = words.set("names.function"), words.set("names.nameish")
        stop = function | nameish
        org_heads = words.set("organisations.heads")
        by_id: dict[str, Entity] = {e.id: e for e in kb.entities}
        patterns = NamePatterns(words.words("names.particles"))
        self._gazetteer = Gazetteer(kb, stop, words.set("names.press"), words.set("names.brands"))
        self._persons = PersonResolver(kb, by_id, patterns.token, stop)
        self._orgs = OrganisationFinder(by_id, patterns.short_chunk, {
            "stop": stop, "small_caps": words.set("names.small_caps"),
            "single_heads": words.set("organisations.single_heads")})
        self._names = NameFinder(patterns, {
            "function": function, "nameish": nameish, "org_heads": org_heads,
            "small_words": words.set("headlines.small_words")}, self._orgs,
            self._persons.fullnames)
        self._agents = AgentResolver(by_id, {
            "determiners": words.set("agents.determiners"),
            "modifiers": words.set("agents.modifiers"),
            "after_head": words.set("agents.after_head"),
            "government_words": words.set("agents.government_words"),
            "member_kinds": words.set("agents.member_kinds")}, {
            "suffixes": words.words("agents.modifier_suffixes"),
            "prefixes": words.words("agents.modifier_prefixes")})
        abbreviations = words.set("sentences.abbreviations")
        self._coref = Coreference(by_id, lambda text: Sentences.of(text, abbreviations))

    def extract(self, text: str, sentences: Sentences, as_of: str | None) -> tuple[Actor, ...]:
        """Return the actor mentions of ``text`` in text order.

        Args:
            text: The article text (markup already stripped).
            sentences: Its sentence spans; pronouns seek their antecedents
                in their own and the two previous sentences.
            as_of: The article date ``YYYY-MM-DD``, or None; roles from the
                knowledge base are judged as of this day.

        Returns:
            Non-overlapping mentions whose ``text`` equals
            ``text[start:end]``.
        """
        if not text:
            return ()
        ctx = Context(text, fold(text), as_of)
        ctx.hits, ctx.titles = self._gazetteer.scan(ctx)
        self._names.scan(ctx, self._index_hits(ctx))
        self._find_persons(ctx)
        actors = [self._persons.person_actor(ctx, person) for person in ctx.persons]
        actors.extend(ctx.orgs)
        occupied = bytearray(len(text))
        for actor in actors:
            if actor.end > actor.start:
                occupied[actor.start : actor.end] = b"\x01" * (actor.end - actor.start)
        for hit in ctx.hits:
            if hit.entity.type == "person" or occupied.find(1, hit.start, hit.end) != -1:
                continue
            actors.append(self._gazetteer.hit_actor(ctx, hit))
        actors.extend(self._coref.alliance_coref(ctx, actors))
        actors.extend(self._orgs.acronym_actors(ctx, actors))
        actors.extend(self._agents.agent_actors(ctx, actors))
        kept = resolve_overlaps([(a.start, a.end, a) for a in actors if a.end > a.start],
                                LONGEST, size=len(text))
        resolved = tuple(a for _, _, a in kept)
        if not ctx.pronouns:
            return resolved
        pronouns = self._coref.pronoun_actors(ctx, resolved, sentences)
        if not pronouns:
            return resolved
        return tuple(sorted((*resolved, *pronouns), key=lambda a: a.start))

    @staticmethod
    def _index_hits(ctx: Context) -> bytearray:
        """Index the hits and titles by position; return the mask of both
        (they end a run of name words)."""
        covered = ctx.covered.mask
        blocked = bytearray(len(ctx.text))
        hit_at, hit_end = ctx.hit_at, ctx.hit_end
        for hit in ctx.hits:
            hs, he = hit.start, hit.end
            hit_at[hs] = hit
            hit_end[he] = hit
            if he > hs:
                covered[hs:he] = blocked[hs:he] = b"\x01" * (he - hs)
        title_end = ctx.title_end
        for tstart, tend, title in ctx.titles:
            title_end[tend] = (tstart, title)
            if tend > tstart:
                blocked[tstart:tend] = b"\x01" * (tend - tstart)
        ctx.title_starts = [t[0] for t in ctx.titles]
        return blocked

    def _find_persons(self, ctx: Context) -> None:
        """Add the known persons, resolve one-word names and role mentions,
        and read the appositions of all of them."""
        self._persons.known_persons(ctx)
        # Appositions first, so that coreferent surnames inherit the roles.
        for person in ctx.persons:
            if person.role is None or person.role_org is None:
                apposition(ctx, person)
        seen = len(ctx.persons)
        self._persons.resolve_singles(ctx)
        self._persons.role_mentions(ctx)
        for person in ctx.persons[seen:]:
            if person.source != "coref" and (person.role is None or person.role_org is None):
                apposition(ctx, person)
