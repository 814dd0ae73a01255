"""Backtest reports: ``report.md``, PNG charts and the story step's records.

The Markdown holds every number; the charts only draw them. matplotlib (the
``report`` extra) is imported when charts are drawn, so a machine without it
still gets ``report.md``. When the story step ran, its records are written
beside it as JSONL (:data:`STORY_FILES`, canonical :func:`streams.codec.dumps`
lines). Nothing here reads the clock, so the same backtest gives the same
report text and the same JSONL bytes.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from streams import codec
from streams.core.scoring import LEVELS
from streams.replay.scoring import BacktestResult, RunResult, StoryFigures, StoryRow, TypeScore

__all__ = ["CHARTS", "STORY_FILES", "render_markdown", "write_charts", "write_report",
           "write_story_files"]

LEVEL_COLOURS = {"low": "#9ecae1", "medium": "#fdae6b", "high": "#e6550d", "critical": "#a50f15"}
CHARTS: dict[str, str] = {
    "alerts_per_day": "alerts_per_day.png",
    "scores": "score_distribution.png",
    "per_type": "per_type.png",
}
STORY_FILES: dict[str, str] = {
    "stories": "stories.jsonl",
    "story_alerts": "story_alerts.jsonl",
    "trends": "trends.jsonl",
}
"""Story step outputs: article → story assignments, ``story_alert.v1`` and ``trend.v1``."""


def _r(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2f}"


def _score_row(s: TypeScore) -> str:
    return (f"| {s.type} | {s.support} | {s.tp} | {s.fp} | {s.fn} | {_r(s.precision)} | "
            f"{_r(s.recall)} | {_r(s.f1)} |")


def _scores_table(run: RunResult) -> list[str]:
    lines = ["| type | labelled | TP | FP | FN | precision | recall | F1 |",
             "|---|---:|---:|---:|---:|---:|---:|---:|"]
    lines += [_score_row(s) for s in run.scores]
    lines.append(_score_row(run.micro).replace("| micro |", "| **micro** |"))
    return lines


def _histogram(scores: list[float], width: float = 10.0) -> list[tuple[float, int]]:
    bins = [0] * int(100 / width)
    for score in scores:
        bins[min(int(score // width), len(bins) - 1)] += 1
    return [(n * width, count) for n, count in enumerate(bins)]


def render_markdown(result: BacktestResult, charts: bool = True) -> str:
    """The report as Markdown text (image links point at :data:`CHARTS`)."""
    cur = result.current
    alerts = [o for o in cur.outcomes if o.level]
    archive = ", ".join(f"`{d['path']}` (sha256 {d['sha256'][:12]}…)" for d in result.archive)
    path = ("Kafka broker and a real worker (isolated run)" if result.via_kafka
            else "files, through streams.pipeline.route (the worker path)")
    lines = [
        f"# Backtest report `{result.run_id}`",
        "",
        f"- Archive: {archive}",
        f"- Labels: `{result.labels_path}` ({len(result.labels)} articles labelled)",
        f"- Articles analysed: {len(cur.outcomes)}; dead letters: {cur.deadletters}; "
        f"alerts: {len(alerts)}; unlabelled articles: {len(result.unlabelled)}; "
        f"labels without an article: {len(result.missing)}",
        f"- Knowledge: `{cur.knowledge_dir or 'packaged'}` (version `{cur.knowledge_version}`)",
        f"- Path: {path}",
        "",
        "Predicted types of an article are the `signal_types` of its alert (none without an "
        "alert). Counts are articles; a ratio with a zero denominator is `n/a`. Days are the "
        "UTC date of `published_at`. Lead time is `event_date` minus the date of the first "
        "alert on an article labelled with that event (and, in the last column, of the first "
        "alert on such an article that is labelled `alert: true`).",
        "",
        "## Alert decision",
        "",
        "| | labelled alert | TP | FP | FN | precision | recall | F1 |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
        _score_row(cur.alert),
        "",
        "## Precision and recall per event type",
        "",
        *_scores_table(cur),
        "",
    ]
    if charts:
        lines += [f"![precision and recall per type]({CHARTS['per_type']})", ""]
    lines += ["## Alerts per day (by published date)", "",
              "| date | " + " | ".join(LEVELS) + " | total |",
              "|---|" + "---:|" * (len(LEVELS) + 1)]
    for day, counts in result.per_day.items():
        lines.append(f"| {day} | " + " | ".join(str(counts[lvl]) for lvl in LEVELS)
                     + f" | {sum(counts.values())} |")
    lines.append("")
    if charts:
        lines += [f"![alerts per day by level]({CHARTS['alerts_per_day']})", ""]
    lines += ["## Score distribution", "", "| score | articles | of which alerts |",
              "|---|---:|---:|"]
    all_bins = _histogram([o.score for o in cur.outcomes])
    alert_bins = dict(_histogram([o.score for o in alerts]))
    for low, count in all_bins:
        lines.append(f"| {low:.0f}–{low + 10:.0f} | {count} | {alert_bins[low]} |")
    lines.append("")
    if charts:
        lines += [f"![score distribution]({CHARTS['scores']})", ""]
    lines += ["## Lead time per labelled event", ""]
    if result.lead:
        lines += ["| event | event date | articles | first alert | alert date | lead (days) "
                  "| lead, labelled-true alerts only (days) |", "|---|---|---:|---|---|---:|---:|"]
        for lead in result.lead:
            lines.append(
                f"| {lead.event_id} | {lead.event_date} | {lead.articles} | "
                f"{lead.first_alert or 'missed'} | {lead.first_alert_date or '-'} | "
                f"{lead.lead_days if lead.lead_days is not None else '-'} | "
                f"{lead.confirmed_lead_days if lead.confirmed_lead_days is not None else '-'} |")
    else:
        lines.append("No label carries an `event_date`.")
    lines += ["", "## Disagreements with the labels", ""]
    lines += _disagreements(result)
    if cur.stories is not None:
        lines += ["", *_story_section(cur.stories), "", *_trend_section(cur.stories)]
    if result.baseline is not None and result.diff is not None:
        lines += ["", *_baseline_section(result)]
    return "\n".join(lines).rstrip() + "\n"


def _disagreements(result: BacktestResult) -> list[str]:
    rows = []
    for o in result.current.outcomes:
        label = result.labels.get(o.article_id)
        if label is None:
            continue
        missing = sorted(label.types - o.predicted)
        extra = sorted(o.predicted - label.types)
        if (o.level is not None) == label.alert and not missing and not extra:
            continue
        rows.append(f"| {o.article_id} | {o.title} | {'yes' if label.alert else 'no'} | "
                    f"{o.level or '-'} | {o.score:.1f} | {', '.join(sorted(label.types)) or '-'}"
                    f" | {', '.join(missing) or '-'} | {', '.join(extra) or '-'} |")
    if not rows:
        return ["None: every labelled article got the labelled decision and types."]
    return ["| article | title | label alert | level | score | labelled types | missed types "
            "| extra types |", "|---|---|---|---|---:|---|---|---|", *rows]


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def _one_row(counts: dict[str, int]) -> list[str]:
    return ["| " + " | ".join(counts) + " |", "|" + "---:|" * len(counts),
            "| " + " | ".join(str(n) for n in counts.values()) + " |"]


def _story_row(r: StoryRow) -> str:
    return (f"| `{r.story_id}` | {_cell(r.title)} | {r.articles} | {r.labelled} | "
            f"{r.labelled_alert} | {r.level or '-'} | {r.status or '-'} | "
            f"{', '.join(r.events) or '-'} |")


_STORY_ROW_HEAD = ["| story | title | articles | labelled | labelled alert | final level | status "
                  "| events |", "|---|---|---:|---:|---:|---|---|---|"]


def _story_section(fig: StoryFigures) -> list[str]:
    lines = [
        "## Stories",
        "",
        "The run's analyses grouped in event-time order by the worker's story engine "
        "(`StoryEngine`). An alerting story published at least one `story_alert.v1` record; the "
        "collapse ratio is `alert.v1` records per alerting story. A story's final level is "
        "that of its last record by the end of the archive; stories still open then are not "
        "closed.",
        "",
        "| | count |",
        "|---|---:|",
        f"| articles grouped | {len(fig.assignments)} |",
        f"| stories | {fig.stories} |",
        f"| stories of two or more articles | {fig.multi_article} |",
        f"| alerting stories | {fig.alerting} |",
        f"| article alerts (`alert.v1`) | {fig.article_alerts} |",
        f"| collapse ratio (article alerts / alerting stories) | {_r(fig.collapse)} |",
        f"| story-alert records (`story_alert.v1`) | {len(fig.story_alerts)} |",
        f"| alerting stories closed by the end | {fig.closed} |",
        "",
        "Articles by grouping outcome (`new` starts a story; `url`, `duplicate` and `title` "
        "join as reposts; `related` as an independent report; `redelivery` is an article id "
        "seen again):",
        "",
        *_one_row(fig.matches),
        "",
        "Story-alert records by change (a record naming two changes counts under both):",
        "",
        *_one_row(fig.records_by_change),
        "",
        "Stories by final level:",
        "",
        *_one_row(fig.final_levels),
        "",
        "### Story alert decision",
        "",
        f"Stories with at least one labelled article: {fig.scored}. Labelled alert-worthy: "
        "any of its articles is labelled `alert: true`; predicted: it published a story alert.",
        "",
        "| | labelled alert-worthy | TP | FP | FN | precision | recall | F1 |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
        _score_row(fig.decision),
    ]
    if fig.events:
        lines += [
            "",
            "### Labelled events across stories",
            "",
            f"{fig.split} of {len(fig.events)} labelled events are split over more than one "
            f"story; {len(fig.merged)} stories merge more than one event. Story lead time is "
            "`event_date` minus the date of the first story alert of a story holding one of "
            "the event's articles.",
            "",
            "| event | event date | articles | stories | first story alert | alert date "
            "| story lead (days) |",
            "|---|---|---:|---:|---|---|---:|",
        ]
        for e in fig.events:
            lines.append(
                f"| {e.event_id} | {e.event_date} | {e.articles} | {e.stories} | "
                f"{f'`{e.first_story_alert}`' if e.first_story_alert else 'missed'} | "
                f"{e.first_story_alert_date or '-'} | "
                f"{e.lead_days if e.lead_days is not None else '-'} |")
        if fig.merged:
            lines += ["", "Stories merging events:", "", *_STORY_ROW_HEAD,
                      *[_story_row(r) for r in fig.merged]]
    lines += ["", "### Stories that disagree with the labels", ""]
    if fig.disagreements:
        lines += [*_STORY_ROW_HEAD, *[_story_row(r) for r in fig.disagreements]]
    else:
        lines.append("None: every scored story got the labelled decision.")
    return lines


def _trend_section(fig: StoryFigures) -> list[str]:
    kinds = list(next(iter(fig.trend_counts.values()), {}))
    lines = ["## Trends", "", "Trend alerts (`trend.v1`) by window and key kind:", "",
             "| window | " + "".join(f"{k} | " for k in kinds) + "total |",
             "|---|" + "---:|" * (len(kinds) + 1)]
    for window, counts in fig.trend_counts.items():
        lines.append(f"| {window} | " + "".join(f"{n} | " for n in counts.values())
                     + f"{sum(counts.values())} |")
    lines.append("")
    if fig.top_trends:
        lines += [f"Strongest trend alerts (up to {len(fig.top_trends)}; smallest p first):", "",
                  "| key | window | window start | stories | articles | baseline mean | z | p |",
                  "|---|---|---|---:|---:|---:|---:|---:|"]
        for t in fig.top_trends:
            z = t.get("z")
            lines.append(f"| `{t['key']}` | {t['window']} | {t['window_start']} | {t['count']} "
                         f"| {t['articles']} | {t['baseline_mean']} | "
                         f"{'-' if z is None else z} | {t['p_value']:.3g} |")
    else:
        history = ", ".join(f"{n} windows for {w} trends" for w, n in fig.warmup.items())
        lines.append("No trend alert. A key can fire only once it has a history of closed "
                     f"windows ({history or 'see TrendOptions'}), so a short archive rarely "
                     "raises one.")
    c = fig.counters
    lines += ["", f"Engine counters: redeliveries {c.get('redeliveries', 0)}; articles later "
              f"than their story window {c.get('late_articles', 0)}; trend articles accepted "
              f"late {c.get('trend_late_accepted', 0)}, dropped late "
              f"{c.get('trend_late_dropped', 0)}."]
    return lines


def _baseline_section(result: BacktestResult) -> list[str]:
    assert result.baseline is not None
    assert result.diff is not None
    base, cur, diff = result.baseline, result.current, result.diff
    lines = [
        "## Comparison with the baseline rule set",
        "",
        f"Baseline knowledge: `{base.knowledge_dir}` (version `{base.knowledge_version}`); "
        f"current: `{cur.knowledge_dir or 'packaged'}` (version `{cur.knowledge_version}`).",
        "",
        "| | baseline | current |",
        "|---|---:|---:|",
        f"| alerts | {sum(1 for o in base.outcomes if o.level)} | "
        f"{sum(1 for o in cur.outcomes if o.level)} |",
        f"| alert precision | {_r(base.alert.precision)} | {_r(cur.alert.precision)} |",
        f"| alert recall | {_r(base.alert.recall)} | {_r(cur.alert.recall)} |",
        f"| type micro F1 | {_r(base.micro.f1)} | {_r(cur.micro.f1)} |",
        *_baseline_story_rows(base, cur),
        "",
        f"Alerts gained (current only): {len(diff.gained)}; lost (baseline only): "
        f"{len(diff.lost)}. Alert ids derive from the article and its evidence, so an alert "
        "whose evidence changed counts as one lost and one gained.",
        "",
    ]
    if diff.gained or diff.lost:
        lines += ["| change | alert id | article | level |", "|---|---|---|---|"]
        lines += [f"| gained | `{a}` | {art} | {lvl} |" for a, art, lvl in diff.gained]
        lines += [f"| lost | `{a}` | {art} | {lvl} |" for a, art, lvl in diff.lost]
        lines.append("")
    if diff.changes:
        lines += ["By article:", "", "| article | change | baseline level | current level |",
                  "|---|---|---|---|"]
        lines += [f"| {c.article_id} | {c.kind} | {c.before or '-'} | {c.after or '-'} |"
                  for c in diff.changes]
    else:
        lines.append("No article changed its alert.")
    return lines


def _baseline_story_rows(base: RunResult, cur: RunResult) -> list[str]:
    if base.stories is None or cur.stories is None:
        return []
    b, c = base.stories, cur.stories
    return [f"| stories | {b.stories} | {c.stories} |",
            f"| alerting stories | {b.alerting} | {c.alerting} |",
            f"| story alert precision | {_r(b.decision.precision)} | {_r(c.decision.precision)} |",
            f"| story alert recall | {_r(b.decision.recall)} | {_r(c.decision.recall)} |",
            f"| trend alerts | {len(b.trends)} | {len(c.trends)} |"]


def write_story_files(stories: StoryFigures, folder: Path) -> list[Path]:
    """Write :data:`STORY_FILES` into ``folder``: one canonical JSON line per record.

    Returns:
        The files written, in :data:`STORY_FILES` order.
    """
    records = {"stories": stories.assignments, "story_alerts": stories.story_alerts,
               "trends": stories.trends}
    written = []
    for kind, name in STORY_FILES.items():
        path = folder / name
        path.write_bytes(b"".join(codec.dumps(r) + b"\n" for r in records[kind]))
        written.append(path)
    return written


def write_charts(result: BacktestResult, folder: Path) -> list[Path]:
    """Draw the PNG charts into ``folder``; needs matplotlib.

    Raises:
        ImportError: when matplotlib is not installed.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import MaxNLocator

    # No "Software" stamp: the PNGs then depend only on the data and the
    # matplotlib version that drew them.
    meta: dict[str, Any] = {"Software": None}
    written = []
    cur = result.current

    days = list(result.per_day)
    fig, ax = plt.subplots(figsize=(max(6.0, 0.45 * len(days) + 2), 3.6))
    bottom = [0] * len(days)
    for level in LEVELS:
        heights = [result.per_day[d][level] for d in days]
        ax.bar(range(len(days)), heights, bottom=bottom, label=level,
               color=LEVEL_COLOURS[level])
        bottom = [b + h for b, h in zip(bottom, heights, strict=True)]
    ax.set_xticks(range(len(days)), [d[5:] if d != "unknown" else d for d in days],
                  rotation=60, fontsize=8)
    ax.set_ylim(0, max(bottom, default=0) * 1.3 + 1)  # room for the legend above the bars
    ax.set_ylabel("alerts")
    ax.set_title("Alerts per day (published date) by level")
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.legend(fontsize=8, ncols=4, loc="upper left")
    fig.tight_layout()
    written.append(folder / CHARTS["alerts_per_day"])
    fig.savefig(written[-1], dpi=110, metadata=meta)
    plt.close(fig)

    fig, ax = plt.subplots(figsize=(6.0, 3.4))
    ax.hist([o.score for o in cur.outcomes], bins=list(range(0, 105, 5)), color="#6baed6",
            edgecolor="white", label="all articles")
    ax.hist([o.score for o in cur.outcomes if o.level], bins=list(range(0, 105, 5)),
            color="#e6550d", edgecolor="white", label="alerts")
    ax.set_xlabel("escalation score")
    ax.set_ylabel("articles")
    ax.set_title("Score distribution")
    ax.legend(fontsize=8)
    fig.tight_layout()
    written.append(folder / CHARTS["scores"])
    fig.savefig(written[-1], dpi=110, metadata=meta)
    plt.close(fig)

    rows = list(cur.scores)
    fig, ax = plt.subplots(figsize=(max(6.0, 0.7 * len(rows) + 2), 3.6))
    xs = range(len(rows))
    ax.bar([x - 0.2 for x in xs], [s.precision or 0.0 for s in rows], width=0.4,
           label="precision", color="#3182bd")
    ax.bar([x + 0.2 for x in xs], [s.recall or 0.0 for s in rows], width=0.4,
           label="recall", color="#31a354")
    ax.set_xticks(list(xs), [f"{s.type}\n(n={s.support})" for s in rows], fontsize=7)
    ax.set_ylim(0, 1.05)
    ax.set_title("Precision and recall per event type (n/a drawn as 0)")
    ax.legend(fontsize=8)
    fig.tight_layout()
    written.append(folder / CHARTS["per_type"])
    fig.savefig(written[-1], dpi=110, metadata=meta)
    plt.close(fig)
    return written


def write_report(result: BacktestResult, folder: Path, *, charts: bool = True) -> list[Path]:
    """Write ``report.md``, the charts when asked and possible, and the story files when
    the story step ran.

    Returns:
        The files written: report.md, the charts, then :data:`STORY_FILES`.
    """
    folder.mkdir(parents=True, exist_ok=True)
    drawn: list[Path] = []
    unavailable = False
    if charts:
        try:
            drawn = write_charts(result, folder)
        except ImportError:
            unavailable = True
    text = render_markdown(result, charts=bool(drawn))
    if unavailable:
        text += "\n_Charts skipped: install the `report` extra (matplotlib) to draw them._\n"
    (folder / "report.md").write_text(text, encoding="utf-8")
    stories = result.current.stories
    listed = write_story_files(stories, folder) if stories is not None else []
    return [folder / "report.md", *drawn, *listed]
