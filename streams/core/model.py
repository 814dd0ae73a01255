"""Frozen result types of the analysis core.

Every type here is immutable and converts itself to the plain dict that the
``analysis.v1`` / ``alert.v1`` JSON contracts describe. The core never
serialises: the codec at the edge turns these dicts into bytes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

__all__ = [
    "ACTOR_TYPES",
    "LEVELS",
    "MODALITIES",
    "POLARITIES",
    "Actor",
    "ActorType",
    "Alert",
    "Analysis",
    "Article",
    "Evidence",
    "Level",
    "Modality",
    "Polarity",
    "Signal",
]

Level = Literal["low", "medium", "high", "critical"]
"""An alert level (:attr:`Alert.level`), lowest first."""
LEVELS: tuple[Level, ...] = ("low", "medium", "high", "critical")
"""Every alert level, lowest first: the one list of them (also exported by scoring)."""

Polarity = Literal["escalation", "de-escalation"]
ActorType = Literal["person", "organisation", "country", "government"]
"""What an actor mention names (:attr:`Actor.type`)."""
ACTOR_TYPES: tuple[ActorType, ...] = ("person", "organisation", "country", "government")
Modality = Literal["asserted", "hypothetical", "conditional", "negated", "future"]

POLARITIES: tuple[Polarity, ...] = ("escalation", "de-escalation")
MODALITIES: tuple[Modality, ...] = ("asserted", "hypothetical", "conditional", "negated", "future")


@dataclass(frozen=True, slots=True)
class Article:
    """One news article as the core sees it.

    Attributes:
        id: Producer-assigned article id (the Kafka key).
        text: Body text, already stripped of markup.
        title: Headline, or an empty string.
        url: Canonical address, or an empty string.
        source: Publisher or feed name, or an empty string.
        published_at: RFC 3339 publication time, or None when unknown. It is
            the article's event time: roles are judged as of this date and
            alert times are taken from it, never from the wall clock.
        language: ISO 639-1 code; the rules are written for "en".
    """

    id: str
    text: str
    title: str = ""
    url: str = ""
    source: str = ""
    published_at: str | None = None
    language: str = "en"

    @property
    def as_of(self) -> str | None:
        """The article date as ``YYYY-MM-DD``, used to judge roles."""
        if self.published_at and len(self.published_at) >= 10:
            return self.published_at[:10]
        return None


@dataclass(frozen=True, slots=True)
class Actor:
    """One mention of an actor, resolved to a canonical id.

    Attributes:
        id: Canonical id: ISO 3166 alpha-3 for countries and governments,
            the knowledge-base id for organisations and known persons,
            ``person:<slug>`` / ``org:<slug>`` for actors found from context.
        name: Canonical display name.
        type: "person", "organisation", "country" or "government".
        text: The mention exactly as it stands in the text.
        start: Character offset of the mention's first character.
        end: Character offset one past the mention's last character.
        country: ISO alpha-3 code of the actor's country, when known.
        role: Title held, e.g. "Secretary-General", when known.
        role_org: Id of the body the role belongs to, e.g. "NATO".
        former: True when the role is a past one ("former", or ended
            before the article date per the knowledge base).
        affiliation: Id of the organisation or country the actor acts for.
        source: How it was found: "kb" (knowledge base), "context"
            (title or apposition), "coref" (a later short name).
    """

    id: str
    name: str
    type: ActorType
    text: str
    start: int
    end: int
    country: str | None = None
    role: str | None = None
    role_org: str | None = None
    former: bool = False
    affiliation: str | None = None
    source: str = "kb"

    def to_dict(self) -> dict[str, Any]:
        """Return the ``analysis.v1`` actor object."""
        return {
            "id": self.id,
            "name": self.name,
            "type": self.type,
            "text": self.text,
            "start": self.start,
            "end": self.end,
            "country": self.country,
            "role": self.role,
            "role_org": self.role_org,
            "former": self.former,
            "affiliation": self.affiliation,
            "source": self.source,
        }


@dataclass(frozen=True, slots=True)
class Signal:
    """One escalation or de-escalation statement found in a sentence.

    Attributes:
        type: PLOVER event type, e.g. "MOBILIZE".
        polarity: "escalation" or "de-escalation".
        mode: PLOVER-style mode naming the means ("troops", "weapons",
            "humanitarian", ...), or None.
        modality: How the statement is made.
        trigger: The trigger text as it stands in the article.
        start: Offset of the trigger's first character.
        end: Offset one past the trigger's last character.
        sentence: The sentence, quoted as evidence; a sentence longer than
            the quote limit (400 characters) is quoted as a window around the
            trigger, cut at word boundaries.
        sentence_start: Offset of the quote in the article text.
        sentence_end: Offset one past the quote's end.
        severity: Goldstein-style magnitude in [-10, 10] (negative is
            conflict) after the modality discount.
        base_severity: The same before the discount.
        rule: Id of the lexicon row that fired.
        source: Canonical id of the actor doing it, or None.
        source_name: Display name of the source actor, or None.
        target: Canonical id of the actor or place it is aimed at, or None.
        target_name: Display name of the target, or None.
        speaker: Canonical id of who is reported saying it, or None.
        speaker_name: Display name of the speaker, or None.
        cue: The word(s) that set the modality, or None for asserted.
        political: False when the signal lacks political agency (no
            political actor or event, or a non-political article domain);
            such signals stay in the analysis but never score or alert.
        political_reason: Why ``political`` is False, else None.
    """

    type: str
    polarity: Polarity
    mode: str | None
    modality: Modality
    trigger: str
    start: int
    end: int
    sentence: str
    sentence_start: int
    sentence_end: int
    severity: float
    base_severity: float
    rule: str
    source: str | None = None
    source_name: str | None = None
    target: str | None = None
    target_name: str | None = None
    speaker: str | None = None
    speaker_name: str | None = None
    cue: str | None = None
    political: bool = True
    political_reason: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """Return the ``analysis.v1`` signal object."""
        return {
            "type": self.type,
            "polarity": self.polarity,
            "mode": self.mode,
            "modality": self.modality,
            "trigger": self.trigger,
            "start": self.start,
            "end": self.end,
            "sentence": self.sentence,
            "sentence_start": self.sentence_start,
            "sentence_end": self.sentence_end,
            "severity": self.severity,
            "base_severity": self.base_severity,
            "rule": self.rule,
            "source": self.source,
            "source_name": self.source_name,
            "target": self.target,
            "target_name": self.target_name,
            "speaker": self.speaker,
            "speaker_name": self.speaker_name,
            "cue": self.cue,
            "political": self.political,
            "political_reason": self.political_reason,
        }


@dataclass(frozen=True, slots=True)
class Evidence:
    """A quoted sentence that supports an alert.

    Attributes:
        sentence: The sentence text, or a window of it around the trigger
            when the sentence is longer than the quote limit (400 characters).
        start: Its offset in the article text.
        end: One past its end.
        signal_type: The PLOVER type it evidences.
        trigger: The trigger text inside it.
        modality: The modality of that signal.
    """

    sentence: str
    start: int
    end: int
    signal_type: str
    trigger: str
    modality: Modality

    def to_dict(self) -> dict[str, Any]:
        """Return the ``alert.v1`` evidence object."""
        return {
            "sentence": self.sentence,
            "start": self.start,
            "end": self.end,
            "signal_type": self.signal_type,
            "trigger": self.trigger,
            "modality": self.modality,
        }


@dataclass(frozen=True, slots=True)
class Alert:
    """An alert raised for one article.

    Attributes:
        id: Deterministic id derived from the article id and the evidence,
            so a redelivered article yields the same id.
        article_id: The article that raised it.
        level: "low", "medium", "high" or "critical".
        score: The article's escalation score.
        time: The article's ``published_at`` (event time), or None.
        title: The article headline.
        url: The article address.
        summary: One line: the strongest signal in words.
        signal_types: Distinct PLOVER types among the escalation signals.
        actors: Canonical ids of the actors involved in the evidence.
        actor_names: Display names, parallel to ``actors``.
        evidence: Quoted sentences with offsets.
        truncated: True when the analysis behind the alert was cut to its
            bounds (see :attr:`Analysis.truncated`); the key appears in the
            dict only when true.
    """

    id: str
    article_id: str
    level: Level
    score: float
    time: str | None
    title: str
    url: str
    summary: str
    signal_types: tuple[str, ...]
    actors: tuple[str, ...]
    actor_names: tuple[str, ...]
    evidence: tuple[Evidence, ...] = field(default_factory=tuple)
    truncated: bool = False

    def to_dict(self) -> dict[str, Any]:
        """Return the ``alert.v1`` object."""
        out: dict[str, Any] = {
            "schema": "alert.v1",
            "id": self.id,
            "article_id": self.article_id,
            "level": self.level,
            "score": self.score,
            "time": self.time,
            "title": self.title,
            "url": self.url,
            "summary": self.summary,
            "signal_types": list(self.signal_types),
            "actors": list(self.actors),
            "actor_names": list(self.actor_names),
            "evidence": [e.to_dict() for e in self.evidence],
        }
        if self.truncated:
            out["truncated"] = True
        return out


@dataclass(frozen=True, slots=True)
class Analysis:
    """Everything the core found in one article.

    Attributes:
        article_id: The analysed article.
        published_at: The article's event time, carried through.
        actors: Actor mentions in text order.
        signals: Signals in text order.
        score: Article escalation score in [0, 100].
        alert: The alert, or None when the article is not alert-worthy.
        knowledge_version: Fingerprint of the knowledge base used, so a
            backtest can tell which rules produced the result.
        truncated: True when the article held more than the bounds allow
            (signals or actor mentions over ``AnalysisOptions.max_signals`` /
            ``max_actors``): the lists hold the first ones in text order and
            the score counts only those. The key appears in the dict only
            when true, so ordinary analyses are unchanged.
        domain: Article domain from the domain classifier, or None.
        domain_confidence: The classifier's probability of ``domain``.
    """

    article_id: str
    published_at: str | None
    actors: tuple[Actor, ...]
    signals: tuple[Signal, ...]
    score: float
    alert: Alert | None
    knowledge_version: str = ""
    truncated: bool = False
    domain: str | None = None
    domain_confidence: float | None = None

    def to_dict(self) -> dict[str, Any]:
        """Return the ``analysis.v1`` object."""
        out: dict[str, Any] = {
            "schema": "analysis.v1",
            "article_id": self.article_id,
            "published_at": self.published_at,
            "actors": [a.to_dict() for a in self.actors],
            "signals": [s.to_dict() for s in self.signals],
            "score": self.score,
            "alert": self.alert.to_dict() if self.alert else None,
            "knowledge_version": self.knowledge_version,
            "domain": self.domain,
            "domain_confidence": self.domain_confidence,
        }
        if self.truncated:
            out["truncated"] = True
        return out
