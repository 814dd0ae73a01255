"""The bench's folders are explicit and never depend on the working directory."""

from __future__ import annotations

from pathlib import Path

import pytest

from streams.bench.common import load_events
from streams.bench.paths import BenchPaths, source_checkout
from streams.errors import ConfigError

ROOT = Path(__file__).resolve().parents[3]


class TestBenchPaths:
    def test_checkout_defaults_do_not_depend_on_the_working_directory(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """From any folder, a checkout's defaults are its own bench/ folders, builder
        and seed file, as absolute paths."""
        monkeypatch.chdir(tmp_path)
        assert source_checkout() == ROOT
        paths = BenchPaths.resolve()
        assert paths == BenchPaths(ROOT / "bench" / "corpus", ROOT / "bench" / "results",
                                   ROOT / "bench" / "build_corpus.py",
                                   ROOT / "seeds" / "articles.jsonl")
        assert paths.news_corpus == ROOT / "bench" / "corpus" / "news600.jsonl"
        assert paths.re3d_corpus == ROOT / "bench" / "corpus" / "re3d.jsonl"

    def test_wheel_defaults_are_in_the_user_cache_with_no_builder(self, tmp_path: Path) -> None:
        """Installed without a checkout, the folders are under ~/.cache/escwatch/bench and
        there is neither a corpus builder nor a seed file."""
        paths = BenchPaths.defaults(None, tmp_path)
        base = tmp_path / ".cache" / "escwatch" / "bench"
        assert paths == BenchPaths(base / "corpus", base / "results", None, None)

    def test_given_folders_win_and_are_made_absolute(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """--corpus-dir and --results-dir replace the defaults, resolved once, at start."""
        monkeypatch.chdir(tmp_path)
        paths = BenchPaths.resolve(Path("c"), Path("r"))
        assert (paths.corpus_dir, paths.results_dir) == (tmp_path / "c", tmp_path / "r")
        assert paths.builder == ROOT / "bench" / "build_corpus.py"

    def test_a_missing_corpus_says_how_to_give_one(self, tmp_path: Path) -> None:
        """A missing corpus names the options that supply one."""
        with pytest.raises(ConfigError, match=r"--corpus FILE .* or --corpus-dir DIR"):
            load_events(tmp_path / "news600.jsonl")
