"""The worker's producer waits for all in-sync replicas and is idempotent."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from streams import app as worker_app
from streams.config import Settings


def test_worker_producer_is_idempotent_with_acks_all(tmp_path: Path, analyzer: Any) -> None:
    """Faust turns idempotence on only for exactly-once; the worker's app does it for its
    at-least-once producer, with acks=all, on this aiokafka."""
    settings = Settings(data_dir=tmp_path, web_port=16166)
    app = worker_app.create_app(settings, analyzer)
    producer = app._new_producer()
    assert isinstance(producer, worker_app.IdempotentProducer)
    extra = producer._settings_extra()
    assert extra["acks"] == "all"
    assert worker_app._aiokafka_idempotence() is True
    assert extra["enable_idempotence"] is True
    assert app.conf.processing_guarantee.value == "at_least_once"
