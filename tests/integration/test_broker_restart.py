"""No loss across a broker restart: a private local broker is stopped (SIGTERM, a clean
shutdown) in the middle of the stream and started again on the same data, and the worker
still delivers every analysis and every expected alert.

``localkafka.up(port, keep_data=True)`` restarts the JVM on the storage of its previous
run, so topics and committed offsets survive as they would on a production broker.
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Iterator
from typing import Any

import pytest

from streams import codec, localkafka
from streams.config import LocalBrokerSettings
from streams.localkafka.state import port_dir
from streams.localkafka.util import free_port
from tests.integration.test_crash_recovery import (
    Background,
    TopicReader,
    check_outputs,
    corpus,
    create_topics,
    expected_alerts,
    produce,
)

pytestmark = [pytest.mark.kafka, pytest.mark.slow, pytest.mark.timeout(420)]

N_ARTICLES = 2_000


class PrivateBroker:
    """A local JVM broker of this test only, which can be restarted on its own data."""

    def __init__(self, port: int) -> None:
        """Remember the port; the broker is started by the fixture."""
        self.port = port
        self.bootstrap = f"127.0.0.1:{port}"
        self.state_dir = port_dir(LocalBrokerSettings.from_env().state_dir, port)

    def restart(self, outage: float = 3.0) -> float:
        """Stop the broker cleanly, wait ``outage`` seconds, start it again on the same
        storage, and return the seconds until it answers metadata requests again."""
        localkafka.down(self.port)
        assert localkafka.probe_metadata(self.bootstrap, timeout=1.0) is None
        time.sleep(outage)
        started = time.monotonic()
        status = localkafka.up(self.port, timeout=120, keep_data=True)
        assert status.running, status
        assert status.mode == "jvm", status
        return time.monotonic() - started


@pytest.fixture
def private_broker(kafka_bootstrap: str, monkeypatch: pytest.MonkeyPatch
                   ) -> Iterator[PrivateBroker]:
    """A JVM broker on its own port, stopped after the test."""
    # up() prefers KAFKA_BOOTSTRAP_SERVERS and Docker; this test needs its own JVM.
    monkeypatch.delenv("KAFKA_BOOTSTRAP_SERVERS", raising=False)
    port = free_port(2)  # the broker and its KRaft controller
    try:
        status = localkafka.up(port, timeout=180)
    except localkafka.BrokerUnavailableError as exc:
        if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
            pytest.fail(f"CI needs a private JVM broker for this test: {exc}")
        pytest.skip(f"cannot start a private JVM broker: {exc}")
    if status.mode != "jvm":
        localkafka.down(port)
        pytest.skip(f"a private broker came up as {status.mode!r}; the test restarts a JVM")
    broker = PrivateBroker(port)
    try:
        yield broker
    finally:
        localkafka.down(port)
        shutil.rmtree(broker.state_dir, ignore_errors=True)


class TestBrokerRestart:
    def test_broker_restart_mid_stream_loses_nothing(
        self, worker_env: dict[str, str], start_worker: Any, private_broker: PrivateBroker
    ) -> None:
        """With the broker stopped and restarted while articles flow, every article still gets
        its analysis and every expected alert arrives, unchanged."""
        bootstrap = private_broker.bootstrap
        env = {**worker_env, "KAFKA_BOOTSTRAP_SERVERS": bootstrap}
        events = corpus(N_ARTICLES, "restart")
        expected = expected_alerts(env, events)
        create_topics(env)
        raw = env["ESCWATCH_TOPIC_RAW"]
        produce(bootstrap, raw, [(events[0]["id"].encode(), codec.dumps(events[0]))])
        analyzed = TopicReader(bootstrap, env["ESCWATCH_TOPIC_ANALYZED"])
        try:
            worker = start_worker(env)
            assert analyzed.until(lambda recs: len(recs) >= 1, 90), worker.log()[-3000:]
            half = N_ARTICLES // 2
            produce(bootstrap, raw, ((e["id"].encode(), codec.dumps(e)) for e in events[1:half]))
            # The rest arrive while the broker goes away; the producer retries until it is back.
            feeder = Background(lambda: produce(
                bootstrap, raw, ((e["id"].encode(), codec.dumps(e)) for e in events[half:]),
                rate=200))
            time.sleep(0.5)
            down_for = private_broker.restart()
            feeder.join(timeout=180)
            assert worker.proc.poll() is None, f"worker died in the outage:\n{worker.log()[-3000:]}"
            seen = check_outputs(bootstrap, env, events, expected, worker.log())
            assert worker.proc.poll() is None, f"worker died:\n{worker.log()[-3000:]}"
            print(f"\nbroker restart: back after {down_for:.1f} s; {len(expected)} alerts, "
                  f"{sum(seen.values()) - len(seen)} duplicate alert records")
        finally:
            analyzed.close()
