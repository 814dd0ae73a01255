"""The knowledge loader: folder overrides, schema validation, the modality files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from streams.config import Settings
from streams.core.analyze import Analyzer
from streams.core.model import Article
from streams.errors import ConfigError
from streams.knowledge.loader import (
    DEFAULT_DIR,
    KNOWLEDGE_FILES,
    MODALITY_FILES,
    SCHEMA_DIR,
    load_knowledge,
    read_rows,
)


def write_rows(path: Path, rows: list[dict[str, Any]]) -> None:
    """Write ``rows`` as a JSONL knowledge file."""
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")


def packaged_words(change: dict[str, list[str]]) -> list[dict[str, Any]]:
    """The packaged word lists with the lists in ``change`` replaced."""
    return [{**row, "words": change.get(row["id"], row["words"])} for row in read_rows("words")]


def actors_of(directory: Path | None, text: str) -> list[tuple[str, str, str]]:
    """``(type, id, text)`` of the actors found in ``text``."""
    analysis = Analyzer(load_knowledge(directory)).analyze(Article(id="a", text=text))
    return [(a.type, a.id, a.text) for a in analysis.actors]


def signal_triggers(directory: Path | None, text: str) -> list[str]:
    """The triggers of the signals found in ``text``."""
    analysis = Analyzer(load_knowledge(directory)).analyze(Article(id="a", text=text))
    return [s.trigger for s in analysis.signals]


class TestFiles:
    def test_every_knowledge_file_has_a_schema_and_a_packaged_copy(self) -> None:
        """Each knowledge kind ships as data/<name>.jsonl with schemas/<name>.schema.json."""
        for name in KNOWLEDGE_FILES:
            assert (DEFAULT_DIR / f"{name}.jsonl").is_file(), name
            assert (SCHEMA_DIR / f"{name}.schema.json").is_file(), name

    def test_packaged_rows_fit_their_schemas(self) -> None:
        """Every packaged row passes its file's schema (read_rows validates)."""
        counts = {name: len(read_rows(name)) for name in KNOWLEDGE_FILES}
        assert all(counts.values()), counts

    def test_modality_files_are_split_by_kind(self) -> None:
        """Factors, flips and intents; cues; sense rows: one file each, in reading order."""
        kinds = {name: {r.get("kind", "modality") for r in read_rows(name)}
                 for name in MODALITY_FILES}
        assert kinds == {"modality_rules": {"factors", "flip", "intent"},
                         "modality": {"modality", "speech"},
                         "senses": {"idiom", "domain", "evaluation"}}

    def test_word_lists_cover_what_the_core_reads(self) -> None:
        """The packaged words.jsonl gives every list the core asks for."""
        from streams.core.vocabulary import LIST_NAMES

        assert {r["id"] for r in read_rows("words")} == LIST_NAMES


class TestOverrides:
    def test_a_changed_word_list_changes_the_actors(self, tmp_path: Path) -> None:
        """A folder's words.jsonl with a new organisation head noun makes a run
        ending in it an organisation; the stock lists do not."""
        text = "The Blue Syndicate said on Monday that it would fight."
        heads = read_rows("words")
        stock_heads = next(r["words"] for r in heads if r["id"] == "organisations.heads")
        write_rows(tmp_path / "words.jsonl",
                   packaged_words({"organisations.heads": [*stock_heads, "Syndicate"]}))
        assert ("organisation", "org:blue-syndicate", "Blue Syndicate") not in actors_of(None, text)
        assert ("organisation", "org:blue-syndicate", "Blue Syndicate") in actors_of(tmp_path, text)

    def test_changed_irregular_verbs_change_the_signals(self, tmp_path: Path) -> None:
        """Without the irregular forms of "fight", "fought" is no trigger."""
        text = "Russian forces fought Ukrainian troops near Bakhmut."
        assert signal_triggers(None, text) == ["fought"]
        write_rows(tmp_path / "irregular_verbs.jsonl",
                   [r for r in read_rows("irregular_verbs") if r["lemma"] != "fight"])
        assert signal_triggers(tmp_path, text) == []

    def test_an_override_changes_the_version_and_stock_keeps_it(self, tmp_path: Path) -> None:
        """The fingerprint of stock knowledge is unchanged by the vocabulary;
        an overriding words.jsonl changes it."""
        write_rows(tmp_path / "words.jsonl", packaged_words({"names.press": ["Post"]}))
        stock = load_knowledge()
        assert load_knowledge(tmp_path).version != stock.version
        assert Analyzer(stock).analyze(Article(id="a", text="x")).knowledge_version == (
            stock.version)

    def test_the_folder_is_read_through_the_setting(self, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
        """ESCWATCH_KNOWLEDGE_DIR points the settings at the folder."""
        monkeypatch.setenv("ESCWATCH_KNOWLEDGE_DIR", str(tmp_path))
        assert Settings.from_env().knowledge_dir == tmp_path


class TestMalformedFiles:
    @pytest.mark.parametrize(("name", "row", "message"), [
        ("words", {"id": "names.colours", "words": ["Red"]},
         r"words\.jsonl:2: id: 'names\.colours' is not one of"),
        ("words", {"id": "names.press", "words": "Post"},
         r"words\.jsonl:2: words: 'Post' is not of type 'array'"),
        ("irregular_verbs", {"lemma": "go", "forms": []},
         r"irregular_verbs\.jsonl:2: forms: \[\] should be non-empty"),
        ("signals", {"id": "x", "type": "ASSAULT", "polarity": "escalation",
                     "severity": "high", "patterns": ["<attack>"]},
         r"signals\.jsonl:2: severity: 'high' is not of type 'number'"),
        ("modality", {"id": "flip.x", "kind": "flip", "polarity": "escalation",
                      "type": "REJECT", "severity": -4, "cues": ["x"]},
         r"modality\.jsonl:2: kind: 'flip' is not one of \['modality', 'speech'\]"),
    ])
    def test_a_row_against_its_schema_names_file_line_and_field(
        self, tmp_path: Path, name: str, row: dict[str, Any], message: str
    ) -> None:
        """A row that does not fit its schema fails the load with the file,
        the line, the field and what is wrong."""
        path = tmp_path / f"{name}.jsonl"
        path.write_text("# a comment line\n" + json.dumps(row) + "\n", encoding="utf-8")
        with pytest.raises(ConfigError, match=message) as raised:
            load_knowledge(tmp_path)
        assert str(path) in str(raised.value)

    def test_a_line_that_is_not_json_names_file_and_line(self, tmp_path: Path) -> None:
        """Broken JSON fails the load with the file and line."""
        path = tmp_path / "words.jsonl"
        path.write_text('{"id": "names.press", "words": ["Post"]}\n{"id": \n', encoding="utf-8")
        with pytest.raises(ConfigError, match=r"words\.jsonl:2: not valid JSON"):
            load_knowledge(tmp_path)

    def test_a_list_given_twice_is_an_error(self, tmp_path: Path) -> None:
        """Two rows for one word list fail the load, naming the list."""
        write_rows(tmp_path / "words.jsonl", [{"id": "names.press", "words": ["Post"]}] * 2)
        with pytest.raises(ConfigError, match=r"word list 'names\.press' given twice"):
            load_knowledge(tmp_path)
