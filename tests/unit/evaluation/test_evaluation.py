"""Tests for ``escwatch eval``: metric arithmetic, input formats and the command."""

from __future__ import annotations

import io
from pathlib import Path

import orjson
import pytest

from streams.errors import ConfigError
from streams.evaluation import command as eval_command
from streams.evaluation.command import main
from streams.evaluation.datasets import (
    Dataset,
    GoldEvent,
    GoldSpan,
    NewsLabel,
    Record,
    cameo_polarity,
    cameo_to_plover,
    detect_format,
    read_dataset,
    select_split,
)
from streams.evaluation.metrics import (
    evaluate_dataset,
    evaluate_events,
    evaluate_news,
    modality_accuracy,
    pick_gold,
    primary_signal,
    span_score,
)
from streams.evaluation.scores import label_scores, macro_f1, score
from streams.evaluation.systems import (
    Prediction,
    PredSignal,
    PredSpan,
    System,
    escwatch_system,
    keyword_system,
)

DATA = Path(__file__).resolve().parents[2] / "data"


def sig(kind: str, polarity: str, start: int, end: int, modality: str | None = None) -> PredSignal:
    return PredSignal(kind, polarity, start, end, modality)


ESC = "escalation"
DE = "de-escalation"


class TestScore:
    def test_known_counts(self) -> None:
        """TP=3, FP=1, FN=2 gives P=0.75, R=0.6, F1=2/3."""
        s = score(3, 1, 2)
        assert s.precision == pytest.approx(0.75)
        assert s.recall == pytest.approx(0.6)
        assert s.f1 == pytest.approx(2 / 3)

    def test_empty_is_zero_not_error(self) -> None:
        """No predictions and no gold give zeros instead of dividing by zero."""
        s = score(0, 0, 0)
        assert (s.precision, s.recall, s.f1) == (0.0, 0.0, 0.0)

    def test_json_object(self) -> None:
        """The report object carries rounded figures and the raw counts."""
        assert score(1, 2, 0).to_dict() == {
            "precision": 0.3333,
            "recall": 1.0,
            "f1": 0.5,
            "tp": 1,
            "fp": 2,
            "fn": 0,
        }


class TestLabelScores:
    def test_single_label_counting(self) -> None:
        """A wrong label is an FP for the prediction and an FN for the gold."""
        scores = label_scores(
            [("A", "A"), ("A", "B"), ("B", "B"), ("B", None), (None, "A"), (None, None)]
        )
        assert (scores["A"].tp, scores["A"].fp, scores["A"].fn) == (1, 1, 1)
        assert (scores["B"].tp, scores["B"].fp, scores["B"].fn) == (1, 1, 1)

    def test_macro_over_gold_labels_only(self) -> None:
        """Macro-F1 averages labels with gold and ignores labels only predicted."""
        scores = label_scores([("A", "A"), ("B", None), (None, "C")])
        assert macro_f1(scores) == pytest.approx((1.0 + 0.0) / 2)

    def test_macro_of_nothing(self) -> None:
        """Macro-F1 over no gold labels is 0."""
        assert macro_f1({}) == 0.0


class TestPrimarySignal:
    def test_first_in_text_order(self) -> None:
        """The primary signal is the earliest trigger, whatever the list order."""
        later, first = sig("FIGHT", ESC, 30, 35), sig("AGREE", DE, 5, 11)
        assert primary_signal([later, first]) is first

    def test_tie_goes_to_longer_trigger(self) -> None:
        """Two triggers at one offset: the longer one is primary."""
        short, long_ = sig("DEMAND", ESC, 4, 9), sig("THREATEN", ESC, 4, 20)
        assert primary_signal([short, long_]) is long_

    def test_none_without_signals(self) -> None:
        """No signal means no primary signal."""
        assert primary_signal([]) is None


class TestPickGold:
    def test_matching_prediction_wins(self) -> None:
        """A prediction equal to any gold label is judged against that label."""
        assert pick_gold(["AGREE", "CONSULT"], "CONSULT") == "CONSULT"

    def test_otherwise_first_gold(self) -> None:
        """A prediction matching no gold label is judged against the first gold."""
        assert pick_gold(["AGREE", "CONSULT"], "FIGHT") == "AGREE"

    def test_negative_record(self) -> None:
        """A record without gold events has no gold label."""
        assert pick_gold([], "FIGHT") is None


class TestEvaluateEvents:
    def test_hand_made_case(self) -> None:
        """Hits, a miss, a wrong type and a false alarm give exact per-label counts."""
        golds = [
            [GoldEvent("FIGHT", ESC)],  # correct
            [GoldEvent("AGREE", DE)],  # no signal: FN for both
            [GoldEvent("THREATEN", ESC)],  # right polarity, wrong type
            [],  # negative with a signal: FP
        ]
        preds = [
            [sig("FIGHT", ESC, 10, 15)],
            [],
            [sig("DEMAND", ESC, 0, 6)],
            [sig("ASSAULT", ESC, 2, 8)],
        ]
        result = evaluate_events(golds, preds)
        pol = result["polarity"]
        assert (pol[ESC].tp, pol[ESC].fp, pol[ESC].fn) == (2, 1, 0)
        assert (pol[DE].tp, pol[DE].fp, pol[DE].fn) == (0, 0, 1)
        assert result["polarity_macro_f1"] == pytest.approx((0.8 + 0.0) / 2)
        types = result["types"]
        assert (types["FIGHT"].tp, types["FIGHT"].fp, types["FIGHT"].fn) == (1, 0, 0)
        assert (types["THREATEN"].tp, types["THREATEN"].fn) == (0, 1)
        assert (types["DEMAND"].fp, types["ASSAULT"].fp) == (1, 1)
        # Gold types present: FIGHT (1.0), AGREE (0), THREATEN (0).
        assert result["type_macro_f1"] == pytest.approx(1 / 3)
        det = result["detection"]
        assert (det.tp, det.fp, det.fn) == (2, 1, 1)
        assert result["negatives"] == {"records": 1, "with_signal": 1}

    def test_primary_decides_not_any(self) -> None:
        """A correct signal after a wrong earlier one does not count as correct."""
        result = evaluate_events(
            [[GoldEvent("AGREE", DE)]], [[sig("REJECT", ESC, 0, 5), sig("AGREE", DE, 9, 15)]]
        )
        assert result["polarity"][DE].fn == 1
        assert result["polarity"][ESC].fp == 1


class TestModalityAccuracy:
    def test_counts_labelled_records_only(self) -> None:
        """Accuracy is over modality-labelled records; a missing signal is wrong."""
        golds = [
            [GoldEvent("MOBILIZE", ESC, "negated")],
            [GoldEvent("FIGHT", ESC, "asserted")],
            [GoldEvent("AGREE", DE, "future")],
            [GoldEvent("AGREE", DE)],  # no modality label: not counted
        ]
        preds = [
            [sig("MOBILIZE", ESC, 0, 4, "negated")],
            [sig("FIGHT", ESC, 0, 4, "hypothetical")],
            [],
            [sig("AGREE", DE, 0, 4, "asserted")],
        ]
        assert modality_accuracy(golds, preds) == {"accuracy": 1 / 3, "correct": 1, "records": 3}


class TestSpanScore:
    GOLD = (
        (
            GoldSpan(0, 10, "Person"),
            GoldSpan(0, 10, "Person"),  # duplicate counts once
            GoldSpan(20, 30, "Organisation"),
            GoldSpan(40, 45, "Location"),
        ),
    )
    PRED = (
        (
            PredSpan(0, 10, frozenset({"Person"})),  # exact
            PredSpan(22, 26, frozenset({"Organisation"})),  # overlap only
            PredSpan(40, 45, frozenset({"Nationality", "Location"})),  # Location only
            PredSpan(50, 55, frozenset({"Person"})),  # spurious
        ),
    )
    TYPES = ("Person", "Organisation", "Nationality")

    def test_exact(self) -> None:
        """Exact matching needs equal offsets: 1 of 4 predictions, 1 of 2 gold."""
        s = span_score(self.GOLD, self.PRED, self.TYPES, exact=True)
        assert (s.pred_correct, s.pred_total, s.gold_found, s.gold_total) == (1, 4, 1, 2)
        assert s.f1 == pytest.approx(2 * 0.25 * 0.5 / 0.75)

    def test_overlap(self) -> None:
        """Overlap matching accepts the partial organisation span."""
        s = span_score(self.GOLD, self.PRED, self.TYPES, exact=False)
        assert (s.pred_correct, s.pred_total, s.gold_found, s.gold_total) == (2, 4, 2, 2)

    def test_location_variant(self) -> None:
        """Counting gold Location spans makes the country prediction correct."""
        s = span_score(self.GOLD, self.PRED, (*self.TYPES, "Location"), exact=True)
        assert (s.pred_correct, s.gold_found, s.gold_total) == (2, 2, 3)

    def test_typed(self) -> None:
        """A typed score only looks at predictions that may stand for that type."""
        s = span_score(self.GOLD, self.PRED, ("Person",), exact=True, typed="Person")
        assert (s.pred_correct, s.pred_total, s.gold_found, s.gold_total) == (1, 2, 1, 1)

    def test_typed_ambiguous_prediction(self) -> None:
        """A country prediction that matched a gold Location is not a wrong Nationality."""
        s = span_score(self.GOLD, self.PRED, ("Nationality",), exact=True, typed="Nationality")
        assert (s.pred_correct, s.pred_total, s.gold_total) == (0, 0, 0)
        loc = span_score(self.GOLD, self.PRED, ("Location",), exact=True, typed="Location")
        assert (loc.pred_correct, loc.pred_total, loc.gold_found) == (1, 1, 1)

    def test_one_prediction_covers_two_gold(self) -> None:
        """Under overlap one long prediction can recall two gold spans but counts once."""
        gold = [[GoldSpan(0, 5, "Person"), GoldSpan(6, 12, "Organisation")]]
        pred = [[PredSpan(0, 12, frozenset({"Organisation"}))]]
        s = span_score(gold, pred, self.TYPES, exact=False)
        assert (s.pred_correct, s.pred_total, s.gold_found, s.gold_total) == (1, 1, 2, 2)


class TestCameoMapping:
    @pytest.mark.parametrize(
        ("code", "polarity", "plover"),
        [
            ("023", DE, "DEMAND"),
            ("036", DE, "AGREE"),
            ("041", DE, "CONSULT"),
            ("064", DE, "COOPERATE"),
            ("071", DE, "AID"),
            ("081", DE, "CONCEDE"),
            ("0871", DE, "RETREAT"),
            ("112", ESC, "DISAPPROVE"),
            ("122", ESC, "REJECT"),
            ("160", ESC, "SANCTION"),
            ("1711", ESC, "COERCE"),
            ("194", ESC, "FIGHT"),
            ("201", ESC, "ASSAULT"),
        ],
    )
    def test_root_mapping(self, code: str, polarity: str, plover: str) -> None:
        """CAMEO roots map to the documented polarity and PLOVER type."""
        assert cameo_polarity(code) == polarity
        assert cameo_to_plover(code) == plover

    @pytest.mark.parametrize("code", ["903", "915", "222", "345", "802", "", "--"])
    def test_test_only_codes_skipped(self, code: str) -> None:
        """Roots outside 01-20 (PETRARCH's test-only codes) have no polarity."""
        assert cameo_polarity(code) is None

    def test_statement_has_no_type(self) -> None:
        """CAMEO 01 (make statement) has no PLOVER type."""
        assert cameo_to_plover("010") is None


class TestReadDataset:
    @pytest.mark.parametrize(
        ("name", "fmt", "records"),
        [
            ("plover_gsr.jsonl", "plover", 322),
            ("petrarch_unittest.jsonl", "petrarch", 284),
            ("re3d_open.jsonl", "re3d", 75),
            ("escwatch_sample.jsonl", "escwatch", 5),
        ],
    )
    def test_auto_detect(self, name: str, fmt: str, records: int) -> None:
        """Each test data file is detected as its format and read whole."""
        dataset = read_dataset(DATA / name)
        assert (dataset.format, len(dataset.records)) == (fmt, records)

    def test_plover_polarity(self) -> None:
        """PLOVER conflict/cooperation groupings become escalation/de-escalation."""
        dataset = read_dataset(DATA / "plover_gsr.jsonl")
        polarities = {r.events[0].polarity for r in dataset.records if r.events}
        assert polarities == {ESC, DE}
        first = dataset.records[0].events
        assert first == (GoldEvent("AGREE", DE),)

    def test_petrarch_negatives_and_skips(self) -> None:
        """Records without expected events are negatives; test-only-code records are left out."""
        dataset = read_dataset(DATA / "petrarch_unittest.jsonl")
        negatives = [r for r in dataset.records if r.events == ()]
        left_out = [r for r in dataset.records if r.events is None]
        assert len(negatives) > 10
        assert len(left_out) == sum(dataset.skipped.values()) > 0
        assert any(r.negation for r in dataset.records)

    def test_re3d_spans_align_with_text(self) -> None:
        """re3d spans keep actor-like types and index the text."""
        dataset = read_dataset(DATA / "re3d_open.jsonl")
        spans = [(r, s) for r in dataset.records for s in r.entities or ()]
        assert {s.type for _, s in spans} == {"Person", "Organisation", "Nationality", "Location"}
        assert all(0 <= s.start < s.end <= len(r.text) for r, s in spans)

    def test_native_modality_and_negatives(self) -> None:
        """The native format carries modality labels and empty-event negatives."""
        dataset = read_dataset(DATA / "escwatch_sample.jsonl")
        by_id = {r.id: r for r in dataset.records}
        assert by_id["native-002"].events == (GoldEvent("MOBILIZE", ESC, "negated"),)
        assert by_id["native-004"].events == ()
        assert by_id["native-001"].published_at == "2024-03-04T09:00:00Z"

    def test_bad_line_names_file_and_line(self, tmp_path: Path) -> None:
        """A malformed record raises ConfigError naming the file and line."""
        path = tmp_path / "bad.jsonl"
        path.write_text('{"id": "a", "text": "x", "labels": {"events": []}}\n\n[1, 2]\n')
        with pytest.raises(ConfigError, match=r"bad\.jsonl:3"):
            read_dataset(path)

    def test_unknown_labels(self) -> None:
        """Labels of no known shape are refused."""
        with pytest.raises(ConfigError, match="no known format"):
            detect_format({"text": "x", "labels": {"sentiment": 1}})


def _fake_core(predictions: dict[str, Prediction]) -> System:
    """A stand-in for the core that answers from a table keyed by text."""
    return System(
        "escwatch",
        lambda text, _published, _title: predictions.get(text, Prediction((), ())),
        signals=True,
        actors=True,
        modality=True,
    )


SAMPLE_TEXTS = [r.text for r in read_dataset(DATA / "escwatch_sample.jsonl").records]


class TestEvaluateDataset:
    def test_system_without_actors_skips_span_data(self) -> None:
        """A signal-only system gives no report for a spans-only dataset."""
        dataset = Dataset("x", "re3d", (Record("r", "t", entities=(GoldSpan(0, 1, "Person"),)),))
        keyword = keyword_system()
        assert evaluate_dataset(dataset, keyword) is None


class TestMain:
    def test_writes_valid_json_report(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """main() on the native sample prints tables and writes the JSON report it describes."""
        perfect = {
            SAMPLE_TEXTS[0]: Prediction((sig("FIGHT", ESC, 9, 16, "asserted"),), ()),
            SAMPLE_TEXTS[1]: Prediction((sig("MOBILIZE", ESC, 50, 56, "negated"),), ()),
            SAMPLE_TEXTS[2]: Prediction(
                (sig("AGREE", DE, 11, 17, "asserted"),),
                (PredSpan(48, 54, frozenset({"Location"})),),
            ),
            SAMPLE_TEXTS[4]: Prediction(
                (sig("CONSULT", DE, 33, 36, "asserted"),),
                (
                    PredSpan(0, 6, frozenset({"Nationality"})),
                    PredSpan(17, 32, frozenset({"Person"})),
                    PredSpan(48, 59, frozenset({"Person"})),
                    PredSpan(63, 69, frozenset({"Location"})),
                ),
            ),
        }
        monkeypatch.setattr(eval_command, "escwatch_system", lambda: _fake_core(perfect))
        out_path = tmp_path / "report.json"
        out = io.StringIO()
        rc = main([str(DATA / "escwatch_sample.jsonl"), "--json", str(out_path)], out=out)
        assert rc == 0
        text = out.getvalue()
        assert "polarity macro-F1" in text
        assert "articles/s" in text
        report = orjson.loads(out_path.read_bytes())
        assert report["schema"] == "escwatch.eval.v1"
        (entry,) = report["inputs"]
        assert entry["format"] == "escwatch"
        core = entry["systems"]["escwatch"]
        assert core["events"]["polarity_macro_f1"] == 1.0
        assert core["modality"] == {"accuracy": 1.0, "correct": 4, "records": 4}
        # The place predictions are spurious for Per+Org+Nat and right in the variant.
        assert core["spans"]["exact"]["all"]["gold_found"] == 3
        assert core["spans"]["exact"]["all"]["pred_correct"] == 3
        assert core["spans"]["exact"]["all"]["pred_total"] == 5
        assert core["spans"]["exact"]["all+Location"]["f1"] == 1.0
        assert "keyword" in entry["systems"]
        assert "modality" not in entry["systems"]["keyword"]

    def test_no_baselines(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        """--no-baselines scores the core alone."""
        monkeypatch.setattr(eval_command, "escwatch_system", lambda: _fake_core({}))
        out_path = tmp_path / "r.json"
        rc = main(
            [str(DATA / "escwatch_sample.jsonl"), "--no-baselines", "--json", str(out_path)],
            out=io.StringIO(),
        )
        assert rc == 0
        systems = orjson.loads(out_path.read_bytes())["inputs"][0]["systems"]
        assert set(systems) == {"escwatch"}

    def test_missing_core_is_reported(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """When the core cannot run, baselines still run and the exit code is 1."""
        monkeypatch.setattr(eval_command, "escwatch_system", lambda: "core missing: skipped")
        out = io.StringIO()
        assert main([str(DATA / "escwatch_sample.jsonl")], out=out) == 1
        assert "core missing: skipped" in out.getvalue()
        assert "keyword" in out.getvalue()

    def test_unreadable_input(self, tmp_path: Path) -> None:
        """A missing input file is a usage error (exit 2)."""
        assert main([str(tmp_path / "missing.jsonl")], out=io.StringIO()) == 2

    def test_bad_option(self) -> None:
        """An unknown --format value is a usage error (exit 2)."""
        assert main(["x.jsonl", "--format", "csv"], out=io.StringIO()) == 2

    def test_real_core_when_available(self, tmp_path: Path) -> None:
        """With the real core importable, all four dev formats evaluate end to end."""
        if isinstance(escwatch_system(), str):
            pytest.skip("analysis core not importable yet")
        out_path = tmp_path / "all.json"
        paths = [str(DATA / n) for n in ("plover_gsr.jsonl", "re3d_open.jsonl")]
        rc = main([*paths, "--json", str(out_path)], out=io.StringIO())
        report = orjson.loads(out_path.read_bytes())
        assert rc == 0
        assert {e["format"] for e in report["inputs"]} == {"plover", "re3d"}
        assert "events" in report["inputs"][0]["systems"]["escwatch"]
        assert "spans" in report["inputs"][1]["systems"]["escwatch"]


class TestSpacyOption:
    def test_required_but_unavailable(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """--spacy with a model that cannot load prints the skip line and exits 1."""
        monkeypatch.setattr(eval_command, "escwatch_system", lambda: _fake_core({}))
        out = io.StringIO()
        argv = [str(DATA / "escwatch_sample.jsonl"), "--spacy", "--spacy-model", "no_such_xyz"]
        assert main(argv, out=out) == 1
        assert "skipped" in out.getvalue()

    def test_optional_and_unavailable(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """Without --spacy an unavailable peer is reported but does not fail the run."""
        monkeypatch.setattr(eval_command, "escwatch_system", lambda: _fake_core({}))
        out = io.StringIO()
        argv = [str(DATA / "escwatch_sample.jsonl"), "--spacy-model", "no_such_xyz"]
        assert main(argv, out=out) == 0
        assert "skipped" in out.getvalue()


def _news_line(rid: str, text: str, domain: str, level: str | None, split: str = "dev",
               **extra: object) -> bytes:
    labels: dict[str, object] = {"domain": domain, "should_alert": level is not None,
                                 "level": level, **extra}
    return orjson.dumps({"id": rid, "text": text, "split": split, "labels": labels})


def _alert(level: str | None, escalation: bool = True) -> Prediction:
    signals = (sig("ASSAULT", ESC if escalation else DE, 0, 4, "asserted"),)
    return Prediction(signals, (), alert=level is not None, level=level)


class TestNewsFormat:
    def test_detected_and_parsed(self, tmp_path: Path) -> None:
        """A devnews line is recognised and its labels, kind and split are kept."""
        path = tmp_path / "news.jsonl"
        path.write_bytes(
            _news_line("a", "Troops shelled the town.", "politics_conflict", "critical") + b"\n"
            + _news_line("b", "The striker scored.", "sport", None, split="train",
                         hard_negative=True, kind="sport") + b"\n"
        )
        dataset = read_dataset(path)
        assert dataset.format == "devnews"
        first, second = dataset.records
        assert first.news == NewsLabel("politics_conflict", True, "critical", split="dev")
        assert second.news == NewsLabel("sport", False, None, hard_negative=True, kind="sport",
                                        split="train")

    @pytest.mark.parametrize(
        ("labels", "message"),
        [
            ({"domain": "weather", "should_alert": False, "level": None}, "labels.domain"),
            ({"domain": "sport", "should_alert": True, "level": None}, "exactly when"),
            ({"domain": "sport", "should_alert": True, "level": "severe"}, "labels.level"),
            ({"domain": "sport", "should_alert": False, "level": None, "hard_negative": True,
              "kind": "pun"}, "labels.kind"),
        ],
    )
    def test_inconsistent_labels_are_refused(
        self, tmp_path: Path, labels: dict[str, object], message: str
    ) -> None:
        """An unknown domain, level or kind, or should_alert disagreeing with level, is an error
        that names the line."""
        path = tmp_path / "bad.jsonl"
        path.write_bytes(orjson.dumps({"id": "x", "text": "t", "labels": labels}) + b"\n")
        with pytest.raises(ConfigError, match=rf"bad\.jsonl:1: .*{message}"):
            read_dataset(path)

    def test_select_split_keeps_one_split(self, tmp_path: Path) -> None:
        """--split dev keeps dev records only; records without a split stay."""
        path = tmp_path / "news.jsonl"
        path.write_bytes(b"\n".join([
            _news_line("a", "x", "sport", None, split="dev"),
            _news_line("b", "y", "sport", None, split="train"),
        ]))
        kept = select_split(read_dataset(path), "dev")
        assert [r.id for r in kept.records] == ["a"]
        assert select_split(read_dataset(path), None).records == read_dataset(
            path).records


class TestEvaluateNews:
    LABELS = (
        NewsLabel("politics_conflict", True, "critical"),
        NewsLabel("politics_conflict", True, "high"),
        NewsLabel("politics_conflict", False, None),
        NewsLabel("sport", False, None),
        NewsLabel("sport", False, None),
        NewsLabel("sport", False, None, hard_negative=True, kind="sport"),
        NewsLabel("other", False, None, hard_negative=True, kind="non_event"),
    )
    PREDS = (
        _alert("critical"),
        _alert(None),
        _alert("low"),
        _alert("critical"),
        Prediction((), (), alert=False),
        _alert("high"),
        _alert(None, escalation=False),
    )

    def test_per_domain_rates_and_alert_scores(self) -> None:
        """Alert rate, precision/recall against should_alert and critical rate per domain;
        hard negatives stay out of the domain figures."""
        news = evaluate_news(self.LABELS, self.PREDS, levels=True)
        pol, sport, every = (news["domains"][k] for k in ("politics_conflict", "sport", "all"))
        assert pol["articles"] == 3
        assert pol["alerts"] == 2
        assert pol["alert"].tp == 1
        assert pol["alert"].fp == 1
        assert pol["alert"].fn == 1
        assert pol["critical_rate"] == pytest.approx(1 / 3)
        assert sport["articles"] == 2
        assert sport["alert_rate"] == pytest.approx(0.5)
        assert sport["critical"] == 1
        assert every["articles"] == 5
        assert every["alerts"] == 3

    def test_level_confusion(self) -> None:
        """Gold level rows, predicted level columns; a missed alert is predicted 'none'."""
        confusion = evaluate_news(self.LABELS, self.PREDS, levels=True)["levels"]
        matrix = confusion["confusion"]
        assert matrix["critical"]["critical"] == 1
        assert matrix["high"]["none"] == 1
        assert matrix["none"]["low"] == 1
        assert matrix["none"]["critical"] == 1
        assert matrix["none"]["none"] == 1
        assert confusion["accuracy"] == pytest.approx(2 / 5)

    def test_hard_negatives_and_targets(self) -> None:
        """Hard negatives count escalation signals only; targets say met or missed."""
        news = evaluate_news(self.LABELS, self.PREDS, levels=True)
        hard = news["hard_negatives"]
        assert hard["sport"]["with_signal"] == 1
        assert hard["sport"]["alerts"] == 1
        assert hard["non_event"]["with_signal"] == 0
        targets = {t["target"]: t for t in news["targets"]}
        assert targets["sport alerts"]["value"] == pytest.approx(0.5)
        assert targets["sport alerts"]["met"] is False
        assert targets["non-event mentions with a signal"]["met"] is True
        assert targets["conflict detection"]["value"] == pytest.approx(0.5)
        assert targets["business alerts"]["value"] is None  # no business article

    def test_armed_conflict_reports_are_counted_across_domains(self) -> None:
        """Records filed upstream as armed conflict form their own row and target,
        whatever their domain, without being counted twice in "all"."""
        labels = (
            NewsLabel("politics_conflict", True, "critical", armed_conflict=True),
            NewsLabel("crime", True, "high", armed_conflict=True),
            NewsLabel("politics_conflict", False, None, armed_conflict=True),
            NewsLabel("politics_conflict", True, "high"),
        )
        preds = (_alert("critical"), Prediction((), (), alert=False), _alert("low"),
                 _alert("high"))
        news = evaluate_news(labels, preds, levels=True)
        armed = news["domains"]["armed_conflict"]
        assert (armed["articles"], armed["labelled_alerts"], armed["alerts"]) == (3, 2, 2)
        assert news["domains"]["all"]["articles"] == 4
        targets = {t["target"]: t for t in news["targets"]}
        assert targets["armed-conflict detection"]["value"] == pytest.approx(0.5)
        assert targets["conflict detection"]["value"] == pytest.approx(1.0)  # politics only

    def test_the_upstream_category_marks_armed_conflict(self, tmp_path: Path) -> None:
        path = tmp_path / "news.jsonl"
        rows = [{"id": f"r{i}", "text": "Rebels shelled the town.", "labels": {
            "domain": "politics_conflict", "should_alert": True, "level": "high",
            "upstream_category": category}} for i, category in
            enumerate(["Armed conflicts and attacks", "Politics and elections"])]
        path.write_bytes(b"\n".join(orjson.dumps(r) for r in rows))
        news = [r.news for r in read_dataset(path).records]
        assert [n.armed_conflict for n in news if n is not None] == [True, False]

    def test_without_levels_no_confusion_or_critical(self) -> None:
        """A system without levels (the keyword anchor) gets alert figures only."""
        news = evaluate_news(self.LABELS, self.PREDS, levels=False)
        assert "levels" not in news
        assert "critical_rate" not in news["domains"]["sport"]


class TestNewsCommand:
    def test_main_prints_domain_rows_targets_and_confusion(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """eval on a devnews file prints per-domain rows, the targets and the level table,
        and writes them to the JSON report."""
        path = tmp_path / "news.jsonl"
        path.write_bytes(b"\n".join([
            _news_line("a", "Troops shelled the town.", "politics_conflict", "critical"),
            _news_line("b", "The striker scored twice.", "sport", None),
        ]))
        table = {
            "Troops shelled the town.": _alert("critical"),
            "The striker scored twice.": _alert("high"),
        }
        core = System("escwatch", lambda text, _p, _t: table[text], signals=True, actors=True,
                      modality=True, alerts=True, levels=True)
        monkeypatch.setattr(eval_command, "escwatch_system", lambda: core)
        out = io.StringIO()
        report = tmp_path / "report.json"
        assert main([str(path), "--no-baselines", "--json", str(report)], out=out) == 0
        text = out.getvalue()
        assert "sport (n=1, 0 to alert): alert rate" in text
        assert "target: sport alerts <= 1%" in text
        assert "100.0% MISS" in text
        assert "level accuracy 50.0%" in text
        doc = orjson.loads(report.read_bytes())
        news = doc["inputs"][0]["systems"]["escwatch"]["news"]
        assert news["domains"]["sport"]["alert_rate"] == 1.0
        assert news["levels"]["confusion"]["none"]["high"] == 1

    def test_keyword_anchor_alerts_on_any_conflict_keyword(self) -> None:
        """The naive anchor makes an alert decision: any escalation keyword."""
        keyword = keyword_system()
        assert keyword.alerts
        assert not keyword.levels
        assert keyword.predict("Rebels attack the capital.", None).alert is True
        assert keyword.predict("The orchestra played Mozart.", None).alert is False
