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

from streams.stories.similarity import NUM_PERM, Features, containment

__all__ = ["Context", "GroupingOptions", "Match", "StoryIndex", "story_id_for"]


_FEW = 8
"""Candidates up to which they are compared one at a time, not all at once."""

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
    """One article of the index. Its signatures are rows ``slot`` of the index's arrays
    (not kept here): two 128-value uint32 rows instead of two uint64 arrays and a
    :class:`Features` object per article."""

    article_id: str
    story_id: str
    time: float
    url: str
    title: str
    context: Context
    slot: int
    banded: bool = False


def _sig32(sig: np.ndarray) -> np.ndarray:
    """A MinHash signature as uint32 (datasketch's values are 32-bit hashes).

    Raises:
        ValueError: when a value does not fit 32 bits (not a MinHash signature of
            :func:`streams.stories.similarity.features`), since comparing truncated
            values could report agreements the full values do not have."""
    if sig.dtype == np.uint32:
        return sig
    if sig.size and (int(sig.max()) >> 32 or int(sig.min()) < 0):
        raise ValueError("MinHash signature values must fit 32 bits")
    return sig.astype(np.uint32)


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
        # Every article has a slot (a small int, reused once it leaves): its row in the
        # signature arrays, compared with a new article's for all its candidates in one
        # vectorised step. The band and title buckets hold slots.
        self._text = np.zeros((0, NUM_PERM), dtype=np.uint32)
        self._word = np.zeros((0, NUM_PERM), dtype=np.uint32)
        self._time = np.zeros(0, dtype=np.float64)
        self._n_words = np.zeros(0, dtype=np.int64)
        self._n_shingles = np.zeros(0, dtype=np.int64)
        self._mark = np.zeros(0, dtype=np.bool_)  # all False between uses
        self._at_slot: list[_Entry | None] = []
        self._free: list[int] = []
        # Band key -> the slot of the article, or the slots in first-seen order when
        # several share it (most buckets hold one article: no list for those).
        self._bands: dict[int, int | list[int]] = {}
        self._urls: dict[str, str] = {}
        self._titles: dict[str, list[int]] = {}
        self._expiry: list[tuple[float, str]] = []
        # The last features seen by match(), add() is usually called with the same
        # object next: their band keys and uint32 signatures are computed once.
        self._memo: tuple[Features, list[int], np.ndarray, np.ndarray] | None = None
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

    def _prepared(self, feats: Features) -> tuple[list[int], np.ndarray, np.ndarray]:
        """Band keys and uint32 signatures of ``feats`` (computed once per object)."""
        memo = self._memo
        if memo is not None and memo[0] is feats:
            return memo[1], memo[2], memo[3]
        text, word = _sig32(feats.text_sig), _sig32(feats.word_sig)
        keys = self._band_keys(0, text) + self._band_keys(1, word)
        self._memo = (feats, keys, text, word)
        return keys, text, word

    def _slot(self) -> int:
        if not self._free:
            old = len(self._text)
            size = max(64, old + old // 4)  # grown by a quarter: little unused
            for name in ("_text", "_word", "_time", "_n_words", "_n_shingles", "_mark"):
                array = getattr(self, name)
                grown = np.zeros((size, *array.shape[1:]), dtype=array.dtype)
                grown[:old] = array
                setattr(self, name, grown)
            self._at_slot.extend([None] * (size - old))
            self._free = list(range(size - 1, old - 1, -1))
        return self._free.pop()

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
        slot = entry.slot
        if entry.banded:
            bands = self._bands
            keys = self._band_keys(0, self._text[slot]) + self._band_keys(1, self._word[slot])
            for key in keys:
                ids = bands.get(key)
                if ids is None:
                    continue
                if isinstance(ids, int):
                    if ids == slot:
                        del bands[key]
                    continue
                if slot in ids:
                    ids.remove(slot)
                if len(ids) == 1:
                    bands[key] = ids[0]
                elif not ids:
                    del bands[key]
        if entry.url and self._urls.get(entry.url) == article_id:
            del self._urls[entry.url]
        titles = self._titles.get(entry.title)
        if titles is not None:
            if slot in titles:
                titles.remove(slot)
            if not titles:
                del self._titles[entry.title]
        # Free only now: no bucket names the slot any more.
        self._at_slot[slot] = None
        self._free.append(slot)

    def _in_window(self, entry: _Entry, time: float) -> bool:
        return abs(entry.time - time) <= self.options.window

    def _candidates(self, keys: list[int], title: str) -> dict[int, None]:
        """Slots of the articles sharing an LSH band or the headline, in first-seen order."""
        candidates: dict[int, None] = {}
        bands = self._bands
        limit = self.options.max_candidates
        for key in keys:
            ids = bands.get(key)
            if ids is None:
                continue
            if isinstance(ids, int):
                candidates[ids] = None
            else:
                candidates.update(dict.fromkeys(ids))
            if len(candidates) >= limit:
                break
        if title:
            candidates.update(dict.fromkeys(self._titles.get(title, ())))
        return candidates

    def match(self, article_id: str, time: float, feats: Features, context: Context) -> Match:
        """The story ``article_id`` belongs to; does not add it (see :meth:`add`)."""
        if article_id in self._entries:  # a redelivery: same answer as the first time
            entry = self._entries[article_id]
            return Match(entry.story_id, "redelivery", article_id, 1.0)
        keys, text, word = self._prepared(feats)
        if feats.url:
            other_id = self._urls.get(feats.url)
            if other_id is not None and self._in_window(self._entries[other_id], time):
                entry = self._entries[other_id]
                same = int(np.count_nonzero(self._text[entry.slot] == text))
                return Match(entry.story_id, "url", other_id, same / NUM_PERM)
        candidates = self._candidates(keys, feats.title)
        if not candidates:
            return Match(story_id_for(article_id), "new", None, 1.0)
        if len(candidates) <= _FEW:
            return self._best_of_few(article_id, time, feats, context, text, word, candidates)
        return self._best(article_id, time, feats, context, text, word, candidates)

    def _best_of_few(self, article_id: str, time: float, feats: Features, context: Context,
                     text: np.ndarray, word: np.ndarray, candidates: dict[int, None]) -> Match:
        """:meth:`_best` one candidate at a time (cheaper for a handful of them)."""
        opts = self.options
        best: tuple[int, float, float, str] | None = None
        for slot in candidates:
            entry = self._at_slot[slot]
            assert entry is not None
            if abs(entry.time - time) > opts.window:
                continue
            text_j = int(np.count_nonzero(self._text[slot] == text)) / NUM_PERM
            n_words, n_shingles = int(self._n_words[slot]), int(self._n_shingles[slot])
            if min(feats.n_words, n_words) >= opts.min_words and (
                    text_j >= opts.duplicate_jaccard
                    or (text_j >= opts.excerpt_jaccard
                        and min(feats.n_shingles, n_shingles) >= opts.min_excerpt_shingles
                        and containment(text_j, feats.n_shingles, n_shingles)
                        >= opts.excerpt_containment)):
                rank = 3
            elif (len(feats.title.split()) >= opts.min_title_words
                  and feats.title == entry.title
                  and (text_j >= opts.title_jaccard
                       or containment(text_j, feats.n_shingles, n_shingles)
                       >= opts.excerpt_containment)):
                rank = 2
            elif (int(np.count_nonzero(self._word[slot] == word)) / NUM_PERM
                  >= opts.related_jaccard
                  and context.shares(entry.context, opts.min_shared_actors)):
                rank = 1
            else:
                continue
            # Strongest rule first, then the most similar text, then the earliest article.
            cand = (rank, text_j, -entry.time, entry.article_id)
            if best is None or cand[:3] > best[:3] or (cand[:3] == best[:3]
                                                       and cand[3] < best[3]):
                best = cand
        if best is None:
            return Match(story_id_for(article_id), "new", None, 1.0)
        reason = {3: "duplicate", 2: "title", 1: "related"}[best[0]]
        return Match(self._entries[best[3]].story_id, reason, best[3], best[1])

    def _best(self, article_id: str, time: float, feats: Features, context: Context,
              text: np.ndarray, word: np.ndarray, candidates: dict[int, None]) -> Match:
        """The strongest rule over the candidates, all compared at once.

        The same arithmetic as the scalar rules (similarity.jaccard: agreeing values /
        NUM_PERM; similarity.containment), element-wise in float64, so the same
        decisions and the same similarity are returned."""
        opts = self.options
        slots = np.fromiter(candidates, dtype=np.intp, count=len(candidates))
        text_same = np.count_nonzero(self._text[slots] == text, axis=1)
        text_j = text_same / NUM_PERM
        in_window = np.abs(self._time[slots] - time) <= opts.window
        shingles = self._n_shingles[slots]
        small = np.minimum(shingles, feats.n_shingles)
        with np.errstate(divide="ignore", invalid="ignore"):
            contained = np.where(
                small > 0,
                np.minimum(1.0, text_j * (feats.n_shingles + shingles) / ((1.0 + text_j) * small)),
                0.0)
        excerpt = contained >= opts.excerpt_containment
        # duplicate: same text (light edits), or an excerpt of it
        rank = np.where(
            (np.minimum(self._n_words[slots], feats.n_words) >= opts.min_words)
            & ((text_j >= opts.duplicate_jaccard)
               | ((text_j >= opts.excerpt_jaccard) & (small >= opts.min_excerpt_shingles)
                  & excerpt)), 3, 0)
        # title: the same headline of enough words and some shared body
        same_title = self._titles.get(feats.title) if feats.title else None
        if same_title and len(feats.title.split()) >= opts.min_title_words:
            mark = self._mark
            mark[same_title] = True
            titled = mark[slots]
            mark[same_title] = False
            rank[(rank == 0) & titled & ((text_j >= opts.title_jaccard) | excerpt)] = 2
        rank[~in_window] = 0
        # related: enough content words and a shared context (per candidate, few left)
        maybe = np.flatnonzero(rank == 0)
        if len(maybe):
            word_j = np.count_nonzero(self._word[slots[maybe]] == word, axis=1) / NUM_PERM
            maybe = maybe[(word_j >= opts.related_jaccard) & in_window[maybe]]
            at_slot = self._at_slot
            for i in maybe.tolist():
                entry = at_slot[slots[i]]
                assert entry is not None
                if context.shares(entry.context, opts.min_shared_actors):
                    rank[i] = 1
        top = int(rank.max())
        if top == 0:
            return Match(story_id_for(article_id), "new", None, 1.0)
        # Strongest rule first, then the most similar text, then the earliest article,
        # then the smallest article id.
        tied = np.flatnonzero(rank == top)
        tied = tied[text_same[tied] == text_same[tied].max()]
        times = self._time[slots[tied]]
        tied = tied[times == times.min()]
        entries = [self._at_slot[s] for s in slots[tied].tolist()]
        best = min((e for e in entries if e is not None), key=lambda e: e.article_id)
        reason = {3: "duplicate", 2: "title", 1: "related"}[top]
        return Match(best.story_id, reason, best.article_id, int(text_same[tied[0]]) / NUM_PERM)

    def add(self, article_id: str, story_id: str, time: float, feats: Features,
            context: Context) -> None:
        """Remember an article (too old for the window: not kept)."""
        if article_id in self._entries:
            return
        if time < self.watermark - self.options.window - self.options.grace:
            return
        keys, text, word = self._prepared(feats)
        slot = self._slot()
        self._text[slot] = text
        self._word[slot] = word
        self._time[slot] = time
        self._n_words[slot] = feats.n_words
        self._n_shingles[slot] = feats.n_shingles
        entry = _Entry(article_id, story_id, time, feats.url, feats.title, context, slot)
        self._at_slot[slot] = entry
        if feats.n_words > 0:
            entry.banded = True
            bands = self._bands
            for key in keys:
                ids = bands.get(key)
                if ids is None:
                    bands[key] = slot
                elif isinstance(ids, int):
                    bands[key] = [ids, slot]
                else:
                    ids.append(slot)
        if feats.url:
            self._urls.setdefault(feats.url, article_id)
        if feats.title:
            self._titles.setdefault(feats.title, []).append(slot)
        self._entries[article_id] = entry
        heapq.heappush(self._expiry, (time, article_id))
