"""The analysis core stays pure: no Faust, Kafka, orjson, environment, clock or mutable globals."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

CORE = Path(__file__).resolve().parents[2] / "streams" / "core"
FORBIDDEN_MODULES = {"faust", "mode", "kafka", "aiokafka", "orjson", "os", "time", "random",
                     "socket", "subprocess", "requests", "streams.config", "streams.codec"}
FORBIDDEN_CALLS = {"open", "input", "print"}
# Calls that build a mutable container.
MUTABLE_FACTORIES = {"list", "dict", "set", "bytearray", "defaultdict", "OrderedDict", "Counter",
                     "deque"}
MUTABLE_LITERALS = (ast.List, ast.Dict, ast.Set, ast.ListComp, ast.DictComp, ast.SetComp)


def _core_modules() -> list[Path]:
    """Every module of the core, subpackages included."""
    paths = sorted(CORE.rglob("*.py"))
    assert any(p.parent != CORE for p in paths), "the core's subpackages were not found"
    return paths


def _name(path: Path) -> str:
    return str(path.relative_to(CORE))


def mutable_globals(source: str) -> list[str]:
    """Return ``name (line)`` for each module-level assignment of a mutable
    container: a list, dict or set display or comprehension, or a call of
    ``list``, ``dict``, ``set`` (and the like). ``__all__`` and other dunder
    names are left to convention."""
    found: list[str] = []
    for node in ast.parse(source).body:
        if isinstance(node, ast.Assign):
            targets, value = node.targets, node.value
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            targets, value = [node.target], node.value
        else:
            continue
        func = value.func if isinstance(value, ast.Call) else None
        called = (func.id if isinstance(func, ast.Name)
                  else func.attr if isinstance(func, ast.Attribute) else None)
        dunder = all(isinstance(t, ast.Name) and t.id.startswith("__") for t in targets)
        if not dunder and (isinstance(value, MUTABLE_LITERALS) or called in MUTABLE_FACTORIES):
            names = ", ".join(ast.unparse(t) for t in targets)
            found.append(f"{names} (line {node.lineno})")
    return found


def _imports(tree: ast.AST) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


class TestCorePurity:
    def test_core_imports_no_io_library(self) -> None:
        """No module under streams/core imports Faust, a Kafka client, orjson, os or time."""
        for path in _core_modules():
            imported = _imports(ast.parse(path.read_text(), str(path)))
            bad = {n for n in imported
                   if n in FORBIDDEN_MODULES or n.split(".")[0] in FORBIDDEN_MODULES}
            assert not bad, f"{_name(path)} imports {sorted(bad)}"

    def test_core_reads_no_clock_files_or_console(self) -> None:
        """No core module calls open(), print(), datetime.now() or today()."""
        for path in _core_modules():
            tree = ast.parse(path.read_text(), str(path))
            for node in ast.walk(tree):
                if isinstance(node, ast.Call):
                    func = node.func
                    if isinstance(func, ast.Name):
                        assert func.id not in FORBIDDEN_CALLS, f"{_name(path)} calls {func.id}()"
                    if isinstance(func, ast.Attribute):
                        assert func.attr not in {"now", "today", "utcnow"}, (
                            f"{_name(path)} reads the clock")

    def test_core_has_no_mutable_module_globals(self) -> None:
        """No core module binds a list, dict or set at module level: shared
        state would leak between articles and threads (tuples, frozensets and
        MappingProxyType instead)."""
        for path in _core_modules():
            found = mutable_globals(path.read_text())
            assert not found, f"{_name(path)} has mutable module globals: {found}"

    @pytest.mark.parametrize("source", [
        "X = []", "X = {}", "X = {1}", "X: dict[str, int] = {}", "X = [i for i in range(3)]",
        "X = {k: 1 for k in 'ab'}", "X = {c for c in 'ab'}", "X = list()", "X = dict(a=1)",
        "X = set('ab')", "A = B = []", "X = collections.defaultdict(list)",
    ])
    def test_the_check_finds_mutable_globals(self, source: str) -> None:
        """The check flags each kind of mutable module-level binding."""
        assert mutable_globals(source) == [f"{source.split(' =')[0].split(':')[0]} (line 1)"] or (
            source.startswith("A = B") and mutable_globals(source) == ["A, B (line 1)"])

    @pytest.mark.parametrize("source", [
        "X = ()", "X = frozenset({1})", "X = MappingProxyType({})", "X = (1, 2)",
        "def f():\n    x = []\n    return x", "class C:\n    x: list[int] = []",
        "__all__ = ['f']",
    ])
    def test_the_check_allows_immutable_globals_and_locals(self, source: str) -> None:
        """Tuples, frozensets, mapping proxies and function locals pass."""
        assert mutable_globals(source) == []

    def test_importing_the_core_loads_no_io_library(self) -> None:
        """A fresh interpreter importing the core has not imported faust, kafka or orjson."""
        import subprocess
        import sys

        code = ("import sys, streams.core.analyze; "
                "print(','.join(m for m in ('faust','kafka','aiokafka','orjson') "
                "if m in sys.modules))")
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                             check=True, cwd=CORE.parents[1])
        assert out.stdout.strip() == ""
