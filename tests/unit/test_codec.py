"""The codec: JSON Schema contracts at the boundary, errors in the project's own terms."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest

from streams import codec
from streams.errors import DecodeError, SchemaError, TooLargeError

ROOT = Path(__file__).resolve().parents[2]


class TestSchemas:
    def test_every_seed_event_is_a_valid_article(self) -> None:
        """Each line of seeds/*.jsonl validates against article.v1."""
        lines = [ln for p in sorted((ROOT / "seeds").glob("*.jsonl"))
                 for ln in p.read_bytes().splitlines() if ln.strip()]
        assert lines
        for line in lines:
            codec.validate(orjson.loads(line), "article.v1")

    def test_unknown_schema_name_is_refused(self) -> None:
        """Asking for a schema that does not exist raises KeyError naming the known ones."""
        with pytest.raises(KeyError, match=r"article\.v1"):
            codec.validator("nope.v9")

    def test_alert_requires_evidence(self) -> None:
        """An alert without evidence breaks alert.v1."""
        alert = {"schema": "alert.v1", "id": "alr_" + "0" * 24, "article_id": "a",
                 "level": "low", "score": 30, "time": None, "summary": "s",
                 "signal_types": ["THREATEN"], "actors": [], "actor_names": [], "evidence": []}
        with pytest.raises(SchemaError, match="evidence"):
            codec.validate(alert, "alert.v1")


class TestDecodeArticle:
    def test_minimal_article_decodes(self) -> None:
        """An event with only id and text becomes an Article with defaults."""
        article = codec.decode_article(b'{"id": "x", "text": "Troops massed."}')
        assert (article.id, article.text, article.published_at) == ("x", "Troops massed.", None)

    def test_markup_is_stripped_not_rejected(self) -> None:
        """HTML tags and entities in text are removed and the words kept."""
        article = codec.decode_article(b'{"id": "x", "text": "<p>Tanks &amp; troops</p>"}')
        assert "Tanks & troops" in article.text
        assert "<" not in article.text

    @pytest.mark.parametrize(
        ("data", "error", "fragment"),
        [
            (b"{", DecodeError, "not valid JSON"),
            (b"[1, 2]", DecodeError, "JSON object"),
            (b"\xff\xfe{}", DecodeError, "UTF-8"),
            (b'{"id": "x"}', SchemaError, "text"),
            (b'{"id": 5, "text": "t"}', SchemaError, "id"),
            (b'{"id": "x", "text": ""}', SchemaError, "text"),
            (b'{"id": "x", "text": "<br>"}', SchemaError, "empty"),
            (b'{"id": "x", "text": "a\\u0000b"}', SchemaError, "NUL"),
            (b'{"id": "x", "text": "t", "published_at": "soon"}', SchemaError, "date-time"),
            (b'{"id": "x", "text": "t", "published_at": "2024-01-01T00:00:00"}', SchemaError,
             "date-time"),
            (b'{"id": "x", "text": "t", "n": ' + b"[" * 40 + b"]" * 40 + b"}", DecodeError,
             "nested"),
        ],
    )
    def test_bad_input_raises_a_clear_error(self, data: bytes, error: type[Exception],
                                           fragment: str) -> None:
        """Each kind of bad input raises its own error class with a message saying why."""
        with pytest.raises(error, match=fragment):
            codec.decode_article(data)

    def test_oversized_message_is_refused(self) -> None:
        """A message over the byte limit raises TooLargeError before parsing."""
        with pytest.raises(TooLargeError, match="over the limit"):
            codec.decode_article(b'{"id": "x", "text": "' + b"a" * 5000 + b'"}', max_bytes=2048)

    def test_send_stamp_is_carried(self) -> None:
        """decode_event returns the producer's sent_at_ms alongside the article."""
        _, sent = codec.decode_event(b'{"id": "x", "text": "t", "sent_at_ms": 1700000000000}')
        assert sent == 1.7e12


class TestDumps:
    def test_keys_are_sorted_for_byte_identical_replays(self) -> None:
        """dumps orders keys so equal objects give equal bytes."""
        assert codec.dumps({"b": 1, "a": 2}) == codec.dumps({"a": 2, "b": 1}) == b'{"a":2,"b":1}'
