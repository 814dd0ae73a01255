"""The compose file's worker publishes its health port and is health-checked against
/health (read as text: no YAML parser is a dependency)."""

from __future__ import annotations

import re

from tests.conftest import ROOT


def _worker_block() -> str:
    text = (ROOT / "docker-compose.yml").read_text()
    match = re.search(r"^  worker:\n((?:    .*\n|\n)+)", text, re.M)
    assert match, "no worker service"
    return match.group(1)


def test_worker_publishes_the_health_port_on_loopback() -> None:
    block = _worker_block()
    assert '- "127.0.0.1:${ESCWATCH_WEB_PORT:-6066}:6066"' in block
    assert "ESCWATCH_WEB_HOST: 0.0.0.0" in block
    assert "ESCWATCH_WEB_PORT: 6066" in block


def test_worker_healthcheck_asks_health_and_fails_on_503() -> None:
    block = _worker_block()
    assert "healthcheck:" in block
    check = re.search(r"- \"(import urllib.request;.*)\"", block)
    assert check, block
    # urlopen raises HTTPError on 503, so the command exits non-zero when not ready.
    assert "http://127.0.0.1:6066/health" in check.group(1)
    compile(check.group(1), "healthcheck", "exec")
