"""Article domain: politics and conflict, crime, disaster, business, science, sport, ...

A small linear model (multinomial logistic regression) over word unigrams and
bigrams of the title and the lead. Its weights are data
(``streams/knowledge/data/domain_model.jsonl``, written by
``tools/train_domain.py`` and read by :func:`streams.knowledge.loader.load_domain_model`);
this module only turns text into features and features into scores, so it
does no I/O and is as deterministic as the weights.

Only the title and the first :attr:`DomainModel.max_chars` characters of the
text are read: news puts its subject in the lead, and a fixed prefix keeps
the cost per article constant (about 0.1 ms, some 4-6 % of the core).
"""

from __future__ import annotations

import math
import re
from collections.abc import Container, Iterable, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

__all__ = [
    "DOMAINS",
    "DomainModel",
    "DomainModelError",
    "DomainResult",
    "classify",
    "features",
]

DOMAINS: tuple[str, ...] = (
    "politics_conflict",
    "crime",
    "disaster",
    "business",
    "science_technology",
    "sport",
    "entertainment",
    "other",
)

# Lower-case letters and digits, with inner apostrophes ("don't") and
# hyphens ("ceasefire-talks" stays one word). No nested quantifier can
# backtrack: each branch consumes at least one character.
_WORD = re.compile(r"[a-z0-9]+(?:['\u2019-][a-z0-9]+)*")
_TITLE_PREFIX = "t:"


class DomainModelError(ValueError):
    """The model data is malformed."""


@dataclass(frozen=True, slots=True)
class DomainResult:
    """The domain of one article.

    Attributes:
        domain: The most probable domain.
        confidence: Its probability in [0, 1].
        scores: Probability of every domain (they sum to 1).
    """

    domain: str
    confidence: float
    scores: Mapping[str, float]

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready object (probabilities rounded to 4 places)."""
        return {
            "domain": self.domain,
            "confidence": round(self.confidence, 4),
            "scores": {k: round(v, 4) for k, v in self.scores.items()},
        }


def features(
    text: str,
    title: str = "",
    max_chars: int = 1000,
    pair_heads: Container[str] | None = None,
) -> list[str]:
    """Return the features of an article: distinct words and word pairs.

    Words of the title are features twice over: as themselves and with a
    ``t:`` prefix, so a title word can weigh more than the same word in the
    body. Features are returned in first-seen order, each once.

    Args:
        text: Article body (only its first ``max_chars`` characters are read).
        title: Headline, may be empty.
        max_chars: How much of the body is read.
        pair_heads: When given, only word pairs whose first word is in it are
            made (a model passes the first words of its own pairs: the others
            could not match, so the scores are the same, only cheaper).
    """
    seen: dict[str, None] = {}
    title_words = _WORD.findall(title.lower()) if title else []
    for word in title_words:
        seen[_TITLE_PREFIX + word] = None
    words = title_words + _WORD.findall(text[:max_chars].lower())
    previous = ""
    for word in words:
        seen[word] = None
        if previous and (pair_heads is None or previous in pair_heads):
            seen[previous + " " + word] = None
        previous = word
    return list(seen)


@dataclass(frozen=True, slots=True)
class DomainModel:
    """Weights of the domain classifier.

    Attributes:
        classes: Domain names, in the order of every weight vector.
        bias: One intercept per class.
        weights: Feature to its weight per class.
        max_chars: How much of the body :func:`features` reads.
        version: Fingerprint of the weights (set by the training script).
        pair_heads: First words of the word pairs among the weights (None:
            make every pair). :meth:`from_rows` fills it in.
    """

    classes: tuple[str, ...]
    bias: tuple[float, ...]
    weights: Mapping[str, tuple[float, ...]]
    max_chars: int = 1000
    version: str = ""
    pair_heads: frozenset[str] | None = None

    @classmethod
    def from_rows(cls, rows: Iterable[Mapping[str, Any]]) -> DomainModel:
        """Build the model from its JSONL rows: one header, then one row per feature.

        The header is ``{"kind": "header", "classes": [...], "bias": [...],
        "max_chars": int, "version": str}``; a feature row is ``{"f": feature,
        "w": [one weight per class]}``.

        Raises:
            DomainModelError: when the header is missing or a row does not fit it.
        """
        header: Mapping[str, Any] | None = None
        weights: dict[str, tuple[float, ...]] = {}
        for number, row in enumerate(rows, 1):
            if row.get("kind") == "header":
                if header is not None:
                    raise DomainModelError(f"row {number}: a second header")
                header = row
                continue
            if header is None:
                raise DomainModelError(f"row {number}: feature row before the header")
            feature, vector = row.get("f"), row.get("w")
            if not isinstance(feature, str) or not isinstance(vector, list):
                raise DomainModelError(f"row {number}: needs a string 'f' and a list 'w'")
            if len(vector) != len(header["classes"]):
                raise DomainModelError(f"row {number}: {len(vector)} weights, expected "
                                       f"{len(header['classes'])}")
            weights[feature] = tuple(float(x) for x in vector)
        if header is None:
            raise DomainModelError("no header row")
        classes = tuple(str(c) for c in header.get("classes", ()))
        bias = tuple(float(b) for b in header.get("bias", ()))
        unknown = [c for c in classes if c not in DOMAINS]
        if not classes or unknown or len(set(classes)) != len(classes):
            raise DomainModelError(f"classes must be distinct names of {DOMAINS}: {classes}")
        if len(bias) != len(classes):
            raise DomainModelError("one bias per class is required")
        max_chars = header.get("max_chars", 1000)
        if not isinstance(max_chars, int) or max_chars <= 0:
            raise DomainModelError("max_chars must be a positive integer")
        heads = frozenset(f.split(" ", 1)[0] for f in weights if " " in f)
        return cls(classes, bias, MappingProxyType(weights), max_chars,
                   str(header.get("version", "")), heads)

    def logits(self, feats: Sequence[str]) -> list[float]:
        """Return the raw class scores of a feature list."""
        found = [w for w in map(self.weights.get, feats) if w is not None]
        if not found:
            return list(self.bias)
        columns = zip(*found, strict=True)
        return [b + sum(col) for b, col in zip(self.bias, columns, strict=True)]

    def classify(self, text: str, title: str = "") -> DomainResult:
        """Return the domain of one article (see :func:`classify`)."""
        logits = self.logits(features(text, title, self.max_chars, self.pair_heads))
        top = max(logits)
        exps = [math.exp(x - top) for x in logits]
        total = sum(exps)
        probs = [e / total for e in exps]
        best = max(range(len(probs)), key=probs.__getitem__)
        scores = MappingProxyType(dict(zip(self.classes, probs, strict=True)))
        return DomainResult(self.classes[best], probs[best], scores)


def classify(text: str, title: str, model: DomainModel) -> DomainResult:
    """Return the domain of an article with ``model``.

    Args:
        text: Article body (plain text).
        title: Headline, may be empty.
        model: Weights, from :func:`streams.knowledge.loader.load_domain_model`.
    """
    return model.classify(text, title)
