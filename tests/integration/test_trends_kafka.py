"""Trends through a real broker: a planted surge reaches ``monitoring.trends``, a replay of
the same archive gives byte-identical story and trend alerts, and a worker killed with
SIGKILL mid-stream loses and adds nothing.

The archive is built from real articles of the development set (``tests/data/devnews.jsonl``),
re-timed: 42 conflict reports spread over three days as the baseline, among them two that
name Russia, then six other reports naming Russia within one hour, then 200 articles of the
other domains over the following four days. Which articles are taken depends only on the
hash of their ids, not on their text.
"""

from __future__ import annotations

import hashlib
import json
import signal
import subprocess
import sys
import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from kafka import KafkaConsumer

from streams import codec
from streams.core.analyze import Analyzer
from streams.core.model import Article
from streams.knowledge.loader import load_knowledge
from streams.localkafka.util import free_port
from streams.stories.contract import validate
from streams.stories.trends import keys_of
from tests.integration.conftest import ROOT, wait_for
from tests.integration.test_pipeline import collect, ingest

pytestmark = [pytest.mark.kafka, pytest.mark.timeout(600)]

SURGE_KEY = "actor:RUS"
T0 = datetime(2026, 3, 1, tzinfo=UTC)
SURGE_HOUR = 74


KILL_RUN_RATE = 10
"""Articles per second ingested in the killed run, from when the worker is ready: the
kill after 15 assignments then comes well before the surge (article 48 of 248)."""


def _archive(path: Path) -> int:
    """Write the re-timed archive to ``path``; returns its number of articles."""
    core = Analyzer(load_knowledge())
    every = [json.loads(line) for line in
             (ROOT / "tests" / "data" / "devnews.jsonl").read_text().splitlines() if line]
    every = [r for r in every if not r["labels"].get("hard_negative")]
    every.sort(key=lambda r: hashlib.sha256(r["id"].encode()).hexdigest())
    rows = [r for r in every
            if r["labels"]["domain"] == "politics_conflict" and r["labels"]["should_alert"]]

    def keys(r: dict[str, Any]) -> set[str]:
        a = core.analyze(Article(id=r["id"], text=r["text"], title=r.get("title"),
                                 published_at=r.get("published_at")))
        return {k for _, k in keys_of(a.to_dict())}

    found = [(r, keys(r)) for r in rows]
    named = [r for r, k in found if SURGE_KEY in k]
    others = [r for r, k in found if not any("RUS" in key for key in k)]
    assert len(named) >= 8
    assert len(others) >= 40
    plan = [(2 * i + 0.5, r) for i, r in enumerate(others[:40])]
    plan += [(10.25, named[0]), (40.25, named[1])]
    plan += [(SURGE_HOUR + 0.1 * j + 0.05, r) for j, r in enumerate(named[2:8])]
    rest = [r for r in every if r["labels"]["domain"] != "politics_conflict"
            and not any("RUS" in k for k in keys(r))]
    plan += [(SURGE_HOUR + 2 + 0.5 * i, r) for i, r in enumerate(rest[:200])]
    plan.sort(key=lambda p: p[0])
    with path.open("w", encoding="utf-8") as out:
        for hours, r in plan:
            when = (T0 + timedelta(hours=hours)).strftime("%Y-%m-%dT%H:%M:%SZ")
            out.write(json.dumps({"id": r["id"], "title": r.get("title"), "text": r["text"],
                                  "url": r.get("url"), "source": "Wire",
                                  "published_at": when}) + "\n")
    return len(plan)


def _env(base: dict[str, str], tag: str, tmp_path: Path) -> dict[str, str]:
    """Private topics, group and data folder for one run; one partition so that the
    story step sees the archive in its order (see docs/stories.md, Replays)."""
    env = {k: (f"{v}-{tag}" if k.startswith("ESCWATCH_TOPIC_") or k == "ESCWATCH_APP_ID"
               else v) for k, v in base.items()}
    env.update({"ESCWATCH_STORIES": "1", "ESCWATCH_PARTITIONS": "1",
                "ESCWATCH_TOPIC_TRENDS": f"{env['ESCWATCH_TOPIC_ALERTS']}-trends",
                "ESCWATCH_DATA_DIR": str(tmp_path / f"data-{tag}"),
                "ESCWATCH_WEB_PORT": str(free_port())})
    return env


class _Assigned:
    """Follows a run's ``stories.assigned`` topic: the article ids through the story step."""

    def __init__(self, bootstrap: str, env: dict[str, str]) -> None:
        self.ids: set[str] = set()
        self._consumer = KafkaConsumer(
            f"{env['ESCWATCH_APP_ID']}-stories.assigned", bootstrap_servers=bootstrap,
            auto_offset_reset="earliest", enable_auto_commit=False, consumer_timeout_ms=50)

    def count(self) -> int:
        self.ids.update(codec.loads(r.value)["article_id"] for r in self._consumer)
        return len(self.ids)

    def close(self) -> None:
        self._consumer.close()


def _outputs(bootstrap: str, env: dict[str, str]) -> tuple[list[bytes], list[bytes]]:
    """The story alerts and the trend alerts of a run, as published, in topic order."""
    alerts = collect(bootstrap, env["ESCWATCH_TOPIC_ALERTS"], 10**6, timeout=3)
    stories = [r.value for r in alerts if codec.loads(r.value)["schema"] == "story_alert.v1"]
    trends = [r.value for r in collect(bootstrap, env["ESCWATCH_TOPIC_TRENDS"], 10**6,
                                       timeout=3)]
    return stories, trends


def _ready(env: dict[str, str]) -> bool:
    """Whether the worker's ``/health`` says ready."""
    url = f"http://127.0.0.1:{env['ESCWATCH_WEB_PORT']}/health"
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return bool(response.status == 200)
    except (OSError, ValueError):
        return False


def _run(start_worker: Any, bootstrap: str, env: dict[str, str], archive: Path, n: int,
         kill_after: int | None = None) -> tuple[list[bytes], list[bytes]]:
    """Ingest ``archive`` into a fresh worker and wait until the story step has assigned
    every article; with ``kill_after``, SIGKILL the worker once that many are assigned and
    let a new one finish. The killed run ingests at :data:`KILL_RUN_RATE` articles/s in
    the background, so that the kill falls before the surge however fast the worker is."""
    worker = start_worker(env)
    feeding: subprocess.Popen[str] | None = None
    if kill_after is None:
        done = ingest(env, str(archive))
        assert done.returncode == 0, done.stderr
    else:
        # Fed only once the worker is ready, so no backlog builds up during its start.
        assert wait_for(lambda: _ready(env), 120), worker.log()[-3000:]
        feeding = subprocess.Popen(
            [sys.executable, "-m", "streams.cli", "ingest", "--rate", str(KILL_RUN_RATE),
             str(archive)], env=env, cwd=ROOT, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, text=True)
    assigned = _Assigned(bootstrap, env)
    try:
        if kill_after is not None:
            assert wait_for(lambda: assigned.count() >= kill_after, 240, interval=0.01), \
                worker.log()[-3000:]
            worker.stop(sig=signal.SIGKILL)
            at_kill = assigned.count()
            print(f"SIGKILL with {at_kill} of {n} articles through the story step")
            assert at_kill < n - 200, "the surge was through before the kill"
            worker = start_worker(env)
        if feeding is not None:
            _, err = feeding.communicate(timeout=120)
            assert feeding.returncode == 0, err
        assert wait_for(lambda: assigned.count() >= n, 300), worker.log()[-3000:]
    finally:
        if feeding is not None and feeding.poll() is None:
            feeding.kill()
        assigned.close()
    return _outputs(bootstrap, env)


def test_surge_reaches_trends_and_a_replay_is_byte_identical(
    worker_env: dict[str, str], start_worker: Any, kafka_bootstrap: str, tmp_path: Path,
) -> None:
    archive = tmp_path / "archive.jsonl"
    n = _archive(archive)
    first = _run(start_worker, kafka_bootstrap, _env(worker_env, "a", tmp_path), archive, n)
    stories, trends = first
    assert stories, "no story alert"
    values = [codec.loads(v) for v in trends]
    for v in values:
        validate(v, "trend.v1")
    surge = [v for v in values if v["key"] == SURGE_KEY and v["window"] == "hour"]
    assert surge, f"the planted surge gave no trend alert: {[v['key'] for v in values]}"
    start = (T0 + timedelta(hours=SURGE_HOUR)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert surge[0]["window_start"] == start  # flagged within its own window
    assert surge[0]["top_stories"]
    # Nothing else in the baseline is a surge of its own.
    assert {v["key"] for v in values} <= {SURGE_KEY, "country:RUS"}
    second = _run(start_worker, kafka_bootstrap, _env(worker_env, "b", tmp_path), archive, n)
    assert second == first  # byte for byte, in order


def test_sigkill_mid_stream_loses_and_adds_no_story_or_trend(
    worker_env: dict[str, str], start_worker: Any, kafka_bootstrap: str, tmp_path: Path,
) -> None:
    archive = tmp_path / "archive.jsonl"
    n = _archive(archive)
    clean = _run(start_worker, kafka_bootstrap, _env(worker_env, "clean", tmp_path),
                 archive, n)
    killed = _run(start_worker, kafka_bootstrap, _env(worker_env, "killed", tmp_path),
                  archive, n, kill_after=15)
    for want, got in zip(clean, killed, strict=True):
        # Redeliveries after the kill republish identical records (same key, same
        # bytes); no record is missing and none differs.
        assert set(got) == set(want)
        assert len(got) >= len(want)
    trend_ids = [codec.loads(v)["id"] for v in set(killed[1])]
    assert len(trend_ids) == len(set(trend_ids))  # no trend counted twice
