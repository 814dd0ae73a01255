"""Same-story grouping: reposts join, distinct stories stay apart, windows expire."""

from __future__ import annotations

import itertools
import random
from datetime import datetime

import numpy as np
import pytest

from streams.stories import StoryEngine
from streams.stories.grouping import Context, Match, StoryIndex, story_id_for
from streams.stories.similarity import (
    Features,
    containment,
    features,
    jaccard,
    normalise_title,
    normalise_url,
    strip_boilerplate,
)
from tests.unit.stories.helpers import analysis, at, feed, reposts

RECORDS = reposts()
ORIGINALS = [r for r in RECORDS if r["labels"]["repost_of"] is None and len(r["text"]) > 600]


def _two_distinct() -> tuple[dict, dict]:
    return ORIGINALS[3], ORIGINALS[40]


def test_verbatim_repost_under_another_outlet_joins_the_story() -> None:
    a, _ = _two_distinct()
    eng = StoryEngine()
    first = feed(eng, "a1", a["text"], at(0), title=a["title"], url=a["url"], source="Wire")
    second = feed(eng, "a2", a["text"], at(5), title="Another headline entirely here",
                  url="https://other.example/x", source="Other Daily")
    assert first.match.reason == "new"
    assert first.story_id == story_id_for("a1")
    assert second.story_id == first.story_id
    assert second.match.reason == "duplicate"
    assert second.match.repost


@pytest.mark.parametrize("edit", ["dateline", "credit", "drop", "truncate", "words"])
def test_light_edits_join_the_story(edit: str) -> None:
    a, _ = _two_distinct()
    text = a["text"]
    sentences = text.split(". ")
    if edit == "dateline":
        text = "GENEVA (XNS) — " + text
    elif edit == "credit":
        text += "\n\nReporting by A. Person; Editing by B. Person\n© XNS 2025. All rights reserved."
    elif edit == "drop":
        text = ". ".join(sentences[:2] + sentences[3:])
    elif edit == "truncate":
        text = ". ".join(sentences[: max(2, len(sentences) // 3)]) + "."
    else:
        text = text.replace(" the ", " a ", 3).replace(" said", " stated", 1)
    eng = StoryEngine()
    first = feed(eng, "orig", a["text"], at(0), url="https://wire.example/1")
    second = feed(eng, "copy", text, at(30), url="https://outlet.example/2")
    assert second.story_id == first.story_id, second.match


def test_same_url_joins_even_when_the_page_was_rewritten() -> None:
    a, b = _two_distinct()
    eng = StoryEngine()
    first = feed(eng, "p1", a["text"], at(0), url="https://site.example/live?utm_source=x")
    second = feed(eng, "p2", b["text"], at(2), url="http://www.site.example/live/")
    assert second.match.reason == "url"
    assert second.story_id == first.story_id


def test_same_long_headline_with_an_excerpt_joins() -> None:
    a, _ = _two_distinct()
    lead = a["text"].split(". ")[0] + "."
    eng = StoryEngine()
    first = feed(eng, "h1", a["text"], at(0), title=a["title"] or "A long enough headline here")
    second = feed(eng, "h2", lead, at(1), title=a["title"] or "A long enough headline here")
    assert second.story_id == first.story_id


def test_distinct_stories_stay_apart() -> None:
    rng = random.Random(7)
    sample = rng.sample(ORIGINALS, 60)
    eng = StoryEngine()
    ids = {feed(eng, r["id"], r["text"], at(i * 0.5), title=r["title"],
                an=analysis(r["id"], at(i * 0.5), level=None, signals=[])).story_id
           for i, r in enumerate(sample)}
    assert len(ids) == len(sample)


def test_outside_the_window_a_repost_starts_a_new_story() -> None:
    a, _ = _two_distinct()
    eng = StoryEngine()
    first = feed(eng, "w1", a["text"], at(0))
    later = feed(eng, "w2", a["text"], at(73))
    assert later.story_id != first.story_id
    assert later.story_id == story_id_for("w2")


def test_state_is_bounded_by_the_window() -> None:
    eng = StoryEngine()
    for i, r in enumerate(ORIGINALS[:30]):
        feed(eng, r["id"], r["text"], at(i))
    assert len(eng.index) == 30
    feed(eng, "late-one", ORIGINALS[31]["text"], at(30 + 72 + 7))
    assert len(eng.index) == 1
    assert len(eng.stories) <= 2


def test_redelivery_gets_the_same_story_and_publishes_nothing_new() -> None:
    a, _ = _two_distinct()
    eng = StoryEngine()
    first = feed(eng, "r1", a["text"], at(0))
    again = feed(eng, "r1", a["text"], at(0))
    assert again.story_id == first.story_id
    assert again.story_alerts == ()
    assert eng.stories[first.story_id].articles == 1


def test_a_redelivery_after_the_story_closed_changes_nothing() -> None:
    """A restarted worker may republish an article days of event time later, once its
    story has closed and the index dropped it: it gets its first story id back and
    publishes nothing; only after the redelivery memory is it an article again."""
    a, b = _two_distinct()
    eng = StoryEngine()
    first = feed(eng, "r1", a["text"], at(0))
    feed(eng, "r2", b["text"], at(100))  # event time moves on: r1's story closes
    assert first.story_id not in eng.stories
    again = feed(eng, "r1", a["text"], at(0))
    assert (again.story_id, again.match.reason) == (first.story_id, "redelivery")
    assert again.story_alerts == ()
    assert again.trends == ()
    assert first.story_id not in eng.stories
    feed(eng, "r3", b["text"] + " More.", at(100 + 24 * 8))  # past the memory
    late = feed(eng, "r1", a["text"], at(100 + 24 * 8))
    assert late.match.reason != "redelivery"


def test_grouping_is_deterministic() -> None:
    stream = list(RECORDS[:120])

    def run() -> list[str]:
        eng = StoryEngine()
        return [feed(eng, r["id"], r["text"], r["published_at"], title=r["title"],
                     url=r["url"], source=r["source"]).story_id
                for r in sorted(stream, key=lambda r: (r["published_at"], r["id"]))]

    assert run() == run()


def test_boilerplate_and_normalisation() -> None:
    body = "Troops crossed the border on Monday, officials said."
    assert strip_boilerplate(f"KYIV (XNS) — {body}").strip() == body
    assert strip_boilerplate(f"{body}\nReporting by A. B.; Editing by C.").strip() == body
    assert normalise_url("https://www.x.example/a/?utm_medium=m&id=3#top") == "x.example/a?id=3"
    assert normalise_title("Troops cross border - Example Times") == "troops cross border"


def test_minhash_estimates_jaccard_and_containment() -> None:
    words = [f"w{i}" for i in range(400)]
    full = features(" ".join(words))
    half = features(" ".join(words[:200]))
    other = features(" ".join(f"z{i}" for i in range(400)))
    j = jaccard(full.text_sig, half.text_sig)
    assert 0.35 < j < 0.65  # true value 198/398
    assert containment(j, full.n_shingles, half.n_shingles) > 0.8
    assert jaccard(full.text_sig, other.text_sig) < 0.05


def test_every_repost_of_the_labelled_set_pairs_with_its_original() -> None:
    by_id = {r["id"]: r for r in RECORDS}
    pairs = [(by_id[r["labels"]["repost_of"]], r) for r in RECORDS if r["labels"]["repost_of"]]
    misses = 0
    for orig, rep in itertools.islice(pairs, 200):
        eng = StoryEngine()
        a = feed(eng, orig["id"], orig["text"], orig["published_at"], title=orig["title"],
                 url=orig["url"])
        b = feed(eng, rep["id"], rep["text"], rep["published_at"], title=rep["title"],
                 url=rep["url"])
        misses += a.story_id != b.story_id
    assert misses <= 4  # >= 98% of the first 200 pairs


class TestSignature:
    """The MinHash signature is datasketch's over the item hashes, whatever their order."""

    def test_signature_equals_a_fresh_datasketch_minhash(self) -> None:
        """The vectorised permutations give datasketch's own values for the same hashes."""
        from datasketch import MinHash

        from streams.stories.similarity import NUM_PERM, SEED, gram_hashes, signature, tokens

        hashes = gram_hashes(tokens(ORIGINALS[3]["text"]))
        fresh = MinHash(num_perm=NUM_PERM, seed=SEED, hashfunc=int)
        fresh.update_batch([int(h) & 0xFFFFFFFF for h in hashes[::-1]])
        assert (signature(hashes) == fresh.hashvalues).all()
        assert not (signature(hashes[:1]) == fresh.hashvalues).all()
        assert (signature(np.zeros(0, dtype=np.uint64)) == 0xFFFFFFFF).all()

    def test_gram_hashes_are_those_of_the_distinct_grams(self) -> None:
        """One hash per distinct 3-gram, wherever it stands; word order matters."""
        from streams.stories.similarity import gram_hashes, shingles

        words = ["the", "army", "moved", "the", "army", "moved", "north", "again"]
        hashes = gram_hashes(words)
        assert len(hashes) == len(shingles(words)) == 5
        assert set(gram_hashes(words[3:6]).tolist()) <= set(hashes.tolist())
        assert not set(gram_hashes(["moved", "army", "the"]).tolist()) & set(hashes.tolist())
        assert len(gram_hashes(["troops"])) == 1  # shorter than a 3-gram: its words

    def test_records_without_a_scheme_are_scheme_one(self) -> None:
        """Features written before the hashing changed say so when read back."""
        from streams.stories.similarity import SCHEME, Features, features

        feats = features(ORIGINALS[3]["text"], "A headline", "https://example.org/a")
        assert feats.scheme == SCHEME == Features.from_dict(feats.to_dict()).scheme
        old = {k: v for k, v in feats.to_dict().items() if k != "scheme"}
        assert Features.from_dict(old).scheme == 1


class TestIndex:
    """The index keeps signatures as uint32 rows and scores all candidates at once."""

    @staticmethod
    def _scalar_best(index: StoryIndex, article_id: str, time: float, feats: Features,
                     context: Context) -> Match:
        """The grouping rules one candidate at a time, as written in the module docstring
        (similarity.jaccard and similarity.containment on the stored signatures)."""
        opts = index.options
        keys, _, _ = index._prepared(feats)
        best = None
        for slot in index._candidates(keys, feats.title):
            entry = index._at_slot[slot]
            assert entry is not None
            if abs(entry.time - time) > opts.window:
                continue
            other_text, other_word = index._text[slot], index._word[slot]
            n_words, n_shingles = int(index._n_words[slot]), int(index._n_shingles[slot])
            text_j = jaccard(feats.text_sig, other_text.astype(np.uint64))
            cont = containment(text_j, feats.n_shingles, n_shingles)
            if min(feats.n_words, n_words) >= opts.min_words and (
                    text_j >= opts.duplicate_jaccard
                    or (text_j >= opts.excerpt_jaccard
                        and min(feats.n_shingles, n_shingles) >= opts.min_excerpt_shingles
                        and cont >= opts.excerpt_containment)):
                rank = 3
            elif (len(feats.title.split()) >= opts.min_title_words
                  and feats.title == entry.title
                  and (text_j >= opts.title_jaccard or cont >= opts.excerpt_containment)):
                rank = 2
            elif (jaccard(feats.word_sig, other_word.astype(np.uint64)) >= opts.related_jaccard
                  and context.shares(entry.context, opts.min_shared_actors)):
                rank = 1
            else:
                continue
            cand = (rank, text_j, -entry.time, entry.article_id)
            if best is None or cand[:3] > best[:3] or (cand[:3] == best[:3]
                                                       and cand[3] < best[3]):
                best = cand
        if best is None:
            return Match(story_id_for(article_id), "new", None, 1.0)
        reason = {3: "duplicate", 2: "title", 1: "related"}[best[0]]
        return Match(index._entries[best[3]].story_id, reason, best[3], best[1])

    def test_vectorised_rules_equal_the_scalar_rules(self) -> None:
        """On the labelled set (reposts, excerpts, rewritten headlines) every match of
        the index, all candidates at once or one by one, equals the rules applied
        candidate by candidate with similarity.jaccard and similarity.containment."""
        index = StoryIndex()
        shared = Context(frozenset({"RUS", "UKR"}), frozenset({"FIGHT"}), frozenset({"UKR"}))
        reasons = set()
        for r in sorted(RECORDS, key=lambda r: (r["published_at"], r["id"])):
            feats = features(r["text"], r["title"], r["url"])
            t = datetime.fromisoformat(r["published_at"].replace("Z", "+00:00")).timestamp()
            index.advance(t)
            got = index.match(r["id"], t, feats, shared)
            if got.reason != "url":
                want = self._scalar_best(index, r["id"], t, feats, shared)
                assert got == want
                keys, text, word = index._prepared(feats)
                candidates = index._candidates(keys, feats.title)
                if candidates:  # both ways of comparing, whatever the number
                    for way in (index._best, index._best_of_few):
                        assert way(r["id"], t, feats, shared, text, word, candidates) == want
            reasons.add(got.reason)
            index.add(r["id"], got.story_id, t, feats, shared)
        assert {"new", "duplicate", "title", "related"} <= reasons

    def test_slots_are_reused_after_expiry_without_stale_candidates(self) -> None:
        a, b = _two_distinct()
        eng = StoryEngine()
        for i in range(3):  # each round expires the previous one: same slots reused
            first = feed(eng, f"a{i}", a["text"], at(100 * i))
            other = feed(eng, f"b{i}", b["text"], at(100 * i + 1))
            again = feed(eng, f"c{i}", a["text"], at(100 * i + 2))
            assert other.story_id == story_id_for(f"b{i}")
            assert (again.story_id, again.match.reason) == (first.story_id, "duplicate")
            assert len(eng.index) == 3
        assert len(eng.index._text) == 64  # the arrays did not grow

    def test_signature_values_must_fit_32_bits(self) -> None:
        feats = features(ORIGINALS[3]["text"])
        bad = Features(feats.url, feats.title, feats.text_sig + np.uint64(2**32),
                       feats.word_sig, feats.n_words, feats.n_shingles)
        with pytest.raises(ValueError, match="32 bits"):
            StoryIndex().match("x", 0.0, bad, Context())
