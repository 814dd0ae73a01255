"""Text features for same-story grouping: normalised URL and title, word shingles, MinHash.

Wire reposts differ from the original by boilerplate (datelines, agency credits,
copyright lines, "Reporting by ..."), a dropped sentence, a rewritten headline or
the outlet's URL. Those parts are removed before shingling, so the body text that
remains is compared by the Jaccard similarity of its word 3-grams (estimated by
MinHash), and by the Jaccard similarity of its content words (for independent
reports of the same event, which share names and places but not sentences).
"""

from __future__ import annotations

import re
import unicodedata
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

import numpy as np
from datasketch import MinHash

__all__ = ["MAX_FEATURE_CHARS", "MAX_WORDS", "NUM_PERM", "SCHEME", "SEED", "Features",
           "containment", "content_hashes", "content_words", "features", "gram_hashes",
           "jaccard", "normalise_title", "normalise_url", "shingles", "signature",
           "strip_boilerplate", "tokens"]

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


def content_words(words: Iterable[str]) -> set[str]:
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


SCHEME = 2
"""Version of how items are hashed before MinHash. 1: SHA-1 of each 3-gram's and word's
UTF-8 (datasketch's default hash). 2: CRC-32 of each distinct word once, a 3-gram's
64-bit hash mixed from its three words' (no string is built per 3-gram), about half the
cost per article. Signatures of different schemes are not comparable: their Jaccard is
near 0, so articles hashed under one scheme match those of the other only by URL or
headline. The scheme travels with the features (``Features.scheme``)."""

# Odd 64-bit constants (the golden ratio and splitmix64's), arithmetic modulo 2**64.
_K1, _K2 = np.uint64(0x9E3779B97F4A7C15), np.uint64(0xC2B2AE3D27D4EB4F)
_C1, _C2 = np.uint64(0xBF58476D1CE4E5B9), np.uint64(0x94D049BB133111EB)
_LOW32 = np.uint64(0xFFFFFFFF)
# MurmurHash3's 32-bit finaliser and the largest 32-bit value: datasketch's "affine32"
# scheme mixes each item hash with it before the affine permutations.
_F1, _F2 = np.uint32(0x85EBCA6B), np.uint32(0xC2B2AE35)
_MAX32 = np.uint32(0xFFFFFFFF)


def _mix64(x: np.ndarray) -> np.ndarray:
    """splitmix64's finaliser, element-wise (a bijection of the 64-bit values)."""
    x = x ^ (x >> np.uint64(30))
    x = x * _C1
    x = x ^ (x >> np.uint64(27))
    x = x * _C2
    mixed: np.ndarray = x ^ (x >> np.uint64(31))
    return mixed


def _word_hashes(words: list[str]) -> tuple[np.ndarray, dict[str, int]]:
    """Each word's CRC-32 (uint64), in order, and the hash of each distinct word."""
    known = {w: zlib.crc32(w.encode("utf-8")) for w in set(words)}
    return np.fromiter(map(known.__getitem__, words), dtype=np.uint64,
                       count=len(words)), known


def gram_hashes(words: list[str], size: int = SHINGLE) -> np.ndarray:
    """The distinct 64-bit hashes of the word ``size``-grams of ``words``, sorted (a text
    shorter than ``size`` words: of its words). Equal grams give equal hashes; distinct
    ones collide only by a 64-bit coincidence."""
    hashed, _ = _word_hashes(words)
    return _grams(hashed, size)


def _grams(hashed: np.ndarray, size: int = SHINGLE) -> np.ndarray:
    n = len(hashed)
    if n < size:
        return np.unique(_mix64(hashed))
    acc = hashed[: n - size + 1].copy()
    for k in range(1, size):
        acc = acc * (_K1 if k % 2 else _K2) + hashed[k: n - size + 1 + k]
    return np.unique(_mix64(acc))


def signature(hashes: np.ndarray) -> np.ndarray:
    """MinHash signature (``NUM_PERM`` uint32 values) of a set given by item hashes.

    The same values as datasketch's ``MinHash(num_perm=NUM_PERM, seed=SEED)`` fed the
    low 32 bits of each hash (``hashfunc=int``): MurmurHash3's finaliser, then
    ``a * h + b`` modulo 2**32 per permutation, the minimum over the items. Done here
    in one vectorised step instead of a Python call per item."""
    if hashes.size == 0:
        return np.full(NUM_PERM, _MAX32, dtype=np.uint32)
    h = (hashes & _LOW32).astype(np.uint32).reshape(-1, 1)
    h = h ^ (h >> np.uint32(16))
    h = h * _F1
    h = h ^ (h >> np.uint32(13))
    h = h * _F2
    h = h ^ (h >> np.uint32(16))
    a, b = _PERMUTATIONS
    values: np.ndarray = (h * a + b).min(axis=0)
    return values


# The permutations depend only on NUM_PERM and SEED: drawn once. A signature is the
# minimum over its items, so neither their order nor this sharing changes a value.
_TEMPLATE = MinHash(num_perm=NUM_PERM, seed=SEED)
_PERMUTATIONS = _TEMPLATE.permutations
if _TEMPLATE.scheme != "affine32" or _PERMUTATIONS.dtype != np.uint32:  # pragma: no cover
    raise ImportError(f"datasketch's MinHash scheme {_TEMPLATE.scheme!r} is not the "
                      "'affine32' this module reproduces (datasketch >= 2.0)")


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
        scheme: How the items were hashed (:data:`SCHEME`; records written before the
            field existed were scheme 1).
    """

    url: str
    title: str
    text_sig: np.ndarray
    word_sig: np.ndarray
    n_words: int
    n_shingles: int
    scheme: int = SCHEME

    def to_dict(self) -> dict[str, object]:
        """JSON-ready form (for the repartition topic of the worker)."""
        return {"url": self.url, "title": self.title,
                "text_sig": [int(v) for v in self.text_sig],
                "word_sig": [int(v) for v in self.word_sig],
                "n_words": self.n_words, "n_shingles": self.n_shingles,
                "scheme": self.scheme}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Features:
        """The inverse of :meth:`to_dict`."""
        return cls(url=str(data["url"]), title=str(data["title"]),
                   text_sig=np.asarray(data["text_sig"], dtype=np.uint64),
                   word_sig=np.asarray(data["word_sig"], dtype=np.uint64),
                   n_words=int(data["n_words"]), n_shingles=int(data["n_shingles"]),
                   scheme=int(data.get("scheme", 1)))


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


def content_hashes(known: dict[str, int]) -> np.ndarray:
    """The hashes of the content words (see :func:`content_words`) among ``known``."""
    return np.fromiter(map(known.__getitem__, content_words(known)), dtype=np.uint64)


def features(text: str, title: str | None = None, url: str | None = None) -> Features:
    """The grouping features of one article, from its first :data:`MAX_WORDS` words."""
    words = tokens(strip_boilerplate(text[:MAX_FEATURE_CHARS]))[:MAX_WORDS]
    hashed, known = _word_hashes(words)
    grams = _grams(hashed)
    return Features(url=normalise_url(url), title=normalise_title(title),
                    text_sig=signature(grams), word_sig=signature(content_hashes(known)),
                    n_words=len(words), n_shingles=len(grams))
