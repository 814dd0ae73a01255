"""Poison never blocks a partition: a 935 KB one-sentence article followed by a valid one,
through the real broker, with the worker limited to 1 GB of address space and restarted
when it dies, as a supervisor would."""

from __future__ import annotations

import os
import resource
import signal
import subprocess
import sys
import time
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


def _in_progress(journal: Path) -> tuple[int, int] | None:
    """The ``(offset, starts)`` the worker noted for the single input partition."""
    notes = list(journal.glob("*.attempt"))
    if not notes:
        return None
    fields = notes[0].read_bytes().split()
    return (int(fields[0]), int(fields[1])) if len(fields) >= 2 else None


class TestCrashMidAnalysis:
    def test_killed_during_an_article_it_is_dead_lettered_on_the_next_start(
        self, worker_env: dict[str, str], kafka_bootstrap: str, tmp_path: Path
    ) -> None:
        """SIGKILL while a slow article is being analysed: the restarted worker gives it up
        as ``poison`` (one dead letter, no analysis from the new process) and goes on with the
        articles behind it, so a crash can neither lose a message silently nor loop."""
        seed = _seed()
        unit = "NATO Russia Ukraine Germany China Putin Zelenskiy Stoltenberg "
        slow = {**seed, "text": unit * (900_000 // len(unit))}  # about 1.5 s of analysis
        items = [(f"slow-{i}".encode(), codec.dumps({**slow, "id": f"slow-{i}"}))
                 for i in range(3)]
        items += [(f"after-{i}".encode(), codec.dumps({**seed, "id": f"after-{i}"}))
                  for i in range(3)]
        env = {**worker_env, "ESCWATCH_MAX_ATTEMPTS": "1",
               "ESCWATCH_ARTICLE_TIME_BUDGET": "0"}  # the crash, not the budget, is tested
        create_topics(env)
        produce(kafka_bootstrap, env["ESCWATCH_TOPIC_RAW"], items)
        journal = Path(env["ESCWATCH_DATA_DIR"]) / "attempts"
        log = tmp_path / "worker.log"
        analyzed = TopicReader(kafka_bootstrap, env["ESCWATCH_TOPIC_ANALYZED"])
        dead = TopicReader(kafka_bootstrap, env["ESCWATCH_TOPIC_DEADLETTER"])
        worker = _start(env, log)
        try:
            def started_slow_one() -> bool:
                note = _in_progress(journal)
                return note is not None and note[0] < 3 and note[1] >= 1

            assert wait_for(started_slow_one, 120, interval=0.005), log.read_text()[-3000:]
            os.kill(worker.pid, signal.SIGKILL)
            worker.wait(timeout=10)
            note = _in_progress(journal)
            assert note is not None
            killed_offset = note[0]
            killed_id = f"slow-{killed_offset}".encode()
            analyzed.drain(1.0)
            seen_before = {r.key for r in analyzed.records}
            assert killed_id not in seen_before, "the worker finished it before the kill"
            restart_at = time.monotonic()
            worker = _start(env, log)
            expected = {key for key, _ in items} - {killed_id}

            def rest_done() -> bool:
                analyzed.poll()
                return expected <= {r.key for r in analyzed.records}

            assert wait_for(rest_done, 180, interval=0.5), log.read_text()[-3000:]
            dead.drain(2.0)
            analyzed.drain(1.0)
            print(f"\ncrash test: killed on offset {killed_offset}; restart to all done "
                  f"{time.monotonic() - restart_at:.1f} s")
        finally:
            if worker.poll() is None:
                worker.kill()
                worker.wait(timeout=10)
            analyzed.close()
            dead.close()
        letters = [codec.loads(r.value) for r in dead.records]
        assert [(d["article_id"], d["reason"]) for d in letters] == \
            [(killed_id.decode(), "poison")]
        codec.validate(letters[0], "deadletter.v1")
        assert killed_id not in {r.key for r in analyzed.records}
