"""Smoke test of ``escwatch bench scale`` on the real broker, on a tiny corpus."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from kafka import KafkaAdminClient

from streams.bench.command import main as bench_main

pytestmark = [pytest.mark.kafka, pytest.mark.timeout(600)]


@pytest.fixture
def tiny_corpus(tmp_path: Path) -> Path:
    """Three short article events that mention a deployment of troops."""
    path = tmp_path / "tiny.jsonl"
    lines = [
        {"id": f"scale-smoke-{n}", "published_at": "2024-01-02T03:04:05Z",
         "text": f"Russia deployed troops to the border with Ukraine on day {n}. "
                 "Officials in Kyiv warned of an attack."}
        for n in range(3)
    ]
    path.write_text("".join(json.dumps(e) + "\n" for e in lines), encoding="utf-8")
    return path


class TestScaleBench:
    def test_table_has_every_cell_with_positive_figures_and_leaves_no_topic(
        self, kafka_bootstrap: str, tiny_corpus: Path, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
    ) -> None:
        """1 and 2 workers on 1 and 4 partitions: four cells, each with every burst article
        analysed, positive throughput, latency percentiles for every paced article and a
        peak RSS per worker; the core rate, both ratios with their targets, and no topic
        of any cell left on the broker."""
        monkeypatch.setenv("KAFKA_BOOTSTRAP_SERVERS", kafka_bootstrap)
        out = tmp_path / "scale.json"
        code = bench_main(["scale", "--corpus", str(tiny_corpus), "--scale-articles", "6",
                           "--scale-rate", "4", "--scale-duration", "1",
                           "--core-repeats", "1", "--timeout", "120", "--json", str(out)])
        assert code == 0
        doc = json.loads(out.read_text(encoding="utf-8"))
        scale = doc["results"]["scale"]
        cells = {(c["workers"], c["partitions"]): c for c in scale["cells"]}
        assert sorted(cells) == [(1, 1), (1, 4), (2, 1), (2, 4)]
        for (workers, _), cell in cells.items():
            assert cell["articles"] == 6
            assert cell["complete"] is True
            assert cell["articles_per_s"] > 0
            assert cell["latency"]["count"] == cell["latency"]["sent"] == 4
            assert 0 < cell["latency"]["p50_ms"] <= cell["latency"]["p99_ms"]
            assert len(cell["peak_rss_mb"]) == workers
            assert cell["worker_cpu_ms_per_article"] >= 0
            assert all(mb > 10 for mb in cell["peak_rss_mb"])
        assert scale["core"]["core_articles_per_s"] > 0
        assert scale["overhead_ratio"] > 0
        assert scale["two_worker_speedup"] > 0
        statuses = {c["metric"]: c["status"] for c in doc["checks"]}
        assert statuses["scale_overhead_ratio"] in {"PASS", "FAIL"}
        assert statuses["scale_two_worker_speedup"] in {"PASS", "FAIL"}
        printed = capsys.readouterr().out
        assert "overhead ratio" in printed
        assert "peak RSS MB per worker" in printed
        admin = KafkaAdminClient(bootstrap_servers=kafka_bootstrap)
        try:
            left = [t for t in admin.list_topics()
                    if any(c["run_id"] in t for c in scale["cells"])]
        finally:
            admin.close()
        assert left == []
