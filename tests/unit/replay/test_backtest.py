"""Backtest metrics, label parsing, day buckets, lead times, baseline diffs and the report."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from streams.config import Settings
from streams.errors import ConfigError
from streams.replay.backtest import run_backtest
from streams.replay.report import render_markdown, write_report
from streams.replay.scoring import (
    Label,
    Outcome,
    TypeScore,
    alert_score,
    alerts_per_day,
    day_of,
    diff_runs,
    lead_times,
    micro_average,
    parse_labels,
    type_scores,
)

ROOT = Path(__file__).resolve().parents[3]
EXAMPLE = ROOT / "seeds" / "backtest"


def outcome(article_id: str, level: str | None = None, types: tuple[str, ...] = (),
            published: str | None = "2024-03-04T10:00:00Z", alert_id: str | None = None,
            score: float = 0.0) -> Outcome:
    """A pipeline outcome for tests."""
    return Outcome(article_id, published, "", score, level,
                   alert_id or (f"alr_{article_id}" if level else None), frozenset(types))


def label(article_id: str, *types: str, alert: bool | None = None, event: str | None = None,
          when: str | None = None) -> Label:
    """A label for tests."""
    return Label(article_id, frozenset(types), bool(types) if alert is None else alert, event,
                 date.fromisoformat(when) if when else None)


class TestMetricArithmetic:
    def test_precision_recall_f1_from_counts(self) -> None:
        """P = TP/(TP+FP), R = TP/(TP+FN), F1 their harmonic mean."""
        s = TypeScore("FIGHT", tp=3, fp=1, fn=2)
        assert s.precision == pytest.approx(0.75)
        assert s.recall == pytest.approx(0.6)
        assert s.f1 == pytest.approx(2 * 0.75 * 0.6 / 1.35)
        assert s.support == 5

    def test_zero_denominators_are_undefined_not_zero(self) -> None:
        """A type never predicted has no precision; never labelled has no recall."""
        assert TypeScore("X", 0, 0, 3).precision is None
        assert TypeScore("X", 0, 2, 0).recall is None
        assert TypeScore("X", 0, 2, 0).f1 is None
        assert TypeScore("X", 0, 1, 1).f1 == 0.0

    def test_per_type_counts_over_labelled_articles(self) -> None:
        """Each article adds TP, FP or FN per type; unlabelled articles are not scored."""
        labels = {"a": label("a", "FIGHT", "THREATEN"), "b": label("b"), "c": label("c", "FIGHT")}
        outcomes = [outcome("a", "high", ("FIGHT",)), outcome("b", "low", ("FIGHT",)),
                    outcome("c"), outcome("zz", "high", ("SANCTION",))]
        scores = {s.type: s for s in type_scores(labels, outcomes)}
        assert set(scores) == {"FIGHT", "THREATEN"}
        assert (scores["FIGHT"].tp, scores["FIGHT"].fp, scores["FIGHT"].fn) == (1, 1, 1)
        assert (scores["THREATEN"].tp, scores["THREATEN"].fp, scores["THREATEN"].fn) == (0, 0, 1)
        micro = micro_average(scores.values())
        assert (micro.tp, micro.fp, micro.fn) == (1, 1, 2)

    def test_alert_decision_uses_alert_flag(self) -> None:
        """The alert row compares raised alerts with the labels' alert field."""
        labels = {"a": label("a", "FIGHT"), "b": label("b", alert=True), "c": label("c")}
        s = alert_score(labels, [outcome("a", "low"), outcome("b"), outcome("c", "medium")])
        assert (s.tp, s.fp, s.fn) == (1, 1, 1)


class TestLabelParsing:
    def test_full_and_minimal_rows(self) -> None:
        """Types are upper-cased, alert defaults to bool(types), event fields are optional."""
        labels = parse_labels([
            b'{"article_id": "a", "types": ["fight"], "event_id": "e", "event_date": "2024-03-11"}',
            b"",
            b"# a comment",
            b'{"article_id": "b", "types": [], "alert": true}',
        ])
        assert labels["a"] == Label("a", frozenset({"FIGHT"}), True, "e", date(2024, 3, 11))
        assert labels["b"].alert is True
        assert labels["b"].types == frozenset()

    @pytest.mark.parametrize(("line", "message"), [
        (b'{"types": []}', "article_id"),
        (b'{"article_id": "a"}', "types"),
        (b'{"article_id": "a", "types": "FIGHT"}', "types"),
        (b'{"article_id": "a", "types": [], "alert": "yes"}', "alert"),
        (b'{"article_id": "a", "types": [], "event_id": "e"}', "together"),
        (b'{"article_id": "a", "types": [], "event_id": "e", "event_date": "11/03"}',
         "YYYY-MM-DD"),
        (b'{"article_id": "a", "types": [], "colour": "red"}', "unknown field"),
        (b'{"article_id": ', "not valid JSON"),
    ])
    def test_malformed_rows_name_the_line(self, line: bytes, message: str) -> None:
        """A bad label is refused with its file, line number and what is wrong."""
        with pytest.raises(ConfigError, match=message) as info:
            parse_labels([b'{"article_id": "ok", "types": []}', line], "labels.jsonl")
        assert "labels.jsonl:2" in str(info.value)

    def test_duplicate_article_is_refused(self) -> None:
        """Two labels for one article are an error, not a silent overwrite."""
        with pytest.raises(ConfigError, match="duplicate"):
            parse_labels([b'{"article_id": "a", "types": []}'] * 2)


class TestDayBuckets:
    def test_day_is_utc_date_of_published_at(self) -> None:
        """An offset time is bucketed by its UTC date; missing or bad times are unknown."""
        assert day_of("2024-03-04T23:30:00-02:00") == "2024-03-05"
        assert day_of("2024-03-04T10:00:00Z") == "2024-03-04"
        assert day_of(None) == "unknown"
        assert day_of("soon") == "unknown"

    def test_alerts_per_day_fills_quiet_days_and_counts_levels(self) -> None:
        """Days between the first and last article appear with zeros; levels are counted."""
        rows = alerts_per_day([
            outcome("a", "high", published="2024-03-04T01:00:00Z"),
            outcome("b", "high", published="2024-03-04T02:00:00Z"),
            outcome("c", None, published="2024-03-07T02:00:00Z"),
            outcome("d", "low", published=None),
        ])
        assert list(rows) == ["2024-03-04", "2024-03-05", "2024-03-06", "2024-03-07", "unknown"]
        assert rows["2024-03-04"] == {"low": 0, "medium": 0, "high": 2, "critical": 0}
        assert sum(rows["2024-03-07"].values()) == 0
        assert rows["unknown"]["low"] == 1


class TestLeadTimes:
    def test_false_alarm_earns_no_confirmed_lead(self) -> None:
        """An early alert on an article labelled alert: false counts for the raw lead time
        but not for the labelled-true lead time."""
        labels = {"a": label("a", event="e", when="2024-03-10"),
                  "b": label("b", "FIGHT", event="e", when="2024-03-10")}
        [row] = lead_times(labels, [outcome("a", "low", published="2024-03-01T00:00:00Z"),
                                    outcome("b", "high", published="2024-03-08T00:00:00Z")])
        assert row.lead_days == 9
        assert row.first_alert == "a"
        assert row.confirmed_lead_days == 2

    def test_first_alert_about_the_event_sets_lead(self) -> None:
        """Lead = event date minus the earliest alerted article's date; none alerted = missed."""
        labels = {
            "a": label("a", event="e1", when="2024-03-11"),
            "b": label("b", "MOBILIZE", event="e1", when="2024-03-11"),
            "c": label("c", "FIGHT", event="e1", when="2024-03-11"),
            "d": label("d", "FIGHT", event="e2", when="2024-03-05"),
        }
        rows = lead_times(labels, [
            outcome("a", None, published="2024-03-01T00:00:00Z"),
            outcome("b", "low", published="2024-03-04T09:00:00Z"),
            outcome("c", "high", published="2024-03-11T09:00:00Z"),
            outcome("d", None, published="2024-03-05T09:00:00Z"),
        ])
        by_event = {r.event_id: r for r in rows}
        assert by_event["e1"].lead_days == 7
        assert by_event["e1"].first_alert == "b"
        assert by_event["e1"].articles == 3
        assert by_event["e1"].confirmed_lead_days == 7
        assert by_event["e2"].lead_days is None
        assert by_event["e2"].first_alert is None


class TestBaselineDiff:
    def test_gained_lost_and_level_changes(self) -> None:
        """Alerts only in the current run are gained, only in the baseline lost; per article
        the level change is named."""
        base = [outcome("a", "low", alert_id="alr_a1"), outcome("b", "high", alert_id="alr_b"),
                outcome("c", "medium", alert_id="alr_c"), outcome("d")]
        cur = [outcome("a", "medium", alert_id="alr_a2"), outcome("b"),
               outcome("c", "medium", alert_id="alr_c"), outcome("d", "low", alert_id="alr_d")]
        diff = diff_runs(base, cur)
        assert [g[0] for g in diff.gained] == ["alr_a2", "alr_d"]
        assert [g[0] for g in diff.lost] == ["alr_a1", "alr_b"]
        assert {c.article_id: c.kind for c in diff.changes} == {
            "a": "raised", "b": "lost", "d": "gained"}

    def test_identical_runs_have_no_diff(self) -> None:
        """The same outcomes give nothing gained, lost or changed."""
        rows = [outcome("a", "low"), outcome("b")]
        diff = diff_runs(rows, rows)
        assert diff.gained == diff.lost == diff.changes == ()


class TestWorkedExample:
    def test_shipped_example_runs_with_baseline_and_writes_report(self, tmp_path: Path) -> None:
        """The archive in seeds/backtest is fully labelled, runs beside its baseline rule set,
        and its report holds every section."""
        result = run_backtest([str(EXAMPLE / "articles.jsonl")], EXAMPLE / "labels.jsonl",
                              Settings(), baseline_dir=EXAMPLE / "baseline-knowledge")
        assert len(result.current.outcomes) == len(result.labels) >= 30
        assert result.unlabelled == result.missing == []
        # docs/backtest-example: the current rules gain 9 alerts and lose 3 against the
        # baseline (bt-021's evidence now holds the troops crossing into Essequibo, bt-039's
        # the drone strike), and 9 articles change level or evidence.
        assert result.diff is not None
        assert (len(result.diff.gained), len(result.diff.lost), len(result.diff.changes)) == (
            9, 3, 9)
        written = write_report(result, tmp_path / "rep", charts=False)
        text = written[0].read_text()
        for heading in ("## Alert decision", "## Precision and recall per event type",
                        "## Alerts per day", "## Score distribution", "## Lead time",
                        "## Stories", "### Story alert decision", "## Trends",
                        "## Comparison with the baseline rule set"):
            assert heading in text
        assert text == render_markdown(result, charts=False)
        assert "](per_type.png)" not in text

    def test_charts_are_png_files(self, tmp_path: Path) -> None:
        """With matplotlib installed the three charts are written as PNG images."""
        pytest.importorskip("matplotlib")
        result = run_backtest([str(EXAMPLE / "articles.jsonl")], EXAMPLE / "labels.jsonl",
                              Settings())
        written = write_report(result, tmp_path / "rep")
        assert [p.name for p in written] == ["report.md", "alerts_per_day.png",
                                             "score_distribution.png", "per_type.png",
                                             "stories.jsonl", "story_alerts.jsonl",
                                             "trends.jsonl"]
        for png in written[1:4]:
            assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert "](per_type.png)" in written[0].read_text()
