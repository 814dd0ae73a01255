"""The packaged vocabulary and modality rows, for tests that build their own knowledge base.

A knowledge base built from rows has empty word lists unless it is given
some; tests of one concern (a small gazetteer, a few lexicon rows) take the
packaged word lists and verb forms from here, as the loader would.
"""

from __future__ import annotations

from typing import Any

from streams.core.text import Sentences
from streams.core.vocabulary import Vocabulary
from streams.knowledge.loader import MODALITY_FILES, read_rows

WORDS: list[dict[str, Any]] = read_rows("words")
VERBS: list[dict[str, Any]] = read_rows("irregular_verbs")
VOCABULARY = Vocabulary.from_rows(WORDS, VERBS)
ABBREVIATIONS = VOCABULARY.set("sentences.abbreviations")
TRANSPARENT = VOCABULARY.set("modality.transparent")


def modality_rows() -> list[dict[str, Any]]:
    """The packaged modality rows of all three files, in the loader's order."""
    return [row for name in MODALITY_FILES for row in read_rows(name)]


def vocabulary_rows() -> dict[str, list[dict[str, Any]]]:
    """Keyword arguments of ``KnowledgeBase.from_rows`` for the packaged vocabulary."""
    return {"words": WORDS, "irregular_verbs": VERBS}


def sentences(text: str) -> Sentences:
    """``Sentences.of`` with the packaged abbreviations."""
    return Sentences.of(text, ABBREVIATIONS)
