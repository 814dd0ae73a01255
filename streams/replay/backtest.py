"""Backtests: replay a labelled archive and measure the alerts against the labels.

``escwatch backtest --labels LABELS.jsonl ARCHIVE...`` routes the archive
through the worker's path (:func:`streams.replay.inputs.route_inputs`; with
``--kafka`` through a real worker on an isolated run instead), compares what
it finds with hand labels, and writes a report folder (``report.md`` plus PNG
charts, see :mod:`streams.replay.report`).

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
    RunResult,
    alert_score,
    alerts_per_day,
    diff_runs,
    lead_times,
    load_labels,
    micro_average,
    outcome_of,
    type_scores,
)
from streams.replay.topic import read_topic

__all__ = ["build_parser", "format_summary", "main", "run_backtest"]

def _titles(paths: Sequence[str]) -> dict[str, str]:
    from streams.sources import iter_inputs

    return {str(item.event["id"]): str(item.event.get("title") or "")
            for item in iter_inputs(paths) if item.event is not None}


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
                 kafka: bool = False, progress: bool = False) -> BacktestResult:
    """Run the archive (and the baseline, if any) and compute every metric."""
    import uuid

    from streams.pipeline import build_analyzer

    labels = load_labels(labels_path)
    archive = input_digests(paths)
    version = build_analyzer(settings).knowledge.version
    label_digest = hashlib.sha256(labels_path.read_bytes()).hexdigest()
    run_id = check_run_id(run_id or derive_run_id(
        [d["sha256"] for d in archive] + [label_digest], version, settings.alert_threshold))
    titles = _titles(paths)
    one_pass = _pass_kafka if kafka else _pass_files

    def scored(run_settings: Settings, rid: str) -> RunResult:
        analyses, dead, kv, seconds = one_pass(paths, run_settings, rid, progress)
        outcomes = [outcome_of(a, titles.get(a["article_id"], "")) for a in analyses]
        return _score(labels, RunResult(run_settings.knowledge_dir, kv, outcomes, dead,
                                        seconds=seconds))

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
                    "recall and F1 per event type, alert volume per day and lead times.")
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
    p.add_argument("--no-charts", action="store_true", help="write report.md only")
    p.add_argument("--progress", action="store_true", help="draw a progress bar even off a TTY")
    return p


def main(argv: list[str]) -> int:
    """Run ``escwatch backtest``; print the summary; return the exit code."""
    args = build_parser().parse_args(argv)
    settings = settings_with_knowledge(args.knowledge)
    result = run_backtest(args.paths, args.labels, settings, baseline_dir=args.baseline,
                          run_id=args.run_id, kafka=args.kafka,
                          progress=Progress.wanted(args.progress))
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
