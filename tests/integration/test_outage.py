"""A 60 s broker outage with work in flight: the worker's log stays short, ``/health``
turns not-ready and back, and every article still gets its analysis and alerts.

The broker is a private local JVM on port 29192 (``ESCWATCH_OUTAGE_PORT`` changes it),
stopped cleanly and restarted on its own data, as a production broker restart would be.
"""

from __future__ import annotations

import json
import os
import shutil
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from kafka import KafkaProducer

from streams import codec, localkafka
from streams.config import LocalBrokerSettings
from streams.localkafka.state import port_dir
from tests.integration.test_crash_recovery import (
    Background,
    TopicReader,
    check_outputs,
    corpus,
    create_topics,
    expected_alerts,
    produce,
)

pytestmark = [pytest.mark.kafka, pytest.mark.slow, pytest.mark.timeout(600)]

N_ARTICLES = 1_500
OUTAGE = float(os.environ.get("ESCWATCH_OUTAGE_SECONDS", "60"))
PORT = int(os.environ.get("ESCWATCH_OUTAGE_PORT", "29192"))


def health(port: int) -> tuple[int, dict[str, Any]]:
    """GET /health: the HTTP status and the JSON body (status 0 when nothing answers)."""
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=3) as resp:
            return resp.status, json.loads(resp.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read() or b"{}")
    except OSError:
        return 0, {}


def feed(bootstrap: str, topic: str, events: list[dict[str, Any]], rate: float) -> None:
    """Publish ``events`` at ``rate`` per second through the outage: the producer keeps
    retrying until the broker is back, and waits for every acknowledgement."""
    producer = KafkaProducer(bootstrap_servers=bootstrap, acks="all", linger_ms=5,
                             retries=1_000, retry_backoff_ms=500, request_timeout_ms=30_000,
                             delivery_timeout_ms=300_000, max_block_ms=300_000,
                             reconnect_backoff_max_ms=2_000)
    started = time.monotonic()
    try:
        for i, event in enumerate(events):
            time.sleep(max(0.0, started + i / rate - time.monotonic()))
            producer.send(topic, key=event["id"].encode(), value=codec.dumps(event))
        producer.flush(timeout=300)
    finally:
        producer.close(timeout=10)


def cpu_seconds(pid: int) -> float:
    """User plus system CPU seconds of a process, from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@pytest.fixture
def outage_broker(kafka_bootstrap: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[int]:
    """A JVM broker of this test on its own port, stopped after the test."""
    monkeypatch.delenv("KAFKA_BOOTSTRAP_SERVERS", raising=False)
    try:
        status = localkafka.up(PORT, timeout=180)
    except localkafka.BrokerUnavailableError as exc:
        if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
            pytest.fail(f"CI needs a private JVM broker for this test: {exc}")
        pytest.skip(f"cannot start a private JVM broker: {exc}")
    if status.mode != "jvm":
        localkafka.down(PORT)
        pytest.skip(f"a private broker came up as {status.mode!r}; the test restarts a JVM")
    state = port_dir(LocalBrokerSettings.from_env().state_dir, PORT)
    try:
        yield PORT
    finally:
        localkafka.down(PORT)
        shutil.rmtree(state, ignore_errors=True)


def test_outage_is_quiet_truthful_and_loses_nothing(
        worker_env: dict[str, str], start_worker: Any, outage_broker: int) -> None:
    bootstrap = f"127.0.0.1:{outage_broker}"
    # The production log level: the flood of the issue was at INFO.
    env = {**worker_env, "KAFKA_BOOTSTRAP_SERVERS": bootstrap, "ESCWATCH_LOG_LEVEL": "INFO",
           "ESCWATCH_LOG_REPEAT_INTERVAL": "10"}
    web = int(env["ESCWATCH_WEB_PORT"])
    events = corpus(N_ARTICLES, "outage")
    expected = expected_alerts(env, events)
    create_topics(env)
    raw = env["ESCWATCH_TOPIC_RAW"]
    third = N_ARTICLES // 3
    produce(bootstrap, raw, ((e["id"].encode(), codec.dumps(e)) for e in events[:third]))
    analyzed = TopicReader(bootstrap, env["ESCWATCH_TOPIC_ANALYZED"])
    worker = start_worker(env)
    try:
        assert analyzed.until(lambda recs: len(recs) >= 1, 120), worker.log()[-3000:]
        deadline = time.monotonic() + 60
        while health(web)[0] != 200 and time.monotonic() < deadline:
            time.sleep(0.5)
        code, body = health(web)
        assert code == 200, body
        assert body["status"] == "ok", body
        assert body["broker"]["reachable"], body
        assert body["partitions"], body
        # The rest arrive while the broker goes away: work is in flight through the outage.
        feeder = Background(lambda: feed(bootstrap, raw, events[third:], rate=15))
        time.sleep(3)
        lines_before = len(worker.log().splitlines())
        localkafka.down(outage_broker)
        assert localkafka.probe_metadata(bootstrap, timeout=1.0) is None
        down_at = time.monotonic()
        cpu_before = cpu_seconds(worker.proc.pid)
        not_ready_after: float | None = None
        while time.monotonic() - down_at < OUTAGE:
            code, body = health(web)
            if not_ready_after is None and code == 503:
                not_ready_after = time.monotonic() - down_at
                assert body["status"] == "not_ready", body
                assert not body["broker"]["reachable"], body
            time.sleep(1)
        cpu = (cpu_seconds(worker.proc.pid) - cpu_before) / (time.monotonic() - down_at)
        status = localkafka.up(outage_broker, timeout=180, keep_data=True)
        assert status.running, status
        assert status.mode == "jvm", status
        back_at = time.monotonic()
        ready_after: float | None = None
        while time.monotonic() - back_at < 120:
            if health(web)[0] == 200:
                ready_after = time.monotonic() - back_at
                break
            time.sleep(0.5)
        feeder.join(timeout=330)
        seen = check_outputs(bootstrap, env, events, expected, worker.log())
        assert worker.proc.poll() is None, f"worker died:\n{worker.log()[-3000:]}"
        if os.environ.get("ESCWATCH_OUTAGE_LOG"):  # keep the log to read it afterwards
            Path(os.environ["ESCWATCH_OUTAGE_LOG"]).write_text(worker.log())
        log_lines = len(worker.log().splitlines()) - lines_before
        log_bytes = len(worker.log().encode())
        print(f"\noutage {OUTAGE:.0f} s: {log_lines} log lines from the stop to the end "
              f"({log_bytes} bytes in the whole log), worker CPU {cpu:.0%} during the "
              f"outage, /health 503 after {not_ready_after} s, 200 again "
              f"{ready_after} s after the broker was back; {len(expected)} alerts, "
              f"{sum(seen.values()) - len(seen)} duplicate alert records")
        assert not_ready_after is not None, "/health never said not ready during the outage"
        assert ready_after is not None, "/health never became ready again"
        assert log_lines < 1000, worker.log()[-5000:]
        assert cpu < 0.5, f"worker CPU {cpu:.0%} during the outage"
    finally:
        analyzed.close()
