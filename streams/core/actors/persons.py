"""Persons and roles: known persons, bare surnames and role mentions.

A person mention spans the title words that introduce it ("NATO
Secretary-General Jens Stoltenberg"); the role, its body and the country
are taken from those words, from an apposition, and from the knowledge
base judged as of the article date. A later surname ("Rasmussen") resolves
to the earlier full name in the same article, whether or not the person is
in the knowledge base. "the Ukrainian President" with no name after it is a
person mention tied to the country (the holder on the date when known).
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from streams.core._construct import new_actor
from streams.core.actors._shared import (
    SAID_LOOKBACK,
    THE_LOOKBACK,
    Context,
    Coverage,
    Hit,
    Person,
    skip_back,
    slug,
    surname_key,
)
from streams.core.actors.names import cue_before, honorific_before, is_former, prefix
from streams.core.actors.organisations import THE_BEFORE
from streams.core.knowledge import Entity, KnowledgeBase, Role, Title
from streams.core.model import Actor

__all__ = ["PersonResolver"]

_SAID_WORDS = ("said", "says", "asked", "added")
_SAID_BEFORE = re.compile(r"\b(?:" + "|".join(_SAID_WORDS) + r")\s+$")
# Titles ranked at least this high make a role mention without a name
# ("the Ukrainian President"); without a body, at least the second.
_ROLE_MENTION_RANK = 0.7
_BARE_ROLE_RANK = 0.75


def _same_title(text_title: str, kb_title: str) -> bool:
    """Tell whether a title from the text names a KB role ("Secretary" and
    "Secretary of State", "President" and "President")."""
    kb_lower = kb_title.lower()
    return kb_lower.startswith(text_title) or text_title.startswith(kb_lower)


class PersonResolver:
    """Indexes of the knowledge base's persons, and the rules that use them."""

    def __init__(self, kb: KnowledgeBase, by_id: Mapping[str, Entity], token: re.Pattern[str],
                 stop: frozenset[str]) -> None:
        """Index who held which title and the persons by surname and full name.

        Args:
            kb: The knowledge base.
            by_id: Its entities by id.
            token: The name-token regex.
            stop: Capitalised words that never belong to a person's name.
        """
        self._by_id = by_id
        self._token = token
        self._stop = stop
        # Who held which title for which body, for "the Ukrainian President".
        self._holders: dict[tuple[str, str], list[tuple[Entity, Role]]] = {}
        for entity in kb.entities:
            for role in entity.roles if entity.type == "person" else ():
                slot = (role.title.lower(), role.org)
                self._holders.setdefault(slot, []).append((entity, role))
        # Persons by surname key, for transliterated and bare-surname mentions.
        self._surnames: dict[str, list[Entity]] = {}
        self.fullnames: dict[str, Entity] = {}
        for entity in kb.entities:
            if entity.type != "person":
                continue
            for surface in (entity.name, *entity.aliases):
                parts = surface.split()
                self.fullnames.setdefault(" ".join(surname_key(p) for p in parts), entity)
            last = entity.name.split()[-1]
            bucket = self._surnames.setdefault(surname_key(last), [])
            if entity not in bucket:
                bucket.append(entity)

    def known_persons(self, ctx: Context) -> None:
        """Add the persons the gazetteer knew by name, with their titles."""
        for hit in ctx.hits:
            if hit.entity.type == "person":
                person = Person(hit.start, hit.end, hit.start, hit.end, entity=hit.entity)
                person.source = "kb"
                prefix(ctx, person)
                ctx.persons.append(person)

    def resolve_singles(self, ctx: Context) -> None:
        """Resolve one-word names: surname coreference, then a unique KB
        person holding a role, then a titled unknown ("President Biden")."""
        by_key: dict[str, Person] = {}
        for person in sorted(ctx.persons, key=lambda p: p.start):
            words = ctx.folded[person.name_start : person.name_end].split()
            if len(words) >= 2:
                by_key.setdefault(surname_key(words[-1]), person)
            if person.entity is not None:
                by_key.setdefault(surname_key(person.entity.name.split()[-1]), person)
        folded, title_end = ctx.folded, ctx.title_end
        for start, end in ctx.singles:
            key = surname_key(folded[start:end])
            antecedent = by_key.get(key)
            if antecedent is None and title_end.get(skip_back(folded, start)) is None:
                # No title before it (``prefix`` would leave it as it is),
                # so no role and no KB person: a cue before it or nothing.
                # Most singles end here, without a Person built for them.
                if (honorific_before(folded, start)
                        or cue_before(_SAID_BEFORE, _SAID_WORDS, folded, start, SAID_LOOKBACK)):
                    ctx.persons.append(Person(start, end, start, end))
                continue
            person = Person(start, end, start, end)
            if antecedent is not None:
                person.entity, person.source = antecedent.entity, "coref"
                person.ref_name = ctx.text[antecedent.name_start : antecedent.name_end]
                person.role, person.role_org = antecedent.role, antecedent.role_org
                person.former, person.country = antecedent.former, antecedent.country
                person.affiliation = antecedent.affiliation
                ctx.persons.append(person)
                continue
            prefix(ctx, person)
            # A bare surname is a KB person only behind a title that person
            # holds on the date ("President Putin"): "Mr Smith" stays unknown.
            title = (person.role or "").lower()
            current = [
                c
                for c in self._surnames.get(key, [])
                if any(_same_title(title, r.title) for r in c.roles_on(ctx.as_of))
            ] if title else []  # fmt: skip
            if len(current) == 1:
                person.entity, person.source = current[0], "kb"
                ctx.persons.append(person)
            elif (
                person.role is not None
                or honorific_before(folded, start)
                or cue_before(_SAID_BEFORE, _SAID_WORDS, folded, start, SAID_LOOKBACK)
            ):
                ctx.persons.append(person)

    def role_mentions(self, ctx: Context) -> None:
        """Turn "the Ukrainian President" with no name after it into a
        person mention tied to the country (the KB holder when known)."""
        taken = Coverage(len(ctx.text))
        for person in ctx.persons:
            taken.add(person.start, person.end)
        folded = ctx.folded
        for tend, (tstart, title) in ctx.title_end.items():
            # Titles in a prefix or apposition describe that person already.
            if (tstart in ctx.used_titles or taken.overlaps(tstart, tend)
                    or title.rank < _ROLE_MENTION_RANK):
                continue
            qpos = skip_back(folded, tstart)
            if folded[qpos - 2 : qpos] == "'s":
                qpos -= 2
            qual = ctx.hit_end.get(qpos)
            nxt = self._token.match(folded, tend + 1) if folded[tend : tend + 1] == " " else None
            if nxt is not None and nxt.group().split()[0] not in self._stop:
                continue
            if qual is None or qual.entity.type == "person":
                self._bare_role(ctx, tstart, tend, title)
                continue
            ctx.persons.append(self._qualified_role(ctx, qual, tend, title))

    @staticmethod
    def _bare_role(ctx: Context, tstart: int, tend: int, title: Title) -> None:
        """"The Foreign Secretary said": a role without a body."""
        if (
            title.text[0].isupper()
            and title.rank >= _BARE_ROLE_RANK
            and THE_BEFORE.search(ctx.folded, max(0, tstart - THE_LOOKBACK), tstart)
        ):
            person = Person(tstart, tend, tstart, tend, role=title.canonical)
            person.ref_name = title.canonical
            ctx.persons.append(person)

    def _qualified_role(self, ctx: Context, qual: Hit, tend: int, title: Title) -> Person:
        """"the Ukrainian President": a role of the body named before it."""
        person = Person(qual.start, tend, qual.start, tend, role=title.canonical)
        person.role_org = qual.entity.id
        person.country = qual.entity.id if qual.entity.type == "country" else qual.entity.country
        person.former = is_former(ctx.folded, qual.start)
        holders = [
            e
            for e, role in self._holders.get((title.canonical.lower(), qual.entity.id), ())
            if role.held_on(ctx.as_of)
        ] if not person.former else []  # fmt: skip
        if len(holders) == 1:
            person.entity, person.source = holders[0], "kb"
        else:
            person.ref_name = f"{qual.entity.name} {title.canonical}"
        return person

    def person_actor(self, ctx: Context, person: Person) -> Actor:
        """Return the mention of ``person``, its role judged as of the date."""
        entity = person.entity
        text = ctx.text
        country, role, role_org, former = (
            person.country, person.role, person.role_org, person.former,
        )  # fmt: skip
        if entity is not None:
            ident, name = entity.id, entity.name
            country = country or entity.country
            role, role_org, former = _known_role(entity, role, role_org, former, ctx.as_of)
        else:
            name = person.ref_name or text[person.name_start : person.name_end]
            ident = f"person:{slug(name)}"
        if country is None and role_org is not None:
            body = self._by_id.get(role_org)
            if body is not None:
                country = body.id if body.type == "country" else body.country
        return new_actor(
            id=ident, name=name, type="person", text=text[person.start : person.end],
            start=person.start, end=person.end, country=country, role=role,
            role_org=role_org, former=former,
            affiliation=person.affiliation or role_org or country, source=person.source,
        )  # fmt: skip


def _known_role(entity: Entity, role: str | None, role_org: str | None, former: bool,
                as_of: str | None) -> tuple[str | None, str | None, bool]:
    """Return role, body and former-ness of a KB person, from the title in
    the text (``role``, ``role_org``) and the roles the KB records."""
    if role is None:
        held = entity.roles_on(as_of)
        if held:
            role, role_org = held[0].title, held[0].org
        return role, role_org, former
    same = [r for r in entity.roles if r.title.lower() == role.lower()]
    if role_org is not None:
        same = [r for r in same if r.org == role_org] or same
    if not same and role_org is not None:
        # A loose title in the text ("former NATO commander", "NATO
        # chief") for a person the knowledge base knows in that body:
        # the recorded office is the precise one.
        same = sorted((r for r in entity.roles if r.org == role_org),
                      key=lambda r: (r.held_on(as_of), r.end or "9999"),
                      reverse=True)[:1]
        if same:
            role = same[0].title
    if same:
        role_org = role_org or same[0].org
        if not any(r.held_on(as_of) for r in same) and any(r.ended_by(as_of) for r in same):
            former = True
    elif role_org is None and entity.roles:
        role_org = entity.roles[0].org
    return role, role_org, former
