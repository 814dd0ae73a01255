"""Trigger-level modality figures: coverage, modality right, the confusion, the data file."""

from __future__ import annotations

import io
import json
from collections import Counter
from pathlib import Path

import orjson
import pytest

from streams.errors import ConfigError
from streams.evaluation import command as eval_command
from streams.evaluation.command import main
from streams.evaluation.datasets import MODALITIES, GoldEvent, read_dataset
from streams.evaluation.metrics import NO_SIGNAL, evaluate_triggers
from streams.evaluation.systems import Prediction, PredSignal, System

DATA = Path(__file__).resolve().parents[2] / "data"
ESC = "escalation"
DE = "de-escalation"


def gold(start: int, end: int, modality: str | None, kind: str = "ASSAULT") -> GoldEvent:
    return GoldEvent(kind, ESC, modality, None, start, end)


def sig(start: int, end: int, modality: str | None) -> PredSignal:
    return PredSignal("ASSAULT", ESC, start, end, modality)


class TestEvaluateTriggers:
    def test_hand_made_case(self) -> None:
        """Coverage counts overlapping spans; modality right counts among covered only."""
        golds = [
            [gold(0, 5, "asserted"), gold(10, 15, "negated")],  # both covered, one right
            [gold(3, 8, "future")],  # touches at 8 only: not covered
            [gold(0, 4, "hypothetical")],  # covered, right
            [],
        ]
        preds = [
            [sig(2, 7, "asserted"), sig(14, 20, "asserted")],
            [sig(8, 12, "future")],
            [sig(0, 4, "hypothetical")],
            [sig(0, 3, "negated")],
        ]
        report = evaluate_triggers(golds, preds)
        assert report["triggers"] == 4
        assert report["covered"] == 3
        assert report["coverage"] == pytest.approx(0.75)
        assert report["modality_labelled"] == 3
        assert report["modality_correct"] == 2
        assert report["modality_right"] == pytest.approx(2 / 3)
        confusion = report["confusion"]
        assert confusion["asserted"]["asserted"] == 1
        assert confusion["negated"]["asserted"] == 1
        assert confusion["future"][NO_SIGNAL] == 1
        assert confusion["hypothetical"]["hypothetical"] == 1
        assert sum(sum(row.values()) for row in confusion.values()) == 4
        assert report["per_modality"]["future"] == {
            "triggers": 1, "covered": 0, "coverage": 0.0, "correct": 0, "right": None}
        assert [t["met"] for t in report["targets"]] == [False, False]

    def test_first_overlapping_signal_decides(self) -> None:
        """Of two overlapping signals the first in text order gives the modality."""
        golds = [[gold(5, 20, "negated")]]
        preds = [[sig(12, 18, "asserted"), sig(4, 9, "negated")]]
        report = evaluate_triggers(golds, preds)
        assert report["modality_correct"] == 1
        assert report["targets"][1]["met"] is True

    def test_signal_elsewhere_does_not_cover(self) -> None:
        """A signal in the sentence but away from the trigger covers nothing."""
        report = evaluate_triggers([[gold(30, 40, "asserted")]], [[sig(0, 10, "asserted")]])
        assert report["covered"] == 0
        assert report["coverage"] == 0.0
        assert report["modality_right"] is None
        assert report["targets"][1]["met"] is None

    def test_events_without_span_are_ignored(self) -> None:
        """Only events labelled with a span are counted."""
        golds = [[GoldEvent("ASSAULT", ESC, "asserted"), gold(0, 3, None)]]
        report = evaluate_triggers(golds, [[sig(0, 3, "future")]])
        assert report["triggers"] == 1
        assert report["covered"] == 1
        # No labelled modality: covered, but not judged for modality.
        assert report["modality_labelled"] == 0

    def test_missing_modality_counts_as_asserted(self) -> None:
        report = evaluate_triggers([[gold(0, 3, "asserted")]], [[sig(1, 2, None)]])
        assert report["modality_correct"] == 1

    def test_system_without_modality(self) -> None:
        """A system without modality gets coverage only."""
        report = evaluate_triggers([[gold(0, 3, "future")]], [[sig(0, 3, None)]], modality=False)
        assert report["coverage"] == 1.0
        assert report["modality_right"] is None
        assert "confusion" not in report
        assert report["targets"][0]["met"] is True
        assert report["targets"][1]["value"] is None


class TestSpanParsing:
    def test_span_read_and_checked(self, tmp_path: Path) -> None:
        path = tmp_path / "spans.jsonl"
        record = {"id": "x", "text": "Troops will not withdraw.", "labels": {"events": [
            {"type": "RETREAT", "polarity": DE, "modality": "negated", "trigger": "withdraw",
             "start": 16, "end": 24}], "entities": []}}
        path.write_text(json.dumps(record) + "\n")
        (event,) = read_dataset(path).records[0].events or ()
        assert (event.trigger, event.start, event.end, event.has_span) == ("withdraw", 16, 24, True)
        record["labels"]["events"][0]["start"] = 15  # type: ignore[index]
        path.write_text(json.dumps(record) + "\n")
        with pytest.raises(ConfigError, match=r"spans\.jsonl:1: event trigger"):
            read_dataset(path)

    @pytest.mark.parametrize("change", [{"start": -1}, {"end": 99}, {"start": "a"},
                                        {"modality": "maybe"}])
    def test_bad_span_or_modality_refused(self, tmp_path: Path, change: dict[str, object]) -> None:
        path = tmp_path / "bad.jsonl"
        event = {"type": "RETREAT", "polarity": DE, "modality": "negated", "start": 16, "end": 24}
        event.update(change)
        path.write_text(json.dumps({"id": "x", "text": "Troops will not withdraw.",
                                    "labels": {"events": [event]}}) + "\n")
        with pytest.raises(ConfigError):
            read_dataset(path)


class TestModalityFile:
    """``tests/data/modality.jsonl``: spans, labels, sources and the shares promised."""

    @pytest.fixture(scope="class")
    def raw(self) -> list[dict[str, object]]:
        lines = (DATA / "modality.jsonl").read_text(encoding="utf-8").splitlines()
        return [json.loads(line) for line in lines if line.strip()]

    def test_trigger_spans_match_text(self, raw: list[dict[str, object]]) -> None:
        for record in raw:
            text = record["text"]
            assert isinstance(text, str)
            for event in record["labels"]["events"]:  # type: ignore[index]
                assert text[event["start"]:event["end"]] == event["trigger"], record["id"]

    def test_labels_and_sources(self, raw: list[dict[str, object]]) -> None:
        devnews = {}
        for line in (DATA / "devnews.jsonl").read_text(encoding="utf-8").splitlines():
            if line.strip():
                parent = json.loads(line)
                devnews[parent["id"]] = parent
        ids = [r["id"] for r in raw]
        assert len(ids) == len(set(ids))
        for record in raw:
            events = record["labels"]["events"]  # type: ignore[index]
            assert events, record["id"]
            for event in events:
                assert event["modality"] in MODALITIES
                assert event["polarity"] in (ESC, DE)
                assert event["type"].isupper()
            source = record["source"]
            assert isinstance(source, dict)
            parent = devnews[source["parent_id"]]
            assert source["parent_split"] == parent["split"]
            assert source["url"] == parent["url"]
            assert source["licence"] == parent["licence"]
            assert record["text"] in parent["text"], record["id"]  # verbatim

    def test_size_and_shares(self, raw: list[dict[str, object]]) -> None:
        assert len(raw) >= 400
        splits = Counter(r["source"]["parent_split"] for r in raw)  # type: ignore[index]
        assert splits["dev"] * 3 >= 2 * len(raw)
        modalities = Counter(e["modality"] for r in raw
                             for e in r["labels"]["events"])  # type: ignore[index]
        assert set(modalities) == set(MODALITIES)

    def test_reads_as_escwatch_with_spans(self) -> None:
        dataset = read_dataset(DATA / "modality.jsonl")
        assert dataset.format == "escwatch"
        assert all(e.has_span for r in dataset.records for e in r.events or ())


class TestCommand:
    def test_trigger_rows_confusion_and_json(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """The table shows the trigger rows, targets and modality confusion; JSON has them."""
        path = tmp_path / "mod.jsonl"
        text = "Rebels attacked the town and said they will not withdraw."
        events = [
            {"type": "ASSAULT", "polarity": ESC, "modality": "asserted", "trigger": "attacked",
             "start": 7, "end": 15},
            {"type": "RETREAT", "polarity": DE, "modality": "negated", "trigger": "withdraw",
             "start": text.index("withdraw"), "end": text.index("withdraw") + 8},
        ]
        path.write_text(json.dumps({"id": "m", "text": text,
                                    "labels": {"events": events, "entities": []}}) + "\n")

        def predict(text: str, published_at: str | None, title: str | None) -> Prediction:
            return Prediction(signals=(PredSignal("ASSAULT", ESC, 7, 15, "asserted"),))

        fake = System("escwatch", predict, signals=True, actors=False, modality=True)
        monkeypatch.setattr(eval_command, "escwatch_system", lambda: fake)
        out = io.StringIO()
        assert main([str(path), "--no-baselines", "--json", str(tmp_path / "r.json")], out) == 0
        shown = out.getvalue()
        assert "trigger coverage (n=2)" in shown
        assert "target: trigger coverage >= 90%" in shown
        assert "50.0% MISS" in shown
        assert "target: modality right >= 85%" in shown
        assert "100.0% ok" in shown
        assert "labelled trigger modality (rows)" in shown
        assert "actors Per+Org+Nat" not in shown  # empty entity lists score no spans
        document = orjson.loads((tmp_path / "r.json").read_bytes())
        triggers = document["inputs"][0]["systems"]["escwatch"]["triggers"]
        assert triggers["coverage"] == 0.5
        assert triggers["confusion"]["negated"][NO_SIGNAL] == 1


def test_flipped_signal_counts_as_the_negated_trigger() -> None:
    """A negated event recoded as its flip ("did not concede" given as REJECT) has the
    labelled modality negated."""
    gold = [[GoldEvent("CONCEDE", "de-escalation", "negated", start=8, end=15)]]
    flipped = [[PredSignal("REJECT", ESC, 8, 15, "asserted", flipped=True)]]
    plain = [[PredSignal("REJECT", ESC, 8, 15, "asserted")]]
    assert evaluate_triggers(gold, flipped)["modality_right"] == 1.0
    assert evaluate_triggers(gold, plain)["modality_right"] == 0.0
