"""The worked example of the design: the seed article, analysed end to end by the core."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from streams.core.analyze import Analyzer
from streams.core.model import Actor, Analysis, Article, Signal


@pytest.fixture(scope="module")
def seed(analyzer: Analyzer, seed_article: Article) -> Analysis:
    """The analysis of the seed article with the packaged knowledge base."""
    return analyzer.analyze(seed_article)


def _person(analysis: Analysis, ident: str) -> list[Actor]:
    return [a for a in analysis.actors if a.id == ident]


def _deploy_troops(analysis: Analysis) -> Signal:
    found = [s for s in analysis.signals if s.trigger.lower() == "deploy troops"]
    assert found, [s.trigger for s in analysis.signals]
    return found[0]


class TestWorkedExample:
    def test_rasmussen_is_former_nato_secretary_general(self, seed: Analysis) -> None:
        """Anders Rasmussen resolves to Anders Fogh Rasmussen, former NATO Secretary-General,
        in every mention including the later bare surname."""
        mentions = _person(seed, "rasmussen-anders-fogh")
        assert len(mentions) >= 3
        for mention in mentions:
            assert (mention.role, mention.role_org, mention.former) == (
                "Secretary-General", "NATO", True)
        assert {m.source for m in mentions} >= {"kb", "coref"}

    def test_deploy_troops_is_conditional_mobilize_from_nato_toward_ukraine(
        self, seed: Analysis
    ) -> None:
        """"deploy troops" is MOBILIZE (troops), not asserted, source NATO, target Ukraine,
        said by Rasmussen."""
        signal = _deploy_troops(seed)
        assert (signal.type, signal.polarity, signal.mode) == ("MOBILIZE", "escalation", "troops")
        assert signal.modality in {"conditional", "hypothetical"}
        assert (signal.source, signal.target) == ("NATO", "UKR")
        assert signal.speaker == "rasmussen-anders-fogh"
        assert signal.severity > signal.base_severity  # discounted toward zero

    def test_stoltenberg_is_current_secretary_general(self, seed: Analysis) -> None:
        """Jens Stoltenberg is NATO Secretary-General as of the article date, not former."""
        (mention,) = _person(seed, "stoltenberg-jens")
        assert (mention.role, mention.role_org, mention.former) == (
            "Secretary-General", "NATO", False)

    def test_julianne_smith_is_us_ambassador_to_nato(self, seed: Analysis) -> None:
        """Julianne Smith carries her role from the apposition and the United States."""
        (mention,) = _person(seed, "smith-julianne")
        assert mention.role == "Ambassador"
        assert mention.role_org == "NATO"
        assert "USA" in {mention.country, mention.affiliation}

    def test_zelenskiy_spelling_resolves(self, seed: Analysis) -> None:
        """The spelling "Zelenskiy" resolves to the canonical Zelenskyy, President of Ukraine."""
        (mention,) = _person(seed, "zelenskyy-volodymyr")
        assert "Zelenskiy" in mention.text
        assert (mention.role, mention.role_org) == ("President", "UKR")

    def test_germany_avoiding_provocation_is_de_escalation(self, seed: Analysis) -> None:
        """"Germany has been careful to avoid provoking Russia" yields de-escalation and no
        escalation signal."""
        sentence = [s for s in seed.signals if s.sentence.startswith("In the midst")]
        assert sentence
        assert all(s.polarity == "de-escalation" for s in sentence)
        assert any(s.source == "DEU" and s.target == "RUS" for s in sentence)

    def test_alert_names_nato_ukraine_and_rasmussen(self, seed: Analysis) -> None:
        """The article raises an alert whose evidence quotes the deploy-troops sentence."""
        alert = seed.alert
        assert alert is not None
        assert {"NATO", "UKR", "rasmussen-anders-fogh"} <= set(alert.actors)
        assert "MOBILIZE" in alert.signal_types
        evidence: Any = [e for e in alert.evidence if e.trigger == "deploy troops"]
        assert evidence
        assert evidence[0].modality != "asserted"

    def test_summary_leads_with_the_lead_sentence_deployment(self, seed: Analysis) -> None:
        """The summary names the article's main event: MOBILIZE "deploy troops", NATO toward
        Ukraine, from the lead sentence, not the asserted arms provision further down."""
        alert = seed.alert
        assert alert is not None
        assert alert.summary.startswith("MOBILIZE (troops): North Atlantic Treaty Organization "
                                        "toward Ukraine")
        assert alert.summary.endswith('"deploy troops"')

    def test_armaments_as_a_deterrent_against_russia_go_to_ukraine(self, seed: Analysis) -> None:
        """In "provision of armaments ... as a deterrent against Russia" Russia is the
        adversary; the recipient, Ukraine, comes from the sentence before."""
        (signal,) = [s for s in seed.signals if s.trigger == "provision of armaments"]
        assert signal.type == "AID"
        assert signal.target == "UKR"


def test_readme_shows_the_alert_the_core_publishes(seed: Analysis) -> None:
    """The README's worked example quotes the seed's alert and score as the core makes them."""
    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    after = readme.split("The alert published on `monitoring.alerts`", 1)[1]
    block = after.split("```json\n", 1)[1].split("\n```", 1)[0]
    assert seed.alert is not None
    assert json.loads(block) == seed.alert.to_dict()
    assert f"\nscore {seed.score}\n" in readme
