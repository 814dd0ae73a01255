"""Story- and trend-level backtest figures: the figures' arithmetic, the story step on a
small archive built here, the story files and ``--no-stories``."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any, ClassVar

import pytest

from streams import codec
from streams.config import Settings
from streams.replay import backtest
from streams.replay.backtest import format_summary, run_backtest, story_step
from streams.replay.report import STORY_FILES, render_markdown
from streams.replay.scoring import (
    BacktestResult,
    Label,
    Outcome,
    RunResult,
    StoryFigures,
    story_figures,
)

WIRE = ("Russian artillery shelled Ukrainian positions near Kharkiv on Tuesday and Ukrainian "
        "forces returned fire, the army said. Several soldiers were killed in the clash.")
ARTICLES: list[dict[str, Any]] = [
    # One wire text under two outlets: a repost, one story.
    {"id": "w-1", "title": "Artillery duel near Kharkiv", "text": WIRE,
     "source": "Wire Service", "url": "https://example.org/wire/1",
     "published_at": "2024-05-07T08:00:00Z"},
    {"id": "w-2", "title": "Artillery duel near Kharkiv - Daily Post", "text": WIRE,
     "source": "Daily Post", "url": "https://example.com/news/kharkiv",
     "published_at": "2024-05-07T09:30:00Z"},
    # A different story that alerts, labelled as not wanted: a story-level false alarm.
    {"id": "w-3", "title": "Strikes in southern Lebanon",
     "text": "Israeli warplanes struck targets in southern Lebanon overnight, killing three "
             "Hezbollah fighters, the Israeli army said.",
     "source": "Beirut Desk", "url": "https://example.net/lebanon",
     "published_at": "2024-05-07T10:00:00Z"},
    # No alert, labelled as wanted: a story-level miss.
    {"id": "w-4", "title": "Brazil beat Argentina",
     "text": "Brazil beat Argentina 2-1 in a friendly match in Rio de Janeiro, with a late "
             "header deciding the game.",
     "source": "Sports Desk", "url": "https://example.net/football",
     "published_at": "2024-05-07T11:00:00Z"},
]
LABELS: list[dict[str, Any]] = [
    {"article_id": "w-1", "types": ["FIGHT"], "alert": True, "event_id": "ev-kharkiv",
     "event_date": "2024-05-09"},
    {"article_id": "w-2", "types": ["FIGHT"], "alert": True, "event_id": "ev-kharkiv",
     "event_date": "2024-05-09"},
    {"article_id": "w-3", "types": [], "alert": False},
    {"article_id": "w-4", "types": [], "alert": True},
]


def _jsonl(path: Path, rows: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The four-article archive and its labels."""
    folder = tmp_path_factory.mktemp("archive")
    articles = _jsonl(folder / "articles.jsonl",
                      [{"schema": "article.v1", **a, "language": "en"} for a in ARTICLES])
    return articles, _jsonl(folder / "labels.jsonl", LABELS)


@pytest.fixture(scope="module")
def result(archive: tuple[Path, Path]) -> BacktestResult:
    """The backtest of the archive, story step on."""
    return run_backtest([str(archive[0])], archive[1], Settings())


def outcome(article_id: str, level: str | None = None) -> Outcome:
    """An outcome for the arithmetic tests."""
    return Outcome(article_id, None, f"title {article_id}", 0.0, level,
                   f"alr_{article_id}" if level else None, frozenset())


def record(story_id: str, revision: int, time: str, level: str, *changes: str,
           status: str = "open") -> dict[str, Any]:
    """The fields of a story_alert.v1 record the figures read."""
    return {"schema": "story_alert.v1", "story_id": story_id, "revision": revision,
            "time": time, "level": level, "status": status, "changes": list(changes),
            "title": f"story {story_id}"}


def trend(key: str, kind: str, window: str, p: float, z: float | None) -> dict[str, Any]:
    """The fields of a trend.v1 record the figures read."""
    return {"schema": "trend.v1", "key": key, "kind": kind, "window": window,
            "window_start": "2024-05-07T00:00:00Z", "count": 5, "articles": 6,
            "baseline_mean": 0.2, "z": z, "p_value": p}


class TestStoryArithmetic:
    labels: ClassVar[dict[str, Label]] = {
        "a1": Label("a1", frozenset({"FIGHT"}), True, "ev-A", date(2024, 5, 10)),
        "a2": Label("a2", frozenset({"FIGHT"}), True, "ev-B", date(2024, 5, 10)),
        "a3": Label("a3", frozenset(), False, "ev-A", date(2024, 5, 10)),
        "a4": Label("a4", frozenset(), True),
    }
    assignments: ClassVar[list[dict[str, Any]]] = [
        {"article_id": a, "story_id": s, "match": m, "matched": None}
        for a, s, m in [("a3", "S2", "new"), ("a1", "S1", "new"), ("a2", "S1", "duplicate"),
                        ("a4", "S3", "new"), ("a5", "S3", "related"), ("a6", "S4", "new"),
                        ("a1", "S1", "redelivery")]]
    story_alerts: ClassVar[list[dict[str, Any]]] = [
        record("S2", 1, "2024-05-06T22:00:00Z", "high", "new"),
        record("S1", 1, "2024-05-07T08:00:00Z", "low", "new"),
        record("S1", 2, "2024-05-07T09:00:00Z", "medium", "level_up", "new_actor"),
        record("S2", 2, "2024-05-09T22:00:00Z", "high", "closed", status="closed"),
    ]
    trends: ClassVar[list[dict[str, Any]]] = [
        trend("actor:UKR", "actor", "hour", 1e-4, 5.0),
        trend("dyad:RUS->UKR", "dyad", "day", 1e-5, None),
        trend("actor:RUS", "actor", "hour", 1e-5, 4.0)]

    def figures(self) -> StoryFigures:
        """The figures of the hand-made story step output above."""
        outcomes = [outcome("a1", "low"), outcome("a2", "low"), outcome("a3", "high"),
                    outcome("a4"), outcome("a5"), outcome("a6")]
        return story_figures(self.labels, outcomes, self.assignments, self.story_alerts,
                             self.trends, warmup={"hour": 24, "day": 5})

    def test_story_counts_and_collapse(self) -> None:
        """Distinct stories; alerting = with a record; collapse = alert.v1 / alerting stories;
        a record naming two changes counts under both; final level is the last record's."""
        fig = self.figures()
        assert (fig.stories, fig.multi_article, fig.alerting, fig.article_alerts) == (4, 2, 2, 3)
        assert fig.collapse == pytest.approx(1.5)
        assert fig.matches == {"new": 4, "url": 0, "duplicate": 1, "title": 0, "related": 1,
                               "redelivery": 1}
        assert fig.records_by_change == {"new": 2, "level_up": 1, "level_down": 0,
                                         "new_actor": 1, "new_event_type": 0, "closed": 1}
        assert fig.final_levels == {"none": 2, "low": 0, "medium": 1, "high": 1, "critical": 0}
        assert fig.closed == 1

    def test_story_decision_against_labels(self) -> None:
        """S1 wanted and alerted (TP), S2 alerted but not wanted (FP), S3 wanted through a4
        but silent (FN); S4 has no labelled article and is not scored."""
        fig = self.figures()
        d = fig.decision
        assert (d.tp, d.fp, d.fn, fig.scored) == (1, 1, 1, 3)
        assert d.precision == pytest.approx(0.5)
        assert d.recall == pytest.approx(0.5)
        assert [r.story_id for r in fig.disagreements] == ["S2", "S3"]

    def test_split_merge_and_story_lead(self) -> None:
        """ev-A spans S1 and S2 (split); S1 holds ev-A and ev-B (merge); the story lead time
        counts the earliest record of any story holding the event's articles."""
        fig = self.figures()
        events = {e.event_id: e for e in fig.events}
        assert (events["ev-A"].stories, events["ev-B"].stories) == (2, 1)
        assert fig.split == 1
        assert [(r.story_id, r.events) for r in fig.merged] == [("S1", ("ev-A", "ev-B"))]
        assert events["ev-A"].first_story_alert == "S2"
        assert events["ev-A"].lead_days == 4
        assert events["ev-B"].first_story_alert == "S1"
        assert events["ev-B"].lead_days == 3

    def test_no_event_ids_no_event_figures(self) -> None:
        """Without event_id in the labels there is no split or merge figure to report."""
        labels = {"a1": Label("a1", frozenset(), True)}
        fig = story_figures(labels, [outcome("a1", "low")], self.assignments[1:2],
                            self.story_alerts[1:2], [])
        assert fig.events == []
        assert fig.merged == []
        assert fig.split == 0

    def test_trend_counts_and_ranking(self) -> None:
        """Trends are counted per window and kind; the strongest (smallest p, then a z
        without baseline variance, then the largest z) come first."""
        fig = self.figures()
        assert fig.trend_counts == {"hour": {"actor": 2, "dyad": 0, "country": 0},
                                    "day": {"actor": 0, "dyad": 1, "country": 0}}
        assert [t["key"] for t in fig.top_trends] == ["dyad:RUS->UKR", "actor:RUS",
                                                      "actor:UKR"]


    def test_report_lists_trends_and_merges(self) -> None:
        """The report lists the strongest trend alerts in rank order and the merging story."""
        fig = self.figures()
        run = RunResult(None, "v", [outcome("a1", "low")], 0, stories=fig)
        text = render_markdown(BacktestResult("r", [], Path("labels.jsonl"), self.labels, run),
                               charts=False)
        trends = text[text.index("## Trends"):]
        assert trends.index("`dyad:RUS->UKR` | day") < trends.index("`actor:RUS` | hour") \
            < trends.index("`actor:UKR` | hour")
        assert "| `dyad:RUS->UKR` | day | 2024-05-07T00:00:00Z | 5 | 6 | 0.2 | - | 1e-05 |" in text
        assert "| hour | 2 | 0 | 0 | 2 |" in text
        assert "Stories merging events:" in text
        assert "1 of 2 labelled events are split over more than one story; 1 stories merge" in text


class TestStoryStep:
    def test_reposts_collapse_into_one_story(self, result: BacktestResult) -> None:
        """Two outlets printing one wire text are one story: three stories, three article
        alerts for two alerting stories."""
        fig = result.current.stories
        assert fig is not None
        assert fig.stories == 3
        story_of = {r["article_id"]: r["story_id"] for r in fig.assignments}
        assert story_of["w-1"] == story_of["w-2"] != story_of["w-3"]
        assert fig.matches["new"] == 3
        assert fig.article_alerts == sum(1 for o in result.current.outcomes if o.level) == 3
        assert fig.alerting == 2
        assert fig.collapse == pytest.approx(1.5)
        assert {r["story_id"] for r in fig.story_alerts} == {story_of["w-1"], story_of["w-3"]}

    def test_story_precision_recall(self, result: BacktestResult) -> None:
        """Wire story wanted and alerted, Lebanon story alerted but labelled unwanted, the
        football story wanted but silent: P = R = 1/2 over three scored stories."""
        fig = result.current.stories
        assert fig is not None
        d = fig.decision
        assert (d.tp, d.fp, d.fn, fig.scored) == (1, 1, 1, 3)
        assert (d.precision, d.recall) == (0.5, 0.5)
        [event] = fig.events
        assert (event.event_id, event.articles, event.stories, fig.split) == (
            "ev-kharkiv", 2, 1, 0)
        assert event.lead_days == 2

    def test_input_order_does_not_matter(self, result: BacktestResult,
                                         archive: tuple[Path, Path]) -> None:
        """The step sorts by event time, so analyses read back in another order (as from
        a Kafka topic) give the same stories and records."""
        from streams.sources import iter_inputs

        articles = {str(i.event["id"]): i.event for i in iter_inputs([str(archive[0])])
                    if i.event is not None}
        analyses = backtest._pass_files([str(archive[0])], Settings(), "order", False)[0]
        fig = result.current.stories
        assert fig is not None
        again = story_step(result.labels, result.current.outcomes, analyses[::-1], articles)
        assert again.assignments == fig.assignments
        assert again.story_alerts == fig.story_alerts
        assert again.trends == fig.trends

    def test_report_and_summary_show_story_figures(self,
                                                   result: BacktestResult) -> None:
        """The report has the story and trend sections; the summary the story lines."""
        text = render_markdown(result, charts=False)
        for heading in ("## Stories", "### Story alert decision",
                        "### Labelled events across stories", "## Trends"):
            assert heading in text
        assert "| collapse ratio (article alerts / alerting stories) | 1.50 |" in text
        assert "| story alert | 2 | 1 | 1 | 1 | 0.50 | 0.50 | 0.50 |" in text
        summary = format_summary(result)
        assert "stories: 3 from 4 articles, 2 alerting" in summary
        assert "collapse 1.50" in summary
        assert "story alert decision: precision 0.50 recall 0.50" in summary


class TestCommand:
    def test_story_files_are_written_and_identical(self, archive: tuple[Path, Path],
                                                   tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
        """Two runs write the same story files, byte for byte, one canonical line each."""
        folders = [tmp_path / "one", tmp_path / "two"]
        for folder in folders:
            assert backtest.main([str(archive[0]), "--labels", str(archive[1]), "--report",
                                  str(folder), "--no-charts"]) == 0
        assert "stories: 3 from 4 articles" in capsys.readouterr().out
        for name in STORY_FILES.values():
            first, second = (f / name for f in folders)
            assert first.read_bytes() == second.read_bytes()
        lines = (folders[0] / "stories.jsonl").read_bytes().splitlines()
        assert [codec.loads(line)["article_id"] for line in lines] == ["w-1", "w-2", "w-3",
                                                                       "w-4"]
        assert all(codec.dumps(codec.loads(line)) == line for line in lines)
        alerts = (folders[0] / "story_alerts.jsonl").read_bytes().splitlines()
        assert {codec.loads(line)["schema"] for line in alerts} == {"story_alert.v1"}
        assert (folders[0] / "trends.jsonl").exists()
        assert (folders[0] / "report.md").read_bytes() == (folders[1] / "report.md").read_bytes()

    def test_no_stories_omits_the_section(self, archive: tuple[Path, Path], tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
        """--no-stories: no story or trend section, no story line, no story files."""
        folder = tmp_path / "rep"
        assert backtest.main([str(archive[0]), "--labels", str(archive[1]), "--report",
                              str(folder), "--no-charts", "--no-stories"]) == 0
        out = capsys.readouterr().out
        assert "stories:" not in out
        assert "trends:" not in out
        text = (folder / "report.md").read_text()
        assert "## Stories" not in text
        assert "## Trends" not in text
        assert "## Alert decision" in text
        assert sorted(p.name for p in folder.iterdir()) == ["report.md"]
