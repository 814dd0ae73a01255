"""Text features for same-story grouping: normalised URL and title, word shingles, MinHash.

Wire reposts differ from the original by boilerplate (datelines, agency credits,
copyright lines, "Reporting by ..."), a dropped sentence, a rewritten headline or
the outlet's URL. Those parts are removed before shingling, so the body text that
remains is compared by the Jaccard similarity of its word 3-grams (estimated by
MinHash), and by the Jaccard similarity of its content words (for independent
reports of the same event, which share names and places but not sentences).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

import numpy as np
from datasketch import MinHash

__all__ = ["MAX_FEATURE_CHARS", "MAX_WORDS", "NUM_PERM", "SEED", "Features", "containment",
           "content_words", "features", "jaccard", "normalise_title", "normalise_url",
           "shingles", "strip_boilerplate", "tokens"]

NUM_PERM = 128
"""MinHash permutations per signature."""

SEED = 20261203
"""Fixed seed of the MinHash permutations: the same text always gives the same signature."""

SHINGLE = 3
"""Words per shingle."""

MAX_WORDS = 3000
"""Words of the body the features are made of: a repost keeps its opening, and the cost
and memory of a signature stay bounded whatever the article's length."""
MAX_FEATURE_CHARS = 60_000
"""Characters read to find those words (a run-on text is never tokenised whole)."""

_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)?", re.UNICODE)

_TRACKING = re.compile(r"^(utm_|fbclid$|gclid$|mc_|ref$|ref_src$|cmpid$|ocid$|smid$|taid$)")

# Boilerplate that outlets add to, or strip from, wire copy.
_DATELINE = re.compile(
    r"^\s*+(?:[A-Z][A-Za-z.'’\-]*(?:[ ,]+[A-Z][A-Za-z.'’\-]*){0,4})?\s*+"
    r"(?:\((?:AP|AFP|Reuters|dpa|ANI|PTI|IANS|Xinhua|UPI|Bloomberg|[A-Z]{2,6})\)|"
    r"\b(?:Reuters|AFP|AP)\b)?\s*+[-—–]{1,2}\s+")
_BOILER_LINES = re.compile(
    r"(?im)^[ \t]*+(?:(?:©|\(c\)|copyright)\b.*|all rights reserved\.?.*|"
    r"(?:reporting|writing|editing|additional reporting|compiled) by\b.*|"
    r"(?:read more|related|advertisement|share this|follow us|sign up|subscribe)\b.{0,80}|"
    r"this (?:story|article) (?:has been|was) .{0,200}|"
    r"this material may not be published.*)$")
_DATELINE_LINE = re.compile(
    r"(?m)^[ \t]*+[A-Z][A-Z .,'’\-]{2,40}(?:\([A-Za-z]+\))?[ \t]*+[-—–:]\s+")

_STOPWORDS_TEXT = """
a about above after again against all also am an and any are as at be because been before
being below between both but by can could did do does doing down during each few for from
further had has have having he her here hers herself him himself his how i if in into is it
its itself just me more most my myself no nor not now of off on once only or other our ours
ourselves out over own said same says she should so some such than that the their theirs
them themselves then there these they this those through to too under until up very was we
were what when where which while who whom why will with would you your yours yourself
yourselves told according new one two three year years week monday tuesday wednesday
thursday friday saturday sunday
"""
STOPWORDS = frozenset(_STOPWORDS_TEXT.split())


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    return text.replace("’", "'").replace("‘", "'").casefold()


def tokens(text: str) -> list[str]:
    """Lower-cased words of ``text`` (Unicode letters and digits, inner apostrophes kept)."""
    return _WORD.findall(_fold(text))


def strip_boilerplate(text: str) -> str:
    """The body without wire datelines, agency credits, copyright and reporter lines."""
    text = _BOILER_LINES.sub("", text)
    text = _DATELINE_LINE.sub("", text)
    return _DATELINE.sub("", text, count=1)


def shingles(words: list[str], size: int = SHINGLE) -> set[str]:
    """Word ``size``-grams; a text shorter than ``size`` words gives its words."""
    if len(words) < size:
        return set(words)
    return {" ".join(words[i:i + size]) for i in range(len(words) - size + 1)}


def content_words(words: list[str]) -> set[str]:
    """Words that carry the story: no stop words, no one-letter words."""
    return {w for w in words if len(w) > 1 and w not in STOPWORDS}


def normalise_url(url: str | None) -> str:
    """The URL without scheme, ``www.``, fragment, tracking parameters or trailing slash."""
    if not url:
        return ""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return url.strip().casefold()
    host = parts.netloc.casefold().removeprefix("www.").removeprefix("m.")
    query = urlencode(sorted((k, v) for k, v in parse_qsl(parts.query)
                             if not _TRACKING.match(k.casefold())))
    path = parts.path.rstrip("/") or ""
    if not host and not path:
        return ""
    return f"{host}{path}" + (f"?{query}" if query else "")


def normalise_title(title: str | None) -> str:
    """The headline's words, without an outlet suffix such as ``" - Example Times"``."""
    if not title:
        return ""
    title = re.split(r"\s+[|—–-]\s+(?=[^|—–-]{2,40}$)", title.strip())[0]
    return " ".join(tokens(title))


def _sha1_32(data: bytes) -> int:
    """The first four bytes of SHA-1, little-endian: datasketch's default 32-bit hash
    (``sha1_hash32``), without its ``struct`` round trip."""
    return int.from_bytes(hashlib.sha1(data, usedforsecurity=False).digest()[:4], "little")


# The permutations depend only on NUM_PERM and SEED: drawing them anew for every
# signature cost a third of its time. A signature is the minimum over its items, so
# neither their order nor this sharing changes a value.
_TEMPLATE = MinHash(num_perm=NUM_PERM, seed=SEED)
_PERMUTATIONS, _SCHEME = _TEMPLATE.permutations, _TEMPLATE.scheme


def signature(items: set[str]) -> np.ndarray:
    """MinHash signature (``NUM_PERM`` values) of a set of strings."""
    m = MinHash(num_perm=NUM_PERM, seed=SEED, permutations=_PERMUTATIONS, scheme=_SCHEME,
                hashfunc=_sha1_32)
    if items:
        m.update_batch([s.encode("utf-8") for s in items])
    values: np.ndarray = m.hashvalues
    return values


def jaccard(a: np.ndarray, b: np.ndarray) -> float:
    """Estimated Jaccard similarity of the sets behind two signatures."""
    return float(np.count_nonzero(a == b)) / float(len(a))


@dataclass(frozen=True, slots=True)
class Features:
    """What grouping compares of one article.

    Attributes:
        url: Normalised URL ("" when none).
        title: Normalised headline ("" when none).
        text_sig: MinHash of the body's word 3-grams.
        word_sig: MinHash of the body's content words.
        n_words: Words in the body after boilerplate removal.
        n_shingles: Distinct 3-grams of the body.
    """

    url: str
    title: str
    text_sig: np.ndarray
    word_sig: np.ndarray
    n_words: int
    n_shingles: int

    def to_dict(self) -> dict[str, object]:
        """JSON-ready form (for the repartition topic of the worker)."""
        return {"url": self.url, "title": self.title,
                "text_sig": [int(v) for v in self.text_sig],
                "word_sig": [int(v) for v in self.word_sig],
                "n_words": self.n_words, "n_shingles": self.n_shingles}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Features:
        """The inverse of :meth:`to_dict`."""
        return cls(url=str(data["url"]), title=str(data["title"]),
                   text_sig=np.asarray(data["text_sig"], dtype=np.uint64),
                   word_sig=np.asarray(data["word_sig"], dtype=np.uint64),
                   n_words=int(data["n_words"]), n_shingles=int(data["n_shingles"]))


def containment(j: float, a: int, b: int) -> float:
    """Share of the smaller set inside the larger, from their Jaccard ``j`` and sizes.

    |A ∩ B| = j (|A| + |B|) / (1 + j); divided by min(|A|, |B|), capped at 1. This is
    what tells a syndicated excerpt (the first paragraphs of a wire story) from an
    unrelated text: its Jaccard with the full story is small, its containment high.
    """
    small = min(a, b)
    if small <= 0:
        return 0.0
    return min(1.0, j * (a + b) / ((1.0 + j) * small))


def features(text: str, title: str | None = None, url: str | None = None) -> Features:
    """The grouping features of one article, from its first :data:`MAX_WORDS` words."""
    words = tokens(strip_boilerplate(text[:MAX_FEATURE_CHARS]))[:MAX_WORDS]
    grams = shingles(words)
    return Features(url=normalise_url(url), title=normalise_title(title),
                    text_sig=signature(grams), word_sig=signature(content_words(words)),
                    n_words=len(words), n_shingles=len(grams))
