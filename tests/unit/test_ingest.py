"""``escwatch ingest``: bad lines are reported with their line numbers, the exit status says
whether any were bad, and only valid articles are published (unless ``--raw``)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from kafka.errors import MessageSizeTooLargeError, NotLeaderForPartitionError

from streams import clients, codec
from streams.cli import main
from streams.sources import iter_inputs


class SentFuture:
    """A settled send result, like kafka-python's FutureRecordMetadata."""

    def __init__(self, error: Exception | None = None) -> None:
        """Succeeded, or failed with ``error``."""
        self.is_done = True
        self.error = error

    def get(self, timeout: float | None = None) -> object:
        """The record metadata, or raise the refusal."""
        if self.error is not None:
            raise self.error
        return object()


class FakeProducer:
    """Records what ingest publishes instead of talking to a broker."""

    def __init__(self, refuse: Callable[[bytes], Exception | None] = lambda value: None
                 ) -> None:
        """Start with nothing sent; ``refuse`` says which values the "broker" refuses."""
        self.sent: list[tuple[str, bytes | None, bytes]] = []
        self.flushed = self.closed = False
        self.refuse = refuse

    def send(self, topic: str, key: bytes | None = None, value: bytes = b"") -> SentFuture:
        """Record one message (only when accepted)."""
        error = self.refuse(value)
        if error is None:
            self.sent.append((topic, key, value))
        return SentFuture(error)

    def flush(self, timeout: float | None = None) -> None:
        """Note the flush."""
        self.flushed = True

    def close(self, timeout: float | None = None) -> None:
        """Note the close."""
        self.closed = True


GOOD = codec.dumps({"id": "good-1", "text": "Troops crossed the border."})
GOOD2 = codec.dumps({"id": "good-2", "text": "Leaders met for talks."})
LINES: list[bytes] = [
    GOOD,                                                   # 1
    b"",                                                    # 2: blank, skipped silently
    b'{"id": "x", "text": ',                                # 3: not JSON
    b'{"id": "no-text"}',                                   # 4: no text
    b'{"id": 5, "text": "t"}',                              # 5: wrong type
    b'{"id": "e", "text": ""}',                             # 6: empty text
    b'{"id": "u", "text": "caf\xe9"}',                      # 7: not UTF-8
    b'{"id": "n", "text": "a\\u0000b"}',                    # 8: NUL in text
    b'{"id": "m", "text": "<p> </p>"}',                     # 9: markup only
    b'[1, 2, 3]',                                           # 10: not an object
    GOOD2,                                                  # 11
]
BAD_LINES = {3, 4, 5, 6, 7, 8, 9, 10}


@pytest.fixture
def fake_producer(monkeypatch: pytest.MonkeyPatch) -> FakeProducer:
    """Replace the Kafka producer ingest builds with a recorder."""
    fake = FakeProducer()
    monkeypatch.setattr(clients, "producer", lambda settings, **kw: fake)
    monkeypatch.setattr(clients, "ensure_topics", lambda settings, names, partitions=None: None)
    monkeypatch.setenv("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:1")
    monkeypatch.setenv("ESCWATCH_APP_ID", "escwatch-ingest-test")
    monkeypatch.setenv("ESCWATCH_TOPIC_RAW", "articles.raw.ingest-test")
    return fake


@pytest.fixture
def mixed_file(tmp_path: Path) -> Path:
    """A JSONL file mixing valid and invalid lines."""
    path = tmp_path / "mixed.jsonl"
    path.write_bytes(b"\n".join(LINES) + b"\n")
    return path


def _reported_lines(stderr: str, path: Path) -> set[int]:
    return {int(line.split(":")[1]) for line in stderr.splitlines()
            if line.startswith(f"{path}:") and "invalid article" in line}


class TestIngestReportsBadLines:
    def test_bad_lines_are_reported_by_number_and_exit_is_nonzero(
        self, fake_producer: FakeProducer, mixed_file: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """Every invalid line is named path:line with its reason, valid lines are published
        and the exit status is 1."""
        code = main(["ingest", str(mixed_file)])
        err = capsys.readouterr().err
        assert code == 1
        assert _reported_lines(err, mixed_file) == BAD_LINES
        assert [key for _, key, _ in fake_producer.sent] == [b"good-1", b"good-2"]
        assert {topic for topic, _, _ in fake_producer.sent} == {"articles.raw.ingest-test"}
        assert "2 published" in err
        assert f"{len(BAD_LINES)} invalid" in err
        assert fake_producer.flushed
        assert fake_producer.closed

    def test_skip_invalid_reports_but_exits_zero(
        self, fake_producer: FakeProducer, mixed_file: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """With --skip-invalid the bad lines are still reported but the exit status is 0."""
        code = main(["ingest", "--skip-invalid", str(mixed_file)])
        err = capsys.readouterr().err
        assert code == 0
        assert _reported_lines(err, mixed_file) == BAD_LINES
        assert len(fake_producer.sent) == 2

    def test_all_valid_exits_zero(
        self, fake_producer: FakeProducer, tmp_path: Path
    ) -> None:
        """A file of valid articles is published in order with exit status 0."""
        path = tmp_path / "ok.jsonl"
        path.write_bytes(GOOD + b"\n" + GOOD2 + b"\n")
        assert main(["ingest", str(path)]) == 0
        assert [codec.loads(v)["id"] for _, _, v in fake_producer.sent] == ["good-1", "good-2"]

    def test_line_over_the_size_limit_is_reported(
        self, fake_producer: FakeProducer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]
    ) -> None:
        """A line over ESCWATCH_MAX_MESSAGE_BYTES is reported as too large, not sent."""
        monkeypatch.setenv("ESCWATCH_MAX_MESSAGE_BYTES", str(64 * 1024))
        path = tmp_path / "big.jsonl"
        big = codec.dumps({"id": "big", "text": "word " * 20_000})
        path.write_bytes(GOOD + b"\n" + big + b"\n")
        assert main(["ingest", str(path)]) == 1
        err = capsys.readouterr().err
        assert f"{path}:2:" in err
        assert "limit" in err
        assert [key for _, key, _ in fake_producer.sent] == [b"good-1"]

    def test_raw_mode_sends_bad_lines_for_the_worker_to_dead_letter(
        self, fake_producer: FakeProducer, mixed_file: Path
    ) -> None:
        """--raw publishes every non-blank line unvalidated, bytes unchanged."""
        assert main(["ingest", "--raw", str(mixed_file)]) == 0
        assert [v for _, _, v in fake_producer.sent] == [ln for ln in LINES if ln]


class TestSourcesAgreeWithTheWorker:
    def test_iter_inputs_rejects_what_the_worker_would_dead_letter(
        self, mixed_file: Path
    ) -> None:
        """iter_inputs flags exactly the lines the worker's decoder refuses."""
        items = list(iter_inputs([str(mixed_file)]))
        flagged = {item.line for item in items if item.error is not None}
        assert flagged == BAD_LINES
        for item in items:
            if item.error is None:
                codec.decode_article(item.raw)


class TestIngestChecksSendResults:
    def test_refused_records_are_counted_with_the_reason_and_exit_is_one(
            self, fake_producer: FakeProducer, tmp_path: Path,
            capsys: pytest.CaptureFixture[str]) -> None:
        """A record the broker refuses is not "published": it is named by line with the
        broker's reason, counted as refused, and the exit status is 1, also with
        --skip-invalid."""
        fake_producer.refuse = lambda value: (
            MessageSizeTooLargeError() if b"big" in value
            else NotLeaderForPartitionError("leader moved") if b"moved" in value else None)
        path = tmp_path / "a.jsonl"
        path.write_bytes(b"\n".join([
            GOOD, codec.dumps({"id": "b", "text": "big " * 10}),
            codec.dumps({"id": "m", "text": "moved"}), GOOD2]) + b"\n")
        assert main(["ingest", "--skip-invalid", str(path)]) == 1
        err = capsys.readouterr().err
        assert f"{path}:2: refused: MessageSizeTooLargeError from the broker" in err
        assert "maximum message size" in err  # the broker's description of the error
        assert f"{path}:3: refused: NotLeaderForPartitionError from the broker" in err
        assert "leader moved" in err
        assert "ingest: 2 published to articles.raw.ingest-test, 2 refused, 0 invalid" in err
        assert [k for _, k, _ in fake_producer.sent] == [b"good-1", b"good-2"]

    def test_a_send_the_producer_rejects_at_once_does_not_stop_the_run(
            self, fake_producer: FakeProducer, tmp_path: Path,
            capsys: pytest.CaptureFixture[str]) -> None:
        """With --raw, a record the producer refuses before sending (too big for it) is
        reported by line and the lines after it are still sent."""
        plain_send = fake_producer.send

        def send(topic: str, key: bytes | None = None, value: bytes = b"") -> SentFuture:
            if len(value) > 1000:
                raise MessageSizeTooLargeError(f"The message is {len(value)} bytes")
            return plain_send(topic, key, value)

        fake_producer.send = send  # type: ignore[method-assign]
        path = tmp_path / "raw.jsonl"
        path.write_bytes(b"\n".join([GOOD, b"x" * 5000, GOOD2]) + b"\n")
        assert main(["ingest", "--raw", str(path)]) == 1
        err = capsys.readouterr().err
        assert f"{path}:2: refused: MessageSizeTooLargeError from the producer" in err
        assert "The message is 5000 bytes" in err
        assert "2 published" in err
        assert "Traceback" not in err
        assert len(fake_producer.sent) == 2
