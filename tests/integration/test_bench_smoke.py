"""Smoke test of the end-to-end benchmark on the real broker, on a tiny input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from kafka import KafkaAdminClient

from streams.bench.command import main as bench_main

pytestmark = [pytest.mark.kafka, pytest.mark.timeout(240)]


@pytest.fixture
def tiny_corpus(tmp_path: Path) -> Path:
    """Three short article events that all mention a deployment of troops."""
    path = tmp_path / "tiny.jsonl"
    lines = [
        {"id": f"bench-smoke-{n}", "published_at": "2024-01-02T03:04:05Z",
         "text": f"Russia deployed troops to the border with Ukraine on day {n}. "
                 "Officials in Kyiv warned of an attack."}
        for n in range(3)
    ]
    path.write_text("".join(json.dumps(e) + "\n" for e in lines), encoding="utf-8")
    return path


class TestEndToEndBench:
    def test_e2e_reports_throughput_latency_and_rss_then_cleans_up(
        self, kafka_bootstrap: str, tiny_corpus: Path, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        """Five pre-loaded articles and a two-second paced run through one real worker
        give a throughput, latency percentiles for every paced article, a peak RSS, target
        checks, and leave no topic of the run on the broker."""
        monkeypatch.setenv("KAFKA_BOOTSTRAP_SERVERS", kafka_bootstrap)
        out = tmp_path / "e2e.json"
        code = bench_main(["e2e", "--corpus", str(tiny_corpus), "--articles", "5",
                           "--rate", "5", "--duration", "2", "--timeout", "150",
                           "--json", str(out)])
        assert code == 0
        doc = json.loads(out.read_text(encoding="utf-8"))
        e2e = doc["results"]["e2e"]
        assert e2e["throughput"]["articles"] == 5
        assert e2e["throughput"]["complete"] is True
        assert e2e["throughput"]["startup_to_first_output_s"] > 0
        # Five articles may take less CPU than the clock tick psutil reads.
        assert e2e["throughput"]["worker_cpu_ms_per_article"] >= 0
        latency = e2e["latency"]
        assert latency["sent"] == 10
        assert latency["analyzed"]["count"] == 10
        assert 0 < latency["analyzed"]["p50_ms"] <= latency["analyzed"]["p99_ms"]
        assert e2e["worker_peak_rss_mb"] > 10
        statuses = {c["metric"]: c["status"] for c in doc["checks"]}
        assert statuses["worker_peak_rss_mb"] in {"PASS", "FAIL"}
        assert statuses["latency_p99_ms"] in {"PASS", "FAIL"}
        admin = KafkaAdminClient(bootstrap_servers=kafka_bootstrap)
        try:
            left = [t for t in admin.list_topics() if e2e["run_id"] in t]
        finally:
            admin.close()
        assert left == []

    def test_e2e_with_stories_counts_an_article_once_it_is_grouped(
        self, kafka_bootstrap: str, tiny_corpus: Path, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        """With --stories the run ends only when the story step has assigned every
        pre-loaded article; the figure is reported under its own target."""
        monkeypatch.setenv("KAFKA_BOOTSTRAP_SERVERS", kafka_bootstrap)
        out = tmp_path / "e2e.json"
        code = bench_main(["e2e", "--stories", "--corpus", str(tiny_corpus), "--articles",
                           "6", "--rate", "5", "--duration", "1", "--timeout", "150",
                           "--json", str(out)])
        assert code == 0
        doc = json.loads(out.read_text(encoding="utf-8"))
        thr = doc["results"]["e2e"]["throughput"]
        assert thr["complete"] is True
        assert thr["stories_assigned"] == 6
        assert thr["articles"] == 6
        # Every tiny article reports a troop deployment: the stories alert too.
        assert thr["story_alerts"] >= 1
        assert thr["alerts"] == 6
        assert "e2e_stories_articles_per_s" in doc["metrics"]
        assert "e2e_articles_per_s" not in doc["metrics"]
        admin = KafkaAdminClient(bootstrap_servers=kafka_bootstrap)
        try:
            left = [t for t in admin.list_topics() if doc["results"]["e2e"]["run_id"] in t]
        finally:
            admin.close()
        assert left == []
