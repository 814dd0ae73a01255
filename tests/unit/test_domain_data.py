"""Integrity of the precision development set ``tests/data/devnews.jsonl``."""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from streams.evaluation.datasets import HARD_NEGATIVE_KINDS, NEWS_DOMAINS, NEWS_LEVELS, read_dataset

DATA = Path(__file__).resolve().parents[1] / "data" / "devnews.jsonl"


@pytest.fixture(scope="module")
def rows() -> list[dict[str, Any]]:
    return [json.loads(line) for line in DATA.read_text(encoding="utf-8").splitlines()]


def _split(record_id: str) -> str:
    return "train" if int(hashlib.sha1(("split:" + record_id).encode()).hexdigest()[:8],
                          16) % 10 < 7 else "dev"


class TestDevnews:
    def test_reads_as_devnews(self) -> None:
        """The eval reader accepts every line (labels are consistent)."""
        dataset = read_dataset(DATA)
        assert dataset.format == "devnews"
        assert len(dataset.records) >= 1700

    def test_size_and_coverage(self, rows: list[dict[str, Any]]) -> None:
        """At least 1,500 articles over all eight domains and 200 hard negatives of every kind."""
        articles = [r for r in rows if not r["labels"].get("hard_negative")]
        hard = [r for r in rows if r["labels"].get("hard_negative")]
        assert len(articles) >= 1500
        assert len(hard) >= 200
        domains = Counter(r["labels"]["domain"] for r in articles)
        assert set(domains) == set(NEWS_DOMAINS)
        assert min(domains.values()) >= 100
        assert set(Counter(r["labels"]["kind"] for r in hard)) == set(HARD_NEGATIVE_KINDS)

    def test_every_record_has_provenance_and_a_licence(self, rows: list[dict[str, Any]]) -> None:
        """id, url, licence and source are set; ids are unique; texts are trimmed."""
        ids = [r["id"] for r in rows]
        assert len(ids) == len(set(ids))
        for r in rows:
            assert r["url"].startswith("https://"), r["id"]
            assert r["licence"].startswith(("CC BY", "Public domain")), r["id"]
            assert "@" in r["source"], r["id"]
            assert 0 < len(r["text"]) <= 2500, r["id"]

    def test_labels_are_consistent(self, rows: list[dict[str, Any]]) -> None:
        """should_alert is level != null; hard negatives never alert."""
        for r in rows:
            labels = r["labels"]
            assert (labels["level"] is not None) == labels["should_alert"], r["id"]
            assert labels["level"] in (None, *NEWS_LEVELS[1:]), r["id"]
            if labels.get("hard_negative"):
                assert not labels["should_alert"], r["id"]

    def test_split_is_the_stable_hash(self, rows: list[dict[str, Any]]) -> None:
        """Articles are split by the hash of their id; a hard negative follows its parent, so
        no dev text leaks into train; about 70/30."""
        for r in rows:
            parent = r["labels"].get("parent_id", r["id"])
            assert r["split"] == _split(parent), r["id"]
        share = sum(r["split"] == "train" for r in rows) / len(rows)
        assert 0.65 <= share <= 0.75

    def test_hard_negatives_are_verbatim_sentences_of_their_parent(
        self, rows: list[dict[str, Any]]
    ) -> None:
        """Each hard negative is a substring of the parent text when the parent is in the set."""
        by_id = {r["id"]: r for r in rows}
        checked = 0
        for r in rows:
            labels = r["labels"]
            if labels.get("hard_negative") and labels["parent_in_set"]:
                parent = by_id[labels["parent_id"]]
                assert r["text"] in parent["text"], r["id"]
                checked += 1
        assert checked > 20


FRESH = DATA.parent / "freshnews.jsonl"


class TestFreshnews:
    """The held-back check set: read, labelled, never tuned on."""

    def test_reads_and_stays_apart_from_the_development_set(
            self, rows: list[dict[str, Any]]) -> None:
        dataset = read_dataset(FRESH)
        assert dataset.format == "devnews"
        fresh = [json.loads(line) for line in FRESH.read_text(encoding="utf-8").splitlines()]
        assert len(fresh) == len(dataset.records) >= 300
        dev_ids = {r["id"] for r in rows} | {r["labels"].get("parent_id") for r in rows}
        dev_texts = {r["text"] for r in rows}
        for r in fresh:
            assert r["id"] not in dev_ids, r["id"]
            assert r["text"] not in dev_texts, r["id"]
            assert r["split"] == "fresh"
            assert r["licence"].startswith("CC BY"), r["id"]
            assert r["url"].startswith("https://"), r["id"]
            assert "@" in r["source"], r["id"]
            labels = r["labels"]
            assert labels["domain"] in NEWS_DOMAINS
            assert labels["level"] is None or labels["level"] in NEWS_LEVELS
            assert (labels["level"] is not None) == labels["should_alert"]
        assert set(Counter(r["labels"]["domain"] for r in fresh)) == set(NEWS_DOMAINS)
