"""Pronouns and coreference: "he", "we", "they" and "the alliance".

A personal pronoun resolves to the latest fitting mention in its own and
the previous sentences; "I" and "we" inside a quotation resolve to its
speaker (or the body the speaker talks for). "the alliance" resolves to the
most recently mentioned alliance.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Final

from streams.core._construct import new_actor
from streams.core.actors._shared import Context
from streams.core.knowledge import Entity
from streams.core.model import Actor, ActorType
from streams.core.text import Sentences

__all__ = ["PRONOUN_FORMS", "Coreference"]

# Pronouns and the group each refers by. Possessives ("our", "his",
# "their") and "it", "its", "us" are left out: measured on news, they point
# at things, places and events, or qualify a noun that is itself the actor,
# more often than they name an actor.
PRONOUN_FORMS: Mapping[str, str] = MappingProxyType({
    "I": "i", "me": "i", "Me": "i", "we": "we", "We": "we", "he": "he", "He": "he",
    "him": "he", "she": "he", "She": "he", "they": "they", "They": "they", "them": "they",
})  # fmt: skip
# Sentences back from the pronoun's own in which an antecedent is sought.
WINDOW: Final = 2
# How far from a quotation (in characters) its speaker may be named.
SPEAKER_REACH: Final = 120
_ALLIANCE_COREF = re.compile(r"\b[Tt]he ((?:[Aa]lliance))\b")


def quotations(folded: str) -> list[tuple[int, int]]:
    """Return the quoted passages, pairing straight quotes within a line;
    a quote left open runs to the end of its line."""
    spans: list[tuple[int, int]] = []
    opened = -1
    pos = folded.find('"')
    while pos != -1:
        line_end = folded.find("\n", opened + 1) if opened >= 0 else -1
        if opened >= 0 and line_end != -1 and line_end < pos:
            spans.append((opened, line_end))
            opened = -1
        if opened < 0:
            opened = pos
        else:
            spans.append((opened, pos + 1))
            opened = -1
        pos = folded.find('"', pos + 1)
    if opened >= 0:
        line_end = folded.find("\n", opened)
        spans.append((opened, line_end if line_end != -1 else len(folded)))
    return spans


def speaker(actors: tuple[Actor, ...], quote: tuple[int, int], folded: str) -> Actor | None:
    """Return who a quotation is attributed to: the first person named
    right after it ("...," said the general), else the last named right
    before it, else a body named right after it."""
    start, end = quote
    line_end = folded.find("\n", end)
    limit = min(end + SPEAKER_REACH, line_end if line_end != -1 else len(folded))
    line_start = folded.rfind("\n", 0, start) + 1
    floor = max(start - SPEAKER_REACH, line_start)
    after = [a for a in actors if end <= a.start < limit]
    for actor in after:
        if actor.type == "person":
            return actor
    before = [a for a in actors if floor <= a.start and a.end <= start and a.type == "person"]
    if before:
        return before[-1]
    for actor in after:
        if actor.type in ("organisation", "government"):
            return actor
    return None


class Coreference:
    """Resolve pronouns and "the alliance" to earlier mentions."""

    def __init__(self, by_id: Mapping[str, Entity],
                 sentences_of: Callable[[str], Sentences]) -> None:
        """Keep the entities by id and the sentence splitter.

        Args:
            by_id: Known entities by id.
            sentences_of: Splits a text into sentences, for callers that
                pass the spans of another text.
        """
        self._by_id = by_id
        self._sentences_of = sentences_of

    def alliance_coref(self, ctx: Context, actors: list[Actor]) -> list[Actor]:
        """Resolve "the alliance" to the latest alliance mentioned before it."""
        if "lliance" not in ctx.folded:
            return []
        alliances = sorted(
            (a for a in actors if a.type == "organisation" and self._is_alliance(a.id)),
            key=lambda a: a.start,
        )
        if not alliances:
            return []
        starts = [a.start for a in alliances]
        out: list[Actor] = []
        for match in _ALLIANCE_COREF.finditer(ctx.folded):
            s, e = match.start(1), match.end()
            i = bisect_left(starts, s) - 1
            if i < 0:
                continue
            ref = alliances[i]
            out.append(
                new_actor(
                    id=ref.id, name=ref.name, type="organisation", text=ctx.text[s:e],
                    start=s, end=e, country=ref.country, affiliation=ref.id, source="coref",
                )
            )  # fmt: skip
        return out

    def pronoun_actors(
        self, ctx: Context, resolved: tuple[Actor, ...], sentences: Sentences
    ) -> list[Actor]:
        """Resolve personal and possessive pronouns to an earlier mention,
        or for "I" and "we" inside a quotation to its speaker.

        ``resolved`` are non-empty mentions in text order, none overlapping
        another (as :func:`resolve_overlaps` keeps them), so their ends
        rise with their starts: a pronoun overlaps a mention exactly when
        the last mention starting before the pronoun's end reaches past
        the pronoun's start.
        """
        folded = ctx.folded
        if sentences.text is not ctx.text and sentences.text != ctx.text:
            sentences = self._sentences_of(ctx.text)
        quotes = quotations(folded) if '"' in folded else []
        quote_starts = [q[0] for q in quotes]
        starts = [actor.start for actor in resolved]
        recent: list[Actor] = []
        out: list[Actor] = []
        i = 0
        for start, end, word in ctx.pronouns:
            last = bisect_left(starts, end) - 1
            if last >= 0 and resolved[last].end > start:
                continue
            # The mentions before the pronoun join the candidates in order.
            before = bisect_left(starts, start, i)
            if before > i:
                recent.extend(resolved[i:before])
                i = before
            index = sentences.index_at(start)
            floor = sentences.spans[max(0, index - WINDOW)][0] if index >= 0 else 0
            group = PRONOUN_FORMS[word]
            ref: Actor | None = None
            if group in ("i", "we"):
                q = bisect_left(quote_starts, start + 1) - 1
                if q >= 0 and quotes[q][1] >= end:
                    ref = self._quoted(speaker(resolved, quotes[q], folded), group)
            if ref is None:
                ref = self._antecedent(recent, floor, group)
            if ref is None:
                continue
            actor = new_actor(
                id=ref.id, name=ref.name, type=ref.type, text=ctx.text[start:end],
                start=start, end=end, country=ref.country, role=ref.role,
                role_org=ref.role_org, former=ref.former, affiliation=ref.affiliation,
                source="coref",
            )  # fmt: skip
            out.append(actor)
            recent.append(actor)
        return out

    def _quoted(self, said_by: Actor | None, group: str) -> Actor | None:
        """Return who "I" (a person) or "we" (their body) in a quotation
        by ``said_by`` is."""
        if said_by is None:
            return None
        if group == "i":
            return said_by if said_by.type == "person" else None
        return self._body_of(said_by)

    def _antecedent(self, recent: list[Actor], floor: int, group: str) -> Actor | None:
        """Return the latest mention at or after ``floor`` that ``group``
        ("i", "we", "he", "they") may refer to."""
        fallback: Actor | None = None
        for actor in reversed(recent):
            if actor.start < floor:
                break
            kind = actor.type
            if group in ("i", "he"):
                if kind == "person" and not actor.id.startswith("agent:"):
                    return actor
            elif group == "we":
                if kind in ("organisation", "government") and not actor.id.startswith("agent:"):
                    return actor
                if kind == "person":
                    body = self._body_of(actor)
                    if body is not None:
                        return body
                if kind == "country" and fallback is None:
                    fallback = self._body_of(actor)
            elif kind in ("organisation", "government"):
                return actor
        return fallback

    def _body_of(self, actor: Actor) -> Actor | None:
        """Return the body a speaker talks for as "we": a person's
        organisation or government, a country's government."""
        if actor.type in ("organisation", "government"):
            return actor
        ident = actor.id if actor.type == "country" else actor.affiliation or actor.role_org
        body = self._by_id.get(ident) if ident else None
        if body is None:
            return None
        kind: ActorType = "government" if body.type == "country" else "organisation"
        return new_actor(
            id=body.id, name=body.name, type=kind, text=actor.text, start=actor.start,
            end=actor.end, country=body.id if body.type == "country" else body.country,
            affiliation=body.id, source="coref",
        )  # fmt: skip

    def _is_alliance(self, ident: str) -> bool:
        entity = self._by_id.get(ident)
        return entity is not None and entity.kind == "alliance"
