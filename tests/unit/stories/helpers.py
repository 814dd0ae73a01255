"""Small builders of analysis dicts and article streams for the stories tests."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from streams.stories import StoryEngine, StoryInput

DATA = Path(__file__).resolve().parents[2] / "data"
T0 = datetime(2025, 3, 1, tzinfo=UTC)
COUNTRIES = {"RUS", "UKR", "USA", "CHN", "TWN", "ISR", "IRN", "DEU", "FRA", "GBR"}


def at(hours: float) -> str:
    """RFC 3339 time ``hours`` after T0."""
    return (T0 + timedelta(hours=hours)).isoformat().replace("+00:00", "Z")


def actor(aid: str) -> dict[str, Any]:
    kind = "country" if aid in COUNTRIES else "person"
    return {"id": aid, "name": aid.title(), "type": kind, "text": aid, "start": 0, "end": 1,
            "country": aid if kind == "country" else "RUS"}


def analysis(article_id: str, when: str, *, level: str | None = "medium",
             signals: list[tuple[str, str | None, str | None]] | None = None,
             score: float = 40.0, severity: float = -5.0,
             extra_actors: tuple[str, ...] = ()) -> dict[str, Any]:
    """An analysis.v1-shaped dict: ``signals`` are (type, source, target) triples."""
    signals = signals if signals is not None else [("THREATEN", "RUS", "UKR")]
    ids: list[str] = []
    sigs = []
    for i, (typ, src, tgt) in enumerate(signals):
        for ref in (src, tgt):
            if ref and ref not in ids:
                ids.append(ref)
        sigs.append({"type": typ, "polarity": "escalation", "modality": "asserted",
                     "trigger": typ.lower(), "start": 10 * i, "end": 10 * i + 5,
                     "sentence": f"{src} {typ.lower()} {tgt} ({article_id} {i}).",
                     "severity": severity - i * 0.1, "source": src, "target": tgt,
                     "political": True})
    ids += [a for a in extra_actors if a not in ids]
    alert = None
    if level is not None:
        alert = {"schema": "alert.v1", "id": f"alr_{article_id}", "article_id": article_id,
                 "level": level, "score": score, "time": when, "summary": "",
                 "signal_types": sorted({s[0] for s in signals}), "actors": ids,
                 "actor_names": [a.title() for a in ids], "evidence": []}
    return {"schema": "analysis.v1", "article_id": article_id, "published_at": when,
            "actors": [actor(a) for a in ids], "signals": sigs, "score": score,
            "alert": alert}


def reposts() -> list[dict[str, Any]]:
    """The labelled repost set."""
    return [json.loads(line) for line in
            (DATA / "reposts.jsonl").read_text(encoding="utf-8").splitlines()]


def feed(engine: StoryEngine, article_id: str, text: str, when: str, *,
         an: dict[str, Any] | None = None, title: str = "", url: str = "",
         source: str = "") -> Any:
    """Process one article; returns the StoryOutput."""
    return engine.process(StoryInput(article_id, text, an or analysis(article_id, when),
                                     title=title, url=url, source=source, published_at=when))
