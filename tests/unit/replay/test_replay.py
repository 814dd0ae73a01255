"""File replays: determinism, manifest, run ids, alert comparison, progress bar."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import orjson
import pytest

from streams import codec
from streams.config import Settings
from streams.errors import ConfigError
from streams.pipeline import build_analyzer
from streams.replay.command import main
from streams.replay.files import replay_to_files
from streams.replay.inputs import comparable_alerts, derive_run_id
from streams.replay.progress import Progress
from streams.replay.topic import parse_time

ROOT = Path(__file__).resolve().parents[3]
ARCHIVE = ROOT / "seeds" / "backtest" / "articles.jsonl"
SEED = ROOT / "seeds" / "articles.jsonl"
ARCHIVE_ALERTS = 24
"""Alerts the packaged rules raise on the backtest archive (its labels want about as many)."""


def _archive(tmp_path: Path) -> Path:
    """Seeds plus one bad line and one .txt article, so every output file has records."""
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.jsonl").write_bytes(SEED.read_bytes() + ARCHIVE.read_bytes()
                                     + b'{"id": "broken", "text": \n')
    (folder / "b.txt").write_text("Troops massed\nRussia massed troops near the border with "
                                  "Estonia, officials said.\n")
    return folder


class TestFileReplayDeterminism:
    def test_same_input_twice_gives_identical_output_bytes(self, tmp_path: Path) -> None:
        """Two file replays of the same archive write byte-identical analyses and alerts."""
        folder = _archive(tmp_path)
        settings = Settings()
        first = replay_to_files([str(folder)], tmp_path / "one", settings)
        second = replay_to_files([str(folder)], tmp_path / "two", settings)
        assert first.run_id == second.run_id
        for name in ("analyzed.jsonl", "alerts.jsonl"):
            assert (tmp_path / "one" / name).read_bytes() == (tmp_path / "two" / name).read_bytes()
        assert (tmp_path / "one" / "alerts.jsonl").read_bytes()

    def test_alert_times_are_published_at(self, tmp_path: Path) -> None:
        """Every alert's time is its article's published_at, never the wall clock."""
        replay_to_files([str(ARCHIVE)], tmp_path / "out", Settings())
        published = {orjson.loads(line)["id"]: orjson.loads(line)["published_at"]
                     for line in ARCHIVE.read_bytes().splitlines()}
        alerts = [codec.loads(x) for x in (tmp_path / "out" / "alerts.jsonl").read_bytes()
                  .splitlines()]
        assert len(alerts) == ARCHIVE_ALERTS
        for alert in alerts:
            codec.validate(alert, "alert.v1")
            assert alert["time"] == published[alert["article_id"]]

    def test_bad_line_becomes_dead_letter_with_file_origin(self, tmp_path: Path) -> None:
        """An invalid line is written to deadletter.jsonl naming its file and line number."""
        folder = _archive(tmp_path)
        summary = replay_to_files([str(folder)], tmp_path / "out", Settings())
        dead = [codec.loads(x) for x in (tmp_path / "out" / "deadletter.jsonl").read_bytes()
                .splitlines()]
        assert summary.deadletters == 1
        assert len(dead) == 1
        codec.validate(dead[0], "deadletter.v1")
        assert dead[0]["topic"].endswith("a.jsonl")
        assert dead[0]["offset"] == 46
        assert dead[0]["reason"] == "decode_error"


class TestManifest:
    def test_manifest_holds_counts_knowledge_and_digests(self, tmp_path: Path) -> None:
        """run.json records counts equal to the output files, the knowledge version and the
        SHA-256 of every input file."""
        import hashlib

        folder = _archive(tmp_path)
        summary = replay_to_files([str(folder)], tmp_path / "out", Settings(), run_id="t1")
        manifest: dict[str, Any] = orjson.loads((tmp_path / "out" / "run.json").read_bytes())
        assert manifest["run_id"] == "t1"
        assert manifest["mode"] == "files"
        assert manifest["knowledge_version"] == summary.knowledge_version == build_analyzer(
            Settings()).knowledge.version
        counts = manifest["counts"]
        assert counts["inputs"] == 47
        assert counts["analyzed"] + counts["deadletters"] == counts["inputs"]
        assert counts["alerts"] == sum(counts["alerts_by_level"].values())
        for name in ("analyzed", "alerts", "deadletter"):
            data = (tmp_path / "out" / f"{name}.jsonl")
            assert manifest["outputs"][name]["records"] == data.read_bytes().count(b"\n")
            assert manifest["outputs"][name]["sha256"] == hashlib.sha256(
                data.read_bytes()).hexdigest()
        assert manifest["outputs"]["alerts"]["records"] == counts["alerts"]
        files = {Path(f["path"]).name: f["sha256"] for f in manifest["input"]["files"]}
        assert files == {p.name: hashlib.sha256(p.read_bytes()).hexdigest()
                         for p in folder.iterdir()}

    def test_run_id_marks_analyses_but_not_alerts(self, tmp_path: Path) -> None:
        """The run id is stamped on analyses, while alert bodies stay identical to live ones."""
        replay_to_files([str(ARCHIVE)], tmp_path / "out", Settings(), run_id="abc")
        alerts = (tmp_path / "out" / "alerts.jsonl").read_bytes().splitlines()
        analyses = (tmp_path / "out" / "analyzed.jsonl").read_bytes().splitlines()
        assert len(alerts) == ARCHIVE_ALERTS
        assert len(analyses) == len(ARCHIVE.read_bytes().splitlines())
        assert all("run_id" not in codec.loads(x) for x in alerts)
        assert {codec.loads(x)["run_id"] for x in analyses} == {"abc"}


class TestRunIds:
    def test_derived_id_depends_on_inputs_and_rules(self) -> None:
        """The default run id is stable for the same inputs and changes with any of them."""
        base = derive_run_id(["aa", "bb"], "k1", 25.0)
        assert base == derive_run_id(["aa", "bb"], "k1", 25.0)
        assert base.startswith("r")
        assert len(base) == 13
        assert len({base, derive_run_id(["aa"], "k1", 25.0), derive_run_id(["aa", "bb"], "k2",
                    25.0), derive_run_id(["aa", "bb"], "k1", 30.0)}) == 4

    def test_bad_run_id_is_rejected(self, tmp_path: Path) -> None:
        """A run id that cannot name a topic is refused before anything runs."""
        with pytest.raises(ConfigError, match="run-id"):
            replay_to_files([str(ARCHIVE)], tmp_path / "out", Settings(), run_id="a b")


class TestComparableAlerts:
    def test_run_id_is_removed_and_order_is_by_alert_id(self) -> None:
        """Alerts from two runs compare equal once run_id is dropped, whatever the order."""
        a = {"schema": "alert.v1", "id": "alr_2", "level": "low", "run_id": "x"}
        b = {"schema": "alert.v1", "id": "alr_1", "level": "high", "run_id": "x"}
        one = comparable_alerts([codec.dumps(a), codec.dumps(b)])
        two = comparable_alerts([codec.dumps({**b, "run_id": "y"}), codec.dumps(
            {**a, "run_id": "y"}), codec.dumps({**a, "run_id": "y"})])
        assert one == two
        assert [codec.loads(x)["id"] for x in one] == ["alr_1", "alr_2"]
        assert b"run_id" not in b"".join(one)


class TestTimes:
    def test_rfc3339_and_epoch_ms(self) -> None:
        """Range bounds accept RFC 3339 (naive means UTC) or epoch milliseconds."""
        assert parse_time("2024-03-04T00:00:00Z") == 1709510400000
        assert parse_time("2024-03-04T01:00:00+01:00") == 1709510400000
        assert parse_time("2024-03-04T00:00:00") == 1709510400000
        assert parse_time("1709510400000") == 1709510400000
        with pytest.raises(ConfigError):
            parse_time("last tuesday")


class TestProgress:
    def test_bar_shows_count_share_and_eta(self) -> None:
        """The bar text names done/total, the share and an ETA."""
        bar = Progress(40, "replay", enabled=True, stream=io.StringIO())
        bar.done = 10
        text = bar.render(elapsed=2.0)
        assert "10/40" in text
        assert "25%" in text
        assert "ETA 0:06" in text

    def test_disabled_bar_writes_nothing(self) -> None:
        """Without a TTY or --progress nothing is drawn."""
        stream = io.StringIO()
        bar = Progress(3, "replay", enabled=False, stream=stream)
        bar.update()
        bar.close()
        assert stream.getvalue() == ""

    def test_off_a_terminal_it_writes_plain_lines(self) -> None:
        """With --progress into a file or pipe: no carriage returns or escape codes, one line
        per tenth of the total, ending with the full count."""
        stream = io.StringIO()  # not a TTY
        bar = Progress(100, "replay", enabled=True, stream=stream)
        for _ in range(100):
            bar.update()
        bar.close()
        text = stream.getvalue()
        assert "\r" not in text
        assert "\x1b" not in text
        lines = text.splitlines()
        assert len(lines) == 11
        assert "100/100" in lines[-1]

    def test_on_a_terminal_it_redraws_in_place(self) -> None:
        """On a terminal the bar is redrawn with a carriage return and ends its line."""

        class Terminal(io.StringIO):
            def isatty(self) -> bool:
                return True

        stream = Terminal()
        bar = Progress(5, "replay", enabled=True, stream=stream)
        for _ in range(5):
            bar.update()
        bar.close()
        assert stream.getvalue().startswith("\r")
        assert stream.getvalue().endswith("\n")
        assert "5/5" in stream.getvalue()


class TestCommand:
    def test_out_prints_summary_and_writes_files(self, tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
        """`escwatch replay PATH --out DIR` prints articles, alerts by level, dead letters and
        the rate, and writes the four files."""
        assert main([str(ARCHIVE), "--out", str(tmp_path / "o")]) == 0
        out = capsys.readouterr().out
        assert "44 articles" in out
        assert "dead letters" in out
        assert "articles/s" in out
        assert sorted(p.name for p in (tmp_path / "o").iterdir()) == [
            "alerts.jsonl", "analyzed.jsonl", "deadletter.jsonl", "run.json"]

    def test_bounds_without_topic_are_refused(self, tmp_path: Path) -> None:
        """Offset bounds only make sense for topic replays."""
        with pytest.raises(ConfigError):
            main([str(ARCHIVE), "--from-offset", "3", "--out", str(tmp_path)])
