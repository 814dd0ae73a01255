"""Shared fixtures: the knowledge base, an analyzer, the seed article, schemas."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest

from streams.core.analyze import Analyzer
from streams.core.knowledge import KnowledgeBase
from streams.core.model import Article
from streams.knowledge.loader import load_knowledge

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"


@pytest.fixture(scope="session")
def knowledge() -> KnowledgeBase:
    """The packaged knowledge base, loaded once."""
    return load_knowledge()


@pytest.fixture(scope="session")
def analyzer(knowledge: KnowledgeBase) -> Analyzer:
    """An analyzer over the packaged knowledge base."""
    return Analyzer(knowledge)


@pytest.fixture(scope="session")
def seed_event() -> dict[str, object]:
    """The seed article as an article.v1 event."""
    line = (SEEDS / "articles.jsonl").read_bytes().splitlines()[0]
    event: dict[str, object] = orjson.loads(line)
    return event


@pytest.fixture(scope="session")
def seed_article(seed_event: dict[str, object]) -> Article:
    """The seed article as the core sees it."""
    from streams.codec import article_from_event

    return article_from_event(dict(seed_event))
