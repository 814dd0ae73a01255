"""Backtest reports: ``report.md`` plus PNG charts.

The Markdown holds every number; the charts only draw them. matplotlib (the
``report`` extra) is imported when charts are drawn, so a machine without it
still gets ``report.md``. Nothing here reads the clock, so the same backtest
gives the same report text.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from streams.core.scoring import LEVELS
from streams.replay.scoring import BacktestResult, RunResult, TypeScore

__all__ = ["CHARTS", "render_markdown", "write_charts", "write_report"]

LEVEL_COLOURS = {"low": "#9ecae1", "medium": "#fdae6b", "high": "#e6550d", "critical": "#a50f15"}
CHARTS: dict[str, str] = {
    "alerts_per_day": "alerts_per_day.png",
    "scores": "score_distribution.png",
    "per_type": "per_type.png",
}


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
    """Write ``report.md`` and, when asked and possible, the charts.

    Returns:
        The files written, report.md first.
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
    return [folder / "report.md", *drawn]
