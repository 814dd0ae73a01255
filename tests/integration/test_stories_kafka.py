"""Stories through a real broker: reposts of the seed article give one story alert."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from streams import codec
from streams.stories.contract import validate
from streams.stories.grouping import story_id_for
from tests.integration.conftest import ROOT
from tests.integration.test_pipeline import collect, ingest

pytestmark = [pytest.mark.kafka, pytest.mark.timeout(300)]


def test_reposts_of_the_seed_give_one_story_alert_keyed_by_story(
    worker_env: dict[str, str], start_worker: Any, kafka_bootstrap: str, tmp_path: Path,
    run_id: str,
) -> None:
    env = {**worker_env, "ESCWATCH_STORIES": "1",
           "ESCWATCH_TOPIC_TRENDS": f"monitoring.trends.{run_id}"}
    seed = json.loads((ROOT / "seeds" / "articles.jsonl").read_text().splitlines()[0])
    lines = [dict(seed, url="https://wire.example/nato", source="Wire")]
    for i in range(3):  # the same text under other outlets, 1-3 hours later
        lines.append(dict(seed, id=f"{seed['id']}-repost-{i}", source=f"Outlet {i}",
                          url=f"https://outlet{i}.example/story",
                          title=f"{seed.get('title', '')} | Outlet {i}",
                          published_at=seed["published_at"].replace("12:00", f"1{3 + i}:00")))
    path = tmp_path / "reposts.jsonl"
    path.write_text("".join(json.dumps(x) + "\n" for x in lines))
    worker = start_worker(env)
    done = ingest(env, str(path))
    assert done.returncode == 0, done.stderr
    records = collect(kafka_bootstrap, env["ESCWATCH_TOPIC_ALERTS"], 5, timeout=120)
    values = [codec.loads(r.value) for r in records]
    story_alerts = [(r.key, v) for r, v in zip(records, values, strict=True)
                    if v["schema"] == "story_alert.v1"]
    article_alerts = [v for v in values if v["schema"] == "alert.v1"]
    assert len(article_alerts) == 4, worker.log()[-3000:]
    assert story_alerts, f"no story alert; worker log:\n{worker.log()[-3000:]}"
    sid = story_id_for(seed["id"])
    assert {k for k, _ in story_alerts} == {sid.encode()}
    assert len(story_alerts) == 1  # reposts add no actor, type or level
    validate(story_alerts[0][1], "story_alert.v1")
    # Every article was assigned to the story, and the table's changelog holds it.
    assigned = collect(kafka_bootstrap, f"{env['ESCWATCH_APP_ID']}-stories.assigned", 4)
    assert {codec.loads(r.value)["story_id"] for r in assigned} == {sid}
    changelog = collect(kafka_bootstrap,
                        f"{env['ESCWATCH_APP_ID']}-story-articles-changelog", 4)
    assert changelog, worker.log()[-3000:]
    last = codec.loads(changelog[-1].value)
    assert last["story_id"] == sid
    assert last["articles"] == 4


def test_a_restarted_worker_continues_the_same_story(
    worker_env: dict[str, str], start_worker: Any, kafka_bootstrap: str, tmp_path: Path,
    run_id: str,
) -> None:
    env = {**worker_env, "ESCWATCH_STORIES": "1",
           "ESCWATCH_TOPIC_TRENDS": f"monitoring.trends.{run_id}"}
    seed = json.loads((ROOT / "seeds" / "articles.jsonl").read_text().splitlines()[0])
    copies = [dict(seed, id=f"{seed['id']}-copy-{i}", source=f"Outlet {i}",
                   url=f"https://o{i}.example/a",
                   published_at=seed["published_at"].replace("12:00", f"1{3 + i}:00"))
              for i in range(3)]
    first, second = tmp_path / "first.jsonl", tmp_path / "second.jsonl"
    first.write_text(json.dumps(seed) + "\n" + json.dumps(copies[0]) + "\n")
    second.write_text("".join(json.dumps(c) + "\n" for c in copies[1:]))
    assigned_topic = f"{env['ESCWATCH_APP_ID']}-stories.assigned"
    worker = start_worker(env)
    assert ingest(env, str(first)).returncode == 0
    assert len(collect(kafka_bootstrap, assigned_topic, 2, timeout=120)) >= 2, \
        worker.log()[-3000:]
    assert worker.stop() == 0
    again = start_worker(env)
    assert ingest(env, str(second)).returncode == 0
    assigned = collect(kafka_bootstrap, assigned_topic, 4, timeout=120)
    by_article = {codec.loads(r.value)["article_id"]: codec.loads(r.value)["story_id"]
                  for r in assigned}
    assert len(by_article) == 4, again.log()[-3000:]
    assert set(by_article.values()) == {story_id_for(seed["id"])}, again.log()[-3000:]
