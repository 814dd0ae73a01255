"""The package's shape: small modules, no import cycles, no paths next to its own files."""

from __future__ import annotations

import ast
from pathlib import Path

import streams.localkafka
from tests.conftest import ROOT

PACKAGE = Path(streams.localkafka.__file__).parent
MODULES = sorted(p for p in PACKAGE.glob("*.py"))


def _imports(path: Path) -> set[str]:
    """Modules of the package that ``path`` imports at its top level."""
    found: set[str] = set()
    for node in ast.parse(path.read_text()).body:
        if isinstance(node, ast.ImportFrom) and node.module:
            if node.module == "streams.localkafka":
                found.update(a.name for a in node.names)
            elif node.module.startswith("streams.localkafka."):
                found.add(node.module.rsplit(".", 1)[1])
    return found


def test_every_module_is_under_600_lines() -> None:
    assert len(MODULES) >= 8
    for path in MODULES:
        assert len(path.read_text().splitlines()) < 600, path.name


def test_no_import_cycles() -> None:
    graph = {p.stem: _imports(p) - {"__init__"} for p in MODULES if p.stem != "__init__"}
    done: set[str] = set()

    def visit(name: str, path: tuple[str, ...]) -> None:
        assert name not in path, " -> ".join((*path, name))
        if name in done:
            return
        for dep in graph.get(name, set()):
            visit(dep, (*path, name))
        done.add(name)

    for name in graph:
        visit(name, ())
    assert graph["util"] == set()
    assert graph["probe"] == set()


def test_no_module_finds_files_next_to_itself() -> None:
    """Installed from a wheel the package is in site-packages: no ``__file__`` paths."""
    for path in MODULES:
        assert "__file__" not in path.read_text(), path.name


def test_the_old_modules_are_gone() -> None:
    assert not (ROOT / "streams" / "kafka_local.py").exists()
    assert not (ROOT / "streams" / "kafka_cluster.py").exists()
