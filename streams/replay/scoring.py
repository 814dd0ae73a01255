"""Backtest figures: labels, outcomes, per-type scores, day buckets, lead times, baseline diffs,
story- and trend-level figures and the result objects the report shows (definitions in
:mod:`streams.replay.backtest`).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from streams import codec
from streams.core.scoring import LEVELS
from streams.errors import ConfigError, EscwatchError
from streams.evaluation.scores import f1

__all__ = [
    "CHANGES",
    "MATCHES",
    "TOP_TRENDS",
    "TREND_KINDS",
    "BacktestResult",
    "Change",
    "Diff",
    "EventStories",
    "Label",
    "LeadTime",
    "Outcome",
    "RunResult",
    "StoryFigures",
    "StoryRow",
    "TypeScore",
    "alert_score",
    "alerts_per_day",
    "day_of",
    "diff_runs",
    "lead_times",
    "load_labels",
    "micro_average",
    "outcome_of",
    "parse_labels",
    "story_figures",
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
        """:func:`streams.evaluation.scores.f1`: None when either ratio is undefined."""
        return f1(self.precision, self.recall)

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
        rank: dict[str, int] = {lvl: n for n, lvl in enumerate(LEVELS)}
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


MATCHES: tuple[str, ...] = ("new", "url", "duplicate", "title", "related", "redelivery")
"""Grouping outcomes of :class:`streams.stories.grouping.Match`, in report order."""

CHANGES: tuple[str, ...] = ("new", "level_up", "level_down", "new_actor", "new_event_type",
                            "closed")
"""``changes`` of ``story_alert.v1`` records, in report order."""

TREND_KINDS: tuple[str, ...] = ("actor", "dyad", "country")
"""``kind`` of ``trend.v1`` records, in report order."""

TOP_TRENDS = 10
"""Trend alerts listed in the report (strongest first)."""


@dataclass(frozen=True, slots=True)
class StoryRow:
    """One story, as the report lists it.

    Attributes:
        story_id: The story.
        title: Headline of its first article.
        articles: Distinct articles grouped into it.
        labelled: Of those, articles with a label.
        labelled_alert: Of those, articles labelled ``alert: true``.
        level: Level of its last ``story_alert.v1`` record, or None without one.
        status: Status of that record, or None.
        events: Distinct ``event_id`` of its labelled articles, sorted.
    """

    story_id: str
    title: str
    articles: int
    labelled: int
    labelled_alert: int
    level: str | None
    status: str | None
    events: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class EventStories:
    """How the articles of one labelled event were grouped, and the first story alert.

    Attributes:
        event_id: The labelled event.
        event_date: When it happened.
        articles: Its articles present in the run.
        stories: Distinct stories holding them.
        first_story_alert: Story of the earliest story alert among those stories, or None.
        first_story_alert_date: UTC date of that record's ``time``, or None.
        lead_days: ``event_date - first_story_alert_date`` in days, or None.
    """

    event_id: str
    event_date: date
    articles: int
    stories: int
    first_story_alert: str | None
    first_story_alert_date: date | None
    lead_days: int | None


@dataclass
class StoryFigures:
    """Story- and trend-level figures of one run (see :func:`story_figures`).

    Attributes:
        assignments: ``{article_id, story_id, match, matched}`` per article fed to the
            story step, in processing order.
        story_alerts: ``story_alert.v1`` records in publishing order.
        trends: ``trend.v1`` records in publishing order.
        stories: Distinct stories.
        multi_article: Stories of two or more articles.
        matches: Articles per grouping outcome (:data:`MATCHES`).
        alerting: Stories with at least one ``story_alert.v1`` record.
        article_alerts: ``alert.v1`` records of the run (articles with an alert).
        records_by_change: Story-alert records naming each change (a record naming two
            changes counts under both).
        final_levels: Stories by the level of their last record ("none": no record).
        closed: Alerting stories whose last record is ``status: closed``.
        decision: Story-level alert decision against the labels.
        scored: Stories with at least one labelled article (the decision's population).
        events: Per labelled event, its stories; empty when no label has an ``event_id``.
        merged: Stories whose labelled articles carry more than one ``event_id``.
        disagreements: Scored stories whose decision differs from the labels.
        trend_counts: Trend records per window and key kind.
        top_trends: The :data:`TOP_TRENDS` strongest trend records.
        counters: Engine counters (redeliveries, late articles, trend lateness).
        warmup: Windows of history a trend key needs, per window name.
    """

    assignments: list[dict[str, Any]]
    story_alerts: list[dict[str, Any]]
    trends: list[dict[str, Any]]
    stories: int = 0
    multi_article: int = 0
    matches: dict[str, int] = field(default_factory=dict)
    alerting: int = 0
    article_alerts: int = 0
    records_by_change: dict[str, int] = field(default_factory=dict)
    final_levels: dict[str, int] = field(default_factory=dict)
    closed: int = 0
    decision: TypeScore = field(default_factory=lambda: TypeScore("story alert", 0, 0, 0))
    scored: int = 0
    events: list[EventStories] = field(default_factory=list)
    merged: list[StoryRow] = field(default_factory=list)
    disagreements: list[StoryRow] = field(default_factory=list)
    trend_counts: dict[str, dict[str, int]] = field(default_factory=dict)
    top_trends: list[dict[str, Any]] = field(default_factory=list)
    counters: dict[str, int] = field(default_factory=dict)
    warmup: dict[str, int] = field(default_factory=dict)

    @property
    def collapse(self) -> float | None:
        """Article alerts per alerting story, or None when no story alerted."""
        return self.article_alerts / self.alerting if self.alerting else None

    @property
    def split(self) -> int:
        """Labelled events whose articles fall into more than one story."""
        return sum(1 for e in self.events if e.stories > 1)


def _ordered(counts: Counter[str], order: Sequence[str]) -> dict[str, int]:
    # The known names first (zeros included), then any other name seen, sorted.
    return {**{name: counts.get(name, 0) for name in order},
            **{name: counts[name] for name in sorted(counts) if name not in order}}


def _trend_rank(record: dict[str, Any]) -> tuple[float, int, float, str, str, str]:
    # Smallest p first; z is None when the baseline has no variance (the count stands
    # out from a constant), which ranks above any finite z.
    z = record.get("z")
    return (float(record.get("p_value") or 0.0), 0 if z is None else 1, -float(z or 0.0),
            str(record.get("key")), str(record.get("window")), str(record.get("window_start")))


def story_figures(labels: dict[str, Label], outcomes: Sequence[Outcome],
                  assignments: Sequence[dict[str, Any]], story_alerts: Sequence[dict[str, Any]],
                  trends: Sequence[dict[str, Any]], *, counters: dict[str, int] | None = None,
                  warmup: dict[str, int] | None = None) -> StoryFigures:
    """Story- and trend-level figures from the story step's output (definitions in
    :mod:`streams.replay.backtest`).

    Args:
        labels: The labels.
        outcomes: The run's outcomes (article alerts and titles).
        assignments: ``{article_id, story_id, match}`` per article, in processing order.
        story_alerts: The ``story_alert.v1`` records.
        trends: The ``trend.v1`` records.
        counters: Engine counters to report as they are.
        warmup: Windows of history a trend key needs, per window name (report order).
    """
    titles = {o.article_id: o.title for o in outcomes}
    members: dict[str, dict[str, None]] = {}
    for row in assignments:
        members.setdefault(row["story_id"], {})[row["article_id"]] = None
    last: dict[str, dict[str, Any]] = {}
    first_time: dict[str, str] = {}
    changes: Counter[str] = Counter()
    for record in story_alerts:
        sid = record["story_id"]
        if sid not in last or record["revision"] >= last[sid]["revision"]:
            last[sid] = record
        first_time[sid] = min(first_time.get(sid, record["time"]), record["time"])
        changes.update(record.get("changes") or ())

    rows: dict[str, StoryRow] = {}
    tp = fp = fn = 0
    for sid, ids in members.items():
        marked = [labels[a] for a in ids if a in labels]
        latest = last.get(sid)
        first = next(iter(ids))
        rows[sid] = StoryRow(
            sid, (latest or {}).get("title") or titles.get(first, ""), len(ids), len(marked),
            sum(1 for lab in marked if lab.alert), latest["level"] if latest else None,
            latest["status"] if latest else None,
            tuple(sorted({lab.event_id for lab in marked if lab.event_id is not None})))
        if marked:
            wanted, raised = any(lab.alert for lab in marked), latest is not None
            tp += wanted and raised
            fp += raised and not wanted
            fn += wanted and not raised

    story_of = {row["article_id"]: row["story_id"] for row in assignments}
    events: list[EventStories] = []
    by_event: dict[str, tuple[date, list[str]]] = {}
    for lab in labels.values():
        if lab.event_id is not None and lab.event_date is not None:
            by_event.setdefault(lab.event_id, (lab.event_date, []))[1].append(lab.article_id)
    for event_id, (event_date, article_ids) in by_event.items():
        sids = {story_of[a] for a in article_ids if a in story_of}
        alerted = sorted((first_time[s], s) for s in sids if s in first_time)
        when = day_of(alerted[0][0]) if alerted else "unknown"
        day = date.fromisoformat(when) if when != "unknown" else None
        events.append(EventStories(
            event_id, event_date, sum(1 for a in article_ids if a in story_of), len(sids),
            alerted[0][1] if alerted else None, day,
            (event_date - day).days if day is not None else None))
    events.sort(key=lambda e: (e.event_date, e.event_id))

    levels: Counter[str] = Counter(r.level or "none" for r in rows.values())
    trend_counts: dict[str, dict[str, int]] = {}
    windows = list(warmup or {})
    windows += sorted({str(t["window"]) for t in trends} - set(windows))
    kinds = list(_ordered(Counter(str(t["kind"]) for t in trends), TREND_KINDS))
    for window in windows:
        seen = Counter(str(t["kind"]) for t in trends if t["window"] == window)
        trend_counts[window] = {kind: seen.get(kind, 0) for kind in kinds}
    return StoryFigures(
        assignments=list(assignments), story_alerts=list(story_alerts), trends=list(trends),
        stories=len(members), multi_article=sum(1 for ids in members.values() if len(ids) > 1),
        matches=_ordered(Counter(str(row["match"]) for row in assignments), MATCHES),
        alerting=len(last), article_alerts=sum(1 for o in outcomes if o.level is not None),
        records_by_change=_ordered(changes, CHANGES),
        final_levels={"none": levels.get("none", 0), **{lvl: levels.get(lvl, 0) for lvl in LEVELS}},
        closed=sum(1 for r in last.values() if r["status"] == "closed"),
        decision=TypeScore("story alert", tp, fp, fn),
        scored=sum(1 for r in rows.values() if r.labelled),
        events=events, merged=[r for r in rows.values() if len(r.events) > 1],
        disagreements=[r for r in rows.values() if r.labelled
                       and (r.labelled_alert > 0) != (r.level is not None)],
        trend_counts=trend_counts, top_trends=sorted(trends, key=_trend_rank)[:TOP_TRENDS],
        counters=dict(counters or {}), warmup=dict(warmup or {}))


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
        stories: Story- and trend-level figures, or None when the story step was skipped.
    """

    knowledge_dir: Path | None
    knowledge_version: str
    outcomes: list[Outcome]
    deadletters: int
    scores: list[TypeScore] = field(default_factory=list)
    alert: TypeScore = field(default_factory=lambda: TypeScore("alert", 0, 0, 0))
    micro: TypeScore = field(default_factory=lambda: TypeScore("micro", 0, 0, 0))
    seconds: float = 0.0
    stories: StoryFigures | None = None


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
