"""The analysis core stays pure: no Faust, Kafka, orjson, environment or clock."""

from __future__ import annotations

import ast
from pathlib import Path

CORE = Path(__file__).resolve().parents[2] / "streams" / "core"
FORBIDDEN_MODULES = {"faust", "mode", "kafka", "aiokafka", "orjson", "os", "time", "random",
                     "socket", "subprocess", "requests", "streams.config", "streams.codec"}
FORBIDDEN_CALLS = {"open", "input", "print"}


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
        for path in sorted(CORE.glob("*.py")):
            imported = _imports(ast.parse(path.read_text(), str(path)))
            bad = {n for n in imported
                   if n in FORBIDDEN_MODULES or n.split(".")[0] in FORBIDDEN_MODULES}
            assert not bad, f"{path.name} imports {sorted(bad)}"

    def test_core_reads_no_clock_files_or_console(self) -> None:
        """No core module calls open(), print(), datetime.now() or today()."""
        for path in sorted(CORE.glob("*.py")):
            tree = ast.parse(path.read_text(), str(path))
            for node in ast.walk(tree):
                if isinstance(node, ast.Call):
                    func = node.func
                    if isinstance(func, ast.Name):
                        assert func.id not in FORBIDDEN_CALLS, f"{path.name} calls {func.id}()"
                    if isinstance(func, ast.Attribute):
                        assert func.attr not in {"now", "today", "utcnow"}, (
                            f"{path.name} reads the clock")

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
