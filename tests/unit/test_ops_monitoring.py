"""The monitoring files in ops/: rules pass promtool (syntax and their unit tests), and
the Grafana dashboard and the rules name only metrics the worker exports."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from streams.metrics import Metrics

ROOT = Path(__file__).resolve().parents[2]
OPS = ROOT / "ops"
LAG = "escwatch_consumer_lag"  # the consumer-lag gauge (labels topic, partition)
NAME = re.compile(r"\bescwatch_[a-z_]+\b")


def exported() -> set[str]:
    """Sample names the worker's /metrics shows once every labelled series has a value."""
    metrics = Metrics()
    metrics.observe(level="high", error=None, seconds=0.01)
    metrics.observe(level=None, error="decode_error", seconds=0.01)
    names = {line.split("{")[0].split(" ")[0]
             for line in metrics.render().decode().splitlines()
             if line and not line.startswith("#")}
    return names | {LAG}


def _promtool() -> str:
    found = shutil.which("promtool")
    if found is None:
        if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
            pytest.fail("promtool is needed (apt-get install prometheus)")
        pytest.skip("promtool not installed (apt-get install prometheus)")
    return found


def test_exported_names_are_the_documented_ones() -> None:
    names = exported()
    for name in ("escwatch_articles_processed_total", "escwatch_alerts_total",
                 "escwatch_deadletters_total", "escwatch_processing_seconds_bucket"):
        assert name in names


def test_dashboard_uses_only_exported_metrics() -> None:
    dashboard = json.loads((OPS / "grafana/dashboards/escwatch-worker.json").read_text())
    exprs = [t["expr"] for p in dashboard["panels"] for t in p.get("targets", [])]
    used = {n for e in exprs for n in NAME.findall(e)}
    assert used, "the dashboard queries no escwatch metric"
    assert used <= exported(), used - exported()
    # throughput, latency histogram, consumer lag, dead letters, alerts by level
    for name in ("escwatch_articles_processed_total", "escwatch_processing_seconds_bucket",
                 LAG, "escwatch_deadletters_total", "escwatch_alerts_total"):
        assert name in used
    assert len({p["id"] for p in dashboard["panels"]}) == len(dashboard["panels"])


def test_rules_use_only_exported_metrics() -> None:
    text = (OPS / "prometheus/rules/escwatch.yml").read_text()
    used = set(NAME.findall(text)) - {"escwatch"}
    assert used <= exported(), used - exported()


def test_promtool_checks_rules_and_config() -> None:
    promtool = _promtool()
    rules = subprocess.run([promtool, "check", "rules", str(OPS / "prometheus/rules/escwatch.yml")],
                           capture_output=True, text=True, timeout=60)
    assert rules.returncode == 0, rules.stdout + rules.stderr
    assert "5 rules found" in rules.stdout + rules.stderr
    # The config names rule files by their path in the container; check the syntax only.
    config = subprocess.run([promtool, "check", "config", "--syntax-only",
                             str(OPS / "prometheus/prometheus.yml")],
                            capture_output=True, text=True, timeout=60)
    assert config.returncode == 0, config.stdout + config.stderr


def test_promtool_rule_unit_tests() -> None:
    promtool = _promtool()
    result = subprocess.run([promtool, "test", "rules", "escwatch_test.yml"],
                            cwd=OPS / "prometheus/tests", capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "SUCCESS" in result.stdout + result.stderr
