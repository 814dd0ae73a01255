"""Analyses and alerts too big to publish are degraded to fit, never dead-lettered."""

from __future__ import annotations

from typing import Any

import orjson
import pytest

from streams import codec, fitting
from streams.config import Settings
from streams.core.analyze import Analyzer
from streams.pipeline import Origin, build_analyzer, route
from tests.integration.conftest import ROOT


@pytest.fixture(scope="module")
def analyzer() -> Analyzer:
    return build_analyzer(Settings())


def _seed() -> dict[str, Any]:
    event: dict[str, Any] = orjson.loads(
        (ROOT / "seeds" / "articles.jsonl").read_bytes().splitlines()[0])
    return event


def _check_offsets(text: str, analysis: dict[str, Any]) -> None:
    for signal in analysis["signals"]:
        assert text[signal["sentence_start"]:signal["sentence_end"]] == signal["sentence"]
        assert text[signal["start"]:signal["end"]].lower() == signal["trigger"].lower()
    if analysis["alert"] is not None:
        for evidence in analysis["alert"]["evidence"]:
            assert text[evidence["start"]:evidence["end"]] == evidence["sentence"]


class TestLongArticles:
    def test_long_ordinary_article_keeps_its_alert(self, analyzer: Analyzer) -> None:
        """A 150 KB article of ordinary sentences: the analysis and the alert are both
        published within the limit, schema-valid, with exact offsets."""
        seed = _seed()
        text = "\n\n".join([seed["text"]] * (150_000 // len(seed["text"]) + 1))
        event = {**seed, "id": "long-ordinary", "text": text}
        routed = route(codec.dumps(event), b"long-ordinary", Origin("t", 0, 0), analyzer,
                       max_bytes=1_000_000)
        kinds = [r.destination for r in routed.records]
        assert kinds == ["analyzed", "alerts"], kinds
        assert all(len(r.value) <= codec.MAX_MESSAGE_BYTES for r in routed.records)
        analysis = codec.loads(routed.records[0].value)
        codec.validate(analysis, "analysis.v1")
        codec.validate(codec.loads(routed.records[1].value), "alert.v1")
        _check_offsets(text, analysis)

    def test_small_limit_degrades_in_steps_and_marks_it(self, analyzer: Analyzer) -> None:
        """Under a tight limit quotes are cut first, then signals and actors are dropped;
        the marker counts what went, and the alert is kept."""
        seed = _seed()
        text = " ".join([seed["text"].replace(".", ",")] * 20)  # one long run-on sentence
        analysis = analyzer.analyze(codec.article_from_event(
            {**seed, "id": "run-on", "text": text})).to_dict()
        full_signals = len(analysis["signals"])
        assert analysis["alert"] is not None
        alert_id = analysis["alert"]["id"]
        data = fitting.fit_analysis(analysis, 20_000)
        assert len(data) <= 20_000
        fitted = codec.loads(data)
        codec.validate(fitted, "analysis.v1")
        assert fitted["truncated"] is True
        marker = fitted["degraded"]
        assert marker["sentences_cut"] + marker["signals_dropped"] > 0
        assert marker["signals_dropped"] == full_signals - len(fitted["signals"])
        assert fitted["alert"]["id"] == alert_id
        assert all(len(s["sentence"]) <= fitting.QUOTE_WINDOW for s in fitted["signals"])
        _check_offsets(text, fitted)

    def test_oversized_alert_keeps_one_evidence_quote_at_least(self, analyzer: Analyzer) -> None:
        """An alert over the limit gets cut quotes, is marked, and keeps its evidence."""
        seed = _seed()
        text = " ".join([seed["text"].replace(".", ",")] * 40)
        alert = analyzer.analyze(codec.article_from_event(
            {**seed, "id": "run-on-alert", "text": text})).to_dict()["alert"]
        assert alert is not None
        data = fitting.fit_alert(alert, 2_000)
        fitted = codec.loads(data)
        codec.validate(fitted, "alert.v1")
        assert fitted["truncated"] is True
        assert len(fitted["evidence"]) >= 1
        for evidence in fitted["evidence"]:
            assert text[evidence["start"]:evidence["end"]] == evidence["sentence"]
            assert evidence["trigger"].lower() in evidence["sentence"].lower()

    def test_small_records_are_untouched(self, analyzer: Analyzer) -> None:
        """The seed's records fit: no marker, same bytes as plain encoding."""
        analysis = analyzer.analyze(codec.article_from_event(_seed())).to_dict()
        assert fitting.fit_analysis(analysis, codec.MAX_MESSAGE_BYTES) == codec.dumps(analysis)
        assert "degraded" not in analysis
