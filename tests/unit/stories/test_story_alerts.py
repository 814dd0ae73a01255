"""Story alerts: one per story, updated only on changes an analyst cares about."""

from __future__ import annotations

import random

from streams.stories import StoryEngine
from streams.stories.contract import validate
from streams.stories.similarity import content_words, tokens
from tests.unit.stories.helpers import analysis, at, feed, reposts

WIRE = next(r for r in reposts() if r["labels"]["repost_of"] is None and len(r["text"]) > 1500)
OTHERS = [r for r in reposts() if r["labels"]["repost_of"] is None and len(r["text"]) > 800]


def _all(outputs: list) -> list[dict]:
    return [a for o in outputs for a in o.story_alerts]


def test_thirty_reposts_give_one_story_alert_key() -> None:
    eng = StoryEngine()
    outs = [feed(eng, f"wire-{i}", WIRE["text"], at(i * 0.5), source=f"Outlet {i}",
                 url=f"https://o{i}.example/story", an=analysis(f"wire-{i}", at(i * 0.5)))
            for i in range(30)]
    alerts = _all(outs)
    assert {a["story_id"] for a in alerts} == {outs[0].story_id}
    # Copies of one wire text are one source: no corroboration, no new actor, no update.
    assert len(alerts) == 1
    assert alerts[0]["changes"] == ["new"]
    story = eng.stories[outs[0].story_id]
    assert story.articles == 30
    assert story.reposts == 29
    assert story.sources_total == 30
    assert len(story.independent) == 1
    for a in alerts:
        validate(a, "story_alert.v1")


def test_independent_sources_raise_the_level_and_quiet_lowers_it() -> None:
    eng = StoryEngine()
    sigs = [("ASSAULT", "RUS", "UKR")]
    base = OTHERS[0]["text"]
    outs = [feed(eng, "ind-0", base, at(0), source="A",
                 an=analysis("ind-0", at(0), level="high", signals=sigs))]
    # Two more outlets with their own text on the same event: the same names and content
    # words in other sentences (no shared 3-gram), the same actors in the analysis.
    vocab = sorted(content_words(tokens(base)))
    for i in (1, 2):
        words = random.Random(i).sample(vocab, int(len(vocab) * 0.75))
        text = ". ".join(" ".join(words[k:k + 9]) for k in range(0, len(words), 9))
        outs.append(feed(eng, f"ind-{i}", text, at(i), source=f"Outlet {i}",
                         an=analysis(f"ind-{i}", at(i), level="high", signals=sigs)))
    sid = outs[0].story_id
    assert [o.story_id for o in outs] == [sid] * 3, [o.match for o in outs]
    assert [o.match.reason for o in outs] == ["new", "related", "related"]
    alerts = _all(outs)
    assert alerts[0]["level"] == "high"
    assert alerts[-1]["level"] == "critical"
    assert "level_up" in alerts[-1]["changes"]
    assert alerts[-1]["independent_sources"] == 3
    # Event time moves on through an unrelated article: the story goes quiet.
    quiet = [feed(eng, f"other-{h}", OTHERS[10 + h]["text"], at(2 + 24 * h + 1),
                  an=analysis(f"other-{h}", at(2 + 24 * h + 1), level=None, signals=[]))
             for h in (1, 2, 3)]
    later = [a for a in _all(quiet) if a["story_id"] == sid]
    assert [a["level"] for a in later] == ["high", "medium", "low"]
    assert [a["changes"] for a in later] == [["level_down"], ["level_down"],
                                             ["level_down", "closed"]]
    assert later[-1]["status"] == "closed"
    assert sid not in eng.stories
    revisions = [a["revision"] for a in alerts + later]
    assert revisions == list(range(1, len(revisions) + 1))
    assert len({a["id"] for a in alerts + later}) == len(revisions)
    for a in alerts + later:
        validate(a, "story_alert.v1")


def test_new_actor_or_event_type_publishes_an_update() -> None:
    eng = StoryEngine()
    a = feed(eng, "n0", WIRE["text"], at(0), an=analysis("n0", at(0)))
    same = feed(eng, "n1", WIRE["text"], at(1), source="B", an=analysis("n1", at(1)))
    actor = feed(eng, "n2", WIRE["text"], at(2), source="C",
                 an=analysis("n2", at(2), signals=[("THREATEN", "RUS", "UKR"),
                                                   ("THREATEN", "BLR", "UKR")]))
    etype = feed(eng, "n3", WIRE["text"], at(3), source="D",
                 an=analysis("n3", at(3), signals=[("MOBILIZE", "RUS", "UKR")]))
    assert a.story_alerts[0]["changes"] == ["new"]
    assert same.story_alerts == ()
    assert actor.story_alerts[0]["changes"] == ["new_actor"]
    assert "BLR" in actor.story_alerts[0]["actors"]
    assert etype.story_alerts[0]["changes"] == ["new_event_type"]
    assert etype.story_alerts[0]["signal_types"] == ["THREATEN", "MOBILIZE"]


def test_a_story_without_alert_worthy_articles_publishes_nothing() -> None:
    eng = StoryEngine()
    outs = [feed(eng, f"q{i}", WIRE["text"], at(i), source=f"S{i}",
                 an=analysis(f"q{i}", at(i), level=None, signals=[])) for i in range(5)]
    assert _all(outs) == []
    assert len({o.story_id for o in outs}) == 1


def test_strongest_evidence_first_and_bounded() -> None:
    eng = StoryEngine()
    outs = [feed(eng, f"e{i}", WIRE["text"], at(i), source=f"S{i}",
                 an=analysis(f"e{i}", at(i), severity=-3.0 - i,
                             signals=[("THREATEN", "RUS", "UKR"), ("ASSAULT", "RUS", "UKR")]))
            for i in range(4)]
    story = eng.stories[outs[0].story_id]
    severities = [e["severity"] for e in story.evidence]
    assert len(severities) == 3
    assert severities == sorted(severities)
    assert severities[0] <= -6.0
