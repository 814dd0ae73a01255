"""Property tests of the analysis core: any Unicode text is analysed without an exception,
and every span it reports is inside the text and quotes exactly the text at its offsets."""

from __future__ import annotations

from hypothesis import HealthCheck, find, given, settings
from hypothesis import strategies as st

from streams.core.analyze import Analyzer
from streams.core.model import Analysis, Article

FUZZ = settings(max_examples=200, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])

# Words that make rules fire: actors, triggers, modality cues, titles and abbreviations, so
# the spans checked are real ones and not only empty results of random text.
_VOCABULARY = (
    "NATO Russia Ukraine Germany Zelenskiy Stoltenberg Rasmussen Putin Biden China Taiwan "
    "U.S. U.N. E.U. Gen. Mr. Dr. former President Secretary-General Minister Foreign Ambassador "
    "troops tanks missiles sanctions talks ceasefire agreement aid humanitarian border "
    "may might could would will if unless not never no said warned threatened deployed "
    "deploy invade attack attacked struck shelled mobilised mobilized withdrew agreed met "
    "condemned rejected demanded protested signed pledged announced killed fighting "
    "the a to of in on with and but by from has have had been be is was were "
    "\"quote\" 'single' (aside) [note] — – … ; : , . ! ? \u201cNATO\u201d \u2019s"
)
NEWS_WORDS = tuple(_VOCABULARY.split())

_separators = st.sampled_from([" ", " ", " ", "  ", "\n", "\n\n", "\t", "\u00a0", "\u2028",
                               "\u200b", "\r\n", ". ", ", ", "! ", "? ", "\u3002", ""])
_odd_chunks = st.text(min_size=1, max_size=6)  # any code point, surrogates included

_news_text = st.lists(
    st.one_of(st.sampled_from(NEWS_WORDS), st.sampled_from(NEWS_WORDS).map(str.upper),
              st.sampled_from(NEWS_WORDS).map(str.lower), _odd_chunks),
    min_size=1, max_size=80,
).flatmap(lambda words: st.lists(_separators, min_size=len(words), max_size=len(words)).map(
    lambda seps: "".join(w + s for w, s in zip(words, seps, strict=True))))


def check_spans(text: str, analysis: Analysis) -> None:
    """Assert every offset of ``analysis`` lies in ``text`` and quotes it exactly."""
    n = len(text)
    for actor in analysis.actors:
        assert 0 <= actor.start < actor.end <= n, actor
        assert actor.text == text[actor.start:actor.end], actor
    for signal in analysis.signals:
        assert 0 <= signal.start < signal.end <= n, signal
        assert signal.trigger == text[signal.start:signal.end], signal
        assert 0 <= signal.sentence_start <= signal.start, signal
        assert signal.end <= signal.sentence_end <= n, signal
        assert signal.sentence == text[signal.sentence_start:signal.sentence_end], signal
    if analysis.alert is not None:
        assert analysis.alert.evidence
        for ev in analysis.alert.evidence:
            assert 0 <= ev.start < ev.end <= n, ev
            assert ev.sentence == text[ev.start:ev.end], ev
            assert ev.trigger in ev.sentence, ev
    assert 0.0 <= analysis.score <= 100.0


class TestAnyText:
    @FUZZ
    @given(text=st.text(min_size=1, max_size=400))
    def test_any_unicode_text_is_analysed_with_spans_inside_it(
        self, analyzer: Analyzer, text: str
    ) -> None:
        """Arbitrary Unicode (surrogates and control characters included) never raises and
        every reported span quotes the text at its offsets."""
        check_spans(text, analyzer.analyze(Article(id="fuzz", text=text)))

    @FUZZ
    @given(text=_news_text)
    def test_news_like_text_spans_quote_the_text_exactly(
        self, analyzer: Analyzer, text: str
    ) -> None:
        """Text built from actor names, triggers and cues, joined by odd whitespace and
        punctuation, yields spans that all quote the text exactly."""
        check_spans(text, analyzer.analyze(Article(id="fuzz", text=text)))

    @FUZZ
    @given(text=_news_text, published=st.one_of(
        st.none(), st.dates().map(lambda d: f"{d.isoformat()}T12:00:00Z")))
    def test_analysis_is_deterministic(
        self, analyzer: Analyzer, text: str, published: str | None
    ) -> None:
        """Analysing the same article twice gives the same result (same alert id too)."""
        article = Article(id="fuzz", text=text, published_at=published)
        assert analyzer.analyze(article).to_dict() == analyzer.analyze(article).to_dict()


class TestStrategyReach:
    def test_news_like_strategy_produces_signals_actors_and_alerts(
        self, analyzer: Analyzer
    ) -> None:
        """The news-like strategy reaches texts with signals, actors and an alert, so the span
        checks above run on real spans."""
        found = find(_news_text, lambda t: (lambda a: bool(a.signals and a.actors
                                                            and a.alert))(
            analyzer.analyze(Article(id="fuzz", text=t))),
            settings=settings(max_examples=2000, deadline=None, database=None))
        check_spans(found, analyzer.analyze(Article(id="fuzz", text=found)))


class TestSeedSpans:
    def test_seed_article_spans_quote_the_text(self, analyzer: Analyzer,
                                               seed_article: Article) -> None:
        """The seed article's actors, signals and evidence all quote it at their offsets."""
        analysis = analyzer.analyze(seed_article)
        assert analysis.signals
        assert analysis.actors
        check_spans(seed_article.text, analysis)
