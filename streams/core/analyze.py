"""The analysis core: article text plus knowledge in, frozen analysis out.

Pure and deterministic: no Faust, no Kafka client, no orjson, no environment,
no clock. The worker, ``escwatch analyze``, replay and backtest all call
:meth:`Analyzer.analyze`, so a backtest exercises the production path.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from streams.core.actors import ActorExtractor
from streams.core.agency import AgencyJudge
from streams.core.knowledge import KnowledgeBase
from streams.core.model import Analysis, Article
from streams.core.scoring import ScoringOptions, build_alert, score_signals
from streams.core.signals import SignalDetector
from streams.core.text import Sentences

__all__ = ["AnalysisOptions", "Analyzer"]


@dataclass(frozen=True, slots=True)
class AnalysisOptions:
    """Tunable behaviour of the core.

    Attributes:
        scoring: Alert thresholds and score shape.
        max_signals: Most signals in one analysis. An article with more
            (only a pathological one: a dense 150 KB article has about 850)
            keeps the first ones in text order and is marked truncated.
        max_actors: Most actor mentions listed in one analysis, likewise;
            roles are still judged over all mentions.
    """

    scoring: ScoringOptions = field(default_factory=ScoringOptions)
    max_signals: int = 1000
    max_actors: int = 2000


class Analyzer:
    """Compiled knowledge, ready to analyse any number of articles.

    Building one compiles the gazetteer and the lexicon once; ``analyze``
    is then safe to call from one thread at a time and keeps no state
    between articles.
    """

    def __init__(self, knowledge: KnowledgeBase, options: AnalysisOptions | None = None) -> None:
        """Compile ``knowledge`` for matching."""
        self.knowledge = knowledge
        self.options = options or AnalysisOptions()
        self._actors = ActorExtractor(knowledge)
        self._signals = SignalDetector(knowledge)
        self._agency = AgencyJudge(knowledge.agency, {e.id: e.kind for e in knowledge.entities},
                                   (d for e in knowledge.entities for d in e.demonyms))
        self._abbreviations = knowledge.vocabulary.set("sentences.abbreviations")

    def analyze(self, article: Article) -> Analysis:
        """Return what the core finds in ``article``.

        Offsets in the result index into ``article.text``. Markup is the
        edge's business: the codec strips it before building the article.
        """
        text = article.text
        options = self.options
        sentences = Sentences.of(text, self._abbreviations)
        actors = self._actors.extract(text, sentences, article.as_of)
        signals, truncated = self._signals.detect_bounded(
            text, sentences, actors, article.as_of, options.max_signals)
        model = self.knowledge.domain_model
        domain = model.classify(text, article.title) if model is not None else None
        signals = self._agency.judge(text, signals, actors, domain, article.as_of)
        score = score_signals(signals, options.scoring)
        listed = actors
        if len(actors) > options.max_actors:
            listed, truncated = actors[:options.max_actors], True
        lead_end = sentences.spans[0][1] if sentences.spans else len(text)
        alert = build_alert(article, signals, actors, score, options.scoring, lead_end)
        if alert is not None and truncated:
            alert = replace(alert, truncated=True)
        return Analysis(
            article_id=article.id,
            published_at=article.published_at,
            actors=listed,
            signals=signals,
            score=score,
            alert=alert,
            knowledge_version=self.knowledge.version,
            truncated=truncated,
            domain=domain.domain if domain else None,
            domain_confidence=round(domain.confidence, 4) if domain else None,
        )
