"""``escwatch bench``: throughput, latency and memory, beside the targets and the peers.

Four sub-benchmarks, each printing a table and writing JSON (``--json PATH``, default
``bench/results/<name>.json``):

* ``core`` — :meth:`Analyzer.analyze` on one pinned core over real-length articles
  (``bench/corpus/news600.jsonl``) and the re3d documents, with, over the same texts,
  the tokenisation floor (spaCy's blank English tokenizer), the naive anchor (the
  keyword regex of :mod:`streams.baselines`) and, when installed, the peer (spaCy
  ``en_core_web_sm`` NER). ``--profile`` writes a pyinstrument profile.
* ``e2e`` — one real ``escwatch worker`` on private topics of the broker: sustained
  throughput over pre-loaded articles, ingest-to-output latency at a fixed offered rate,
  and the worker's peak RSS.
* ``replay`` — the file-replay path over 100,000 articles.
* ``all`` — the three in turn.

This is an edge module: it times the core from outside and is never imported by it.
The corpus is built by ``bench/build_corpus.py`` (run on demand when missing).
"""

from __future__ import annotations

import argparse
import gc
import importlib
import importlib.util
import json
import os
import platform
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any

from streams import __version__, codec
from streams.config import Settings
from streams.errors import ConfigError
from streams.processes import stop_process

__all__ = [
    "TARGETS",
    "Check",
    "Target",
    "check_targets",
    "load_events",
    "machine_info",
    "main",
    "percentile",
    "render_table",
    "run_core",
    "run_e2e",
    "run_replay",
]

CORPUS_DIR = Path("bench/corpus")
NEWS_CORPUS = CORPUS_DIR / "news600.jsonl"
RE3D_CORPUS = CORPUS_DIR / "re3d.jsonl"
RESULTS_DIR = Path("bench/results")
BUILDER = Path("bench/build_corpus.py")
# Quoted in the project's issue for spaCy's small English pipeline on 600-word articles
# on this class of machine; shown only when the model is not installed to measure it.
QUOTED_PEER_ARTICLES_PER_S = 9.0


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
    Target("core_articles_per_s", "core, 600-word articles, one core", ">=", 500.0,
           "articles/s"),
    Target("e2e_articles_per_s", "end to end, one worker, sustained", ">=", 300.0,
           "articles/s"),
    Target("latency_p99_ms", "ingest-to-alert p99 at the offered rate", "<=", 250.0, "ms"),
    Target("worker_peak_rss_mb", "worker peak RSS (with children)", "<=", 300.0, "MB"),
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
        raise ConfigError(f"corpus {path} not found: run `python {BUILDER}` first")
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


def _ensure_corpus(paths: Sequence[Path]) -> None:
    # The default corpus is generated, git-ignored data: build it on first use so
    # `escwatch bench core` works straight after a checkout.
    defaults = {NEWS_CORPUS, RE3D_CORPUS}
    if any(not p.is_file() and p in defaults for p in paths) and BUILDER.is_file():
        print(f"bench: building the corpus with {BUILDER}", file=sys.stderr)
        subprocess.run([sys.executable, str(BUILDER), "--out", str(CORPUS_DIR)], check=True)


def _words(text: str) -> int:
    return len(text.split())


def _cycled(events: Sequence[dict[str, Any]], count: int, tag: str) -> Iterator[dict[str, Any]]:
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


@contextmanager
def _pinned(cpu: int | None) -> Iterator[int | None]:
    """Pin this process to one CPU for the block (None: leave it unpinned)."""
    if cpu is None or not hasattr(os, "sched_setaffinity"):
        yield None
        return
    before = os.sched_getaffinity(0)
    if cpu not in before:
        raise ConfigError(f"--cpu {cpu} is not among the usable CPUs {sorted(before)}")
    os.sched_setaffinity(0, {cpu})
    try:
        yield cpu
    finally:
        os.sched_setaffinity(0, before)


# --------------------------------------------------------------------------- core


@dataclass(frozen=True, slots=True)
class _Runner:
    name: str
    role: str
    fn: Callable[[Any], object]
    items: Sequence[Any]
    words: int
    repeats: int


def _one_pass(fn: Callable[[Any], object], items: Sequence[Any]) -> float:
    # Collect before, not during: garbage of earlier passes must not bill this one,
    # while collections the pass itself triggers are part of its real cost.
    gc.collect()
    started = time.perf_counter()
    for item in items:
        fn(item)
    return time.perf_counter() - started


def _time_round_robin(runners: Sequence[_Runner], warmup: int) -> list[list[float]]:
    """Seconds of each timed pass of every runner, passes interleaved.

    Interleaving (A B C, A B C, ...) rather than A A A, B B B spreads bursts of load
    from other processes over all systems, so the ratios stay fair on a busy machine.
    """
    for _ in range(warmup):
        for runner in runners:
            _one_pass(runner.fn, runner.items)
    times: list[list[float]] = [[] for _ in runners]
    for round_ in range(max(r.repeats for r in runners)):
        for index, runner in enumerate(runners):
            if round_ < runner.repeats:
                times[index].append(_one_pass(runner.fn, runner.items))
    return times


def _route_pair(route: Callable[..., object], origin: object, analyzer: object,
                pair: tuple[bytes, bytes]) -> object:
    return route(pair[0], pair[1], origin, analyzer)


def _load_spacy(args: argparse.Namespace, notes: list[str]) -> tuple[Any, Any]:
    """spaCy's blank English pipeline and the peer's NER, each None when unavailable."""
    if args.no_spacy:
        notes.append("spaCy rows skipped (--no-spacy)")
        return None, None
    try:
        spacy = importlib.import_module("spacy")
    except ImportError:
        notes.append("spaCy not installed: tokenizer floor and NER peer not measured "
                     "(pip install 'escalation-watch[bench]')")
        return None, None
    from streams.baselines import load_spacy_actors

    loaded = load_spacy_actors(args.spacy_model)
    if isinstance(loaded, str):
        notes.append(f"peer {args.spacy_model}: {loaded}; the README quotes "
                     f"~{QUOTED_PEER_ARTICLES_PER_S:g} articles/s (quoted, not measured)")
        return spacy.blank("en"), None
    return spacy.blank("en"), loaded


def _spacy_runners(args: argparse.Namespace, blank: Any, peer: Any, texts: Sequence[str],
                   words_each: Sequence[int]) -> list[_Runner]:
    runners: list[_Runner] = []
    if blank is not None:
        runners.append(_Runner('spaCy blank("en") tokenizer', "floor", blank, texts,
                               sum(words_each), args.repeats))
    if peer is not None:
        count = min(len(texts), args.peer_articles)
        runners.append(_Runner(f"spaCy {args.spacy_model} NER", "peer", peer.extract,
                               texts[:count], sum(words_each[:count]),
                               max(1, min(args.repeats, 3))))
    return runners


def _profile(fn: Callable[[Any], object], items: Sequence[Any], out: Path,
             passes: int) -> str:
    try:
        pyinstrument = importlib.import_module("pyinstrument")
    except ImportError as exc:
        raise ConfigError("--profile needs pyinstrument: pip install "
                          "'escalation-watch[bench]'") from exc
    profiler = pyinstrument.Profiler(interval=0.0005)
    profiler.start()
    for _ in range(passes):
        for item in items:
            fn(item)
    profiler.stop()
    out.parent.mkdir(parents=True, exist_ok=True)
    if out.suffix == ".html":
        out.write_text(profiler.output_html(), encoding="utf-8")
    else:
        out.write_text(profiler.output_text(unicode=True, color=False, show_all=False),
                       encoding="utf-8")
    text: str = profiler.output_text(unicode=False, color=False, show_all=False)
    return text


def run_core(args: argparse.Namespace) -> dict[str, Any]:
    """Core throughput on one pinned CPU, with the floor, the anchor and the peer.

    Returns:
        The results: per corpus, one row per system with articles/s (median and
        best of the repeats), words/s, and our time as a ratio to each system's.
    """
    from streams.app import build_analyzer
    from streams.baselines import KeywordMatcher
    from streams.pipeline import Origin, route

    paths = [Path(p) for p in (args.corpus or [NEWS_CORPUS, RE3D_CORPUS])]
    _ensure_corpus(paths)
    settings = Settings.from_env()
    started = time.perf_counter()
    analyzer = build_analyzer(settings)
    build_s = time.perf_counter() - started
    matcher = KeywordMatcher()
    notes: list[str] = []
    corpora: dict[str, Any] = {}
    usable = sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else [0]
    cpu = None if args.no_pin else (usable[-1] if args.cpu is None else args.cpu)
    profile_text = None
    blank, peer = _load_spacy(args, notes)
    with _pinned(cpu):
        for path in paths:
            events = load_events(path, args.limit)
            articles = [codec.article_from_event(e) for e in events]
            raw = [(codec.dumps(e), str(e["id"]).encode()) for e in events]
            texts = [a.text for a in articles]
            words_each = [_words(t) for t in texts]
            words = sum(words_each)
            origin = Origin(path.name, 0, 0)
            runners = [
                _Runner("escwatch core (Analyzer.analyze)", "ours", analyzer.analyze,
                        articles, words, args.repeats),
                _Runner("escwatch core + codec (pipeline.route)", "ours+codec",
                        partial(_route_pair, route, origin, analyzer), raw, words,
                        args.repeats),
                _Runner("keyword regex (streams.baselines)", "anchor", matcher.match, texts,
                        words, args.repeats),
            ]
            runners += _spacy_runners(args, blank, peer, texts, words_each)
            rows: list[dict[str, Any]] = []
            for runner, times in zip(runners, _time_round_robin(runners, args.warmup),
                                     strict=True):
                median = statistics.median(times)
                rows.append({
                    "system": runner.name, "role": runner.role, "articles": len(runner.items),
                    "words": runner.words, "repeats": runner.repeats,
                    "seconds_median": median, "seconds_best": min(times),
                    "articles_per_s": len(runner.items) / median,
                    "articles_per_s_best": len(runner.items) / min(times),
                    "words_per_s": runner.words / median,
                    "ms_per_article": 1000.0 * median / len(runner.items),
                })
            ours = float(rows[0]["words_per_s"])
            for row in rows:
                # Per word, so a peer timed on fewer articles still compares fairly.
                row["our_time_ratio"] = row["words_per_s"] / ours
            alerts = sum(1 for a in articles if analyzer.analyze(a).alert is not None)
            corpora[path.stem] = {
                "path": str(path), "articles": len(articles), "words": words,
                "words_mean": words / len(articles), "alerting_articles": alerts,
                "rows": rows,
            }
        if args.profile:
            first = paths[0]
            items = [codec.article_from_event(e) for e in load_events(first, args.limit)]
            profile_text = _profile(analyzer.analyze, items, Path(args.profile),
                                    args.profile_passes)
    first_rows = next(iter(corpora.values()))["rows"]
    metrics = {"core_articles_per_s": first_rows[0]["articles_per_s"],
               "core_words_per_s": first_rows[0]["words_per_s"],
               "route_articles_per_s": first_rows[1]["articles_per_s"]}
    result: dict[str, Any] = {
        "pinned_cpu": cpu, "warmup": args.warmup, "repeats": args.repeats,
        "analyzer_build_s": build_s, "knowledge_version": analyzer.knowledge.version,
        "corpora": corpora, "metrics": metrics, "notes": notes,
    }
    if args.profile:
        result["profile"] = {"path": str(args.profile), "passes": args.profile_passes,
                             "text": profile_text}
    return result


def _print_core(result: dict[str, Any]) -> None:
    for name, corpus in result["corpora"].items():
        print(f"\ncore on {name}: {corpus['articles']} articles, {corpus['words_mean']:.0f} "
              f"words mean, {corpus['alerting_articles']} raise alerts; CPU pinned: "
              f"{result['pinned_cpu']}; median of {result['repeats']} after "
              f"{result['warmup']} warm-up")
        rows = [[r["system"], r["role"], r["articles_per_s"], r["articles_per_s_best"],
                 r["words_per_s"], r["ms_per_article"], r["our_time_ratio"]]
                for r in corpus["rows"]]
        print(render_table(["system", "role", "articles/s", "best", "words/s", "ms/article",
                            "our time / its"], rows))
    for note in result["notes"]:
        print(f"note: {note}")
    if "profile" in result:
        print(f"profile written to {result['profile']['path']}")


# --------------------------------------------------------------------------- e2e


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class _RssSampler:
    """Samples a process tree's resident memory every ``interval`` seconds."""

    def __init__(self, pid: int, interval: float = 0.1) -> None:
        self.pid = pid
        self.interval = interval
        self.peak = 0
        self.samples = 0
        self.cpu_s = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="rss-sampler", daemon=True)

    def _run(self) -> None:
        import psutil

        try:
            proc = psutil.Process(self.pid)
        except psutil.Error:
            return
        while not self._stop.is_set():
            try:
                total = proc.memory_info().rss
                cpu = sum(proc.cpu_times()[:2])
                for child in proc.children(recursive=True):
                    with suppress(psutil.Error):
                        total += child.memory_info().rss
                        cpu += sum(child.cpu_times()[:2])
            except psutil.Error:
                return
            self.peak = max(self.peak, total)
            self.cpu_s = cpu
            self.samples += 1
            self._stop.wait(self.interval)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)


def _worker_env(settings: Settings, run_id: str, data_dir: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update({
        "KAFKA_BOOTSTRAP_SERVERS": settings.bootstrap_servers,
        "ESCWATCH_APP_ID": f"escwatch-bench-{run_id}",
        "ESCWATCH_TOPIC_RAW": f"articles.raw.bench-{run_id}",
        "ESCWATCH_TOPIC_ANALYZED": f"articles.analyzed.bench-{run_id}",
        "ESCWATCH_TOPIC_ALERTS": f"monitoring.alerts.bench-{run_id}",
        "ESCWATCH_TOPIC_DEADLETTER": f"articles.deadletter.bench-{run_id}",
        "ESCWATCH_DATA_DIR": str(data_dir),
        "ESCWATCH_WEB_PORT": str(_free_port()),
        "ESCWATCH_LOG_LEVEL": "WARNING",
        "ESCWATCH_PARTITIONS": "1",
    })
    env.pop("ESCWATCH_RUN_ID", None)
    return env


def _drain(consumer: Any, until: Callable[[], bool], timeout: float,
           on_record: Callable[[Any, float], None]) -> bool:
    """Poll ``consumer`` until ``until()`` or ``timeout``; stamp each record's arrival."""
    deadline = time.monotonic() + timeout
    while not until():
        if time.monotonic() > deadline:
            return False
        batch = consumer.poll(timeout_ms=100)
        arrived = time.time() * 1000.0
        for records in batch.values():
            for rec in records:
                on_record(rec, arrived)
    return True


def _latency_stats(values: Sequence[float]) -> dict[str, Any]:
    if not values:
        return {"count": 0}
    return {"count": len(values), "p50_ms": percentile(values, 50),
            "p95_ms": percentile(values, 95), "p99_ms": percentile(values, 99),
            "max_ms": max(values), "mean_ms": statistics.fmean(values)}


def run_e2e(args: argparse.Namespace) -> dict[str, Any]:
    """One real worker on private topics: throughput, latency and peak RSS.

    Raises:
        ConfigError: when no broker answers or the worker produces nothing.
    """
    from kafka import KafkaConsumer, TopicPartition

    from streams import localkafka as kafka_local
    from streams.clients import admin, ensure_topics, producer

    settings = Settings.from_env()
    if kafka_local.probe_metadata(settings.bootstrap_servers) is None:
        raise ConfigError(f"no Kafka broker answers at {settings.bootstrap_servers}: "
                          "start one with `escwatch kafka up`")
    path = Path(args.corpus[0]) if args.corpus else NEWS_CORPUS
    _ensure_corpus([path])
    events = load_events(path)
    run_id = uuid.uuid4().hex[:10]
    workdir = Path(tempfile.mkdtemp(prefix=f"escwatch-bench-{run_id}-"))
    env = _worker_env(settings, run_id, workdir / "faust-data")
    topics = {name: env[f"ESCWATCH_TOPIC_{name.upper()}"]
              for name in ("raw", "analyzed", "alerts", "deadletter")}
    ensure_topics(settings, list(topics.values()), partitions=1)
    prod = producer(settings, linger_ms=0)
    log_path = workdir / "worker.log"
    worker: subprocess.Popen[bytes] | None = None
    consumer: Any = None
    sampler: _RssSampler | None = None
    result: dict[str, Any] = {"run_id": run_id, "topics": topics, "corpus": str(path)}
    try:
        # Phase 1: pre-load N articles, then start the worker and time its output.
        loaded_at = time.perf_counter()
        for event in _cycled(events, args.articles, "e2e"):
            prod.send(topics["raw"], key=str(event["id"]).encode(), value=codec.dumps(event))
        prod.flush(timeout=120)
        result["preload_s"] = time.perf_counter() - loaded_at
        consumer = KafkaConsumer(bootstrap_servers=settings.bootstrap_servers.split(","),
                                 enable_auto_commit=False, fetch_max_wait_ms=50,
                                 **settings.security.kafka_python())
        parts = {name: TopicPartition(topics[name], 0) for name in ("analyzed", "alerts")}
        consumer.assign(list(parts.values()))
        consumer.seek_to_beginning(*parts.values())
        stamps: list[int] = []
        counts = {"analyzed": 0, "alerts": 0}
        cpu_at_first: list[float] = []

        def on_phase1(rec: Any, arrived: float) -> None:
            name = "analyzed" if rec.topic == topics["analyzed"] else "alerts"
            counts[name] += 1
            if name == "analyzed":
                stamps.append(rec.timestamp)
                if sampler is not None and not cpu_at_first:
                    cpu_at_first.append(sampler.cpu_s)

        started_wall = time.time() * 1000.0
        with log_path.open("ab") as log:
            worker = subprocess.Popen([sys.executable, "-m", "streams.cli", "worker"],
                                      env=env, stdout=log, stderr=subprocess.STDOUT)
        sampler = _RssSampler(worker.pid)
        sampler.start()
        done = _drain(consumer, lambda: counts["analyzed"] >= args.articles
                      or (worker is not None and worker.poll() is not None),
                      args.timeout, on_phase1)
        if not stamps:
            raise ConfigError("the worker produced no analysis; its log:\n"
                              + log_path.read_text(errors="replace")[-3000:])
        span_s = (max(stamps) - min(stamps)) / 1000.0
        time.sleep(3 * sampler.interval)
        # CPU seconds per article is what a quiet machine would turn into throughput:
        # on a shared one the wall-clock figure also measures the neighbours.
        cpu_used = sampler.cpu_s - (cpu_at_first[0] if cpu_at_first else 0.0)
        result["throughput"] = {
            "worker_cpu_ms_per_article": 1000.0 * cpu_used / max(1, len(stamps) - 1),
            "worker_cpu_s": cpu_used,
            "cpu_bound_articles_per_s": (len(stamps) - 1) / cpu_used if cpu_used > 0
            else None,
            "articles": counts["analyzed"], "complete": done and
            counts["analyzed"] >= args.articles, "alerts": counts["alerts"],
            "first_to_last_s": span_s,
            "articles_per_s": (len(stamps) - 1) / span_s if span_s > 0 else None,
            "startup_to_first_output_s": (min(stamps) - started_wall) / 1000.0,
            "rss_after_mb": sampler.peak / 2**20,
        }
        # Phase 2: a paced producer stamps sent_at_ms; arrival minus stamp is the latency.
        consumer.seek_to_end(*parts.values())
        consumer.poll(timeout_ms=0)
        total = max(1, int(args.rate * args.duration))
        sent_at: dict[str, float] = {}
        latencies: dict[str, list[float]] = {"analyzed": [], "alerts": []}
        received = {"analyzed": 0}

        def pace() -> None:
            interval = 1.0 / args.rate
            next_at = time.perf_counter()
            for event in _cycled(events, total, f"lat{run_id}-"):
                delay = next_at - time.perf_counter()
                if delay > 0:
                    time.sleep(delay)
                next_at += interval
                now_ms = time.time() * 1000.0
                sent_at[str(event["id"])] = now_ms
                prod.send(topics["raw"], key=str(event["id"]).encode(),
                          value=codec.dumps({**event, "sent_at_ms": now_ms}))
            prod.flush(timeout=60)

        def on_phase2(rec: Any, arrived: float) -> None:
            obj = codec.loads(rec.value)
            if rec.topic == topics["analyzed"]:
                received["analyzed"] += 1
                sent = obj.get("sent_at_ms") or sent_at.get(str(obj.get("article_id")))
                if sent is not None:
                    latencies["analyzed"].append(arrived - float(sent))
            else:
                sent = sent_at.get(str(obj.get("article_id")))
                if sent is not None:
                    latencies["alerts"].append(arrived - sent)

        pacer = threading.Thread(target=pace, name="paced-producer", daemon=True)
        offered_at = time.perf_counter()
        pacer.start()
        _drain(consumer, lambda: not pacer.is_alive() and received["analyzed"] >= total,
               args.duration + 60, on_phase2)
        pacer.join(timeout=5)
        result["latency"] = {
            "offered_rate": args.rate, "duration_s": args.duration, "sent": total,
            "elapsed_s": time.perf_counter() - offered_at,
            "analyzed": _latency_stats(latencies["analyzed"]),
            "alerts": _latency_stats(latencies["alerts"]),
        }
    finally:
        if sampler is not None:
            sampler.stop()
        if worker is not None:
            stop_process(worker, timeout=30)
        if consumer is not None:
            consumer.close()
        prod.close(timeout=10)
        _delete_topics(admin, settings, run_id)
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)
        else:
            result["workdir"] = str(workdir)
    result["worker_peak_rss_mb"] = sampler.peak / 2**20 if sampler else None
    result["rss_samples"] = sampler.samples if sampler else 0
    lat = result["latency"]
    alert_p99 = lat["alerts"].get("p99_ms")
    result["metrics"] = {
        "e2e_articles_per_s": result["throughput"]["articles_per_s"],
        # Alerts are what the target is about; fall back to analyses when the corpus
        # raised none during the run.
        "latency_p99_ms": alert_p99 if alert_p99 is not None
        else lat["analyzed"].get("p99_ms"),
        "worker_peak_rss_mb": result["worker_peak_rss_mb"],
    }
    return result


def _delete_topics(admin_factory: Callable[[Settings], Any], settings: Settings,
                   run_id: str) -> None:
    # The shared dev broker outlives the benchmark: leave none of its topics behind
    # (the worker's internal Faust topics carry the run id in the app id too).
    with suppress(Exception):
        client = admin_factory(settings)
        try:
            mine = [t for t in client.list_topics() if run_id in t]
            if mine:
                client.delete_topics(mine)
        finally:
            client.close()


def _print_e2e(result: dict[str, Any]) -> None:
    thr, lat = result["throughput"], result["latency"]
    print(f"\nend to end, one worker, private topics (run {result['run_id']}):")
    print(render_table(["figure", "value"], [
        ["articles pre-loaded and analysed", thr["articles"]],
        ["alerts among them", thr["alerts"]],
        ["worker start to first output, s", thr["startup_to_first_output_s"]],
        ["first to last analysis, s", thr["first_to_last_s"]],
        ["sustained throughput, articles/s", thr["articles_per_s"]],
        ["worker CPU per article, ms", thr.get("worker_cpu_ms_per_article")],
        ["CPU-bound throughput (1 / CPU per article)", thr.get("cpu_bound_articles_per_s")],
        ["worker peak RSS incl. children, MB", result["worker_peak_rss_mb"]],
    ]))
    print(f"\nlatency at {lat['offered_rate']:g} articles/s offered for "
          f"{lat['duration_s']:g} s ({lat['sent']} sent):")
    rows = [[name, s["count"], s.get("p50_ms"), s.get("p95_ms"), s.get("p99_ms"),
             s.get("max_ms")] for name, s in (("ingest-to-analysis", lat["analyzed"]),
                                              ("ingest-to-alert", lat["alerts"]))]
    print(render_table(["path", "count", "p50 ms", "p95 ms", "p99 ms", "max ms"], rows))


# --------------------------------------------------------------------------- replay


def _replay_route(input_path: Path, out_dir: Path, run_id: str) -> dict[str, Any]:
    """The file-replay path done directly: read JSONL, route each line, write JSONL."""
    from streams.app import build_analyzer
    from streams.pipeline import Origin, route

    started = time.perf_counter()
    analyzer = build_analyzer(Settings.from_env())
    out_dir.mkdir(parents=True, exist_ok=True)
    counts = {"analyzed": 0, "alerts": 0, "deadletter": 0}
    handles = {name: (out_dir / f"{name}.jsonl").open("wb", buffering=1 << 20)
               for name in counts}
    try:
        with input_path.open("rb") as source:
            for number, line in enumerate(source, 1):
                line = line.rstrip(b"\r\n")
                if not line:
                    continue
                routed = route(line, None, Origin(input_path.name, 0, number), analyzer,
                               run_id=run_id)
                for record in routed.records:
                    handles[record.destination].write(record.value + b"\n")
                    counts[record.destination] += 1
    finally:
        for handle in handles.values():
            handle.close()
    return {"seconds": time.perf_counter() - started, "outputs": counts}


def _replay_cli(input_path: Path, out_dir: Path) -> dict[str, Any]:
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "streams.cli", "replay", str(input_path),
                           "--out", str(out_dir)], capture_output=True, text=True,
                          check=False)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise ConfigError(f"escwatch replay exited {done.returncode}: {done.stderr[-500:]}")
    counts = {}
    for name in ("analyzed", "alerts", "deadletter"):
        files = list(out_dir.rglob(f"*{name}*.jsonl"))
        counts[name] = sum(sum(1 for _ in f.open("rb")) for f in files)
    return {"seconds": seconds, "outputs": counts}


def run_replay(args: argparse.Namespace) -> dict[str, Any]:
    """Replay ``--articles`` articles from a JSONL file into JSONL outputs and time it."""
    path = Path(args.corpus[0]) if args.corpus else NEWS_CORPUS
    _ensure_corpus([path])
    events = load_events(path)
    run_id = uuid.uuid4().hex[:10]
    workdir = Path(tempfile.mkdtemp(prefix=f"escwatch-replay-{run_id}-",
                                    dir=args.workdir))
    notes: list[str] = []
    try:
        input_path = workdir / "input.jsonl"
        generated = time.perf_counter()
        words = 0
        with input_path.open("wb") as handle:
            for event in _cycled(events, args.articles, "r"):
                words += _words(event["text"])
                handle.write(codec.dumps(event) + b"\n")
        generate_s = time.perf_counter() - generated
        via = args.via
        if via == "auto":
            via = "cli" if importlib.util.find_spec("streams.replay") else "route"
        if via == "cli":
            try:
                timed = _replay_cli(input_path, workdir / "out")
                method = "escwatch replay --out DIR (subprocess, startup included)"
            except ConfigError as exc:
                if args.via == "cli":
                    raise
                notes.append(f"escwatch replay not usable ({exc}); measured pipeline.route")
                via = "route"
        if via == "route":
            timed = _replay_route(input_path, workdir / "out", run_id)
            method = ("pipeline.route over the JSONL file, writing JSONL outputs "
                      "(the file-replay path, in process, analyzer build included)")
        input_mb = input_path.stat().st_size / 2**20
    finally:
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)
    seconds = timed["seconds"]
    result = {
        "method": method, "articles": args.articles, "words": words,
        "input_mb": input_mb, "generate_s": generate_s, "seconds": seconds,
        "articles_per_s": args.articles / seconds, "outputs": timed["outputs"],
        "corpus": str(path), "notes": notes,
        "metrics": {"replay_seconds_per_100k": seconds * 100_000 / args.articles,
                    "replay_articles_per_s": args.articles / seconds},
    }
    if args.articles != 100_000:
        notes.append(f"{args.articles} articles replayed; the 100k figure is projected")
    return result


def _print_replay(result: dict[str, Any]) -> None:
    print(f"\nreplay: {result['method']}")
    print(render_table(["figure", "value"], [
        ["articles", result["articles"]],
        ["input MB", result["input_mb"]],
        ["seconds", result["seconds"]],
        ["articles/s", result["articles_per_s"]],
        ["analyses written", result["outputs"]["analyzed"]],
        ["alerts written", result["outputs"]["alerts"]],
        ["dead letters written", result["outputs"]["deadletter"]],
        ["seconds per 100,000 articles", result["metrics"]["replay_seconds_per_100k"]],
    ]))
    for note in result["notes"]:
        print(f"note: {note}")


# --------------------------------------------------------------------------- cli


# --------------------------------------------------------------------------- worst

WORST_BYTES = 990_000
"""Text size of the worst-case articles: just under the 1 MB accepted maximum."""


def worst_text(shape: str, seed: str) -> str:
    """A text of about :data:`WORST_BYTES` in one of the worst-case shapes."""
    words = " ".join(seed.split())
    if shape == "one-sentence":  # no sentence end anywhere
        unit = words.replace(".", ",").replace("!", ",").replace("?", ",") + " "
    elif shape == "no-spaces":
        unit = words.replace(" ", "")
    elif shape == "every-word-a-trigger":
        unit = "attack strike invade deploy sanction threaten bomb shell "
    elif shape == "every-word-an-actor":
        unit = "NATO Russia Ukraine Germany China Putin Zelenskiy Stoltenberg "
    else:  # ordinary: the seed article's sentences and paragraphs, repeated
        unit = seed + "\n\n"
    text = unit * (WORST_BYTES // len(unit) + 1)
    # Bytes, not characters: the accepted maximum is in bytes.
    return text.encode()[:WORST_BYTES].decode("utf-8", "ignore")


WORST_SHAPES = ("one-sentence", "no-spaces", "every-word-a-trigger", "every-word-an-actor",
                "ordinary")


def measure_worst(shape: str) -> dict[str, Any]:
    """Route one worst-case article in this process; time, peak RSS and output size."""
    import resource

    from streams.app import build_analyzer
    from streams.pipeline import Origin, route

    seed = load_events(Path("seeds") / "articles.jsonl", 1)[0] if Path(
        "seeds/articles.jsonl").is_file() else {"text": "NATO may deploy troops to Ukraine."}
    event = {"schema": "article.v1", "id": f"worst-{shape}",
             "text": worst_text(shape, str(seed["text"]))}
    value = codec.dumps(event)
    analyzer = build_analyzer(Settings())
    started = time.perf_counter()
    routed = route(value, event["id"].encode(), Origin("bench", 0, 0), analyzer,
                   max_bytes=1_000_000)
    seconds = time.perf_counter() - started
    out = sum(len(r.value) for r in routed.records)
    return {"shape": shape, "input_bytes": len(value), "seconds": round(seconds, 3),
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
            "output_bytes": out, "output_ratio": round(out / len(value), 2),
            "outputs": [r.destination for r in routed.records], "error": routed.error}


def run_worst(args: argparse.Namespace) -> dict[str, Any]:
    """Each worst-case shape in a fresh process, so its peak RSS is its own."""
    rows = []
    for shape in WORST_SHAPES:
        done = subprocess.run(
            [sys.executable, "-c", "import json, sys; from streams.bench import measure_worst; "
             f"print(json.dumps(measure_worst({shape!r})))"],
            capture_output=True, text=True, timeout=600, check=False)
        if done.returncode != 0:
            rows.append({"shape": shape, "error": f"exit {done.returncode}: "
                                                  f"{done.stderr.strip()[-300:]}"})
            continue
        rows.append(json.loads(done.stdout.strip().splitlines()[-1]))
    measured = [r for r in rows if "seconds" in r]
    metrics: dict[str, Any] = {}
    if len(measured) == len(rows):
        metrics = {"worst_seconds": max(r["seconds"] for r in measured),
                   "worst_peak_rss_mb": max(r["peak_rss_mb"] for r in measured),
                   "worst_output_ratio": max(r["output_ratio"] for r in measured)}
    return {"rows": rows, "metrics": metrics}


def _print_worst(result: dict[str, Any]) -> None:
    print("\nworst-case 1 MB articles, each routed (decode, analyse, encode) in a fresh "
          "process; RSS includes the knowledge base")
    rows = [[r["shape"], r.get("seconds"), r.get("peak_rss_mb"), r.get("output_ratio"),
             "+".join(r.get("outputs", [])) or r.get("error")] for r in result["rows"]]
    print(render_table(["shape", "seconds", "peak RSS MB", "output / input", "outputs"], rows))


def _parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--json", type=Path, default=None, metavar="PATH",
                        help="write results here (default bench/results/<name>.json)")
    common.add_argument("--corpus", action="append", metavar="PATH",
                        help="JSONL article events (repeatable for core; default "
                             "bench/corpus/news600.jsonl, and re3d.jsonl for core)")
    common.add_argument("--strict", action="store_true",
                        help="exit 1 when a measured figure misses its target")
    core = argparse.ArgumentParser(add_help=False)
    core.add_argument("--limit", type=int, default=None, help="articles per corpus")
    core.add_argument("--repeats", type=int, default=5, help="timed passes (median reported)")
    core.add_argument("--warmup", type=int, default=1, help="untimed passes first")
    core.add_argument("--cpu", type=int, default=None, help="CPU to pin (default: the last)")
    core.add_argument("--no-pin", action="store_true", help="do not pin to one CPU")
    core.add_argument("--no-spacy", action="store_true", help="skip the spaCy rows")
    core.add_argument("--spacy-model", default="en_core_web_sm", help="the peer's model")
    core.add_argument("--peer-articles", type=int, default=50,
                      help="articles the (slow) peer is timed on")
    core.add_argument("--profile", nargs="?", const="bench/results/core-profile.html",
                      default=None, metavar="PATH",
                      help="also write a pyinstrument profile (.html, else text)")
    core.add_argument("--profile-passes", type=int, default=3, help="passes profiled")
    e2e = argparse.ArgumentParser(add_help=False)
    e2e.add_argument("--articles", type=int, default=5000, help="pre-loaded articles")
    e2e.add_argument("--rate", type=float, default=50.0, help="offered articles/s")
    e2e.add_argument("--duration", type=float, default=60.0, help="latency run, seconds")
    e2e.add_argument("--timeout", type=float, default=900.0, help="give up after, seconds")
    replay = argparse.ArgumentParser(add_help=False)
    replay.add_argument("--replay-articles", dest="replay_articles", type=int,
                        default=100_000, help="articles replayed")
    replay.add_argument("--via", choices=["auto", "cli", "route"], default="auto",
                        help="escwatch replay --out (cli), pipeline.route, or auto")
    replay.add_argument("--workdir", default=None, help="folder for the temporary files")
    replay.add_argument("--keep", action="store_true", help="keep temporary files")

    parser = argparse.ArgumentParser(
        prog="escwatch bench", description="Throughput, latency and memory against the "
        "targets and the peers. Prints a table; writes JSON.")
    sub = parser.add_subparsers(dest="name", required=True, metavar="BENCHMARK")
    sub.add_parser("core", parents=[common, core], help="core throughput on one core")
    e2e_parser = sub.add_parser("e2e", parents=[common, e2e],
                                help="one worker through the broker")
    e2e_parser.add_argument("--keep", action="store_true", help="keep the worker's files")
    sub.add_parser("replay", parents=[common, replay], help="file replay of 100,000 articles")
    sub.add_parser("worst", parents=[common],
                   help="1 MB articles of the worst shapes: time, peak RSS, output size")
    all_parser = sub.add_parser("all", parents=[common, core, replay],
                                help="core, worst, replay, then e2e")
    all_parser.add_argument("--e2e-articles", dest="articles", type=int, default=5000)
    all_parser.add_argument("--rate", type=float, default=50.0)
    all_parser.add_argument("--duration", type=float, default=60.0)
    all_parser.add_argument("--timeout", type=float, default=900.0)
    return parser


def _summary(metrics: dict[str, Any]) -> list[Check]:
    checks = check_targets(metrics)
    rows = [[c.target.label, c.value, f"{c.target.op} {c.target.limit:g} {c.target.unit}",
             c.status] for c in checks if c.status != "n/a"]
    if rows:
        print("\ntargets:")
        print(render_table(["figure", "measured", "target", "result"], rows))
    return checks


def main(argv: Sequence[str] | None = None) -> int:
    """Run one benchmark (or all), print the tables, write the JSON.

    Returns:
        0, or 1 with ``--strict`` when a figure misses its target.
    """
    args = _parser().parse_args(list(argv) if argv is not None else None)
    machine = machine_info()
    started_at = datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
    print(f"machine: {machine['cpu_model']}, {machine['logical_cpus']} logical CPUs "
          f"({machine['usable_cpus']} usable), Python {machine['python']}, "
          f"{machine['platform']}; load average at start {machine['load_avg']}")
    results: dict[str, Any] = {}
    metrics: dict[str, Any] = {}
    names = ["core", "worst", "replay", "e2e"] if args.name == "all" else [args.name]
    for name in names:
        if name == "core":
            results["core"] = run_core(args)
            _print_core(results["core"])
        elif name == "worst":
            results["worst"] = run_worst(args)
            _print_worst(results["worst"])
        elif name == "replay":
            ns = argparse.Namespace(**{**vars(args), "articles": args.replay_articles,
                                       "corpus": (args.corpus or [NEWS_CORPUS])[:1]})
            results["replay"] = run_replay(ns)
            _print_replay(results["replay"])
        else:
            ns = argparse.Namespace(**{**vars(args), "keep": getattr(args, "keep", False)})
            if args.name == "all":
                ns.corpus = (args.corpus or [NEWS_CORPUS])[:1]
            results["e2e"] = run_e2e(ns)
            _print_e2e(results["e2e"])
        metrics.update(results[name]["metrics"])
    checks = _summary(metrics)
    document = {
        "benchmark": args.name, "escwatch_version": __version__, "started_at": started_at,
        "machine": machine,
        "load_avg_end": [round(x, 2) for x in os.getloadavg()]
        if hasattr(os, "getloadavg") else None,
        "arguments": {k: str(v) if isinstance(v, Path) else v for k, v in vars(args).items()},
        "metrics": metrics,
        "checks": [{"metric": c.target.metric, "label": c.target.label, "value": c.value,
                    "op": c.target.op, "target": c.target.limit, "unit": c.target.unit,
                    "status": c.status} for c in checks],
        "results": results,
    }
    out = args.json or RESULTS_DIR / f"{args.name}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(document, indent=1, sort_keys=True, default=str) + "\n",
                   encoding="utf-8")
    print(f"\nresults written to {out}")
    failed = any(c.status == "FAIL" for c in checks)
    return 1 if args.strict and failed else 0
