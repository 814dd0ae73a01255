"""``escwatch bench e2e``: one real worker on private topics of the broker: throughput,
ingest-to-output latency and peak RSS.
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Sequence
from contextlib import suppress
from dataclasses import replace
from pathlib import Path
from typing import Any

from streams import codec
from streams.bench.common import cycled, ensure_corpus, load_events, percentile, render_table
from streams.config import Settings
from streams.errors import ConfigError
from streams.processes import die_with_parent, stop_process

__all__ = ["run_e2e"]

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


def _worker_settings(settings: Settings, run_id: str, data_dir: Path,
                     partitions: int = 1, stories: bool = False) -> Settings:
    """The bench worker's settings: its own app id, private topics (the configured
    names suffixed ``.bench-<run id>``) of ``partitions`` partitions, state folder
    and web port; with ``stories`` the story agents on."""
    tag = f"bench-{run_id}"
    return replace(
        settings, app_id=f"{settings.app_id}-{tag}", run_id=None, partitions=partitions,
        topic_raw=f"{settings.topic_raw}.{tag}",
        topic_analyzed=f"{settings.topic_analyzed}.{tag}",
        topic_alerts=f"{settings.topic_alerts}.{tag}",
        topic_deadletter=f"{settings.topic_deadletter}.{tag}",
        topic_trends=f"{settings.topic_trends}.{tag}", stories=stories,
        data_dir=data_dir, web_port=_free_port(), log_level="WARNING")


def _start_worker(env: dict[str, str], log_path: Path) -> subprocess.Popen[bytes]:
    """Start ``escwatch worker`` on ``env``, its output appended to ``log_path``."""
    with log_path.open("ab") as log:
        return subprocess.Popen([sys.executable, "-m", "streams.cli", "worker"],
                                env=env, stdout=log, stderr=subprocess.STDOUT,
                                preexec_fn=die_with_parent)


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


def broker_and_corpus(args: argparse.Namespace) -> tuple[Settings, Path, list[dict[str, Any]]]:
    """The settings, once a broker answers at them, and the corpus of a broker benchmark.

    Raises:
        ConfigError: when no broker answers.
    """
    from streams import localkafka

    settings = Settings.from_env()
    if localkafka.probe_metadata(settings.bootstrap_servers) is None:
        raise ConfigError(f"no Kafka broker answers at {settings.bootstrap_servers}: "
                          "start one with `escwatch kafka up`")
    path = Path(args.corpus[0]) if args.corpus else args.bench_paths.news_corpus
    ensure_corpus([path], args.bench_paths)
    return settings, path, load_events(path)


def run_e2e(args: argparse.Namespace) -> dict[str, Any]:
    """One real worker on private topics: throughput, latency and peak RSS.

    With ``args.stories`` the worker runs the story agents too, and an article is done
    once the story step has assigned it a story (``<app id>-stories.assigned``), so
    the throughput covers analysis, grouping, story alerts and trends.

    Raises:
        ConfigError: when no broker answers or the worker produces nothing.
    """
    from kafka import KafkaConsumer, TopicPartition

    from streams.clients import admin, ensure_topics, producer

    settings, path, events = broker_and_corpus(args)
    run_id = uuid.uuid4().hex[:10]
    workdir = Path(tempfile.mkdtemp(prefix=f"escwatch-bench-{run_id}-"))
    stories = bool(getattr(args, "stories", False))
    worker_settings = _worker_settings(settings, run_id, workdir / "faust-data",
                                       stories=stories)
    env = {**os.environ, **worker_settings.to_env()}
    topics = {"raw": worker_settings.topic_raw, "analyzed": worker_settings.topic_analyzed,
              "alerts": worker_settings.topic_alerts,
              "deadletter": worker_settings.topic_deadletter}
    ensure_topics(settings, list(topics.values()), partitions=1)
    if stories:
        from streams import topics as topic_names

        topics["assigned"] = f"{worker_settings.app_id}-{topic_names.STORY_ASSIGNED}"
        topics["trends"] = worker_settings.topic_trends
        ensure_topics(settings, [topics["assigned"], topics["trends"]], partitions=1)
    prod = producer(settings, linger_ms=0)
    log_path = workdir / "worker.log"
    worker: subprocess.Popen[bytes] | None = None
    consumer: Any = None
    sampler: _RssSampler | None = None
    result: dict[str, Any] = {"run_id": run_id, "topics": topics, "corpus": str(path),
                              "stories": stories}
    try:
        # Phase 1: pre-load N articles, then start the worker and time its output.
        loaded_at = time.perf_counter()
        for event in cycled(events, args.articles, "e2e"):
            prod.send(topics["raw"], key=str(event["id"]).encode(), value=codec.dumps(event))
        prod.flush(timeout=120)
        result["preload_s"] = time.perf_counter() - loaded_at
        consumer = KafkaConsumer(bootstrap_servers=settings.bootstrap_servers.split(","),
                                 enable_auto_commit=False, fetch_max_wait_ms=50,
                                 **settings.security.kafka_python())
        watched = ("analyzed", "alerts", "assigned", "trends") if stories \
            else ("analyzed", "alerts")
        parts = {name: TopicPartition(topics[name], 0) for name in watched}
        by_topic = {topics[name]: name for name in watched}
        consumer.assign(list(parts.values()))
        consumer.seek_to_beginning(*parts.values())
        stamps: list[int] = []
        done_stamps: list[int] = []  # the last step of each article: analysis or story
        counts = dict.fromkeys(watched, 0)
        story_alerts = 0
        cpu_at_first: list[float] = []
        last = "assigned" if stories else "analyzed"

        def on_phase1(rec: Any, arrived: float) -> None:
            nonlocal story_alerts
            name = by_topic[rec.topic]
            counts[name] += 1
            if name == "alerts" and b'"story_alert.v1"' in rec.value:
                story_alerts += 1
            if name == last:
                done_stamps.append(rec.timestamp)
            if name == "analyzed":
                stamps.append(rec.timestamp)
                if sampler is not None and not cpu_at_first:
                    cpu_at_first.append(sampler.cpu_s)

        started_wall = time.time() * 1000.0
        worker = _start_worker(env, log_path)
        sampler = _RssSampler(worker.pid)
        sampler.start()
        done = _drain(consumer, lambda: counts[last] >= args.articles
                      or (worker is not None and worker.poll() is not None),
                      args.timeout, on_phase1)
        if not stamps or not done_stamps:
            raise ConfigError(f"the worker produced no {last} record; its log:\n"
                              + log_path.read_text(errors="replace")[-3000:])
        span_s = (max(done_stamps) - min(stamps)) / 1000.0
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
            counts[last] >= args.articles, "alerts": counts["alerts"] - story_alerts,
            "story_alerts": story_alerts if stories else None,
            "stories_assigned": counts.get("assigned") if stories else None,
            "trend_alerts": counts.get("trends") if stories else None,
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
            for event in cycled(events, total, f"lat{run_id}-"):
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
            if by_topic[rec.topic] not in ("analyzed", "alerts") \
                    or b'"story_alert.v1"' in rec.value:
                return
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
    if stories:  # a run with the stories on is its own figure, beside the plain one
        result["metrics"] = {
            "e2e_stories_articles_per_s": result["throughput"]["articles_per_s"]}
        return result
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


def print_e2e(result: dict[str, Any]) -> None:
    thr, lat = result["throughput"], result["latency"]
    stories = bool(result.get("stories"))
    print(f"\nend to end, one worker, private topics (run {result['run_id']})"
          + (", stories and trends on (ESCWATCH_STORIES=1):" if stories else ":"))
    extra = [["articles through the story step", thr.get("stories_assigned")],
             ["story alert records", thr.get("story_alerts")],
             ["trend alerts", thr.get("trend_alerts")]] if stories else []
    print(render_table(["figure", "value"], [
        ["articles pre-loaded and analysed", thr["articles"]],
        ["alerts among them", thr["alerts"]],
        *extra,
        ["worker start to first output, s", thr["startup_to_first_output_s"]],
        ["first analysis to last " + ("story assignment" if stories else "analysis") + ", s",
         thr["first_to_last_s"]],
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
