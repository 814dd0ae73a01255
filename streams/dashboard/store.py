"""What the dashboard keeps in memory: the last alerts, and what explains them.

Pure state with no I/O. The Kafka follower feeds it records from three topics:

* ``monitoring.alerts``: the alerts themselves (``alert.v1``), kept up to a
  capacity, oldest dropped first, each id once (redeliveries are ignored);
* ``articles.analyzed``: the ``analysis.v1`` of an alerted article adds what
  ``alert.v1`` leaves out: mode, speaker, source and target of each evidence
  signal, the trigger's offsets and the kind of each actor;
* ``articles.raw``: the article text, so the evidence sentences can be shown
  highlighted where they stand. ``alert.v1`` offsets index the text *after*
  markup is stripped (what the core analysed), so the text is stripped here
  with the worker's own function before it is kept.

Offsets are Python string indices (code points); the browser counts UTF-16
units, so the text is cut into highlighted and plain segments here and the
page never does offset arithmetic.
"""

from __future__ import annotations

import itertools
import re
from collections import OrderedDict, deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from streams.core.scoring import LEVELS
from streams.core.text import strip_markup

__all__ = ["AlertStore", "TrendStore", "clean_alert", "segments"]

_COUNTRY_ID = re.compile(r"^[A-Z]{3}$")
_MAX_FIELD = 4096


def _text(value: object, limit: int = _MAX_FIELD) -> str:
    return value[:limit] if isinstance(value, str) else ""


def _strings(value: object, limit: int = 64) -> list[str]:
    if not isinstance(value, list):
        return []
    return [_text(v, 512) for v in value[:limit] if isinstance(v, str)]


def _event_ms(value: object) -> float | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp() * 1000.0
    except ValueError:
        return None


def clean_alert(obj: object) -> dict[str, Any] | None:
    """The fields of an ``alert.v1`` record the dashboard uses, or None when unusable.

    Anything can arrive on a topic, so nothing is trusted: types are checked,
    strings are capped and unknown fields dropped. (Full JSON Schema validation
    costs more than the rest of the dashboard's work per alert.)
    """
    if not isinstance(obj, dict) or obj.get("schema") != "alert.v1":
        return None
    alert_id, level = obj.get("id"), obj.get("level")
    if not isinstance(alert_id, str) or not alert_id or len(alert_id) > 128:
        return None
    if level not in LEVELS:
        return None
    score = obj.get("score")
    evidence = []
    raw_evidence = obj.get("evidence")
    for ev in raw_evidence[:16] if isinstance(raw_evidence, list) else []:
        if not isinstance(ev, dict):
            continue
        start, end = ev.get("start"), ev.get("end")
        if not (isinstance(start, int) and isinstance(end, int) and 0 <= start <= end):
            continue
        evidence.append({
            "sentence": _text(ev.get("sentence"), 20_000), "start": start, "end": end,
            "signal_type": _text(ev.get("signal_type"), 64),
            "trigger": _text(ev.get("trigger"), 512),
            "modality": _text(ev.get("modality"), 32),
        })
    return {
        "id": alert_id, "article_id": _text(obj.get("article_id"), 512), "level": level,
        "score": float(score) if isinstance(score, int | float) else 0.0,
        "time": obj.get("time") if isinstance(obj.get("time"), str) else None,
        "title": _text(obj.get("title")), "url": _text(obj.get("url"), 8192),
        "summary": _text(obj.get("summary")), "signal_types": _strings(obj.get("signal_types")),
        "actors": _strings(obj.get("actors")), "actor_names": _strings(obj.get("actor_names")),
        "evidence": evidence,
    }


@dataclass(slots=True)
class Enrichment:
    """What an article's ``analysis.v1`` adds to its alert."""

    signals: list[dict[str, Any]]
    """Per evidence entry (same order): mode, speaker, source, target, trigger offsets."""
    kinds: dict[str, str]
    """Actor id -> person / organisation / country / government."""


def enrichment_from_analysis(analysis: dict[str, Any], alert: dict[str, Any]) -> Enrichment:
    """Match the alert's evidence to the analysis signals it was made from."""
    signals = [s for s in analysis.get("signals") or [] if isinstance(s, dict)]
    out = []
    for ev in alert["evidence"]:
        match: dict[str, Any] = {}
        for sig in signals:
            if (sig.get("sentence_start") == ev["start"] and sig.get("type") == ev["signal_type"]
                    and sig.get("trigger") == ev["trigger"]):
                match = sig
                break
        start, end = match.get("start"), match.get("end")
        out.append({
            "mode": _text(match.get("mode"), 64) or None,
            "speaker": _text(match.get("speaker_name"), 512) or None,
            "source": _text(match.get("source"), 128) or None,
            "source_name": _text(match.get("source_name"), 512) or None,
            "target": _text(match.get("target"), 128) or None,
            "target_name": _text(match.get("target_name"), 512) or None,
            "trigger_start": start if isinstance(start, int) else None,
            "trigger_end": end if isinstance(end, int) else None,
        })
    kinds: dict[str, str] = {}
    for actor in analysis.get("actors") or []:
        if isinstance(actor, dict) and isinstance(actor.get("id"), str):
            kinds.setdefault(actor["id"], _text(actor.get("type"), 32))
    return Enrichment(out, kinds)


@dataclass(slots=True)
class Entry:
    """One kept alert."""

    seq: int
    alert: dict[str, Any]
    received_ms: float
    enrichment: Enrichment | None = None
    text: str | None = None


def _compact_analysis(analysis: dict[str, Any]) -> dict[str, Any]:
    # Only what enrichment needs, so an analysis waiting for its alert stays small.
    evidence = (analysis.get("alert") or {}).get("evidence") or []
    wanted = {(e.get("start"), e.get("signal_type"), e.get("trigger"))
              for e in evidence if isinstance(e, dict)}
    signals = [s for s in analysis.get("signals") or [] if isinstance(s, dict)
               and (s.get("sentence_start"), s.get("type"), s.get("trigger")) in wanted]
    actors = [{"id": a.get("id"), "type": a.get("type")} for a in analysis.get("actors") or []
              if isinstance(a, dict)]
    return {"signals": signals, "actors": actors}


def segments(text: str, evidence: list[dict[str, Any]], triggers: list[tuple[int, int] | None]
             ) -> tuple[list[dict[str, Any]], list[bool]]:
    """Cut ``text`` into plain and highlighted pieces.

    Args:
        text: The article text the offsets index.
        evidence: ``alert.v1`` evidence entries (sentence, start, end, ...).
        triggers: Per entry, the trigger's (start, end) in ``text``, or None.

    Returns:
        The segments, each ``{"t": text, "ev": [evidence indices], "trig": bool}``,
        and per evidence entry whether it was placed in the text. An entry whose
        offsets do not hold its sentence (another version of the article) is
        looked up by its sentence; if absent it is not placed.
    """
    spans: list[tuple[int, int, int]] = []
    trig_spans: list[tuple[int, int]] = []
    placed: list[bool] = []
    for i, ev in enumerate(evidence):
        start, end, sentence = ev["start"], ev["end"], ev["sentence"]
        if not (end <= len(text) and text[start:end] == sentence):
            found = text.find(sentence) if sentence else -1
            if found < 0:
                placed.append(False)
                continue
            shift = found - start
            start, end = found, found + len(sentence)
        else:
            shift = 0
        placed.append(True)
        spans.append((start, end, i))
        trig = triggers[i] if i < len(triggers) else None
        if trig is not None and start <= trig[0] + shift <= trig[1] + shift <= end:
            trig_spans.append((trig[0] + shift, trig[1] + shift))
        elif ev["trigger"]:
            at = text.lower().find(ev["trigger"].lower(), start, end)
            if at >= 0:
                trig_spans.append((at, at + len(ev["trigger"])))
    cuts = sorted({0, len(text), *(p for s in spans for p in s[:2]),
                   *(p for s in trig_spans for p in s)})
    out: list[dict[str, Any]] = []
    for a, b in itertools.pairwise(cuts):
        if a >= b:
            continue
        ev_ids = [i for s, e, i in spans if s <= a and b <= e]
        in_trigger = any(s <= a and b <= e for s, e in trig_spans)
        if out and out[-1]["ev"] == ev_ids and out[-1]["trig"] == in_trigger:
            out[-1]["t"] += text[a:b]
        else:
            out.append({"t": text[a:b], "ev": ev_ids, "trig": in_trigger})
    return out, placed


@dataclass
class AlertStore:
    """The last ``capacity`` alerts with their enrichment and article texts.

    Memory is bounded: at most ``capacity`` alerts; article texts of kept
    alerts up to ``text_budget`` characters (the oldest alerts lose their text
    first); plus at most ``recent`` texts and analyses of articles whose alert
    has not arrived yet (the three topics are read independently, so either
    may come first).
    """

    capacity: int = 10_000
    text_budget: int = 64 * 1024 * 1024
    recent: int = 2_000
    _entries: OrderedDict[str, Entry] = field(default_factory=OrderedDict)
    _by_article: dict[str, list[str]] = field(default_factory=dict)
    _recent_texts: OrderedDict[str, str] = field(default_factory=OrderedDict)
    _recent_analyses: OrderedDict[str, dict[str, Any]] = field(default_factory=OrderedDict)
    _text_chars: int = 0
    _seq: int = 0
    rejected: int = 0
    duplicates: int = 0

    def __len__(self) -> int:
        """Number of alerts kept."""
        return len(self._entries)

    @property
    def article_ids(self) -> set[str]:
        """Articles of the kept alerts."""
        return set(self._by_article)

    def add_alert(self, obj: object, received_ms: float) -> dict[str, Any] | None:
        """Keep an alert; returns its summary, or None for a duplicate or unusable record."""
        alert = clean_alert(obj)
        if alert is None:
            self.rejected += 1
            return None
        if alert["id"] in self._entries:
            self.duplicates += 1
            return None
        self._seq += 1
        entry = Entry(self._seq, alert, received_ms)
        self._entries[alert["id"]] = entry
        self._by_article.setdefault(alert["article_id"], []).append(alert["id"])
        analysis = self._recent_analyses.get(alert["article_id"])
        if analysis is not None:
            entry.enrichment = enrichment_from_analysis(analysis, alert)
        text = self._recent_texts.pop(alert["article_id"], None)
        if text is None:
            text = self._text_of_article(alert["article_id"], exclude=alert["id"])
        if text is not None:
            self._set_text(entry, text)
        while len(self._entries) > self.capacity:
            self._drop(next(iter(self._entries)))
        self._trim_texts()
        return self.summary(entry)

    def add_analysis(self, obj: object) -> list[dict[str, Any]]:
        """Use an ``analysis.v1`` record; returns the summaries it changed."""
        if not isinstance(obj, dict) or not isinstance(obj.get("article_id"), str):
            return []
        if not obj.get("alert"):
            return []  # no alert: nothing of it is shown
        article_id = obj["article_id"]
        compact = _compact_analysis(obj)
        changed = []
        for alert_id in self._by_article.get(article_id, []):
            entry = self._entries[alert_id]
            if entry.enrichment is None:
                entry.enrichment = enrichment_from_analysis(compact, entry.alert)
                changed.append(self.summary(entry))
        if not changed:
            self._remember(self._recent_analyses, article_id, compact)
        return changed

    def add_article(self, obj: object) -> list[dict[str, Any]]:
        """Use an ``article.v1`` record; returns the summaries it changed."""
        if not isinstance(obj, dict) or not isinstance(obj.get("id"), str):
            return []
        text = obj.get("text")
        if not isinstance(text, str) or not text:
            return []
        text = strip_markup(text)
        article_id = obj["id"]
        changed = []
        for alert_id in self._by_article.get(article_id, []):
            entry = self._entries[alert_id]
            if entry.text is None:
                self._set_text(entry, text)
                changed.append(self.summary(entry))
        if changed:
            self._trim_texts()
        else:
            self._remember(self._recent_texts, article_id, text)
        return changed

    def summaries(self) -> list[dict[str, Any]]:
        """Every kept alert's summary, oldest first."""
        return [self.summary(e) for e in self._entries.values()]

    def summary(self, entry: Entry) -> dict[str, Any]:
        """What the feed, filters and charts need of one alert (no evidence text)."""
        alert, enr = entry.alert, entry.enrichment
        names = dict(zip(alert["actors"], alert["actor_names"], strict=False))
        kinds = enr.kinds if enr else {}
        countries = [a for a in alert["actors"]
                     if kinds.get(a) in {"country", "government"}
                     or (a not in kinds and _COUNTRY_ID.match(a))]
        signals = enr.signals if enr else []
        dyads: list[list[str]] = []
        for sig in signals:
            if sig["source"] and sig["target"] and sig["source"] != sig["target"]:
                pair = [sig["source"], sig["target"]]
                if pair not in dyads:
                    dyads.append(pair)
                    names.setdefault(sig["source"], sig["source_name"] or sig["source"])
                    names.setdefault(sig["target"], sig["target_name"] or sig["target"])
        if not dyads and not enr and len(alert["actors"]) >= 2:
            dyads.append(alert["actors"][:2])
        return {
            "id": alert["id"], "seq": entry.seq, "article_id": alert["article_id"],
            "level": alert["level"], "score": alert["score"], "time": alert["time"],
            "t": _event_ms(alert["time"]), "rt": entry.received_ms,
            "title": alert["title"], "summary": alert["summary"],
            "types": alert["signal_types"],
            "actors": [[a, names.get(a) or a] for a in alert["actors"]],
            "countries": [[c, names.get(c) or c] for c in countries],
            "dyads": [[s, t, names.get(s) or s, names.get(t) or t] for s, t in dyads],
            "modalities": sorted({e["modality"] for e in alert["evidence"] if e["modality"]}),
            "speakers": sorted({s["speaker"] for s in signals if s["speaker"]}),
            "modes": sorted({s["mode"] for s in signals if s["mode"]}),
            "enriched": enr is not None, "has_text": entry.text is not None,
        }

    def detail(self, alert_id: str) -> dict[str, Any] | None:
        """One alert with its evidence, and its article text cut into segments."""
        entry = self._entries.get(alert_id)
        if entry is None:
            return None
        alert = entry.alert
        signals = entry.enrichment.signals if entry.enrichment else []
        evidence = []
        for i, ev in enumerate(alert["evidence"]):
            extra = signals[i] if i < len(signals) else {}
            evidence.append({**ev, **{k: extra.get(k) for k in
                                      ("mode", "speaker", "source_name", "target_name")}})
        result: dict[str, Any] = {"summary": self.summary(entry), "url": alert["url"],
                                  "evidence": evidence, "segments": None}
        if entry.text is not None:
            triggers: list[tuple[int, int] | None] = []
            for sig in signals:
                s, e = sig["trigger_start"], sig["trigger_end"]
                triggers.append((s, e) if s is not None and e is not None else None)
            segs, placed = segments(entry.text, alert["evidence"], triggers)
            result["segments"] = segs
            for ev, ok in zip(evidence, placed, strict=False):
                ev["placed"] = ok
        return result

    # -- internals -----------------------------------------------------------------------

    def _remember(self, cache: OrderedDict[str, Any], key: str, value: Any) -> None:
        cache[key] = value
        cache.move_to_end(key)
        while len(cache) > self.recent:
            cache.popitem(last=False)

    def _text_of_article(self, article_id: str, exclude: str) -> str | None:
        for other in self._by_article.get(article_id, []):
            if other != exclude and self._entries[other].text is not None:
                return self._entries[other].text
        return None

    def _set_text(self, entry: Entry, text: str) -> None:
        entry.text = text
        self._text_chars += len(text)

    def _trim_texts(self) -> None:
        if self._text_chars <= self.text_budget:
            return
        for entry in self._entries.values():
            if entry.text is not None:
                self._text_chars -= len(entry.text)
                entry.text = None
                if self._text_chars <= self.text_budget:
                    return

    def _drop(self, alert_id: str) -> None:
        entry = self._entries.pop(alert_id)
        if entry.text is not None:
            self._text_chars -= len(entry.text)
        ids = self._by_article.get(entry.alert["article_id"], [])
        if alert_id in ids:
            ids.remove(alert_id)
        if not ids:
            self._by_article.pop(entry.alert["article_id"], None)


@dataclass
class TrendStore:
    """The last records of the trends topic, whatever their shape.

    No ``trend.v1`` contract exists yet, so a record is kept as its key, its
    Kafka timestamp and its value (parsed JSON when it is JSON, else text).
    """

    capacity: int = 500
    _records: deque[dict[str, Any]] = field(default_factory=deque)
    _seq: int = 0

    def add(self, key: bytes | None, value: object, timestamp_ms: int) -> dict[str, Any]:
        """Keep one record; returns what the page is sent."""
        self._seq += 1
        record = {"seq": self._seq, "key": (key or b"").decode("utf-8", "replace")[:512],
                  "ts": timestamp_ms, "value": value}
        self._records.append(record)
        while len(self._records) > self.capacity:
            self._records.popleft()
        return record

    def records(self) -> list[dict[str, Any]]:
        """The kept records, oldest first."""
        return list(self._records)

    def extend(self, items: Iterable[tuple[bytes | None, object, int]]) -> None:
        """Keep several records."""
        for key, value, ts in items:
            self.add(key, value, ts)
