"""Same-story grouping: an event-time windowed MinHash LSH index of recent articles.

An article joins the story of the most similar recent article (within ``window``
of event time) when one of these holds, strongest first:

* ``url``: the same normalised URL (the same page fetched twice);
* ``duplicate``: body 3-gram Jaccard >= ``duplicate_jaccard`` (same text, light edits),
  or, for an excerpt, containment of the shorter body in the longer one
  >= ``excerpt_containment`` with Jaccard >= ``excerpt_jaccard`` (enough agreeing
  MinHash values that the estimate is not noise) and ``min_excerpt_shingles``;
* ``title``: the same normalised headline of at least ``min_title_words`` words and
  some shared body (3-gram Jaccard >= ``title_jaccard``, or an excerpt as above);
* ``related``: content-word Jaccard >= ``related_jaccard`` *and* a shared context from
  the analysis (at least two shared actors, or a shared event type and a shared place):
  an independent report of the same event.

Otherwise it starts a story whose id is derived from its own article id. The index
keeps only articles younger than ``window`` (plus ``grace``) behind the newest event
time seen, so its size is bounded by the article rate times the window.
"""

from __future__ import annotations

import hashlib
import heapq
from dataclasses import dataclass

import numpy as np

from streams.stories.similarity import NUM_PERM, Features, containment, jaccard

__all__ = ["Context", "GroupingOptions", "Match", "StoryIndex", "story_id_for"]


_MIX = np.uint64(0x9E3779B97F4A7C15)
_SALT = (np.uint64(0xBF58476D1CE4E5B9), np.uint64(0x94D049BB133111EB))


def story_id_for(article_id: str) -> str:
    """The story id of a story first seen in ``article_id``: deterministic."""
    return "sty_" + hashlib.sha256(article_id.encode("utf-8")).hexdigest()[:24]


@dataclass(frozen=True, slots=True)
class GroupingOptions:
    """Thresholds of the grouping (see the module docstring)."""

    window: float = 72 * 3600.0
    grace: float = 6 * 3600.0
    duplicate_jaccard: float = 0.6
    excerpt_containment: float = 0.8
    excerpt_jaccard: float = 0.0625
    min_excerpt_shingles: int = 15
    title_jaccard: float = 0.15
    min_title_words: int = 5
    related_jaccard: float = 0.4
    min_shared_actors: int = 2
    min_words: int = 5
    bands: int = 64
    max_candidates: int = 200


@dataclass(frozen=True, slots=True)
class Context:
    """What the analysis says the article is about.

    Attributes:
        actors: Political actors named by its signals (source, target, speaker).
        event_types: PLOVER types of its political signals.
        places: Countries involved (ISO alpha-3).
    """

    actors: frozenset[str] = frozenset()
    event_types: frozenset[str] = frozenset()
    places: frozenset[str] = frozenset()

    def shares(self, other: Context, min_actors: int) -> bool:
        """Whether both speak of the same event: shared actors, or type and place."""
        if len(self.actors & other.actors) >= min_actors:
            return True
        return bool(self.event_types & other.event_types) and bool(self.places & other.places)


@dataclass(frozen=True, slots=True)
class Match:
    """How an article was grouped.

    Attributes:
        story_id: The story it joined or started.
        reason: ``new``, ``url``, ``duplicate``, ``title`` or ``related``.
        matched: The article it matched (None for ``new``).
        similarity: Body 3-gram Jaccard with that article (1.0 for ``new``).
    """

    story_id: str
    reason: str
    matched: str | None
    similarity: float

    @property
    def repost(self) -> bool:
        """A copy of an earlier article (same URL, same text or same headline)."""
        return self.reason in ("url", "duplicate", "title")


@dataclass(slots=True)
class _Entry:
    article_id: str
    story_id: str
    time: float
    features: Features
    context: Context
    banded: bool = False


class StoryIndex:
    """The recent articles, by LSH band, URL and title; expired by event time."""

    def __init__(self, options: GroupingOptions | None = None) -> None:
        """Start empty."""
        self.options = options or GroupingOptions()
        if NUM_PERM % self.options.bands:
            raise ValueError("bands must divide the MinHash permutations")
        self._rows = NUM_PERM // self.options.bands
        # Per signature and band, a fixed odd start value: keys of the text and the
        # content-word signature, and of different bands, never coincide by design.
        band = np.arange(self.options.bands, dtype=np.uint64)
        self._band_salt = [(band * np.uint64(2) + np.uint64(1)) * _SALT[k] for k in (0, 1)]
        self._entries: dict[str, _Entry] = {}
        # Band key -> the article id, or the ids in first-seen order when several share
        # it (most buckets hold one article: no list for those).
        self._bands: dict[int, str | list[str]] = {}
        self._urls: dict[str, str] = {}
        self._titles: dict[str, list[str]] = {}
        self._expiry: list[tuple[float, str]] = []
        self.watermark = float("-inf")

    def __len__(self) -> int:
        """Articles in the index."""
        return len(self._entries)

    def _band_keys(self, salt: int, sig: np.ndarray) -> list[int]:
        """One 64-bit key per band: the band's values and its position, mixed.

        Python ints, not bytes: a key is a third smaller. Two different bands may
        share a key only by a 64-bit collision, which adds a candidate that the
        similarity check then rejects."""
        rows = sig.astype(np.uint64).reshape(self.options.bands, self._rows)
        keys = self._band_salt[salt].copy()
        for j in range(self._rows):
            keys = keys * _MIX + rows[:, j]  # wraps modulo 2**64
        keys ^= keys >> np.uint64(29)
        out: list[int] = keys.tolist()
        return out

    def _keys_of(self, feats: Features) -> list[int]:
        return self._band_keys(0, feats.text_sig) + self._band_keys(1, feats.word_sig)

    def advance(self, time: float) -> None:
        """Move the watermark to ``time`` (when later) and drop what fell out of the window."""
        if time <= self.watermark:
            return
        self.watermark = time
        horizon = time - self.options.window - self.options.grace
        while self._expiry and self._expiry[0][0] < horizon:
            _, article_id = heapq.heappop(self._expiry)
            self._remove(article_id)

    def _remove(self, article_id: str) -> None:
        entry = self._entries.pop(article_id, None)
        if entry is None:
            return
        if entry.banded:
            bands = self._bands
            for key in self._keys_of(entry.features):
                ids = bands.get(key)
                if ids is None:
                    continue
                if isinstance(ids, str):
                    if ids == article_id:
                        del bands[key]
                    continue
                if article_id in ids:
                    ids.remove(article_id)
                if len(ids) == 1:
                    bands[key] = ids[0]
                elif not ids:
                    del bands[key]
        if entry.features.url and self._urls.get(entry.features.url) == article_id:
            del self._urls[entry.features.url]
        titles = self._titles.get(entry.features.title)
        if titles is not None:
            if article_id in titles:
                titles.remove(article_id)
            if not titles:
                del self._titles[entry.features.title]

    def _in_window(self, entry: _Entry, time: float) -> bool:
        return abs(entry.time - time) <= self.options.window

    def _candidates(self, feats: Features) -> dict[str, None]:
        """Article ids sharing an LSH band or the headline with ``feats``, in first-seen order."""
        candidates: dict[str, None] = {}
        bands = self._bands
        for key in self._keys_of(feats):
            ids = bands.get(key)
            if ids is None:
                continue
            if isinstance(ids, str):
                candidates[ids] = None
            else:
                for other_id in ids:
                    candidates[other_id] = None
            if len(candidates) >= self.options.max_candidates:
                break
        for other_id in self._titles.get(feats.title, ()) if feats.title else ():
            candidates[other_id] = None
        return candidates

    def _rank(self, feats: Features, context: Context, entry: _Entry, text_j: float) -> int:
        """The strongest rule joining ``feats`` to ``entry``: 3 duplicate, 2 title,
        1 related, 0 none."""
        opts = self.options
        other = entry.features
        if min(feats.n_words, other.n_words) >= opts.min_words and (
                text_j >= opts.duplicate_jaccard
                or (text_j >= opts.excerpt_jaccard
                    and min(feats.n_shingles, other.n_shingles) >= opts.min_excerpt_shingles
                    and containment(text_j, feats.n_shingles, other.n_shingles)
                    >= opts.excerpt_containment)):
            return 3
        title_ok = len(feats.title.split()) >= opts.min_title_words
        if title_ok and feats.title == other.title and (
                text_j >= opts.title_jaccard
                or containment(text_j, feats.n_shingles, other.n_shingles)
                >= opts.excerpt_containment):
            return 2
        if (jaccard(feats.word_sig, other.word_sig) >= opts.related_jaccard
                and context.shares(entry.context, opts.min_shared_actors)):
            return 1
        return 0

    def match(self, article_id: str, time: float, feats: Features, context: Context) -> Match:
        """The story ``article_id`` belongs to; does not add it (see :meth:`add`)."""
        if article_id in self._entries:  # a redelivery: same answer as the first time
            entry = self._entries[article_id]
            return Match(entry.story_id, "redelivery", article_id, 1.0)
        if feats.url:
            other_id = self._urls.get(feats.url)
            if other_id is not None and self._in_window(self._entries[other_id], time):
                entry = self._entries[other_id]
                return Match(entry.story_id, "url", other_id,
                             jaccard(feats.text_sig, entry.features.text_sig))
        best: tuple[int, float, float, str] | None = None
        for other_id in self._candidates(feats):
            entry = self._entries[other_id]
            if not self._in_window(entry, time):
                continue
            text_j = jaccard(feats.text_sig, entry.features.text_sig)
            rank = self._rank(feats, context, entry, text_j)
            if rank == 0:
                continue
            # Strongest rule first, then the most similar text, then the earliest article.
            cand = (rank, text_j, -entry.time, other_id)
            if best is None or cand[:3] > best[:3] or (cand[:3] == best[:3] and other_id < best[3]):
                best = cand
        if best is None:
            return Match(story_id_for(article_id), "new", None, 1.0)
        reason = {3: "duplicate", 2: "title", 1: "related"}[best[0]]
        return Match(self._entries[best[3]].story_id, reason, best[3], best[1])

    def add(self, article_id: str, story_id: str, time: float, feats: Features,
            context: Context) -> None:
        """Remember an article (too old for the window: not kept)."""
        if article_id in self._entries:
            return
        if time < self.watermark - self.options.window - self.options.grace:
            return
        entry = _Entry(article_id, story_id, time, feats, context)
        if feats.n_words > 0:
            entry.banded = True
            bands = self._bands
            for key in self._keys_of(feats):
                ids = bands.get(key)
                if ids is None:
                    bands[key] = article_id
                elif isinstance(ids, str):
                    bands[key] = [ids, article_id]
                else:
                    ids.append(article_id)
        if feats.url:
            self._urls.setdefault(feats.url, article_id)
        if feats.title:
            self._titles.setdefault(feats.title, []).append(article_id)
        self._entries[article_id] = entry
        heapq.heappush(self._expiry, (time, article_id))
