"""Imports go one way: tools -> runtime -> core, and no module import cycle in streams/.

Layers (see ``streams/__init__.py``):

* core: ``streams.core`` (pure analysis; imports nothing else of the project);
* runtime: the worker and what it needs (every other top-level module, and
  ``streams.knowledge``, which loads the core's knowledge files);
* tools run beside the worker: ``streams.replay``, ``streams.evaluation``,
  ``streams.bench``, ``streams.dashboard`` and the local broker (``streams.kafka_local``,
  ``streams.kafka_cluster`` or ``streams.localkafka``);
* entry: ``streams.cli`` (and ``__main__`` modules), which may import anything.

Every import counts, also those inside functions and under ``TYPE_CHECKING``.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "streams"
TOOLS = ("streams.replay", "streams.evaluation", "streams.bench", "streams.dashboard",
         "streams.kafka_local", "streams.kafka_cluster", "streams.localkafka")


def _name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _within(module: str, prefix: str) -> bool:
    return module == prefix or module.startswith(prefix + ".")


def layer(module: str) -> str:
    """core, runtime, tool or entry."""
    if _within(module, "streams.core"):
        return "core"
    if module == "streams.cli" or module.endswith(".__main__"):
        return "entry"
    if any(_within(module, t) for t in TOOLS):
        return "tool"
    return "runtime"


def _resolve(target: str) -> str | None:
    # The project module an import names: a module itself, or the package that
    # holds the imported name.
    while target and target not in MODULES:
        target = target.rpartition(".")[0]
    return target or None


def imports(module: str) -> set[str]:
    """Project modules that ``module`` imports anywhere in its body."""
    path = MODULES[module]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1]
                                + ([base] if base else []))
            names = [f"{base}.{a.name}" for a in node.names]
        for name in names:
            if _within(name, "streams"):
                resolved = _resolve(name)
                if resolved is not None and resolved != module:
                    found.add(resolved)
    return found


GRAPH = {m: imports(m) for m in MODULES}


def test_the_layers_are_known() -> None:
    """Each layer holds the modules it should (a rename cannot empty one silently)."""
    layers = {m: layer(m) for m in MODULES}
    assert layers["streams.core.analyze"] == "core"
    assert layers["streams.app"] == layers["streams.pipeline"] == "runtime"
    assert layers["streams.replay.backtest"] == layers["streams.bench.command"] == "tool"
    assert layers["streams.evaluation.metrics"] == "tool"
    assert layers["streams.cli"] == "entry"


@pytest.mark.parametrize(("importer", "forbidden"), [
    ("core", {"runtime", "tool", "entry"}),
    ("runtime", {"tool", "entry"}),
    ("tool", {"entry"}),
])
def test_imports_go_one_way(importer: str, forbidden: set[str]) -> None:
    """core imports nothing from runtime or tools; runtime nothing from tools."""
    wrong = sorted(f"{m} imports {t}" for m, targets in GRAPH.items() if layer(m) == importer
                   for t in targets if layer(t) in forbidden)
    assert wrong == []


def test_no_import_cycle() -> None:
    """No chain of imports in streams/ leads back to where it started."""
    cycles: list[list[str]] = []
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(module: str) -> None:
        state[module] = 1
        stack.append(module)
        for target in sorted(GRAPH[module]):
            if state.get(target) == 1:
                cycles.append([*stack[stack.index(target):], target])
            elif target not in state:
                visit(target)
        stack.pop()
        state[module] = 2

    for module in sorted(GRAPH):
        if module not in state:
            visit(module)
    assert cycles == []


def test_the_analysis_of_the_graph_sees_imports() -> None:
    """The graph is read right: known edges, including one inside a function."""
    assert "streams.pipeline" in GRAPH["streams.app"]
    assert "streams.replay.report" in GRAPH["streams.replay.backtest"]
    assert "streams.pipeline" in GRAPH["streams.replay.files"]  # build_analyzer, imported late
    assert "streams.app" in GRAPH["streams.cli"]
