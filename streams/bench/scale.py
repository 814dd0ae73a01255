"""``escwatch bench scale``: 1 and 2 workers on 1 and 4 partitions, side by side in one
run on the same corpus, beside the core on that corpus.

Each cell of the table gets its own private topics (``--partitions`` partitions) and
consumer group. Its workers are started on the empty topics and the group is let
settle (every worker a member); then ``--articles`` articles are published as fast as
the producer goes and the throughput is first to last analysis (broker timestamps of
the outputs). A paced phase (``--rate`` articles/s for ``--duration`` s, each stamped
``sent_at_ms``) gives the ingest-to-analysis latency. Each worker's peak RSS (with its
children) is sampled throughout. The workers are started, sampled and timed with the
helpers of :mod:`streams.bench.e2e`.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import tempfile
import threading
import time
import uuid
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from streams import codec
from streams.bench.common import cycled, render_table
from streams.bench.e2e import (
    _delete_topics,
    _drain,
    _latency_stats,
    _RssSampler,
    _start_worker,
    _worker_settings,
    broker_and_corpus,
)
from streams.config import Settings
from streams.errors import ConfigError
from streams.processes import stop_process

__all__ = ["OVERHEAD_TARGET", "SPEEDUP_TARGET", "print_scale", "run_scale"]

OVERHEAD_TARGET = 0.8
"""One worker end to end (one partition) over the core alone, at least."""

SPEEDUP_TARGET = 1.6
"""Two workers over one worker on four partitions, at least."""


def _wait_for_group(settings: Settings, group: str, members: int, timeout: float) -> float:
    """Seconds until consumer group ``group`` is stable with ``members`` members.

    Raises:
        ConfigError: when it is not within ``timeout``.
    """
    from streams.clients import admin

    started = time.monotonic()
    client = admin(settings)
    try:
        while time.monotonic() - started < timeout:
            # kafka-python 3 (``describe_groups``: a mapping by group id); older
            # releases name it ``describe_consumer_groups`` and return tuples.
            state, count = None, 0
            try:
                if hasattr(client, "describe_groups"):
                    found = client.describe_groups([group]).get(group, {})
                    state, count = found.get("group_state"), len(found.get("members", []))
                else:
                    for desc in client.describe_consumer_groups([group]):
                        state, count = desc.state, len(desc.members)
            except Exception:  # the group does not exist yet
                pass
            if state == "Stable" and count >= members:
                return time.monotonic() - started
            time.sleep(0.25)
    finally:
        client.close()
    raise ConfigError(f"consumer group {group} did not settle with {members} members "
                      f"within {timeout:g} s")


def _cell(settings: Settings, events: Sequence[dict[str, Any]], workers: int,
          partitions: int, args: argparse.Namespace, workdir: Path) -> dict[str, Any]:
    """One configuration: ``workers`` workers on private topics of ``partitions``."""
    from kafka import KafkaConsumer, TopicPartition

    from streams.clients import admin, ensure_topics, producer

    run_id = uuid.uuid4().hex[:10]
    (workdir / run_id).mkdir(parents=True)
    base = _worker_settings(settings, run_id, workdir / run_id / "faust-data", partitions)
    topics = {"raw": base.topic_raw, "analyzed": base.topic_analyzed,
              "alerts": base.topic_alerts, "deadletter": base.topic_deadletter}
    ensure_topics(settings, list(topics.values()), partitions=partitions)
    prod = producer(settings, linger_ms=5)
    procs: list[subprocess.Popen[bytes]] = []
    samplers: list[_RssSampler] = []
    consumer: Any = None
    cell: dict[str, Any] = {"workers": workers, "partitions": partitions, "run_id": run_id}
    try:
        for index in range(workers):
            own = replace(base, data_dir=workdir / run_id / f"worker-{index}")
            env = {**os.environ, **own.to_env()}
            procs.append(_start_worker(env, workdir / run_id / f"worker-{index}.log"))
            samplers.append(_RssSampler(procs[-1].pid))
            samplers[-1].start()
        cell["group_settle_s"] = _wait_for_group(settings, base.app_id, workers, args.timeout)
        consumer = KafkaConsumer(bootstrap_servers=settings.bootstrap_servers.split(","),
                                 enable_auto_commit=False, fetch_max_wait_ms=50,
                                 **settings.security.kafka_python())
        parts = [TopicPartition(topics["analyzed"], p) for p in range(partitions)]
        consumer.assign(parts)
        consumer.seek_to_beginning(*parts)
        # Phase 1: a burst of articles; first to last analysis is the throughput.
        stamps: list[int] = []

        def on_burst(rec: Any, arrived: float) -> None:
            stamps.append(rec.timestamp)

        time.sleep(2 * samplers[0].interval)
        cpu_before = sum(s.cpu_s for s in samplers)
        for event in cycled(events, args.articles, f"s{run_id}-"):
            prod.send(topics["raw"], key=str(event["id"]).encode(), value=codec.dumps(event))
        prod.flush(timeout=120)
        complete = _drain(consumer, lambda: len(stamps) >= args.articles, args.timeout,
                          on_burst)
        if len(stamps) < 2:
            raise ConfigError(f"{workers} worker(s) on {partitions} partition(s) analysed "
                              f"{len(stamps)} of {args.articles} articles")
        span_s = (max(stamps) - min(stamps)) / 1000.0
        time.sleep(2 * samplers[0].interval)
        # CPU per article is what a quiet machine turns into throughput: on a shared
        # one the wall-clock rate also measures the neighbours (and the broker).
        cpu_used = sum(s.cpu_s for s in samplers) - cpu_before
        cell["worker_cpu_ms_per_article"] = 1000.0 * cpu_used / len(stamps)
        cell.update(articles=len(stamps), complete=complete, first_to_last_s=span_s,
                    articles_per_s=(len(stamps) - 1) / span_s if span_s > 0 else None)
        # Phase 2: paced, stamped articles; arrival minus stamp is the latency.
        total = max(1, int(args.rate * args.duration))
        latencies: list[float] = []

        def pace() -> None:
            interval, next_at = 1.0 / args.rate, time.perf_counter()
            for event in cycled(events, total, f"l{run_id}-"):
                delay = next_at - time.perf_counter()
                if delay > 0:
                    time.sleep(delay)
                next_at += interval
                prod.send(topics["raw"], key=str(event["id"]).encode(),
                          value=codec.dumps({**event, "sent_at_ms": time.time() * 1000.0}))
            prod.flush(timeout=60)

        def on_paced(rec: Any, arrived: float) -> None:
            sent = codec.loads(rec.value).get("sent_at_ms")
            if sent is not None:
                latencies.append(arrived - float(sent))

        pacer = threading.Thread(target=pace, name="paced-producer", daemon=True)
        pacer.start()
        _drain(consumer, lambda: not pacer.is_alive() and len(latencies) >= total,
               args.duration + 60, on_paced)
        pacer.join(timeout=5)
        cell["latency"] = _latency_stats(latencies)
        cell["latency"]["sent"] = total
    finally:
        for sampler in samplers:
            sampler.stop()
        for proc in procs:
            stop_process(proc, timeout=30)
        if consumer is not None:
            consumer.close()
        prod.close(timeout=10)
        _delete_topics(admin, settings, run_id)
    cell["peak_rss_mb"] = [s.peak / 2**20 for s in samplers]
    cell["worker_cpu_s"] = [s.cpu_s for s in samplers]
    return cell


def _core_rate(args: argparse.Namespace, path: Path) -> dict[str, Any]:
    """The core alone (``Analyzer.analyze``, one pinned CPU) on the same corpus."""
    from streams.bench.core import run_core

    ns = argparse.Namespace(
        corpus=[str(path)], limit=None, repeats=args.core_repeats, warmup=1, cpu=None,
        no_pin=False, no_spacy=True, spacy_model="en_core_web_sm", peer_articles=0,
        profile=None, profile_passes=0, bench_paths=args.bench_paths)
    rows = run_core(ns)["metrics"]
    return {"core_articles_per_s": rows["core_articles_per_s"],
            "route_articles_per_s": rows["route_articles_per_s"]}


def _grid(text: str) -> list[int]:
    values = [int(v) for v in text.split(",") if v.strip()]
    if not values or min(values) < 1:
        raise ConfigError(f"{text!r}: give whole numbers of at least 1, comma-separated")
    return values


def run_scale(args: argparse.Namespace) -> dict[str, Any]:
    """Every workers × partitions cell, then the core, on one corpus.

    Raises:
        ConfigError: when no broker answers or a cell analyses nothing.
    """
    settings, path, events = broker_and_corpus(args)
    workdir = Path(tempfile.mkdtemp(prefix="escwatch-bench-scale-"))
    cells: list[dict[str, Any]] = []
    try:
        for workers in _grid(args.workers):
            for partitions in _grid(args.partitions):
                cells.append(_cell(settings, events, workers, partitions, args, workdir))
    finally:
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)
    core = _core_rate(args, path)

    def rate(workers: int, partitions: int) -> float | None:
        for c in cells:
            if c["workers"] == workers and c["partitions"] == partitions:
                value = c.get("articles_per_s")
                return float(value) if value else None
        return None

    one = rate(1, 1)
    one_wide, two_wide = rate(1, max(_grid(args.partitions))), rate(
        2, max(_grid(args.partitions)))
    overhead = one / core["core_articles_per_s"] if one else None
    one_cell = next((c for c in cells if c["workers"] == 1 and c["partitions"] == 1), None)
    cpu_overhead = (1000.0 / core["core_articles_per_s"]
                    / one_cell["worker_cpu_ms_per_article"]) \
        if one_cell and one_cell.get("worker_cpu_ms_per_article") else None
    speedup = two_wide / one_wide if one_wide and two_wide else None
    metrics = {"scale_overhead_ratio": overhead, "scale_two_worker_speedup": speedup,
               "scale_one_worker_articles_per_s": one}
    return {"corpus": str(path), "articles": args.articles, "cells": cells, "core": core,
            "overhead_ratio": overhead, "two_worker_speedup": speedup,
            "cpu_overhead_ratio": cpu_overhead,
            "load_avg_end": [round(x, 2) for x in os.getloadavg()]
            if hasattr(os, "getloadavg") else None,
            "metrics": metrics}


def _ratio(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def _verdict(value: float | None, target: float) -> str:
    if value is None:
        return "n/a"
    return "PASS" if value >= target else "FAIL"


def print_scale(result: dict[str, Any]) -> None:
    print(f"\nscale-out on {result['corpus']} ({result['articles']} articles a burst):")
    rows = [[c["workers"], c["partitions"], c.get("articles_per_s"),
             c["latency"].get("p50_ms"), c["latency"].get("p99_ms"),
             " / ".join(f"{mb:.0f}" for mb in c["peak_rss_mb"]),
             c.get("worker_cpu_ms_per_article")] for c in result["cells"]]
    print(render_table(["workers", "partitions", "articles/s", "p50 ms", "p99 ms",
                        "peak RSS MB per worker", "worker CPU ms/article"], rows))
    core = result["core"]
    print(render_table(["figure", "value", "target", "result"], [
        ["core alone (Analyzer.analyze, one CPU), articles/s", core["core_articles_per_s"],
         "-", "-"],
        ["overhead ratio: 1 worker, 1 partition / core", _ratio(result["overhead_ratio"]),
         f">= {OVERHEAD_TARGET:g}", _verdict(result["overhead_ratio"], OVERHEAD_TARGET)],
        ["CPU-bound overhead: core ms / 1-worker CPU ms per article",
         _ratio(result.get("cpu_overhead_ratio")), "-", "-"],
        ["2 workers / 1 worker, widest partitions", _ratio(result["two_worker_speedup"]),
         f">= {SPEEDUP_TARGET:g}", _verdict(result["two_worker_speedup"], SPEEDUP_TARGET)],
    ]))
