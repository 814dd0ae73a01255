"""Alert building: the main event, evidence and summary."""

from __future__ import annotations

from streams.core._construct import new_signal
from streams.core.model import Article, Signal
from streams.core.scoring import ScoringOptions, build_alert, main_event, score_signals


def _signal(kind: str, trigger: str, start: int, base: float, modality: str = "asserted",
            factor: float = 1.0) -> Signal:
    return new_signal(
        type=kind, polarity="escalation", mode=None, modality=modality,  # type: ignore[arg-type]
        trigger=trigger, start=start, end=start + len(trigger), sentence=trigger,
        sentence_start=start, sentence_end=start + len(trigger), severity=base * factor,
        base_severity=base, rule=kind.lower(), source=None, source_name=None, target=None,
        target_name=None, speaker=None, speaker_name=None, cue=None)


DEPLOY = _signal("MOBILIZE", "deploy troops", 10, -6.5, "conditional", 0.5)
ARMS = _signal("AID", "provision of armaments", 500, -4.0)
THREAT = _signal("THREATEN", "warned", 40, -3.0)


class TestMainEvent:
    def test_lead_event_beats_a_stronger_asserted_one_later(self) -> None:
        """A conditional deployment in the lead outranks an asserted arms delivery later."""
        assert main_event([ARMS, DEPLOY], lead_end=100) is DEPLOY

    def test_gravest_act_of_the_lead_wins(self) -> None:
        """Within the lead, base severity decides, before modality discounts."""
        assert main_event([THREAT, DEPLOY], lead_end=100) is DEPLOY

    def test_without_a_lead_event_the_strongest_wins(self) -> None:
        """No escalation in the lead: the strongest signal, modality included, leads."""
        assert main_event([DEPLOY, ARMS], lead_end=5) is ARMS

    def test_summary_and_evidence_carry_the_main_event(self) -> None:
        """Even when five stronger signals fill the evidence, the main event is quoted."""
        strong = [_signal("ASSAULT", f"attack{i}", 1000 + 20 * i, -9.0) for i in range(5)]
        signals = [DEPLOY, *strong]
        options = ScoringOptions()
        alert = build_alert(Article(id="a", text="x"), signals, (),
                            score_signals(signals, options), options, lead_end=100)
        assert alert is not None
        assert alert.summary.startswith("MOBILIZE")
        assert len(alert.evidence) == options.max_evidence
        assert "deploy troops" in {e.trigger for e in alert.evidence}
