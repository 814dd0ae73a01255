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
