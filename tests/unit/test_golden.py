"""Every development record still gets exactly the analysis recorded in the golden file."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import orjson

TOOL = Path(__file__).resolve().parents[2] / "tools" / "golden.py"


def _tool() -> ModuleType:
    spec = importlib.util.spec_from_file_location("golden_tool", TOOL)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_analyses_match_the_golden_file() -> None:
    """Each record's analysis hashes to the recorded value (`tools/golden.py write`)."""
    golden = _tool()
    recorded = [orjson.loads(line) for line in golden.GOLDEN.read_bytes().splitlines()]
    current = golden.compute()
    assert [(r["corpus"], r["id"]) for r in current] == [(r["corpus"], r["id"]) for r in recorded]
    changed = [f"{r['corpus']}/{r['id']}" for r, c in zip(recorded, current, strict=True)
               if r["sha256"] != c["sha256"]]
    assert not changed, f"{len(changed)} analyses changed, first: {changed[:5]}"


def test_digest_sees_any_change() -> None:
    """The digest differs when one value in an analysis differs."""
    golden = _tool()
    assert golden.digest({"a": 1, "b": [1, 2]}) == golden.digest({"b": [1, 2], "a": 1})
    assert golden.digest({"a": 1}) != golden.digest({"a": 2})
