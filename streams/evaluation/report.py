"""The fixed-width tables ``escwatch eval`` prints, and the JSON-ready form of a report."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, TextIO

from streams.evaluation.datasets import (
    _POLARITIES,
    HARD_NEGATIVE_KINDS,
    MODALITIES,
    NEWS_DOMAINS,
    NEWS_LEVELS,
    Dataset,
)
from streams.evaluation.metrics import ARMED_CONFLICT, NO_SIGNAL, lookup
from streams.evaluation.scores import Score, SpanScore

__all__ = ["print_report"]

# --------------------------------------------------------------------- output


def plain(value: Any) -> Any:
    if isinstance(value, Score | SpanScore):
        return value.to_dict()
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, float):
        return round(value, 4)
    return value


def _prf(value: Score | SpanScore | None) -> str:
    if value is None:
        return "n/a"
    return f"{value.precision:.2f}/{value.recall:.2f}/{value.f1:.2f}"


def _num(value: float | None, digits: int = 3) -> str:
    return "n/a" if value is None else f"{value:.{digits}f}"


def _print_table(
    out: TextIO, title: str, rows: list[tuple[str, list[str]]], names: Sequence[str]
) -> None:
    label_width = max([len(title), *(len(label) for label, _ in rows)]) + 2
    out.write(f"  {title:<{label_width}}" + "".join(f"{n:>16}" for n in names) + "\n")
    for label, cells in rows:
        out.write(f"  {label:<{label_width}}" + "".join(f"{c:>16}" for c in cells) + "\n")


def _cell(report: Mapping[str, Any] | None, keys: tuple[str, ...], kind: str) -> str:
    value = lookup(report, *keys)
    if value is None:
        return "n/a"
    if kind == "prf":
        return _prf(value)
    if kind == "rate":
        return _num(value, 1)
    if kind == "int":
        return str(value)
    if kind == "pct":
        return f"{100 * value:.1f}%"
    return _num(value)


def print_report(
    out: TextIO, dataset: Dataset, reports: Mapping[str, dict[str, Any] | None]
) -> None:
    """Write the fixed-width table of one dataset to ``out``.

    Args:
        out: Where to write.
        dataset: The dataset scored.
        reports: System name to its report (None when it did not apply).
    """
    names = [n for n, r in reports.items() if r is not None]
    out.write(f"\n== {dataset.path}  [{dataset.format}, {len(dataset.records)} records]\n")
    for reason, count in dataset.skipped.items():
        out.write(f"   {count} records left out of event scores: {reason}\n")
    if not names:
        out.write("   no available system scores what this file labels\n")
        return
    rows: list[tuple[str, list[str]]] = []

    def row(label: str, keys: tuple[str, ...], kind: str = "num") -> None:
        rows.append((label, [_cell(reports[n], keys, kind) for n in names]))

    first = next((reports[n] for n in names if lookup(reports[n], "events")), None)
    if first is not None:
        _event_rows(row, first["events"], names, reports)
    triggers = next((reports[n] for n in names if lookup(reports[n], "triggers")), None)
    if triggers is not None:
        _trigger_rows(rows, row, triggers["triggers"], names, reports)
    spans = next((reports[n] for n in names if lookup(reports[n], "spans")), None)
    if spans is not None:
        for mode in ("exact", "overlap"):
            for key, label in (
                ("all", "actors Per+Org+Nat"),
                ("Person", "  Person"),
                ("Organisation", "  Organisation"),
                ("Nationality", "  Nationality"),
                ("all+Location", "actors +Location"),
                ("Location", "  Location"),
            ):
                n = spans["spans"][mode][key].gold_total
                row(f"{label} {mode} P/R/F1 (n={n})", ("spans", mode, key), "prf")
    news = next((reports[n] for n in names if lookup(reports[n], "news")), None)
    if news is not None:
        _news_rows(rows, row, news["news"], names, reports)
    row("articles/s", ("timing", "articles_per_s"), "rate")
    _print_table(out, "metric", rows, names)
    for name in names:
        confusion = lookup(reports[name], "triggers", "confusion")
        if confusion is not None:
            _print_modality_confusion(out, name, reports[name] or {})
        levels = lookup(reports[name], "news", "levels")
        if levels is not None:
            _print_confusion(out, name, levels)


def _event_rows(row: Callable[..., None], events: dict[str, Any], names: list[str],
                reports: Mapping[str, dict[str, Any] | None]) -> None:
    """The event, modality and negation rows of :func:`print_report`."""
    row("polarity macro-F1", ("events", "polarity_macro_f1"))
    for pol in _POLARITIES:
        gold = events["polarity"].get(pol)
        if gold is not None and gold.tp + gold.fn:
            n = gold.tp + gold.fn
            row(f"  {pol} P/R/F1 (n={n})", ("events", "polarity", pol), "prf")
    row("type macro-F1", ("events", "type_macro_f1"))
    for name, gold in sorted(events["types"].items()):
        if gold.tp + gold.fn:
            n = gold.tp + gold.fn
            row(f"  {name} P/R/F1 (n={n})", ("events", "types", name), "prf")
    row("detection P/R/F1", ("events", "detection"), "prf")
    negatives = events["negatives"].get("records", 0)
    if negatives:
        row(
            f"negatives with a signal (of {negatives})",
            ("events", "negatives", "with_signal"),
            "int",
        )
    if any(lookup(reports[n], "modality") for n in names):
        row("modality accuracy", ("modality", "accuracy"))
    negation = next((reports[n] for n in names if lookup(reports[n], "negation")), None)
    if negation is not None:
        total = negation["negation"]["records"]
        row(f"negated texts: a signal negated (of {total})", ("negation", "any_negated"), "int")
        row(
            f"negated texts: asserted escalation (of {total})",
            ("negation", "primary_asserted_escalation"),
            "int",
        )


def _target_cells(
    names: Sequence[str], reports: Mapping[str, dict[str, Any] | None], keys: tuple[str, ...],
    index: int,
) -> list[str]:
    cells = []
    for name in names:
        found = lookup(reports[name], *keys)
        item = found[index] if isinstance(found, list) and index < len(found) else None
        if item is None or item["value"] is None:
            cells.append("n/a")
        else:
            mark = "ok" if item["met"] else "MISS"
            cells.append(f"{100 * item['value']:.1f}% {mark}")
    return cells


def _trigger_rows(
    rows: list[tuple[str, list[str]]],
    row: Callable[..., None],
    triggers: Mapping[str, Any],
    names: Sequence[str],
    reports: Mapping[str, dict[str, Any] | None],
) -> None:
    """The trigger coverage, modality and target rows of :func:`print_report`."""
    row(f"trigger coverage (n={triggers['triggers']})", ("triggers", "coverage"), "pct")
    row(f"modality right (of covered, n={triggers['modality_labelled']})",
        ("triggers", "modality_right"), "pct")
    for modality in MODALITIES:
        figures = triggers["per_modality"].get(modality)
        if figures is None:
            continue
        keys = ("triggers", "per_modality", modality)
        row(f"  {modality} (n={figures['triggers']}): covered", (*keys, "coverage"), "pct")
        row("    modality right", (*keys, "right"), "pct")
    for index, target in enumerate(triggers["targets"]):
        shown = f"{100 * target['bound']:g}%"
        rows.append((f"target: {target['target']} {target['op']} {shown}",
                     _target_cells(names, reports, ("triggers", "targets"), index)))


def _news_rows(
    rows: list[tuple[str, list[str]]],
    row: Callable[[str, tuple[str, ...], str], None],
    news: Mapping[str, Any],
    names: Sequence[str],
    reports: Mapping[str, dict[str, Any] | None],
) -> None:
    for domain in (*NEWS_DOMAINS, "all", ARMED_CONFLICT):
        figures = news["domains"].get(domain)
        if figures is None:
            continue
        n, gold = figures["articles"], figures["labelled_alerts"]
        row(f"{domain} (n={n}, {gold} to alert): alert rate", ("news", "domains", domain,
                                                               "alert_rate"), "pct")
        row("  alert P/R/F1", ("news", "domains", domain, "alert"), "prf")
        row("  critical rate", ("news", "domains", domain, "critical_rate"), "pct")
    for kind in (*HARD_NEGATIVE_KINDS, "all"):
        figures = news.get("hard_negatives", {}).get(kind)
        if figures is None:
            continue
        keys = ("news", "hard_negatives", kind)
        row(f"hard negatives {kind} (n={figures['n']}): with signal", (*keys, "signal_rate"),
            "pct")
        row("  alerted", (*keys, "alert_rate"), "pct")
    for index, target in enumerate(news["targets"]):
        shown = f"{100 * target['bound']:g}%"
        rows.append((f"target: {target['target']} {target['op']} {shown}",
                     _target_cells(names, reports, ("news", "targets"), index)))


def _print_confusion(out: TextIO, name: str, levels: Mapping[str, Any]) -> None:
    confusion = levels["confusion"]
    out.write(f"\n  {name}: labelled level (rows) vs predicted alert level (columns); "
              f"level accuracy {100 * levels['accuracy']:.1f}%\n")
    out.write("  " + f"{'':<10}" + "".join(f"{p:>10}" for p in NEWS_LEVELS) + f"{'total':>10}\n")
    for gold in NEWS_LEVELS:
        cells = [confusion[gold][p] for p in NEWS_LEVELS]
        out.write("  " + f"{gold:<10}" + "".join(f"{c:>10}" for c in cells)
                  + f"{sum(cells):>10}\n")


def _print_modality_confusion(out: TextIO, name: str, report: Mapping[str, Any]) -> None:
    triggers = report["triggers"]
    confusion = triggers["confusion"]
    columns = (*MODALITIES, NO_SIGNAL)
    right = triggers["modality_right"]
    shown = "n/a" if right is None else f"{100 * right:.1f}%"
    out.write(f"\n  {name}: labelled trigger modality (rows) vs modality of the overlapping "
              f"signal (columns); modality right {shown} of covered\n")
    out.write("  " + f"{'':<14}" + "".join(f"{c:>14}" for c in columns) + f"{'total':>10}\n")
    for gold in MODALITIES:
        cells = [confusion[gold][c] for c in columns]
        if not sum(cells):
            continue
        out.write("  " + f"{gold:<14}" + "".join(f"{c:>14}" for c in cells)
                  + f"{sum(cells):>10}\n")
