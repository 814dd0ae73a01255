"""Poison never blocks a partition: a 935 KB one-sentence article followed by a valid one,
through the real broker, with the worker limited to 1 GB of address space and restarted
when it dies, as a supervisor would."""

from __future__ import annotations

import resource
import subprocess
import sys
from pathlib import Path
from typing import Any

import orjson
import pytest

from streams import codec
from streams.localkafka.util import log_tail
from tests.integration.conftest import ROOT, wait_for
from tests.integration.test_crash_recovery import TopicReader, create_topics, produce

pytestmark = [pytest.mark.kafka, pytest.mark.slow, pytest.mark.timeout(300)]

MEMORY_LIMIT = 1 << 30


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def _start(env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("ab") as out:
        return subprocess.Popen([sys.executable, "-m", "streams.cli", "worker"], env=env,
                                cwd=ROOT, stdout=out, stderr=subprocess.STDOUT,
                                preexec_fn=_limit_memory)


def _seed() -> dict[str, Any]:
    event: dict[str, Any] = orjson.loads(
        (ROOT / "seeds" / "articles.jsonl").read_bytes().splitlines()[0])
    return event


class TestPoison:
    def test_run_on_article_then_valid_one_under_one_gigabyte(
        self, worker_env: dict[str, str], kafka_bootstrap: str, tmp_path: Path
    ) -> None:
        """The valid article behind the poison one is analysed; the poison one ends as
        exactly one dead letter (or one analysis), never in a crash loop."""
        seed = _seed()
        words = seed["text"].replace(".", ",").replace("\n", " ") + " "
        poison = {**seed, "id": "poison-run-on", "text": (words * (935_000 // len(words)))}
        valid = {**seed, "id": "valid-after-poison"}
        env = {**worker_env, "ESCWATCH_MAX_ATTEMPTS": "2"}
        create_topics(env)
        produce(kafka_bootstrap, env["ESCWATCH_TOPIC_RAW"],
                [(b"poison-run-on", codec.dumps(poison)), (b"valid", codec.dumps(valid))])
        analyzed = TopicReader(kafka_bootstrap, env["ESCWATCH_TOPIC_ANALYZED"])
        dead = TopicReader(kafka_bootstrap, env["ESCWATCH_TOPIC_DEADLETTER"])
        log = tmp_path / "worker.log"
        worker = _start(env, log)
        restarts = 0
        try:
            def valid_done() -> bool:
                nonlocal worker, restarts
                if worker.poll() is not None and restarts < 5:
                    restarts += 1
                    worker = _start(env, log)
                return any(r.key == b"valid-after-poison" for r in analyzed.poll())

            assert wait_for(valid_done, 240, interval=0.5), log_tail(log)
            dead.drain(2.0)
            analyzed.drain(1.0)
        finally:
            if worker.poll() is None:
                worker.terminate()
                try:
                    worker.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    worker.kill()  # stuck in an analysis: never leave it running
                    worker.wait(timeout=10)
            analyzed.close()
            dead.close()
        letters = [codec.loads(r.value) for r in dead.records]
        poison_analyses = [r for r in analyzed.records if r.key == b"poison-run-on"]
        print(f"\npoison test: {restarts} worker restarts; dead letters "
              f"{[d['reason'] for d in letters]}; poison analyses {len(poison_analyses)}")
        assert len(letters) + len({r.key for r in poison_analyses}) == 1
        if letters:
            assert letters[0]["article_id"] == "poison-run-on"
            assert letters[0]["reason"] in {"poison", "budget_exceeded", "processing_error"}
            codec.validate(letters[0], "deadletter.v1")
        assert restarts <= 2, "the worker crash-looped on the poison message"
