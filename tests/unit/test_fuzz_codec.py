"""Property tests of the codec: any bytes give an Article or a DecodeError, nothing else;
valid article events round-trip."""

from __future__ import annotations

import json
from typing import Any

import orjson
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from streams import codec
from streams.core.model import Article
from streams.errors import DecodeError

FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])



def _json_values(integers: st.SearchStrategy[int]) -> st.SearchStrategy[Any]:
    leaf = st.none() | st.booleans() | integers | st.floats(allow_nan=False) | st.text()
    return st.recursive(leaf, lambda inner: st.lists(inner, max_size=4)
                        | st.dictionaries(st.text(max_size=8), inner, max_size=4), max_leaves=20)


# Any JSON, including integers no 64-bit parser can hold (a hostile producer may send them).
_json = _json_values(st.integers())
# What our own events may carry: orjson (like most Kafka consumers) keeps to 64-bit integers.
_json64 = _json_values(st.integers(-(2**63), 2**64 - 1))

# Text that survives markup stripping: no "<" or "&" and at least one letter.
_plain = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="<&\x00"),
                 min_size=1, max_size=300).filter(lambda t: any(c.isalnum() for c in t))
_rfc3339 = st.datetimes(allow_imaginary=False).map(
    lambda d: d.replace(microsecond=0).isoformat() + "Z")

_articles = st.fixed_dictionaries(
    {"id": st.text(min_size=1, max_size=40), "text": _plain},
    optional={
        "schema": st.just("article.v1"),
        "title": st.text(st.characters(blacklist_categories=("Cs",),
                                       blacklist_characters="<&"), max_size=60),
        "url": st.just("https://example.org/a"),
        "source": st.text(max_size=20),
        "published_at": _rfc3339,
        "language": st.sampled_from(["en", "fr", "en-GB"]),
        "sent_at_ms": st.floats(min_value=0, max_value=2e12),
        "extra": _json64,
    })


def _decode(data: bytes) -> Article | DecodeError:
    try:
        return codec.decode_article(data, max_bytes=10_000)
    except DecodeError as exc:
        return exc


class TestArbitraryBytes:
    @FUZZ
    @given(st.binary(max_size=2000))
    def test_any_bytes_give_an_article_or_a_decode_error(self, data: bytes) -> None:
        """Random bytes never raise anything but a DecodeError subclass with a reason."""
        result = _decode(data)
        if isinstance(result, DecodeError):
            assert result.reason in {"decode_error", "schema_error", "too_large"}
            assert str(result)
        else:
            assert isinstance(result, Article)

    @FUZZ
    @given(_json)
    def test_any_json_value_gives_an_article_or_a_decode_error(self, value: Any) -> None:
        """Any JSON document, object or not, decodes to an Article or a DecodeError."""
        result = _decode(json.dumps(value).encode())
        assert isinstance(result, Article | DecodeError)

    @FUZZ
    @given(_articles, st.integers(0, 60), st.binary(min_size=1, max_size=3))
    def test_corrupted_valid_events_never_escape_the_error_root(
        self, event: dict[str, Any], at: int, noise: bytes
    ) -> None:
        """A valid event with bytes spliced in still decodes or fails with a DecodeError."""
        data = orjson.dumps(event)
        at = min(at, len(data))
        result = _decode(data[:at] + noise + data[at:])
        assert isinstance(result, Article | DecodeError)

    @FUZZ
    @given(st.integers(1, 200))
    def test_deep_nesting_is_refused_without_recursion_error(self, depth: int) -> None:
        """Nesting beyond the limit is a DecodeError, never a RecursionError."""
        inner = "[" * depth + "]" * depth
        result = _decode(f'{{"id": "x", "text": "t", "deep": {inner}}}'.encode())
        if depth + 1 > codec.MAX_DEPTH:
            assert isinstance(result, DecodeError)
        else:
            assert isinstance(result, Article)


class TestRoundTrip:
    @FUZZ
    @given(_articles)
    def test_valid_article_events_round_trip(self, event: dict[str, Any]) -> None:
        """Encoding a valid article.v1 event and decoding it gives back its fields."""
        codec.validate(event, "article.v1")
        article, sent_at = codec.decode_event(codec.dumps(event))
        assert article.id == event["id"]
        assert article.text == event["text"]
        assert article.title == event.get("title", "")
        assert article.published_at == event.get("published_at")
        assert article.language == event.get("language", "en")
        assert sent_at == event.get("sent_at_ms")

    @FUZZ
    @given(_articles)
    def test_dumps_is_stable_under_reparse(self, event: dict[str, Any]) -> None:
        """dumps(loads(dumps(x))) == dumps(x): sorted keys make the bytes canonical."""
        data = codec.dumps(event)
        assert codec.dumps(codec.loads(data)) == data
