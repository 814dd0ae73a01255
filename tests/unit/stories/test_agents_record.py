"""The worker's repartition record gives the same grouping as the text itself."""

from __future__ import annotations

from streams import codec
from streams.core.analyze import Analyzer
from streams.knowledge.loader import load_knowledge
from streams.stories import StoryEngine, StoryInput
from streams.stories.agents import _process, compact_record, enabled
from tests.unit.stories.helpers import reposts


def test_enabled_flag() -> None:
    assert enabled({"ESCWATCH_STORIES": "1"})
    assert enabled({"ESCWATCH_STORIES": "true"})
    assert not enabled({"ESCWATCH_STORIES": "0"})
    assert not enabled({})


def test_compact_records_group_like_the_full_articles() -> None:
    analyzer = Analyzer(load_knowledge())
    records = sorted(reposts()[:150], key=lambda r: (r["published_at"], r["id"]))
    direct, via_topic = StoryEngine(), StoryEngine()
    a_ids, b_ids, a_alerts, b_alerts = [], [], [], []
    for r in records:
        art = {k: r[k] for k in ("id", "title", "text", "url", "source", "published_at")
               if r.get(k)}
        article, _ = codec.decode_event(codec.dumps(art))
        analysis = analyzer.analyze(article).to_dict()
        out = direct.process(StoryInput(article.id, article.text, analysis,
                                        title=article.title, url=article.url,
                                        source=article.source,
                                        published_at=analysis.get("published_at")))
        a_ids.append(out.story_id)
        a_alerts += [(x["story_id"], x["level"], x["changes"]) for x in out.story_alerts]
        wire = codec.loads(codec.dumps(compact_record(article, analysis)))
        assert len(codec.dumps(wire)) < 60_000
        out2 = _process(via_topic, wire)
        b_ids.append(out2.story_id)
        b_alerts += [(x["story_id"], x["level"], x["changes"]) for x in out2.story_alerts]
    assert a_ids == b_ids
    assert a_alerts == b_alerts
    assert len(set(a_ids)) < len(a_ids)  # reposts were grouped


def test_route_adds_the_story_record_only_when_stories_are_on() -> None:
    """The worker analyses once: the story record rides with the analysis."""
    from streams.pipeline import Origin, route

    analyzer = Analyzer(load_knowledge())
    value = codec.dumps({"id": "s1", "title": "Troops deployed",
                         "text": "Russia deployed troops to the border with Ukraine.",
                         "published_at": "2026-03-01T10:00:00Z"})
    origin = Origin("articles.raw", 0, 7)
    off = route(value, None, origin, analyzer)
    on = route(value, None, origin, analyzer, stories=True)
    assert "stories" not in [r.destination for r in off.records]
    assert [r.destination for r in on.records][:len(off.records)] == [
        r.destination for r in off.records]
    (story,) = [r for r in on.records if r.destination == "stories"]
    assert story.key == b"s1"
    rec = codec.loads(story.value)
    assert rec["article_id"] == "s1"
    assert rec["analysis"]["signals"]
    assert _process(StoryEngine(), rec).story_id.startswith("sty_")


def test_story_record_is_bounded_for_a_run_on_article() -> None:
    """One 1 MB run-on sentence full of triggers still gives a small record."""
    analyzer = Analyzer(load_knowledge())
    text = ("Russian troops shelled Kharkiv and the army deployed tanks near the border "
            * 12_000)[:1_000_000]
    article, _ = codec.decode_event(codec.dumps({"id": "big", "text": text,
                                                 "title": "T" * 4000}))
    analysis = analyzer.analyze(article).to_dict()
    record = compact_record(article, analysis)
    size = len(codec.dumps(record))
    assert size < 120_000, size
    assert len(record["title"]) == 500
    assert all(len(s["sentence"]) <= 1000 for s in record["analysis"]["signals"])
    assert all(s["trigger"].lower() in s["sentence"].lower()
               for s in record["analysis"]["signals"])


class TestOffsetGate:
    """The story step applies each input offset once, in order, whatever Faust delivers."""

    def test_in_order_offsets_pass(self) -> None:
        from streams.stories.agents import OffsetGate

        gate = OffsetGate(0)
        assert [gate.admit(o) for o in (0, 1, 2)] == [(0, 0), (1, 1), (2, 2)]
        assert (gate.skipped, gate.filled) == (0, 0)

    def test_a_stale_fetch_before_the_seek_is_skipped(self) -> None:
        """Offsets below what the replay rebuilt are already in the engine."""
        from streams.stories.agents import OffsetGate

        gate = OffsetGate(4)
        assert [gate.admit(o) for o in (0, 1, 4, 5)] == [None, None, (4, 4), (5, 5)]
        assert gate.skipped == 2

    def test_a_skip_ahead_asks_for_the_missing_offsets_first(self) -> None:
        from streams.stories.agents import OffsetGate

        gate = OffsetGate(2)
        assert gate.admit(2) == (2, 2)
        assert gate.admit(6) == (3, 6)  # read 3, 4, 5, then process 6
        assert gate.admit(7) == (7, 7)
        assert gate.admit(5) is None  # a late redelivery of a filled one
        assert gate.filled == 3

    def test_without_a_replay_the_first_offset_starts(self) -> None:
        from streams.stories.agents import OffsetGate

        gate = OffsetGate()
        assert gate.admit(10) == (10, 10)
        assert gate.admit(9) is None


def test_record_features_are_the_features_dict() -> None:
    """The record's features are byte for byte ``Features.to_dict`` (the wire format of
    ``<app id>-stories.input`` is unchanged), and read back to the same signatures."""
    from streams.stories.record import _features_dict
    from streams.stories.similarity import Features, features

    r = reposts()[0]
    feats = features(r["text"], r["title"], r["url"])
    assert codec.dumps(_features_dict(feats)) == codec.dumps(feats.to_dict())
    back = Features.from_dict(codec.loads(codec.dumps(_features_dict(feats))))
    assert (back.text_sig == feats.text_sig).all()
    assert (back.word_sig == feats.word_sig).all()
