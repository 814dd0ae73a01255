"""Backtests: replay a labelled archive and measure the alerts against the labels.

``escwatch backtest --labels LABELS.jsonl ARCHIVE...`` routes the archive
through the worker's path (:func:`streams.replay.inputs.route_inputs`; with
``--kafka`` through a real worker on an isolated run instead), compares what
it finds with hand labels, and writes a report folder (``report.md``, PNG
charts and the story step's records as JSONL, see :mod:`streams.replay.report`).

Label format (JSONL, one object per article)::

    {"article_id": "bt-001", "types": ["MOBILIZE"], "alert": true,
     "event_id": "ev-essequibo", "event_date": "2024-03-11"}

* ``article_id`` (required): the article event's ``id``.
* ``types`` (required, may be empty): the PLOVER escalation types the article
  reports (asserted acts, decided moves, explicit threats or demands). An
  article counts as labelled with type T when T is in this list.
* ``alert`` (optional, default ``bool(types)``): whether an analyst wants an
  alert for this article.
* ``event_id`` / ``event_date`` (optional, together): the real-world event the
  article is about and the date (``YYYY-MM-DD``) it happened, for lead times.

Definitions used in the report:

* **Predicted types** of an article are the ``signal_types`` of its alert
  (empty when it raised no alert): what an operator sees. Escalation signals
  that did not reach the alert threshold predict nothing.
* **Per-type precision / recall / F1** count articles: TP = labelled T and
  predicted T, FP = predicted T but not labelled T, FN = labelled T but not
  predicted T. Only labelled articles count. A ratio with a zero denominator
  is undefined ("n/a"), not zero. The micro average pools all types; the
  "alert" row scores the yes/no alert decision against ``alert``.
* **Alert volume per day** buckets alerts by the UTC date of the article's
  ``published_at`` (event time), "unknown" when absent.
* **Lead time** of an event = ``event_date`` minus the ``published_at`` date
  of the earliest alert raised on any article labelled with that
  ``event_id``, in days (negative: the first alert came after the event;
  "missed": no article about it raised an alert). A second figure counts only
  alerts on articles labelled ``alert: true``, so an early false alarm earns
  no lead time.
* **Baseline comparison** (``--baseline DIR``): the same archive with a second
  knowledge folder (files there override the packaged ones, like
  ``ESCWATCH_KNOWLEDGE_DIR``). Alerts *gained* exist in the current run and
  not in the baseline, *lost* the reverse, by alert id (ids derive from the
  article and its evidence); the per-article view lists level changes.

Story- and trend-level definitions (skipped with ``--no-stories``):

* **Story step**: the run's analyses, each with its article's text, title, URL
  and source from the archive, go in event-time order (sorted by the
  ``published_at`` text, ties by article id, as ``python -m
  streams.stories.process`` does) through one fresh
  :class:`streams.stories.engine.StoryEngine`. With ``--kafka`` the analyses
  are those read back from the run's analysis topic, in the same form. Event
  time ends with the last article: a story still open then is not closed. A
  baseline run gets its own story step.
* **Stories** are the distinct story ids assigned; an **alerting story**
  published at least one ``story_alert.v1`` record. **Article alerts** are the
  run's ``alert.v1`` records (articles with an alert); the **collapse ratio**
  is article alerts / alerting stories ("n/a" without an alerting story): how
  many per-article alerts one story alert stands for. **Records by change**
  count each story-alert record under every entry of its ``changes`` (a
  record can name two). A story's **final level** is the level of its last
  record ("none" without one); **closed** counts alerting stories whose last
  record has ``status: closed``.
* **Story alert decision**: a story is scored when at least one of its
  articles is labelled; it is *labelled alert-worthy* when any of them is
  labelled ``alert: true``, and *predicted* when it published a story alert.
  TP, FP and FN count scored stories like the article rows.
* **Events across stories** (only when labels carry ``event_id``): an event is
  **split** when its articles fall into more than one story; a story
  **merges** events when its labelled articles carry more than one
  ``event_id`` (articles without one do not count). **Story lead time** of an
  event = ``event_date`` minus the UTC date of the ``time`` of the earliest
  story-alert record of any story holding one of its articles ("missed": none
  of those stories alerted).
* **Trend alerts** are the ``trend.v1`` records, counted by window (hour, day)
  and key kind (actor, dyad, country); the report lists the strongest
  (smallest p-value, then largest z; a z of "-" means a baseline without
  variance, ranked above any finite z). **Engine counters**: redeliveries (an
  article id fed again gets its first story back and changes nothing),
  articles more than the story window behind the newest event time, and trend
  articles accepted late (into a window past its end, within the grace) or
  dropped late (window already closed). Lateness needs articles out of time
  order, which the sort gives only where ``published_at`` texts do not sort as
  times (mixed UTC offsets, for one).
"""

from __future__ import annotations

import argparse
import hashlib
import sys
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from streams import codec
from streams.config import Settings
from streams.errors import ConfigError
from streams.replay.inputs import (
    check_run_id,
    derive_run_id,
    input_digests,
    route_inputs,
    settings_with_knowledge,
)
from streams.replay.kafka import replay_files_kafka, run_settings
from streams.replay.progress import Progress
from streams.replay.report import write_report
from streams.replay.scoring import (
    BacktestResult,
    Label,
    Outcome,
    RunResult,
    StoryFigures,
    alert_score,
    alerts_per_day,
    diff_runs,
    lead_times,
    load_labels,
    micro_average,
    outcome_of,
    story_figures,
    type_scores,
)
from streams.replay.topic import read_topic

__all__ = ["build_parser", "format_summary", "main", "run_backtest", "story_step"]

def _articles(paths: Sequence[str]) -> dict[str, dict[str, Any]]:
    from streams.sources import iter_inputs

    return {str(item.event["id"]): item.event
            for item in iter_inputs(paths) if item.event is not None}


def _text(article: dict[str, Any], name: str) -> str:
    return str(article.get(name) or "")


def story_step(labels: dict[str, Label], outcomes: Sequence[Outcome],
               analyses: Sequence[dict[str, Any]],
               articles: dict[str, dict[str, Any]]) -> StoryFigures:
    """Group the run's analyses into stories and trends and compute their figures.

    Args:
        labels: The labels.
        outcomes: The run's outcomes.
        analyses: Its ``analysis.v1`` dicts, in any order.
        articles: Article events by id (text, title, URL, source).
    """
    from streams.stories.engine import StoryEngine, StoryInput

    items = []
    for analysis in analyses:
        article = articles.get(analysis["article_id"]) or {}
        items.append(StoryInput(
            analysis["article_id"], _text(article, "text"), analysis,
            title=_text(article, "title"), url=_text(article, "url"),
            source=_text(article, "source"),
            published_at=analysis.get("published_at") or article.get("published_at")))
    items.sort(key=lambda i: (i.published_at or "", i.article_id))
    engine = StoryEngine()
    assignments: list[dict[str, Any]] = []
    story_alerts: list[dict[str, Any]] = []
    trends: list[dict[str, Any]] = []
    for item in items:
        out = engine.process(item)
        assignments.append({"article_id": item.article_id, "story_id": out.story_id,
                            "match": out.match.reason, "matched": out.match.matched})
        story_alerts.extend(out.story_alerts)
        trends.extend(out.trends)
    counters = {"redeliveries": engine.stats["redeliveries"],
                "late_articles": engine.stats["late"],
                "trend_late_accepted": engine.trends.stats["late_accepted"],
                "trend_late_dropped": engine.trends.stats["late_dropped"]}
    warmup = {g.name: g.warmup for g in engine.trends.options.granularities}
    return story_figures(labels, outcomes, assignments, story_alerts, trends,
                         counters=counters, warmup=warmup)


def _pass_files(paths: Sequence[str], settings: Settings, run_id: str,
                progress: bool) -> tuple[list[dict[str, Any]], int, str, float]:
    import time

    from streams.pipeline import build_analyzer
    from streams.sources import iter_inputs

    analyzer = build_analyzer(settings)
    total = sum(d["lines"] for d in input_digests(paths))
    bar = Progress(total or None, f"backtest {run_id}", enabled=progress)
    analyses, dead = [], 0
    started = time.perf_counter()
    try:
        for routed in route_inputs(iter_inputs(paths), analyzer, run_id=run_id,
                                   max_bytes=settings.max_message_bytes):
            if routed.analysis is not None:
                analyses.append(routed.analysis)
            else:
                dead += 1
            bar.update()
    finally:
        bar.close()
    return analyses, dead, analyzer.knowledge.version, time.perf_counter() - started


def _pass_kafka(paths: Sequence[str], settings: Settings, run_id: str,
                progress: bool) -> tuple[list[dict[str, Any]], int, str, float]:

    summary = replay_files_kafka(paths, settings, run_id=run_id, progress=progress)
    run = run_settings(settings, summary.run_id)
    by_key: dict[bytes, dict[str, Any]] = {}
    for rec in read_topic(run, run.topic_analyzed):
        by_key.setdefault(rec.key, codec.loads(rec.value))
    return list(by_key.values()), summary.deadletters, summary.knowledge_version, summary.seconds


def _score(labels: dict[str, Label], run: RunResult) -> RunResult:
    run.scores = type_scores(labels, run.outcomes)
    run.alert = alert_score(labels, run.outcomes)
    run.micro = micro_average(run.scores)
    return run


def run_backtest(paths: Sequence[str], labels_path: Path, settings: Settings, *,
                 baseline_dir: Path | None = None, run_id: str | None = None,
                 kafka: bool = False, progress: bool = False,
                 stories: bool = True) -> BacktestResult:
    """Run the archive (and the baseline, if any) and compute every metric.

    With ``stories`` the analyses of each pass also go through the story step
    (:func:`story_step`), filling :attr:`RunResult.stories`.
    """
    import uuid

    from streams.pipeline import build_analyzer

    labels = load_labels(labels_path)
    archive = input_digests(paths)
    version = build_analyzer(settings).knowledge.version
    label_digest = hashlib.sha256(labels_path.read_bytes()).hexdigest()
    run_id = check_run_id(run_id or derive_run_id(
        [d["sha256"] for d in archive] + [label_digest], version, settings.alert_threshold))
    articles = _articles(paths)
    one_pass = _pass_kafka if kafka else _pass_files

    def scored(run_settings: Settings, rid: str) -> RunResult:
        analyses, dead, kv, seconds = one_pass(paths, run_settings, rid, progress)
        outcomes = [outcome_of(a, _text(articles.get(a["article_id"]) or {}, "title"))
                    for a in analyses]
        run = _score(labels, RunResult(run_settings.knowledge_dir, kv, outcomes, dead,
                                       seconds=seconds))
        if stories:
            run.stories = story_step(labels, outcomes, analyses, articles)
        return run

    # Kafka runs need fresh topic names per pass; file passes keep the id.
    current = scored(settings, f"{run_id}-{uuid.uuid4().hex[:4]}" if kafka else run_id)
    result = BacktestResult(run_id, archive, labels_path, labels, current, via_kafka=kafka)
    if baseline_dir is not None:
        if not baseline_dir.is_dir():
            raise ConfigError(f"--baseline {baseline_dir}: not a folder")
        base = scored(replace(settings, knowledge_dir=baseline_dir),
                      f"{run_id}-base-{uuid.uuid4().hex[:4]}" if kafka else f"{run_id}-base")
        result.baseline = base
        result.diff = diff_runs(base.outcomes, current.outcomes)
    result.per_day = alerts_per_day(current.outcomes)
    result.lead = lead_times(labels, current.outcomes)
    seen = {o.article_id for o in current.outcomes}
    result.unlabelled = sorted(seen - labels.keys())
    result.missing = sorted(labels.keys() - seen)
    return result


def _ratio(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2f}"


def _story_summary(fig: StoryFigures) -> list[str]:
    changes = ", ".join(f"{name} {n}" for name, n in fig.records_by_change.items() if n)
    levels = ", ".join(f"{name} {n}" for name, n in fig.final_levels.items() if n)
    d = fig.decision
    lines = [
        f"  stories: {fig.stories} from {len(fig.assignments)} articles, {fig.alerting} "
        f"alerting; {fig.article_alerts} article alerts / {fig.alerting} alerting stories = "
        f"collapse {_ratio(fig.collapse)}",
        f"    {len(fig.story_alerts)} story-alert records ({changes or 'none'}); final levels: "
        f"{levels or 'none'}",
        f"  story alert decision: precision {_ratio(d.precision)} recall {_ratio(d.recall)} "
        f"F1 {_ratio(d.f1)} (tp {d.tp} fp {d.fp} fn {d.fn}, {fig.scored} stories scored)",
    ]
    if fig.events:
        lines.append(f"  events across stories: {fig.split} of {len(fig.events)} labelled events "
                     f"split over several stories, {len(fig.merged)} stories merge events")
    per_window = ", ".join(f"{w} {sum(kinds.values())}" for w, kinds in fig.trend_counts.items())
    lines.append(f"  trends: {len(fig.trends)} trend alerts ({per_window or 'none'}); late "
                 f"dropped {fig.counters.get('trend_late_dropped', 0)}")
    return lines


def format_summary(result: BacktestResult) -> str:
    """The terminal summary: headline metrics and gained/lost alerts."""
    cur = result.current
    alerts = sum(1 for o in cur.outcomes if o.level)
    lines = [
        f"backtest {result.run_id}: {len(cur.outcomes)} articles, {alerts} alerts, "
        f"{cur.deadletters} dead letters, {len(result.labels)} labels"
        f" ({len(result.unlabelled)} articles unlabelled, {len(result.missing)} labels unmatched)",
        f"  knowledge {cur.knowledge_version}",
        f"  alert decision: precision {_ratio(cur.alert.precision)} recall "
        f"{_ratio(cur.alert.recall)} F1 {_ratio(cur.alert.f1)}",
        f"  types (micro): precision {_ratio(cur.micro.precision)} recall "
        f"{_ratio(cur.micro.recall)} F1 {_ratio(cur.micro.f1)}",
    ]
    for s in cur.scores:
        lines.append(f"    {s.type:<11} P {_ratio(s.precision):>4}  R {_ratio(s.recall):>4}  "
                     f"F1 {_ratio(s.f1):>4}  (tp {s.tp} fp {s.fp} fn {s.fn})")
    for lead in result.lead:
        when = f"{lead.lead_days:+d} days" if lead.lead_days is not None else "missed"
        sure = (f"{lead.confirmed_lead_days:+d} days" if lead.confirmed_lead_days is not None
                else "none")
        lines.append(f"  lead {lead.event_id} ({lead.event_date}): {when} "
                     f"(labelled-true alerts only: {sure})")
    if cur.stories is not None:
        lines += _story_summary(cur.stories)
    if result.diff is not None and result.baseline is not None:
        lines.append(f"  vs baseline {result.baseline.knowledge_dir} "
                     f"({result.baseline.knowledge_version}): {len(result.diff.gained)} alerts "
                     f"gained, {len(result.diff.lost)} lost")
        for alert_id, article_id, level in result.diff.gained:
            lines.append(f"    + {alert_id} {article_id} {level}")
        for alert_id, article_id, level in result.diff.lost:
            lines.append(f"    - {alert_id} {article_id} {level}")
        for change in result.diff.changes:
            lines.append(f"    {change.kind:<8} {change.article_id}: {change.before or '-'} -> "
                         f"{change.after or '-'}")
    return "\n".join(lines)


def build_parser() -> argparse.ArgumentParser:
    """The parser of ``escwatch backtest``."""
    p = argparse.ArgumentParser(
        prog="escwatch backtest",
        description="Replay a labelled archive through the pipeline and report precision, "
                    "recall and F1 per event type, alert volume per day and lead times, "
                    "and the same archive grouped into stories and trends.")
    p.add_argument("paths", nargs="+", metavar="ARCHIVE", help=".jsonl/.txt files or folders")
    p.add_argument("--labels", type=Path, required=True, metavar="FILE",
                   help="labels JSONL: {article_id, types, alert?, event_id?, event_date?}")
    p.add_argument("--report", type=Path, metavar="DIR",
                   help="report folder (default reports/<run_id>/)")
    p.add_argument("--baseline", type=Path, metavar="DIR",
                   help="second knowledge folder to compare with (alerts gained and lost)")
    p.add_argument("--knowledge", type=Path, metavar="DIR",
                   help="knowledge folder of the run (default: ESCWATCH_KNOWLEDGE_DIR)")
    p.add_argument("--kafka", action="store_true",
                   help="go through the broker and a real worker (isolated run)")
    p.add_argument("--run-id", help="run id (default: derived from archive, labels, knowledge)")
    p.add_argument("--no-charts", action="store_true", help="draw no PNG charts")
    p.add_argument("--no-stories", action="store_true",
                   help="skip the story step: no story or trend figures, no story files")
    p.add_argument("--progress", action="store_true", help="draw a progress bar even off a TTY")
    return p


def main(argv: list[str]) -> int:
    """Run ``escwatch backtest``; print the summary; return the exit code."""
    args = build_parser().parse_args(argv)
    settings = settings_with_knowledge(args.knowledge)
    result = run_backtest(args.paths, args.labels, settings, baseline_dir=args.baseline,
                          run_id=args.run_id, kafka=args.kafka,
                          progress=Progress.wanted(args.progress), stories=not args.no_stories)
    folder = args.report or Path("reports") / result.run_id
    written = write_report(result, folder, charts=not args.no_charts)
    print(format_summary(result))
    print(f"  report: {', '.join(str(p) for p in written)}")
    if result.missing:
        print(f"warning: {len(result.missing)} labelled articles are not in the archive: "
              f"{', '.join(result.missing[:5])}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
