"""Reading inputs: the seed's two forms get one article id, and folders yield only article
files."""

from __future__ import annotations

from pathlib import Path

import orjson

from streams.sources import expand_paths, iter_inputs, text_article
from tests.conftest import SEEDS


def test_seed_txt_and_jsonl_have_the_same_id() -> None:
    txt = next(iter_inputs([str(SEEDS / "000_9deb2ec686b81daa.txt")]))
    jsonl = next(iter_inputs([str(SEEDS / "articles.jsonl")]))
    assert txt.event is not None
    assert jsonl.event is not None
    assert txt.event["id"] == jsonl.event["id"] == "000_9deb2ec686b81daa"
    assert txt.event["text"] == jsonl.event["text"]


def test_txt_without_an_id_in_its_name_gets_a_content_digest(tmp_path: Path) -> None:
    path = tmp_path / "report.txt"
    path.write_bytes(b"Title\nTroops moved.")
    first = text_article(path, path.read_bytes())["id"]
    assert first.startswith("report-")
    assert len(first) == len("report-") + 16
    path.write_bytes(b"Title\nTroops moved back.")
    assert text_article(path, path.read_bytes())["id"] != first


def test_folders_yield_only_article_files(tmp_path: Path) -> None:
    (tmp_path / "a.jsonl").write_bytes(orjson.dumps({"id": "x", "text": "t"}) + b"\n")
    (tmp_path / "labels.jsonl").write_bytes(orjson.dumps({"article_id": "x", "types": []}))
    (tmp_path / "lexicon.jsonl").write_bytes(b"# rules\n" + orjson.dumps({"id": "r"}))
    (tmp_path / "broken.jsonl").write_bytes(b"not json\n")
    (tmp_path / "README.txt").write_bytes(b"About these files")
    (tmp_path / "LICENSE.txt").write_bytes(b"Apache")
    (tmp_path / "notes.md").write_bytes(b"# notes")
    sub = tmp_path / "sub"
    sub.mkdir()
    (sub / "b.txt").write_bytes(b"Title\nBody")
    (sub / "c.jsonl").write_bytes(b"\n# archive\n" + orjson.dumps(
        {"schema": "article.v1", "id": "c", "text": "t"}))
    found = [p.relative_to(tmp_path).as_posix() for p in expand_paths([str(tmp_path)])
             if p is not None]
    assert found == ["a.jsonl", "sub/b.txt", "sub/c.jsonl"]
    # A file named explicitly is read whatever it holds (and its bad lines reported).
    named = list(iter_inputs([str(tmp_path / "labels.jsonl")]))
    assert len(named) == 1
    assert named[0].error is not None


def test_analyze_of_the_seeds_folder_reads_no_labels_or_knowledge() -> None:
    found = {p.name for p in expand_paths([str(SEEDS)]) if p is not None}
    assert "labels.jsonl" not in found
    assert "signals.jsonl" not in found
    assert {"articles.jsonl", "demo.jsonl", "000_9deb2ec686b81daa.txt"} <= found
