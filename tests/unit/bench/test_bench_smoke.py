"""Smoke tests of the benchmarks: each runs on a tiny input so the scripts cannot rot.

They assert the shape of the results, never a speed: speed is what the benchmarks print.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from streams import codec
from streams.bench.command import main as bench_main
from streams.bench.common import check_targets, load_events, percentile, render_table

ROOT = Path(__file__).resolve().parents[3]


def _builder() -> ModuleType:
    # bench/ is a folder of scripts, not a package: load the script by path, registered
    # first because its dataclasses look their module up while being defined.
    name = "escwatch_bench_build_corpus"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, ROOT / "bench" / "build_corpus.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def tiny_corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Five generated 600-word articles plus the seed article, and the re3d corpus."""
    out = tmp_path_factory.mktemp("corpus")
    assert _builder().main(["--out", str(out), "--articles", "5"]) == 0
    return out


def _run(argv: list[str], out: Path) -> dict[str, Any]:
    assert bench_main([*argv, "--json", str(out)]) == 0
    document: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    return document


class TestBuildCorpus:
    def test_generated_articles_are_valid_events_of_at_least_600_words(
        self, tiny_corpus: Path
    ) -> None:
        """Every generated article is a valid article.v1 event of 600 words or more, the
        seed article comes first, and the manifest names the source records of each."""
        events = load_events(tiny_corpus / "news600.jsonl")
        assert len(events) == 6
        assert events[0]["id"] == "000_9deb2ec686b81daa"  # the seed article
        for event in events:
            codec.validate(event, "article.v1")
        assert all(len(e["text"].split()) >= 600 for e in events[1:])
        manifest = json.loads((tiny_corpus / "manifest.json").read_text(encoding="utf-8"))
        assert set(manifest["provenance"]) == {e["id"] for e in events[1:]}
        assert all(manifest["provenance"].values())

    def test_same_seed_gives_same_corpus(self, tiny_corpus: Path, tmp_path: Path) -> None:
        """Building again with the default seed reproduces the corpus byte for byte."""
        assert _builder().main(["--out", str(tmp_path), "--articles", "5"]) == 0
        for name in ("news600.jsonl", "re3d.jsonl"):
            assert (tmp_path / name).read_bytes() == (tiny_corpus / name).read_bytes()

    def test_re3d_documents_are_kept_whole(self, tiny_corpus: Path) -> None:
        """The second corpus holds the 75 re3d documents as valid article events."""
        events = load_events(tiny_corpus / "re3d.jsonl")
        assert len(events) == 75
        for event in events:
            codec.validate(event, "article.v1")


    def test_ordinary_news_articles_are_real_650_word_articles(self, tiny_corpus: Path) -> None:
        """The third corpus holds the Wikinews articles of tests/data, each a valid event
        of 650 words or more, ending at a sentence end."""
        events = load_events(tiny_corpus / "wikinews650.jsonl")
        source = (ROOT / "tests" / "data" / "wikinews650.jsonl").read_text(encoding="utf-8")
        assert len(events) == len(source.splitlines()) > 20
        for event in events:
            codec.validate(event, "article.v1")
            assert len(event["text"].split()) >= 650
            assert event["text"].rstrip("\"\u201d\u2019)")[-1] in ".!?"


class TestHelpers:
    def test_percentile_is_nearest_rank(self) -> None:
        """p50 of 1..100 is 50, p99 is 99, p100 the maximum, and one value is every
        percentile."""
        values = [float(v) for v in range(100, 0, -1)]
        assert percentile(values, 50) == 50.0
        assert percentile(values, 99) == 99.0
        assert percentile(values, 100) == 100.0
        assert percentile([7.0], 1) == 7.0

    def test_targets_pass_fail_and_not_measured(self) -> None:
        """A figure beyond its limit fails, one within passes, a missing one is n/a."""
        checks = {c.target.metric: c.status for c in check_targets(
            {"core_articles_per_s": 499.0, "latency_p99_ms": 250.0})}
        assert checks["core_articles_per_s"] == "FAIL"
        assert checks["latency_p99_ms"] == "PASS"
        assert checks["replay_seconds_per_100k"] == "n/a"

    def test_table_aligns_columns(self) -> None:
        """Every line of a rendered table has the same width up to trailing blanks."""
        table = render_table(["name", "value"], [["a", 1.5], ["longer name", 1234.0]])
        lines = table.splitlines()
        assert len(lines) == 4
        assert lines[2].endswith("1.5")
        assert lines[3].endswith("1,234.0")


class TestCoreBench:
    def test_core_reports_ours_anchor_and_ratios(self, tiny_corpus: Path,
                                                 tmp_path: Path) -> None:
        """The core benchmark writes per-corpus rows for the core, the core with codec
        and the keyword anchor, with articles/s, words/s and time ratios, and a target
        check for the core figure."""
        doc = _run(["core", "--corpus", str(tiny_corpus / "news600.jsonl"),
                    "--corpus", str(tiny_corpus / "re3d.jsonl"), "--limit", "5",
                    "--repeats", "1", "--warmup", "0"], tmp_path / "core.json")
        core = doc["results"]["core"]
        assert set(core["corpora"]) == {"news600", "re3d"}
        rows = core["corpora"]["news600"]["rows"]
        roles = [r["role"] for r in rows]
        assert roles[:3] == ["ours", "ours+codec", "anchor"]
        for row in rows:
            assert row["articles"] == 5  # --limit 5
            assert row["articles_per_s"] > 0
            assert row["words_per_s"] > row["articles_per_s"]
            assert row["our_time_ratio"] > 0
        assert rows[0]["our_time_ratio"] == 1.0
        assert doc["machine"]["cpu_model"]
        assert len(doc["machine"]["load_avg"]) == 3
        check = next(c for c in doc["checks"] if c["metric"] == "core_articles_per_s")
        assert check["status"] in {"PASS", "FAIL"}
        assert check["value"] == pytest.approx(rows[0]["articles_per_s"])

    def test_spacy_rows_present_or_explained(self, tiny_corpus: Path, tmp_path: Path) -> None:
        """With spaCy the tokenizer floor is a row; without it a note says why; a missing
        peer model is named in a note rather than failing the run."""
        doc = _run(["core", "--corpus", str(tiny_corpus / "news600.jsonl"), "--limit", "2",
                    "--repeats", "1", "--warmup", "0", "--no-pin"], tmp_path / "core.json")
        core = doc["results"]["core"]
        roles = {r["role"] for r in core["corpora"]["news600"]["rows"]}
        notes = " ".join(core["notes"])
        if importlib.util.find_spec("spacy") is None:
            assert "spaCy not installed" in notes
        else:
            assert "floor" in roles
            assert "peer" in roles or "not installed" in notes
        assert core["pinned_cpu"] is None

    @pytest.mark.skipif(importlib.util.find_spec("pyinstrument") is None,
                        reason="pyinstrument (bench extra) not installed")
    def test_profile_is_written(self, tiny_corpus: Path, tmp_path: Path) -> None:
        """--profile writes a text profile that names the analyzer's entry point."""
        profile = tmp_path / "core-profile.txt"
        _run(["core", "--corpus", str(tiny_corpus / "news600.jsonl"), "--limit", "2",
              "--repeats", "1", "--warmup", "0", "--no-spacy", "--profile", str(profile),
              "--profile-passes", "1"], tmp_path / "core.json")
        assert "analyze" in profile.read_text(encoding="utf-8")


class TestReplayBench:
    @pytest.mark.parametrize("via", ["route", "cli"])
    def test_replay_writes_one_analysis_per_article(self, tiny_corpus: Path, tmp_path: Path,
                                                    via: str) -> None:
        """Replaying 8 articles cycled from a 6-article corpus writes 8 analyses and no
        dead letter, and projects the time of 100,000 articles."""
        doc = _run(["replay", "--corpus", str(tiny_corpus / "news600.jsonl"),
                    "--replay-articles", "8", "--via", via, "--workdir", str(tmp_path)],
                   tmp_path / "replay.json")
        replay = doc["results"]["replay"]
        assert replay["outputs"]["analyzed"] == 8
        assert replay["outputs"]["deadletter"] == 0
        assert replay["outputs"]["alerts"] <= 8
        assert ("escwatch replay" in replay["method"]) == (via == "cli")
        assert doc["metrics"]["replay_seconds_per_100k"] == pytest.approx(
            replay["seconds"] * 100_000 / 8)
        assert not any(p.name.startswith("escwatch-replay-") for p in tmp_path.iterdir())


class TestFromAnyFolder:
    def test_results_go_to_the_results_dir_whatever_the_working_directory(
        self, tiny_corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """Run from an unrelated folder, the bench writes <results dir>/core.json and
        records the folders it used; nothing lands in the working directory."""
        cwd = tmp_path / "elsewhere"
        cwd.mkdir()
        monkeypatch.chdir(cwd)
        results = tmp_path / "results"
        assert bench_main(["core", "--corpus", str(tiny_corpus / "news600.jsonl"),
                           "--limit", "1", "--repeats", "1", "--warmup", "0", "--no-spacy",
                           "--no-pin", "--results-dir", str(results)]) == 0
        document = json.loads((results / "core.json").read_text(encoding="utf-8"))
        assert document["paths"]["results_dir"] == str(results)
        assert document["results"]["core"]["corpora"]["news600"]["articles"] == 1
        assert list(cwd.iterdir()) == []


def test_stories_bench_reports_state_that_stops_growing(tmp_path: Path) -> None:
    """At 1,000 articles a day for four days the index holds only its 78 h window:
    the index stops growing after day three while the article count keeps rising."""
    out = tmp_path / "stories.json"
    code = bench_main(["stories", "--stories-rate", "1000", "--stories-days", "4",
                       "--stories-actors", "200", "--results-dir", str(tmp_path),
                       "--json", str(out)])
    assert code == 0
    doc = json.loads(out.read_text(encoding="utf-8"))
    result = doc["results"]["stories"]
    days = result["days_table"]
    assert [d["articles"] for d in days] == [1000, 2000, 3000, 4000]
    assert days[1]["index_articles"] == 2000
    assert days[3]["index_articles"] <= 1000 * 78 / 24 + 1
    assert days[3]["heap_mb"] < 2 * days[2]["heap_mb"]
    assert result["published"]["story_alerts"] > 0
    assert doc["metrics"]["stories_state_mb_per_100k_day"] > 0
