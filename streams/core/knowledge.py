"""The knowledge base the core reads: actors, titles and the signal lexicon.

Knowledge is data. The rows come from JSONL files read at the edge
(:mod:`streams.knowledge.loader`); this module only turns plain rows into
frozen values, so it stays free of I/O and can be built from any source.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from streams.core.agency import AgencyError, AgencyRules
from streams.core.domain import DomainModel
from streams.core.lexicon import Lexicon
from streams.core.model import ACTOR_TYPES, ActorType
from streams.core.vocabulary import Vocabulary, VocabularyError

__all__ = ["Entity", "KnowledgeBase", "KnowledgeError", "Role", "Title"]


class KnowledgeError(ValueError):
    """A knowledge-base row is malformed; the message names the row."""


def _strs(row: Mapping[str, Any], key: str) -> tuple[str, ...]:
    value = row.get(key) or ()
    if isinstance(value, str):
        return (value,)
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
        raise KnowledgeError(f"{row.get('id', '?')}: {key!r} must be a list of strings")
    return tuple(value)


def _opt_str(row: Mapping[str, Any], key: str) -> str | None:
    value = row.get(key)
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise KnowledgeError(f"{row.get('id', '?')}: {key!r} must be a string")
    return value


@dataclass(frozen=True, slots=True)
class Role:
    """A title held for a period.

    Attributes:
        title: The title, e.g. "Secretary-General", "President".
        org: Id of the body the title belongs to ("NATO", "UKR").
        start: First day held, ``YYYY-MM-DD``, or None when unknown.
        end: Last day held, ``YYYY-MM-DD``, or None while still held.
    """

    title: str
    org: str
    start: str | None = None
    end: str | None = None

    def held_on(self, day: str | None) -> bool:
        """Tell whether the role was held on ``day`` (``YYYY-MM-DD``).

        Without a day the role counts as held when it has no end date.
        """
        if day is None:
            return self.end is None
        if self.start is not None and day < self.start:
            return False
        return self.end is None or day <= self.end

    def ended_by(self, day: str | None) -> bool:
        """Tell whether the role had ended before ``day``."""
        if self.end is None:
            return False
        return day is None or self.end < day

    @classmethod
    def from_row(cls, row: Mapping[str, Any], owner: str) -> Role:
        """Build a role from a ``{"title", "org", "start", "end"}`` row."""
        title, org = row.get("title"), row.get("org")
        if not isinstance(title, str) or not isinstance(org, str):
            raise KnowledgeError(f"{owner}: a role needs string 'title' and 'org'")
        return cls(title=title, org=org, start=_opt_str(row, "start"), end=_opt_str(row, "end"))


@dataclass(frozen=True, slots=True)
class Entity:
    """A known actor: country, organisation or person.

    Attributes:
        id: Canonical id (ISO alpha-3 for countries).
        name: Display name.
        type: "country", "organisation" or "person".
        aliases: Other names that refer to it, including transliterations.
        kind: Sub-type: for organisations "igo", "alliance", "ministry",
            "armed_group", "agency", "military", "party", ...; for countries
            "state" or "territory"; None for persons.
        country: ISO alpha-3 code of its country, when it has one.
        demonyms: Adjectives and nouns of nationality ("Ukrainian").
        seats: Capitals and seat names used for the government ("Kremlin").
        members: Ids of member states (alliances and IGOs).
        roles: Titles held with date ranges (persons).
        sources: Where the row's facts come from.
    """

    id: str
    name: str
    type: ActorType
    aliases: tuple[str, ...] = ()
    kind: str | None = None
    country: str | None = None
    demonyms: tuple[str, ...] = ()
    seats: tuple[str, ...] = ()
    members: tuple[str, ...] = ()
    roles: tuple[Role, ...] = ()
    sources: tuple[str, ...] = ()

    @classmethod
    def from_row(cls, row: Mapping[str, Any], default_type: ActorType) -> Entity:
        """Build an entity from a JSONL row of the knowledge files."""
        ident, name = row.get("id"), row.get("name")
        if not isinstance(ident, str) or not ident or not isinstance(name, str) or not name:
            raise KnowledgeError(f"row {row!r:.80}: 'id' and 'name' must be non-empty strings")
        kind = row.get("type") or default_type
        if kind not in ACTOR_TYPES:
            raise KnowledgeError(f"{ident}: 'type' must be one of {ACTOR_TYPES}")
        roles_raw = row.get("roles") or []
        if not isinstance(roles_raw, list):
            raise KnowledgeError(f"{ident}: 'roles' must be a list")
        return cls(
            id=ident,
            name=name,
            type=kind,
            aliases=_strs(row, "aliases"),
            kind=_opt_str(row, "kind"),
            country=_opt_str(row, "country"),
            demonyms=_strs(row, "demonyms"),
            seats=_strs(row, "seats"),
            members=_strs(row, "members"),
            roles=tuple(Role.from_row(r, ident) for r in roles_raw),
            sources=_strs(row, "sources"),
        )

    def roles_on(self, day: str | None) -> tuple[Role, ...]:
        """Return the roles held on ``day``."""
        return tuple(r for r in self.roles if r.held_on(day))


@dataclass(frozen=True, slots=True)
class Title:
    """A title word that marks a person and their role from context.

    Attributes:
        text: The title as written, e.g. "Secretary-General", "ambassador".
        canonical: The normalised title, e.g. "Secretary-General".
        rank: Weight for severity of statements made in that role (0-1).
    """

    text: str
    canonical: str
    rank: float = 0.5

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> Title:
        """Build a title from a ``{"text", "canonical", "rank"}`` row."""
        text = row.get("text")
        if not isinstance(text, str) or not text:
            raise KnowledgeError(f"title row {row!r:.80}: 'text' must be a non-empty string")
        canonical = row.get("canonical") or text
        rank = row.get("rank", 0.5)
        if not isinstance(canonical, str) or not isinstance(rank, int | float):
            raise KnowledgeError(f"title {text!r}: bad 'canonical' or 'rank'")
        return cls(text=text, canonical=canonical, rank=float(rank))


@dataclass(frozen=True, slots=True)
class KnowledgeBase:
    """Everything the core knows, immutable.

    Attributes:
        entities: Countries, organisations and persons.
        titles: Title words for finding unknown persons and roles.
        lexicon: The signal lexicon and modality cues.
        version: A fingerprint of the rows, carried into every analysis.
        agents: Generic agents ("troops", "the regime", "civilians") as
            entities whose ``kind`` is a sector code and whose ``aliases``
            are the surface nouns; kept apart from ``entities`` because they
            name classes of actors, not one actor.
        agency: What makes a signal political (``agency.jsonl``); empty
            rules let every signal count.
        domain_model: The article-domain classifier, or None (then no
            article domain is reported and none damps alerts).
        vocabulary: The word lists and irregular verb forms the core reads
            (``words.jsonl``, ``irregular_verbs.jsonl``); empty lists when
            not given.
    """

    entities: tuple[Entity, ...]
    titles: tuple[Title, ...]
    lexicon: Lexicon
    version: str
    agents: tuple[Entity, ...] = ()
    agency: AgencyRules = field(default_factory=AgencyRules)
    domain_model: DomainModel | None = None
    vocabulary: Vocabulary = field(default_factory=Vocabulary)

    @classmethod
    def from_rows(
        cls,
        *,
        countries: Iterable[Mapping[str, Any]],
        organisations: Iterable[Mapping[str, Any]],
        persons: Iterable[Mapping[str, Any]],
        titles: Iterable[Mapping[str, Any]],
        signals: Iterable[Mapping[str, Any]],
        modality: Iterable[Mapping[str, Any]],
        agents: Iterable[Mapping[str, Any]] = (),
        agency: Iterable[Mapping[str, Any]] = (),
        domain_model: DomainModel | None = None,
        words: Iterable[Mapping[str, Any]] = (),
        irregular_verbs: Iterable[Mapping[str, Any]] = (),
    ) -> KnowledgeBase:
        """Build a knowledge base from plain rows.

        ``agents`` rows are optional; an agent id may repeat (one row for
        the collective nouns, one for the singular person nouns).

        The word lists and verb forms (``words``, ``irregular_verbs``) do
        not enter :attr:`version`: the packaged ones are the baseline the
        fingerprint was defined against. The loader folds an override of
        them into the version (:func:`streams.knowledge.loader.load_knowledge`).

        Raises:
            KnowledgeError: when a row is malformed or an id repeats.
        """
        digest = hashlib.sha256()
        entities: list[Entity] = []
        seen: set[str] = set()
        sources: tuple[tuple[ActorType, Iterable[Mapping[str, Any]]], ...] = (
            ("country", countries),
            ("organisation", organisations),
            ("person", persons),
        )
        for default_type, rows in sources:
            for row in rows:
                entity = Entity.from_row(row, default_type)
                if entity.id in seen:
                    raise KnowledgeError(f"duplicate entity id {entity.id!r}")
                seen.add(entity.id)
                entities.append(entity)
                digest.update(repr(entity).encode())
        agent_values = tuple(Entity.from_row(r, "organisation") for r in agents)
        if agent_values:
            digest.update(repr(agent_values).encode())
        title_values = tuple(Title.from_row(r) for r in titles)
        digest.update(repr(title_values).encode())
        try:
            vocabulary = Vocabulary.from_rows(words, irregular_verbs)
        except VocabularyError as exc:
            raise KnowledgeError(str(exc)) from exc
        signal_rows = list(signals)
        modality_rows = list(modality)
        lexicon = Lexicon.from_rows(signal_rows, modality_rows, vocabulary.irregular,
                                    vocabulary.set("modality.transparent"))
        digest.update(repr(signal_rows).encode())
        digest.update(repr(modality_rows).encode())
        agency_rows = list(agency)
        try:
            agency_rules = AgencyRules.from_rows(agency_rows)
        except AgencyError as exc:
            raise KnowledgeError(str(exc)) from exc
        if agency_rows:
            digest.update(repr(agency_rows).encode())
        if domain_model is not None:
            digest.update(repr((domain_model.version, domain_model.classes)).encode())
        return cls(
            entities=tuple(entities),
            titles=title_values,
            lexicon=lexicon,
            version=digest.hexdigest()[:12],
            agents=agent_values,
            agency=agency_rules,
            domain_model=domain_model,
            vocabulary=vocabulary,
        )

    def get(self, ident: str) -> Entity | None:
        """Return the entity with id ``ident``, or None."""
        for entity in self.entities:
            if entity.id == ident:
                return entity
        return None
