"""Every file the page needs is package data, so a wheel (and the Docker image) serves it."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "streams" / "dashboard"


def test_static_files_are_package_data() -> None:
    conf = tomllib.loads((ROOT / "pyproject.toml").read_text())
    globs = conf["tool"]["setuptools"]["package-data"]["streams.dashboard"]
    covered = {p for g in globs for p in PACKAGE.glob(g)}
    files = {p for p in (PACKAGE / "static").rglob("*") if p.is_file()}
    assert files, "no static files"
    assert files <= covered, sorted(str(p) for p in files - covered)
    for needed in ("index.html", "app.js", "app.css", "vendor/uPlot.iife.min.js",
                   "vendor/uPlot.min.css", "vendor/uPlot.LICENSE.txt"):
        assert (PACKAGE / "static" / needed) in covered
