"""Same-story grouping: reposts join, distinct stories stay apart, windows expire."""

from __future__ import annotations

import itertools
import random

import pytest

from streams.stories import StoryEngine
from streams.stories.grouping import story_id_for
from streams.stories.similarity import (
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
    """The MinHash signature is datasketch's, whatever the item order."""

    def test_signature_equals_a_fresh_datasketch_minhash(self) -> None:
        """Shared permutations and the inlined SHA-1 hash give datasketch's own values."""
        from datasketch import MinHash

        from streams.stories.similarity import NUM_PERM, SEED, shingles, signature, tokens

        items = shingles(tokens(ORIGINALS[3]["text"]))
        fresh = MinHash(num_perm=NUM_PERM, seed=SEED)
        fresh.update_batch([s.encode("utf-8") for s in sorted(items)])
        assert (signature(items) == fresh.hashvalues).all()
        assert not (signature({"one two three"}) == fresh.hashvalues).all()
