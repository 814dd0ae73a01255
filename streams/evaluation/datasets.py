"""Labelled datasets: the input formats (see :mod:`streams.evaluation`), their gold records
and the CAMEO to PLOVER crosswalk.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from streams.core.domain import DOMAINS
from streams.errors import ConfigError

__all__ = [
    "ACTOR_GOLD_TYPES",
    "ACTOR_TYPE_TO_GOLD",
    "CAMEO_TO_PLOVER",
    "FORMATS",
    "HARD_NEGATIVE_KINDS",
    "LOCATION_VARIANT_TYPES",
    "MODALITIES",
    "NEWS_DOMAINS",
    "NEWS_LEVELS",
    "Dataset",
    "GoldEvent",
    "GoldSpan",
    "NewsLabel",
    "Record",
    "cameo_polarity",
    "cameo_to_plover",
    "detect_format",
    "read_dataset",
    "select_split",
]

FORMATS: tuple[str, ...] = ("plover", "petrarch", "re3d", "escwatch", "devnews")
NEWS_DOMAINS: tuple[str, ...] = DOMAINS
NEWS_LEVELS: tuple[str, ...] = ("none", "low", "medium", "high", "critical")
HARD_NEGATIVE_KINDS: tuple[str, ...] = (
    "figurative",
    "sport",
    "science_technology",
    "crime",
    "non_event",
)
ACTOR_GOLD_TYPES: tuple[str, ...] = ("Person", "Organisation", "Nationality")
LOCATION_VARIANT_TYPES: tuple[str, ...] = (*ACTOR_GOLD_TYPES, "Location")
_SPAN_TYPES = frozenset(LOCATION_VARIANT_TYPES)
_POLARITIES = ("escalation", "de-escalation")
MODALITIES: tuple[str, ...] = ("asserted", "hypothetical", "conditional", "negated", "future")

# CAMEO root -> PLOVER type. Roots follow PLOVER's own CAMEO crosswalk at the
# two-digit level; a few three-digit codes that PLOVER files elsewhere are
# overridden below.
CAMEO_TO_PLOVER: dict[str, str] = {
    "02": "DEMAND",  # appeals: PLOVER folds CAMEO appeals into DEMAND
    "03": "AGREE",  # expressed intent to cooperate
    "04": "CONSULT",
    "05": "SUPPORT",  # diplomatic cooperation: praise, endorse, apologise
    "06": "COOPERATE",
    "07": "AID",
    "08": "CONCEDE",
    "09": "INVESTIGATE",
    "10": "DEMAND",
    "11": "DISAPPROVE",
    "12": "REJECT",
    "13": "THREATEN",
    "14": "PROTEST",
    "15": "MOBILIZE",
    "16": "SANCTION",  # reduce relations
    "17": "COERCE",
    "18": "ASSAULT",
    "19": "FIGHT",
    "20": "ASSAULT",  # mass violence
}
_CAMEO_OVERRIDES: dict[str, str] = {
    "087": "RETREAT",  # de-escalate military engagement
    "0871": "RETREAT",
    "0872": "RETREAT",
    "0873": "RETREAT",
    "0874": "RETREAT",
}

# Project actor type -> the gold span types it may stand for.
ACTOR_TYPE_TO_GOLD: dict[str, frozenset[str]] = {
    "person": frozenset({"Person"}),
    "organisation": frozenset({"Organisation"}),
    "country": frozenset({"Nationality", "Location"}),
    "government": frozenset({"Organisation", "Nationality", "Location"}),
}


# --------------------------------------------------------------------------- types


@dataclass(frozen=True, slots=True)
class GoldEvent:
    """One labelled event of a record.

    Attributes:
        type: PLOVER type, or None when only the polarity is labelled.
        polarity: "escalation" or "de-escalation".
        modality: Labelled modality, or None when not labelled.
        trigger: The labelled trigger text, or None when the event has no span.
        start: Offset of the trigger's first character in the record text, or -1.
        end: Offset one past the trigger's last character, or -1.
    """

    type: str | None
    polarity: str
    modality: str | None = None
    trigger: str | None = None
    start: int = -1
    end: int = -1

    @property
    def has_span(self) -> bool:
        """Whether the event is labelled with a trigger span."""
        return self.start >= 0


@dataclass(frozen=True, slots=True)
class GoldSpan:
    """One labelled entity span.

    Attributes:
        start: Offset of the first character.
        end: Offset one past the last character.
        type: re3d-style type ("Person", "Organisation", ...).
    """

    start: int
    end: int
    type: str


@dataclass(frozen=True, slots=True)
class NewsLabel:
    """Labels of one ordinary-news record (``devnews`` format).

    Attributes:
        domain: One of :data:`NEWS_DOMAINS`.
        should_alert: Whether the text reports political escalation.
        level: Labelled alert level, or None for no escalation.
        hard_negative: True for a sentence chosen as a likely misfire.
        kind: The misfire kind of a hard negative.
        split: ``train`` or ``dev``, when the record has one.
        armed_conflict: True when the source filed the record as a report of
            armed conflict (Wikipedia Current events "Armed conflicts and
            attacks"), the subset the conflict-detection target is about.
    """

    domain: str
    should_alert: bool
    level: str | None = None
    hard_negative: bool = False
    kind: str | None = None
    split: str | None = None
    armed_conflict: bool = False


@dataclass(frozen=True, slots=True)
class Record:
    """One labelled text, normalised across input formats.

    Attributes:
        id: Record id.
        text: The text to analyse.
        published_at: Event time when the record has one.
        events: Gold events, or None when the record is not scored for events.
        entities: Gold spans, or None when the record has no span labels.
        negation: True when the text holds a clausal negator (PETRARCH
            negation subset).
        news: Ordinary-news labels (``devnews`` format), else None.
        title: The headline, when the record has one (the core reads it as
            the worker does, for the article domain).
        split: ``train`` or ``dev``: the record's own split, or for a
            sentence taken from a devnews article its parent's
            (``source.parent_split``).
    """

    id: str
    text: str
    published_at: str | None = None
    events: tuple[GoldEvent, ...] | None = None
    entities: tuple[GoldSpan, ...] | None = None
    negation: bool = False
    news: NewsLabel | None = None
    title: str | None = None
    split: str | None = None


@dataclass(frozen=True, slots=True)
class Dataset:
    """The records of one input file.

    Attributes:
        path: The file read.
        format: The format it was read as.
        records: Normalised records.
        skipped: Records left out of the event scores, with the reason.
    """

    path: str
    format: str
    records: tuple[Record, ...]
    skipped: Mapping[str, int] = field(default_factory=dict)


# ---------------------------------------------------------------- input formats


def cameo_polarity(code: str) -> str | None:
    """Return the polarity of a CAMEO code by its root, or None to skip it."""
    root = code[:2]
    if not root.isdigit() or not 1 <= int(root) <= 20:
        return None
    return "de-escalation" if int(root) <= 8 else "escalation"


def cameo_to_plover(code: str) -> str | None:
    """Return the PLOVER type of a CAMEO code, or None for skipped codes."""
    for length in (4, 3):
        if code[:length] in _CAMEO_OVERRIDES:
            return _CAMEO_OVERRIDES[code[:length]]
    return CAMEO_TO_PLOVER.get(code[:2])


def detect_format(record: Mapping[str, Any]) -> str:
    """Name the format of one decoded record, from its label keys.

    Raises:
        ConfigError: when no known format fits.
    """
    labels = record.get("labels")
    if not isinstance(labels, Mapping):
        raise ConfigError("record has no 'labels' object")
    if "domain" in labels and "should_alert" in labels:
        return "devnews"
    if "event" in labels and "derived_polarity" in labels:
        return "plover"
    if "expected_events" in labels:
        return "petrarch"
    if "events" in labels:
        return "escwatch"
    entities = labels.get("entities")
    if isinstance(entities, list) and all(
        isinstance(e, Mapping) and "start" in e and "end" in e for e in entities
    ):
        return "re3d" if "relations" in labels or "subset" in labels else "escwatch"
    raise ConfigError("labels match no known format (plover, petrarch, re3d, escwatch, devnews)")


def _polarity_of_derived(value: str) -> str:
    if value.endswith("_conflict"):
        return "escalation"
    if value.endswith("_cooperation"):
        return "de-escalation"
    raise ConfigError(f"unknown derived_polarity {value!r}")


def _spans(entities: Any) -> tuple[GoldSpan, ...]:
    if not isinstance(entities, list):
        raise ConfigError("'entities' must be a list")
    spans = []
    for entity in entities:
        start, end, kind = entity.get("start"), entity.get("end"), entity.get("type")
        if not isinstance(start, int) or not isinstance(end, int) or not isinstance(kind, str):
            raise ConfigError("entity needs integer start/end and a string type")
        if kind in _SPAN_TYPES:
            spans.append(GoldSpan(start, end, kind))
    return tuple(spans)


def _gold_event(item: Mapping[str, Any], polarity: str, text: str) -> GoldEvent:
    """One ``escwatch`` event, with its trigger span when it has one."""
    modality = item.get("modality")
    if modality is not None and modality not in MODALITIES:
        raise ConfigError(f"event modality must be one of {MODALITIES}")
    if "start" not in item and "end" not in item:
        return GoldEvent(item.get("type"), polarity, modality)
    start, end, trigger = item.get("start"), item.get("end"), item.get("trigger")
    if not isinstance(start, int) or not isinstance(end, int) or not 0 <= start < end <= len(text):
        raise ConfigError("event start/end must be integer offsets into the text, start < end")
    if trigger is not None and text[start:end] != trigger:
        raise ConfigError(f"event trigger {trigger!r} is not text[{start}:{end}]")
    return GoldEvent(item.get("type"), polarity, modality, text[start:end], start, end)


# The upstream category of armed-conflict reports (Wikipedia Current events).
ARMED_CONFLICT_CATEGORY = "Armed conflicts and attacks"


def _news_label(raw: Mapping[str, Any], labels: Mapping[str, Any]) -> NewsLabel:
    domain = labels.get("domain")
    if domain not in NEWS_DOMAINS:
        raise ConfigError(f"labels.domain must be one of {NEWS_DOMAINS}, not {domain!r}")
    should_alert = labels.get("should_alert")
    if not isinstance(should_alert, bool):
        raise ConfigError("labels.should_alert must be true or false")
    level = labels.get("level")
    if level is not None and level not in NEWS_LEVELS[1:]:
        raise ConfigError(f"labels.level must be null or one of {NEWS_LEVELS[1:]}")
    if should_alert != (level is not None):
        raise ConfigError("labels.should_alert must be true exactly when labels.level is set")
    hard = bool(labels.get("hard_negative", False))
    kind = labels.get("kind")
    if hard and kind not in HARD_NEGATIVE_KINDS:
        raise ConfigError(f"labels.kind of a hard negative must be one of {HARD_NEGATIVE_KINDS}")
    split = raw.get("split")
    return NewsLabel(
        str(domain),
        should_alert,
        level,
        hard,
        str(kind) if hard else None,
        split if isinstance(split, str) else None,
        labels.get("upstream_category") == ARMED_CONFLICT_CATEGORY,
    )


def _parse(raw: Mapping[str, Any], fmt: str, skipped: Counter[str]) -> Record:
    text = raw.get("text")
    if not isinstance(text, str):
        raise ConfigError("record has no string 'text'")
    labels = raw.get("labels")
    if not isinstance(labels, Mapping):
        raise ConfigError("record has no 'labels' object")
    rid = str(raw.get("id", ""))
    published = raw.get("published_at")
    published_at = published if isinstance(published, str) else None
    if fmt == "plover":
        polarity = _polarity_of_derived(str(labels.get("derived_polarity")))
        event = GoldEvent(str(labels["event"]), polarity)
        return Record(rid, text, published_at, events=(event,))
    if fmt == "petrarch":
        expected = labels.get("expected_events") or []
        events = tuple(
            GoldEvent(cameo_to_plover(code), pol)
            for code in (str(e.get("event_code", "")) for e in expected)
            if (pol := cameo_polarity(code)) is not None and code[:2] != "01"
        )
        negated = bool(NEGATION.search(text))
        if expected and not events:
            skipped["only test-only or statement codes"] += 1
            return Record(rid, text, published_at, events=None, negation=negated)
        return Record(rid, text, published_at, events=events, negation=negated)
    if fmt == "re3d":
        return Record(rid, text, published_at, entities=_spans(labels.get("entities")))
    if fmt == "devnews":
        news = _news_label(raw, labels)
        title = raw.get("title")
        return Record(rid, text, published_at, news=news,
                      title=title if isinstance(title, str) and title else None,
                      split=news.split)
    gold_events: tuple[GoldEvent, ...] | None = None
    if "events" in labels:
        items = labels["events"]
        if not isinstance(items, list):
            raise ConfigError("'events' must be a list")
        parsed = []
        for item in items:
            polarity = item.get("polarity")
            if polarity not in _POLARITIES:
                raise ConfigError(f"event polarity must be one of {_POLARITIES}")
            parsed.append(_gold_event(item, polarity, text))
        gold_events = tuple(parsed)
    entities = _spans(labels["entities"]) if "entities" in labels else None
    source = raw.get("source")
    split = raw.get("split") or (source.get("parent_split") if isinstance(source, Mapping)
                                 else None)
    return Record(rid, text, published_at, events=gold_events, entities=entities,
                  split=split if split in ("train", "dev") else None)


def read_dataset(path: Path, fmt: str = "auto") -> Dataset:
    """Read one labelled JSONL file into normalised records.

    Args:
        path: The file.
        fmt: One of :data:`FORMATS`, or "auto" to detect from the first record.

    Raises:
        ConfigError: when the file is unreadable or a record is malformed;
            the message names file and line.
    """
    try:
        lines = path.read_bytes().splitlines()
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    records: list[Record] = []
    skipped: Counter[str] = Counter()
    chosen = None if fmt == "auto" else fmt
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            raw = orjson.loads(line)
            if not isinstance(raw, dict):
                raise ConfigError("each line must be a JSON object")
            if chosen is None:
                chosen = detect_format(raw)
            records.append(_parse(raw, chosen, skipped))
        except orjson.JSONDecodeError as exc:
            raise ConfigError(f"{path}:{number}: not valid JSON: {exc}") from exc
        except (ConfigError, KeyError, TypeError, AttributeError) as exc:
            raise ConfigError(f"{path}:{number}: {exc}") from exc
    if chosen is None:
        raise ConfigError(f"{path}: no records")
    return Dataset(str(path), chosen, tuple(records), dict(skipped))


def select_split(dataset: Dataset, split: str | None) -> Dataset:
    """Keep the records of one split (records without a split are kept).

    A devnews record carries its own split; a sentence taken from one
    (``source.parent_split``) carries its parent's.

    Args:
        dataset: The dataset read.
        split: ``train``, ``dev``, or None to keep everything.
    """
    if split is None:
        return dataset
    kept = tuple(r for r in dataset.records if r.split in (None, split))
    return Dataset(dataset.path, dataset.format, kept, dataset.skipped)


# PETRARCH marks negation in the text, not in the category names, so the
# negation subset is found from clausal negators.
NEGATION = re.compile(r"\b(?:not|never)\b|n't\b", re.IGNORECASE)
