"""Backtests: replay a labelled archive and measure the alerts against the labels.

``escwatch backtest --labels LABELS.jsonl ARCHIVE...`` routes the archive
through the worker's path (:func:`streams.replay.route_inputs`; with
``--kafka`` through a real worker on an isolated run instead), compares what
it finds with hand labels, and writes a report folder (``report.md`` plus PNG
charts, see :mod:`streams.report`).

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
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any

from streams import codec
from streams.config import Settings
from streams.errors import ConfigError, EscwatchError
from streams.evaluation import harmonic_mean
from streams.replay import LEVELS, Progress, derive_run_id, input_digests

__all__ = [
    "BacktestResult",
    "Change",
    "Diff",
    "Label",
    "LeadTime",
    "Outcome",
    "RunResult",
    "TypeScore",
    "alert_score",
    "alerts_per_day",
    "day_of",
    "diff_runs",
    "lead_times",
    "load_labels",
    "main",
    "micro_average",
    "outcome_of",
    "parse_labels",
    "run_backtest",
    "type_scores",
]


@dataclass(frozen=True, slots=True)
class Label:
    """The ground truth for one article.

    Attributes:
        article_id: The article's id.
        types: PLOVER escalation types the article reports.
        alert: Whether an analyst wants an alert for it.
        event_id: The real-world event it is about, or None.
        event_date: The date that event happened, or None.
    """

    article_id: str
    types: frozenset[str]
    alert: bool
    event_id: str | None = None
    event_date: date | None = None


def _label(obj: Any, where: str) -> Label:
    if not isinstance(obj, dict):
        raise ConfigError(f"{where}: each line must be a JSON object")
    unknown = set(obj) - {"article_id", "types", "alert", "event_id", "event_date", "note"}
    if unknown:
        raise ConfigError(f"{where}: unknown field(s) {', '.join(sorted(unknown))}")
    article_id = obj.get("article_id")
    if not isinstance(article_id, str) or not article_id:
        raise ConfigError(f"{where}: article_id must be a non-empty string")
    types = obj.get("types")
    if not isinstance(types, list) or not all(isinstance(t, str) and t for t in types):
        raise ConfigError(f"{where}: types must be a list of type names")
    alert = obj.get("alert", bool(types))
    if not isinstance(alert, bool):
        raise ConfigError(f"{where}: alert must be true or false")
    event_id, raw_date = obj.get("event_id"), obj.get("event_date")
    if (event_id is None) != (raw_date is None):
        raise ConfigError(f"{where}: event_id and event_date go together")
    event_date = None
    if raw_date is not None:
        if not isinstance(event_id, str) or not isinstance(raw_date, str):
            raise ConfigError(f"{where}: event_id and event_date must be strings")
        try:
            event_date = date.fromisoformat(raw_date)
        except ValueError as exc:
            raise ConfigError(f"{where}: event_date {raw_date!r} is not YYYY-MM-DD") from exc
    return Label(article_id, frozenset(t.upper() for t in types), alert, event_id, event_date)


def parse_labels(lines: Iterable[bytes], name: str = "labels") -> dict[str, Label]:
    """Parse label JSONL; blank lines and ``#`` comments are skipped.

    Raises:
        ConfigError: naming the line of a malformed or duplicate label.
    """
    labels: dict[str, Label] = {}
    for number, line in enumerate(lines, 1):
        stripped = line.strip()
        if not stripped or stripped.startswith(b"#"):
            continue
        where = f"{name}:{number}"
        try:
            obj = codec.loads(stripped)
        except EscwatchError as exc:
            raise ConfigError(f"{where}: {exc}") from exc
        label = _label(obj, where)
        if label.article_id in labels:
            raise ConfigError(f"{where}: duplicate label for {label.article_id}")
        labels[label.article_id] = label
    return labels


def load_labels(path: Path) -> dict[str, Label]:
    """Read a labels file; see :func:`parse_labels`."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ConfigError(f"labels file {path}: {exc.strerror}") from exc
    return parse_labels(data.splitlines(), str(path))


@dataclass(frozen=True, slots=True)
class Outcome:
    """What the pipeline did with one article.

    Attributes:
        article_id: The article.
        published_at: Its event time, or None.
        title: Its headline.
        score: The escalation score.
        level: Alert level, or None when no alert.
        alert_id: The alert id, or None.
        predicted: Predicted types: the alert's signal types.
    """

    article_id: str
    published_at: str | None
    title: str
    score: float
    level: str | None
    alert_id: str | None
    predicted: frozenset[str]


def outcome_of(analysis: dict[str, Any], title: str = "") -> Outcome:
    """Reduce an ``analysis.v1`` dict to what the metrics need."""
    alert = analysis.get("alert")
    return Outcome(
        article_id=analysis["article_id"],
        published_at=analysis.get("published_at"),
        title=title or (alert or {}).get("title") or "",
        score=float(analysis.get("score") or 0.0),
        level=alert["level"] if alert else None,
        alert_id=alert["id"] if alert else None,
        predicted=frozenset(alert["signal_types"]) if alert else frozenset(),
    )


@dataclass(frozen=True, slots=True)
class TypeScore:
    """Counts and ratios for one event type (or the alert decision).

    Attributes:
        type: PLOVER type, "alert" or "micro".
        tp: Articles labelled and predicted.
        fp: Articles predicted but not labelled.
        fn: Articles labelled but not predicted.
    """

    type: str
    tp: int
    fp: int
    fn: int

    @property
    def precision(self) -> float | None:
        """TP / (TP + FP), or None when nothing was predicted."""
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else None

    @property
    def recall(self) -> float | None:
        """TP / (TP + FN), or None when nothing was labelled."""
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else None

    @property
    def f1(self) -> float | None:
        """Harmonic mean of precision and recall, or None when either is undefined."""
        p, r = self.precision, self.recall
        if p is None or r is None:
            return None
        return harmonic_mean(p, r)

    @property
    def support(self) -> int:
        """Articles labelled with the type."""
        return self.tp + self.fn


def type_scores(labels: dict[str, Label], outcomes: Sequence[Outcome]) -> list[TypeScore]:
    """Per-type counts over the labelled articles, sorted by type name."""
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for outcome in outcomes:
        label = labels.get(outcome.article_id)
        if label is None:
            continue
        for kind in label.types | outcome.predicted:
            row = counts[kind]
            if kind in label.types and kind in outcome.predicted:
                row[0] += 1
            elif kind in outcome.predicted:
                row[1] += 1
            else:
                row[2] += 1
    for label in labels.values():
        for kind in label.types:
            counts.setdefault(kind, [0, 0, 0])
    return [TypeScore(kind, *counts[kind]) for kind in sorted(counts)]


def alert_score(labels: dict[str, Label], outcomes: Sequence[Outcome]) -> TypeScore:
    """Counts of the yes/no alert decision against the labels' ``alert``."""
    tp = fp = fn = 0
    for outcome in outcomes:
        label = labels.get(outcome.article_id)
        if label is None:
            continue
        raised = outcome.level is not None
        tp += raised and label.alert
        fp += raised and not label.alert
        fn += label.alert and not raised
    return TypeScore("alert", tp, fp, fn)


def micro_average(scores: Iterable[TypeScore]) -> TypeScore:
    """Pool the counts of all types."""
    rows = list(scores)
    return TypeScore("micro", sum(s.tp for s in rows), sum(s.fp for s in rows),
                     sum(s.fn for s in rows))


def day_of(published_at: str | None) -> str:
    """The UTC date ``YYYY-MM-DD`` of an RFC 3339 time, or "unknown"."""
    if not published_at:
        return "unknown"
    from datetime import UTC, datetime

    try:
        when = datetime.fromisoformat(published_at)
    except ValueError:
        return "unknown"
    if when.tzinfo is not None:
        when = when.astimezone(UTC)
    return when.date().isoformat()


def alerts_per_day(outcomes: Iterable[Outcome]) -> dict[str, dict[str, int]]:
    """Alerts per published date and level, dates sorted ("unknown" last).

    Every date between the first and last article date appears, with zero
    counts, so charts show quiet days as gaps rather than hiding them.
    """
    rows: dict[str, Counter[str]] = defaultdict(Counter)
    days: set[str] = set()
    for outcome in outcomes:
        day = day_of(outcome.published_at)
        days.add(day)
        if outcome.level is not None:
            rows[day][outcome.level] += 1
    known = sorted(d for d in days if d != "unknown")
    if known:
        first, last = date.fromisoformat(known[0]), date.fromisoformat(known[-1])
        known = [date.fromordinal(n).isoformat()
                 for n in range(first.toordinal(), last.toordinal() + 1)]
    ordered = known + (["unknown"] if "unknown" in days else [])
    return {day: {lvl: rows[day].get(lvl, 0) for lvl in LEVELS} for day in ordered}


@dataclass(frozen=True, slots=True)
class LeadTime:
    """How early the first alert about an event came.

    Attributes:
        event_id: The labelled event.
        event_date: When it happened.
        articles: Articles labelled with it.
        first_alert: Article id of the earliest alert, or None.
        first_alert_date: Its published date, or None when missed.
        lead_days: ``event_date - first_alert_date`` in days, or None.
        confirmed_lead_days: The same counting only alerts on articles
            labelled ``alert: true`` (a false alarm that happens to come
            early does not earn lead time), or None.
    """

    event_id: str
    event_date: date
    articles: int
    first_alert: str | None
    first_alert_date: date | None
    lead_days: int | None
    confirmed_lead_days: int | None = None


def lead_times(labels: dict[str, Label], outcomes: Sequence[Outcome]) -> list[LeadTime]:
    """Lead time of every labelled event, sorted by event date then id."""
    by_id = {o.article_id: o for o in outcomes}
    events: dict[str, tuple[date, list[Label]]] = {}
    for label in labels.values():
        if label.event_id is not None and label.event_date is not None:
            entry = events.setdefault(label.event_id, (label.event_date, []))
            entry[1].append(label)
    result = []
    for event_id, (event_date, members) in events.items():
        alerted = []
        for label in members:
            outcome = by_id.get(label.article_id)
            day = day_of(outcome.published_at) if outcome else "unknown"
            if outcome is not None and outcome.level is not None and day != "unknown":
                alerted.append((outcome.published_at or "", date.fromisoformat(day),
                                outcome.article_id, label.alert))
        present = sum(1 for m in members if m.article_id in by_id)
        confirmed = [a for a in alerted if a[3]]
        confirmed_days = (event_date - min(confirmed)[1]).days if confirmed else None
        if alerted:
            _, first_day, first_id, _ = min(alerted)
            result.append(LeadTime(event_id, event_date, present, first_id, first_day,
                                   (event_date - first_day).days, confirmed_days))
        else:
            result.append(LeadTime(event_id, event_date, present, None, None, None))
    return sorted(result, key=lambda r: (r.event_date, r.event_id))


@dataclass(frozen=True, slots=True)
class Change:
    """An article whose alert differs between the baseline and the current run.

    Attributes:
        article_id: The article.
        before: Baseline level, or None.
        after: Current level, or None.
        before_id: Baseline alert id, or None.
        after_id: Current alert id, or None.
    """

    article_id: str
    before: str | None
    after: str | None
    before_id: str | None
    after_id: str | None

    @property
    def kind(self) -> str:
        """"gained", "lost", "raised", "lowered" or "evidence" (same level, new id)."""
        if self.before is None:
            return "gained"
        if self.after is None:
            return "lost"
        rank = {lvl: n for n, lvl in enumerate(LEVELS)}
        if rank[self.after] > rank[self.before]:
            return "raised"
        if rank[self.after] < rank[self.before]:
            return "lowered"
        return "evidence"


@dataclass(frozen=True, slots=True)
class Diff:
    """Alerts gained and lost against a baseline.

    Attributes:
        gained: (alert id, article id, level) only in the current run.
        lost: (alert id, article id, level) only in the baseline.
        changes: Per-article changes, sorted by article id.
    """

    gained: tuple[tuple[str, str, str], ...]
    lost: tuple[tuple[str, str, str], ...]
    changes: tuple[Change, ...]


def diff_runs(baseline: Sequence[Outcome], current: Sequence[Outcome]) -> Diff:
    """Compare two runs over the same archive."""
    def alerts(rows: Sequence[Outcome]) -> dict[str, tuple[str, str, str]]:
        return {o.alert_id: (o.alert_id, o.article_id, o.level or "")
                for o in rows if o.alert_id is not None}

    old, new = alerts(baseline), alerts(current)
    before = {o.article_id: o for o in baseline}
    after = {o.article_id: o for o in current}
    changes = []
    for article_id in sorted(before.keys() | after.keys()):
        b, a = before.get(article_id), after.get(article_id)
        b_level, a_level = (b.level if b else None), (a.level if a else None)
        b_id, a_id = (b.alert_id if b else None), (a.alert_id if a else None)
        if (b_level, b_id) != (a_level, a_id) and (b_level or a_level):
            changes.append(Change(article_id, b_level, a_level, b_id, a_id))
    return Diff(tuple(new[k] for k in sorted(new.keys() - old.keys())),
                tuple(old[k] for k in sorted(old.keys() - new.keys())),
                tuple(changes))


@dataclass
class RunResult:
    """One pass of the pipeline over the archive, scored.

    Attributes:
        knowledge_dir: The knowledge folder, or None for the packaged one.
        knowledge_version: Its fingerprint.
        outcomes: One per valid article, in input order.
        deadletters: Inputs rejected.
        scores: Per-type scores.
        alert: Score of the alert decision.
        micro: Micro average over types.
        seconds: Wall-clock time of the pass.
    """

    knowledge_dir: Path | None
    knowledge_version: str
    outcomes: list[Outcome]
    deadletters: int
    scores: list[TypeScore] = field(default_factory=list)
    alert: TypeScore = field(default_factory=lambda: TypeScore("alert", 0, 0, 0))
    micro: TypeScore = field(default_factory=lambda: TypeScore("micro", 0, 0, 0))
    seconds: float = 0.0


@dataclass
class BacktestResult:
    """Everything a backtest report shows.

    Attributes:
        run_id: The run's id.
        archive: Input file digests.
        labels_path: The labels file.
        labels: The parsed labels.
        current: The run with the chosen knowledge.
        baseline: The run with the baseline knowledge, or None.
        diff: Gained and lost alerts against the baseline, or None.
        per_day: Alerts per day and level (current run).
        lead: Lead times (current run).
        unlabelled: Articles with no label (not scored).
        missing: Labelled article ids absent from the archive.
        via_kafka: Whether the run went through a broker.
    """

    run_id: str
    archive: list[dict[str, Any]]
    labels_path: Path
    labels: dict[str, Label]
    current: RunResult
    baseline: RunResult | None = None
    diff: Diff | None = None
    per_day: dict[str, dict[str, int]] = field(default_factory=dict)
    lead: list[LeadTime] = field(default_factory=list)
    unlabelled: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    via_kafka: bool = False


def _titles(paths: Sequence[str]) -> dict[str, str]:
    from streams.sources import iter_inputs

    return {str(item.event["id"]): str(item.event.get("title") or "")
            for item in iter_inputs(paths) if item.event is not None}


def _pass_files(paths: Sequence[str], settings: Settings, run_id: str,
                progress: bool) -> tuple[list[dict[str, Any]], int, str, float]:
    import time

    from streams.app import build_analyzer
    from streams.replay import route_inputs
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
    from streams.replay import read_topic, replay_files_kafka, run_settings

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

    from streams.app import build_analyzer
    from streams.replay import check_run_id

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
    from streams.report import write_report

    args = build_parser().parse_args(argv)
    settings = Settings.from_env()
    if args.knowledge is not None:
        settings = replace(settings, knowledge_dir=args.knowledge)
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
