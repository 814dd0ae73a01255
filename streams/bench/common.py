"""What the benchmarks share: the targets and their checks, percentiles, machine facts,
corpus reading and plain-text tables.
"""

from __future__ import annotations

import os
import platform
import subprocess
import sys
from collections.abc import Iterator, Sequence
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from streams import codec
from streams.bench.paths import BenchPaths
from streams.errors import ConfigError

__all__ = [
    "TARGETS",
    "Check",
    "Target",
    "check_targets",
    "load_events",
    "machine_info",
    "percentile",
    "render_table",
]

@dataclass(frozen=True, slots=True)
class Target:
    """One performance target.

    Attributes:
        metric: Key of the measured figure in the results' ``metrics``.
        label: What the figure is, for the table.
        op: ">=" (at least) or "<=" (at most).
        limit: The target value.
        unit: Unit of the value.
    """

    metric: str
    label: str
    op: str
    limit: float
    unit: str


@dataclass(frozen=True, slots=True)
class Check:
    """A measured figure beside its target.

    Attributes:
        target: The target.
        value: The measured value, or None when it was not measured.
        status: "PASS", "FAIL" or "n/a".
    """

    target: Target
    value: float | None
    status: str


TARGETS: tuple[Target, ...] = (
    Target("core_articles_per_s", "core, dense 600-word event articles (worst case), one core",
           ">=", 500.0, "articles/s"),
    Target("core_news_articles_per_s", "core, ordinary 650-word news (Wikinews), one core",
           ">=", 500.0, "articles/s"),
    Target("e2e_articles_per_s", "end to end, one worker, sustained", ">=", 300.0,
           "articles/s"),
    Target("e2e_stories_articles_per_s", "end to end, one worker, stories and trends on",
           ">=", 300.0, "articles/s"),
    Target("latency_p99_ms", "ingest-to-alert p99 at the offered rate", "<=", 250.0, "ms"),
    Target("worker_peak_rss_mb", "worker peak RSS (with children)", "<=", 300.0, "MB"),
    Target("scale_overhead_ratio", "one worker end to end / core alone, same corpus", ">=",
           0.8, "x"),
    Target("scale_two_worker_speedup", "two workers / one worker, four partitions", ">=",
           1.6, "x"),
    Target("replay_seconds_per_100k", "replay of 100,000 articles", "<=", 300.0, "s"),
    Target("worst_seconds", "1 MB article of the worst shape, time", "<=", 2.0, "s"),
    Target("worst_peak_rss_mb", "1 MB article of the worst shape, peak RSS", "<=", 300.0, "MB"),
    Target("worst_output_ratio", "1 MB article of the worst shape, output / input", "<=", 4.0,
           "x"),
)


# --------------------------------------------------------------------------- helpers


def percentile(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile ``q`` (0-100) of ``values``.

    Raises:
        ValueError: when ``values`` is empty.
    """
    if not values:
        raise ValueError("percentile of no values")
    ordered = sorted(values)
    rank = max(1, min(len(ordered), int(-(-q * len(ordered) // 100))))
    return ordered[rank - 1]


def _cpu_model() -> str:
    with suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text(errors="replace").splitlines():
            if line.lower().startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or platform.machine()


def machine_info() -> dict[str, Any]:
    """CPU model, core counts, memory, Python and OS, and the load average now."""
    info: dict[str, Any] = {
        "cpu_model": _cpu_model(),
        "logical_cpus": os.cpu_count(),
        "usable_cpus": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity")
        else os.cpu_count(),
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "platform": platform.platform(),
        "load_avg": [round(x, 2) for x in os.getloadavg()] if hasattr(os, "getloadavg")
        else None,
    }
    with suppress(ImportError):
        import psutil

        info["memory_gb"] = round(psutil.virtual_memory().total / 2**30, 1)
    return info


def load_events(path: Path, limit: int | None = None) -> list[dict[str, Any]]:
    """Read up to ``limit`` article events (JSON objects) from a JSONL file.

    Raises:
        ConfigError: when the file is missing or holds no event.
    """
    if not path.is_file():
        raise ConfigError(f"corpus {path} not found: pass --corpus FILE (JSONL article "
                          "events) or --corpus-dir DIR, or build one with "
                          "bench/build_corpus.py in a source checkout")
    events: list[dict[str, Any]] = []
    with path.open("rb") as handle:
        for line in handle:
            if line.strip():
                obj = codec.loads(line)
                if isinstance(obj, dict):
                    events.append(obj)
                if limit and len(events) >= limit:
                    break
    if not events:
        raise ConfigError(f"corpus {path} holds no article event")
    return events


def ensure_corpus(paths: Sequence[Path], where: BenchPaths) -> None:
    # The default corpus is generated, git-ignored data: build it on first use so
    # `escwatch bench core` works straight after a checkout (a wheel has no builder).
    defaults = {where.news_corpus, where.re3d_corpus, where.wikinews_corpus}
    if any(not p.is_file() and p in defaults for p in paths) and where.builder is not None:
        print(f"bench: building the corpus with {where.builder}", file=sys.stderr)
        subprocess.run([sys.executable, str(where.builder), "--out", str(where.corpus_dir)],
                       check=True)


def count_words(text: str) -> int:
    return len(text.split())


def cycled(events: Sequence[dict[str, Any]], count: int, tag: str) -> Iterator[dict[str, Any]]:
    # Distinct ids keep the outputs distinct (alert ids derive from the article id).
    for index in range(count):
        base = events[index % len(events)]
        yield {**base, "id": f"{base['id']}~{tag}{index}"}


def check_targets(metrics: dict[str, Any]) -> list[Check]:
    """Compare every measured figure with its target; unmeasured ones are "n/a"."""
    checks = []
    for target in TARGETS:
        value = metrics.get(target.metric)
        if not isinstance(value, int | float):
            checks.append(Check(target, None, "n/a"))
            continue
        ok = value >= target.limit if target.op == ">=" else value <= target.limit
        checks.append(Check(target, float(value), "PASS" if ok else "FAIL"))
    return checks


def _fmt(value: Any, digits: int = 1) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:,.{digits}f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def render_table(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """A plain-text table with right-aligned numbers."""
    cells = [[_fmt(c) for c in row] for row in rows]
    widths = [max(len(h), *(len(r[i]) for r in cells)) if cells else len(h)
              for i, h in enumerate(headers)]

    def line(row: Sequence[str], numeric: Sequence[bool]) -> str:
        return "  ".join(c.rjust(w) if n else c.ljust(w)
                         for c, w, n in zip(row, widths, numeric, strict=True)).rstrip()

    numeric_cols = [all(isinstance(r[i], int | float) or r[i] is None for r in rows) and
                    any(isinstance(r[i], int | float) for r in rows)
                    for i in range(len(headers))]
    out = [line(headers, numeric_cols), "  ".join("-" * w for w in widths)]
    out += [line(r, numeric_cols) for r in cells]
    return "\n".join(out)
