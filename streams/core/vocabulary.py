"""Word lists and irregular verb forms: knowledge the core reads as plain data.

The lists come from ``words.jsonl`` (one named list a row) and the verb
forms from ``irregular_verbs.jsonl``, read at the edge
(:mod:`streams.knowledge.loader`); this module only freezes the rows, so
it stays free of I/O. A list the rows do not give is empty.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

__all__ = ["LIST_NAMES", "Vocabulary", "VocabularyError"]

# Every list the core reads, by the module that reads it.
LIST_NAMES: frozenset[str] = frozenset({
    "names.function", "names.nameish", "names.particles", "names.press", "names.brands",
    "names.small_caps",
    "headlines.small_words", "organisations.heads", "organisations.single_heads",
    "agents.determiners", "agents.modifiers", "agents.modifier_suffixes",
    "agents.modifier_prefixes", "agents.after_head", "agents.government_words",
    "agents.member_kinds", "modality.transparent", "sentences.abbreviations",
    "signals.place_prepositions", "signals.modifier_prefixes", "signals.adversary_prepositions",
    "signals.beneficiary_types",
})


class VocabularyError(ValueError):
    """A word-list or verb row is malformed; the message names the row."""


def _empty() -> Mapping[str, tuple[str, ...]]:
    return MappingProxyType({})


@dataclass(frozen=True, slots=True)
class Vocabulary:
    """Named word lists and irregular verb forms, immutable.

    Attributes:
        lists: Words of each named list, in file order.
        irregular: Irregular forms of each verb lemma ("send": ("sent",)).
    """

    lists: Mapping[str, tuple[str, ...]] = field(default_factory=_empty)
    irregular: Mapping[str, tuple[str, ...]] = field(default_factory=_empty)

    def words(self, name: str) -> tuple[str, ...]:
        """Return the words of list ``name`` in file order (empty when not given)."""
        if name not in LIST_NAMES:
            raise KeyError(f"no word list {name!r}")
        return self.lists.get(name, ())

    def set(self, name: str) -> frozenset[str]:
        """Return the words of list ``name`` as a set."""
        return frozenset(self.words(name))

    @classmethod
    def from_rows(
        cls,
        words: Iterable[Mapping[str, Any]] = (),
        verbs: Iterable[Mapping[str, Any]] = (),
    ) -> Vocabulary:
        """Build a vocabulary from ``{"id", "words"}`` and ``{"lemma", "forms"}`` rows.

        Raises:
            VocabularyError: when a list is unknown or repeats, or a row is malformed.
        """
        lists: dict[str, tuple[str, ...]] = {}
        for row in words:
            ident, values = row.get("id"), row.get("words")
            if ident not in LIST_NAMES:
                raise VocabularyError(f"unknown word list {ident!r}; known: {sorted(LIST_NAMES)}")
            if ident in lists:
                raise VocabularyError(f"word list {ident!r} given twice")
            if not isinstance(values, list) or not all(isinstance(v, str) and v for v in values):
                raise VocabularyError(f"{ident}: 'words' must be a list of non-empty strings")
            lists[str(ident)] = tuple(values)
        irregular: dict[str, tuple[str, ...]] = {}
        for row in verbs:
            lemma, forms = row.get("lemma"), row.get("forms")
            if not isinstance(lemma, str) or not lemma or not isinstance(forms, list) or not all(
                    isinstance(f, str) and f for f in forms):
                raise VocabularyError(f"verb row {dict(row)!r:.80}: needs a 'lemma' and "
                                      "a list of 'forms'")
            if lemma in irregular:
                raise VocabularyError(f"verb {lemma!r} given twice")
            irregular[lemma] = tuple(forms)
        return cls(lists=MappingProxyType(lists), irregular=MappingProxyType(irregular))
