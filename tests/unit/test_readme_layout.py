"""The README's layout block names every module and subpackage of streams/, and only those."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "streams"


def _layout_block() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("### Layout", 1)[1]
    return section.split("```", 2)[1]


def _named(block: str) -> set[str]:
    """Paths under streams/ the block names: ``x.py`` at its indent's package, ``x/`` folders."""
    names: set[str] = set()
    stack: list[tuple[int, str]] = []
    for line in block.splitlines():
        if not line.strip() or not line.startswith("  "):
            continue
        indent = len(line) - len(line.lstrip())
        words = line.split()
        while stack and stack[-1][0] >= indent:
            stack.pop()
        prefix = "/".join(name for _, name in stack)
        if re.fullmatch(r"[a-z_]+/", words[0]):
            folder = f"{prefix}/{words[0][:-1]}".strip("/")
            names.add(folder)
            stack.append((indent, words[0][:-1]))
            continue
        for word in words:
            if not word.endswith(".py"):
                break
            names.add(f"{prefix}/{word[:-3]}".strip("/"))
    return names


def _actual() -> set[str]:
    found: set[str] = set()
    for path in PACKAGE.rglob("*"):
        rel = path.relative_to(PACKAGE)
        if any(part.startswith((".", "__")) for part in rel.parts) or "static" in rel.parts:
            continue
        if path.is_dir() and (path / "__init__.py").exists():
            found.add(str(rel))
        elif path.suffix == ".py":
            parent = str(rel.parent)
            # Modules of the tool subpackages are listed by their package only.
            if parent in {".", "core"}:
                found.add(str(rel.with_suffix("")))
    return found


def test_layout_names_what_is_there() -> None:
    """Every listed path exists, and every package and top-level or core module is listed."""
    named, actual = _named(_layout_block()), _actual()
    assert sorted(named - actual) == [], "listed in the README but not in streams/"
    assert sorted(actual - named) == [], "in streams/ but not in the README's layout"


def test_parser_reads_nested_folders() -> None:
    """The block parser nests modules under the folder above them."""
    block = "\nstreams/\n  core/   x\n    a.py b.py   words\n  app.py  y\n  tools/  z\n"
    assert _named(block) == {"core", "core/a", "core/b", "app", "tools"}
