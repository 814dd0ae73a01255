"""Article score, alert level and the alert itself, from the signals found.

Severity is Goldstein-style: negative for conflict, positive for cooperation,
already discounted by modality in each signal. The article score sums the
conflict magnitudes with diminishing returns and lets de-escalation in the
same article pull it down, so "talks to avoid a war" scores below "a war".
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Sequence
from dataclasses import dataclass

from streams.core.model import LEVELS, Actor, Alert, Article, Evidence, Level, Signal

__all__ = ["LEVELS", "Level", "ScoringOptions", "build_alert", "level_for", "main_event",
           "score_signals"]



@dataclass(frozen=True, slots=True)
class ScoringOptions:
    """Thresholds of the alert decision.

    Attributes:
        alert_threshold: Lowest score that raises an alert.
        medium: Lowest score of a "medium" alert.
        high: Lowest score of a "high" alert.
        critical: Lowest score of a "critical" alert.
        deescalation_weight: How much one unit of cooperation offsets one
            unit of conflict in the same article.
        scale: Magnitude at which the score reaches 63 (1 - 1/e).
        max_evidence: Most sentences quoted in one alert.
    """

    # Fitted on the train split of tests/data/devnews.jsonl by
    # tools/fit_levels.py (README "Alert levels"); refit when scoring changes.
    alert_threshold: float = 23.0
    medium: float = 66.0
    high: float = 67.0
    critical: float = 83.0
    deescalation_weight: float = 0.25
    scale: float = 8.0
    max_evidence: int = 5


def score_signals(signals: Sequence[Signal], options: ScoringOptions) -> float:
    """Return the article score in [0, 100] from its signals.

    Signals without political agency (``political`` False) do not count.
    """
    conflict = sorted((-s.severity for s in signals if s.severity < 0 and s.political),
                      reverse=True)
    cooperation = sorted((s.severity for s in signals if s.severity > 0 and s.political),
                         reverse=True)
    # The strongest statement counts fully, each further one less: repeats of
    # the same story in one article should not multiply the score, and a long
    # list of cooperative measures should not cancel one troop deployment.
    total = sum(m / (i + 1) for i, m in enumerate(conflict))
    total -= options.deescalation_weight * sum(m / (i + 1) for i, m in enumerate(cooperation))
    if total <= 0:
        return 0.0
    return round(100.0 * (1.0 - math.exp(-total / options.scale)), 2)


def level_for(score: float, options: ScoringOptions) -> Level | None:
    """Return the alert level for ``score``, or None below the threshold."""
    if score < options.alert_threshold:
        return None
    if score >= options.critical:
        return "critical"
    if score >= options.high:
        return "high"
    if score >= options.medium:
        return "medium"
    return "low"


def _alert_id(article_id: str, evidence: Sequence[Evidence]) -> str:
    digest = hashlib.sha256(article_id.encode("utf-8", "surrogatepass"))
    for e in sorted(evidence, key=lambda e: (e.start, e.signal_type, e.trigger)):
        digest.update(f"\x1f{e.signal_type}\x1f{e.start}\x1f{e.end}\x1f{e.trigger}".encode(
            "utf-8", "surrogatepass"))
    return "alr_" + digest.hexdigest()[:24]


def _summary(signal: Signal) -> str:
    who = signal.source_name or "unnamed actor"
    what = signal.type + (f" ({signal.mode})" if signal.mode else "")
    toward = f" toward {signal.target_name}" if signal.target_name else ""
    how = "" if signal.modality == "asserted" else f", {signal.modality}"
    said = f", said by {signal.speaker_name}" if signal.speaker_name else ""
    return f"{what}: {who}{toward}{how}{said} - \"{signal.trigger}\""


def main_event(escalations: Sequence[Signal], lead_end: int = 0) -> Signal:
    """Return the article's main escalation event among ``escalations``.

    News puts its main event in the lead, the first sentence: an
    escalation there wins over any later one, and among several the
    gravest act (base severity, before modality discounts) leads, so a
    conditional troop deployment in the lead outranks an asserted arms
    delivery further down. Without one in the lead, the strongest signal
    (modality included) leads.
    """
    lead = [s for s in escalations if s.start < lead_end]
    if lead:
        return min(lead, key=lambda s: (s.base_severity, s.severity, s.start))
    return min(escalations, key=lambda s: (s.severity, s.start))


def build_alert(
    article: Article,
    signals: Sequence[Signal],
    actors: Sequence[Actor],
    score: float,
    options: ScoringOptions,
    lead_end: int = 0,
) -> Alert | None:
    """Build the alert for an article, or None when it is not alert-worthy.

    The evidence is the strongest escalation signals (at most
    ``options.max_evidence``) plus the main event (see :func:`main_event`;
    ``lead_end`` is where the article's first sentence ends), quoted with
    their sentence offsets; the alert id is derived from the article id
    and that evidence only. The summary describes the main event.
    """
    level = level_for(score, options)
    escalations = [s for s in signals
                   if s.polarity == "escalation" and s.severity < 0 and s.political]
    if level is None or not escalations:
        return None
    top = main_event(escalations, lead_end)
    strongest = sorted(escalations, key=lambda s: (s.severity, s.start))[: options.max_evidence]
    if top not in strongest:
        strongest[-1] = top
    strongest.sort(key=lambda s: s.start)
    evidence = tuple(
        Evidence(
            sentence=s.sentence,
            start=s.sentence_start,
            end=s.sentence_end,
            signal_type=s.type,
            trigger=s.trigger,
            modality=s.modality,
        )
        for s in strongest
    )
    names: dict[str, str] = {}
    for s in strongest:
        for ident, name in ((s.source, s.source_name), (s.target, s.target_name),
                            (s.speaker, s.speaker_name)):
            if ident and ident not in names:
                names[ident] = name or ident
    # Actors mentioned inside the evidence sentences count as involved too
    # (a plain loop: it runs for every actor of every alerting article).
    spans = [(e.start, e.end) for e in evidence]
    for a in actors:
        if a.id in names:
            continue
        at = a.start
        for start, end in spans:
            if start <= at < end:
                names[a.id] = a.name
                break
    return Alert(
        id=_alert_id(article.id, evidence),
        article_id=article.id,
        level=level,
        score=score,
        time=article.published_at,
        title=article.title,
        url=article.url,
        summary=_summary(top),
        signal_types=tuple(dict.fromkeys(s.type for s in strongest)),
        actors=tuple(names),
        actor_names=tuple(names.values()),
        evidence=evidence,
    )
