"""Signal detection: patterns, senses, roles, reported speech, offsets."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from streams.core.knowledge import KnowledgeBase
from streams.core.model import Actor, Signal
from streams.core.signals import Match, SignalDetector, resolve_overlaps
from tests.unit.core.packaged import sentences, vocabulary_rows

MODALITY_ROWS: list[dict[str, Any]] = [
    {"id": "flip.reject", "kind": "flip", "polarity": "escalation", "type": "REJECT",
     "severity": -4.0},
    {"id": "flip.concede", "kind": "flip", "polarity": "de-escalation", "type": "CONCEDE",
     "severity": 2.0},
    {"id": "neg.restraint", "modality": "negated", "flip": True, "window": 5,
     "cues": ["<avoid>", "<refrain> from", "not to"]},
    {"id": "neg.not", "modality": "negated", "window": 4, "cues": ["not", "never", "didn't"]},
    {"id": "cond.if", "modality": "conditional", "scope": "sentence", "window": 14,
     "cues": ["if", "unless"]},
    {"id": "hyp.modal", "modality": "hypothetical", "window": 6,
     "cues": ["may", "might", "could", "<be> willing to"]},
    {"id": "fut.will", "modality": "future", "window": 5, "cues": ["will", "<plan> to"]},
    {"id": "speech.say", "kind": "speech", "cues": ["<say>", "<warn>"]},
    {"id": "speech.according", "kind": "speech", "speaker_after": True,
     "cues": ["according to"]},
]
SIGNAL_ROWS: list[dict[str, Any]] = [
    {"id": "mobilize.deploy", "type": "MOBILIZE", "polarity": "escalation", "mode": "troops",
     "severity": -6.5,
     "patterns": ["<deploy>|<send> ...4 <troop>|<force>|<soldier>", "<troop> <deployment>"]},
    {"id": "assault.attack", "type": "ASSAULT", "polarity": "escalation", "mode": "military",
     "severity": -9.0, "patterns": ["<attack>", "<strike>"],
     "not_in_sentence": ["football", "match", "striker"], "not_near": ["deal"], "window": 2},
    {"id": "agree.deal", "type": "AGREE", "polarity": "de-escalation", "severity": 6.5,
     "patterns": ["<strike>|<sign> ...3 <deal>|<agreement>", "<ceasefire>"]},
    {"id": "consult.talks", "type": "CONSULT", "polarity": "de-escalation", "severity": 2.5,
     "patterns": ["<meet> with", "<talks>"]},
    {"id": "threaten.provoke", "type": "THREATEN", "polarity": "escalation", "severity": -3.0,
     "patterns": ["<provoke>", "<escalate> ...2 <tension>"]},
    {"id": "fight.fire", "type": "FIGHT", "polarity": "escalation", "severity": -10.0,
     "patterns": ["<open> fire", "<fire> ...2 <missile>|<rocket>"]},
]


def make_kb(signals: Sequence[dict[str, Any]] = SIGNAL_ROWS) -> KnowledgeBase:
    """Build a small knowledge base with the test lexicon."""
    return KnowledgeBase.from_rows(countries=[], organisations=[], persons=[], titles=[],
                                   signals=signals, modality=MODALITY_ROWS,
                                   **vocabulary_rows())


DETECTOR = SignalDetector(make_kb())


def actor(text: str, name: str, ident: str, whole: str, kind: str = "country",
          nth: int = 0) -> Actor:
    """Build an actor mention of ``name`` at its ``nth`` occurrence in ``whole``."""
    start = -1
    for _ in range(nth + 1):
        start = whole.index(name, start + 1)
    return Actor(id=ident, name=text, type=kind, text=name, start=start, end=start + len(name))


def detect(text: str, actors: tuple[Actor, ...] = ()) -> tuple[Signal, ...]:
    """Run the test detector over ``text``."""
    return DETECTOR.detect(text, sentences(text), actors, None)


class TestPatterns:
    def test_inflections_match(self) -> None:
        """Every inflection of a lemma fires the rule."""
        for verb in ("deploy", "deploys", "deployed", "deploying"):
            sigs = detect(f"The country {verb} troops.")
            assert [s.type for s in sigs] == ["MOBILIZE"], verb

    def test_irregular_form_matches(self) -> None:
        """Irregular past forms ("sent") come from the lemma."""
        assert detect("They sent more soldiers.")[0].type == "MOBILIZE"

    def test_gap_pattern_spans_the_words_between(self) -> None:
        """A gap pattern matches across a few words and quotes them all."""
        sig = detect("States may opt to deploy their own forces.")[0]
        assert sig.trigger == "deploy their own forces"

    def test_gap_is_bounded(self) -> None:
        """Words too far apart do not make a match."""
        assert detect("They deploy software updates to many servers and forces.") == ()

    def test_two_noun_pattern(self) -> None:
        """A noun compound ("troop deployment") is a trigger."""
        assert detect("A troop deployment began.")[0].trigger == "troop deployment"

    def test_whole_words_only(self) -> None:
        """A trigger inside a longer word does not fire."""
        assert detect("The counterattacks? No: retalks and ceasefires-ish.")[0].trigger == (
            "ceasefires")

    def test_empty_text(self) -> None:
        """Empty text gives no signals."""
        assert detect("") == ()


class TestSenses:
    def test_deploy_software_is_not_mobilize(self) -> None:
        """Deploying software is not a troop movement."""
        assert detect("The firm deployed new software to its servers.") == ()

    def test_football_attack_is_ignored(self) -> None:
        """An attack in a football report is not an assault."""
        text = "The striker led a late attack but the match ended goalless."
        assert detect(text) == ()

    def test_strike_a_deal_is_agree(self) -> None:
        """"Strike a deal" is an agreement, not an assault."""
        assert [s.type for s in detect("The two sides struck a deal on Friday.")] == ["AGREE"]

    def test_overlaps_resolve_leftmost_longest(self) -> None:
        """Of overlapping matches the leftmost, then the longest, survives."""
        kept = resolve_overlaps([Match(0, 6, 1, 1), Match(0, 13, 2, 3), Match(8, 12, 0, 1)])
        assert kept == [Match(0, 13, 2, 3)]


class TestModality:
    @pytest.mark.parametrize(
        ("text", "modality"),
        [
            ("The army attacked the town.", "asserted"),
            ("The army may attack the town.", "hypothetical"),
            ("Officials said the army could attack soon.", "hypothetical"),
            ("The army will attack the town.", "future"),
            ("The army plans to attack the town.", "future"),
            ("The army will attack if the talks fail.", "conditional"),
            ("Unless the siege ends, the army may attack.", "conditional"),
            ("The army did not attack the town.", "negated"),
            ("The army has never attacked the town.", "negated"),
        ],
    )
    def test_modality_of_attack(self, text: str, modality: str) -> None:
        """The cue that governs the trigger sets its modality."""
        sig = next(s for s in detect(text) if s.type == "ASSAULT")
        assert sig.modality == modality

    def test_negation_in_if_clause_does_not_negate_main_clause(self) -> None:
        """"not" inside a trailing if-clause leaves the main trigger un-negated."""
        text = "Allies may be willing to deploy troops if guarantees are not provided."
        sig = detect(text)[0]
        assert (sig.type, sig.modality, sig.cue) == ("MOBILIZE", "conditional", "if")
        assert sig.severity == pytest.approx(sig.base_severity * 0.5)

    def test_negation_across_clause_boundary_is_ignored(self) -> None:
        """A negation in an earlier clause does not reach a later trigger."""
        sig = detect("Talks did not resume, but the army attacked at dawn.")[-1]
        assert (sig.type, sig.modality) == ("ASSAULT", "asserted")

    def test_negated_escalation_weighs_nothing(self) -> None:
        """A plain negated escalation keeps its type but has zero severity."""
        sig = detect("The army did not attack the town.")[0]
        assert sig.severity == 0.0
        assert sig.polarity == "escalation"

    def test_avoid_provoking_is_deescalation(self) -> None:
        """Restraint from escalating ("avoid provoking") is a de-escalation."""
        sigs = detect("The government has been careful to avoid provoking its neighbour.")
        assert [(s.type, s.polarity) for s in sigs] == [("CONCEDE", "de-escalation")]
        assert sigs[0].severity > 0

    def test_refrain_from_escalating_tension(self) -> None:
        """"refrain from escalating tensions" yields no escalation."""
        sigs = detect("Both sides pledged to refrain from escalating tensions.")
        assert all(s.polarity == "de-escalation" for s in sigs)
        assert sigs

    def test_negated_cooperation_is_rejection(self) -> None:
        """Refusing to meet is a rejection, an escalation."""
        sig = detect("The minister did not meet with the envoy.")[0]
        assert (sig.type, sig.polarity, sig.modality) == ("REJECT", "escalation", "asserted")


class TestRoles:
    def test_source_before_target_after_preposition(self) -> None:
        """The nearest actor before is the source; "to X" after is the target."""
        text = "Allies may deploy troops to Ukraine soon."
        acts = (actor("NATO", "Allies", "NATO", text, "organisation"),
                actor("Ukraine", "Ukraine", "UKR", text))
        sig = detect(text, acts)[0]
        assert (sig.source, sig.target) == ("NATO", "UKR")

    def test_demonym_is_source(self) -> None:
        """A demonym before the trigger ("Russian troops") names the source."""
        text = "Russian forces attacked Kharkiv overnight."
        acts = (actor("Russia", "Russian", "RUS", text), actor("Kharkiv", "Kharkiv", "UKR", text))
        sig = detect(text, acts)[0]
        assert (sig.source, sig.target) == ("RUS", "UKR")

    def test_passive_agent_is_source(self) -> None:
        """In the passive, the actor after "by" is the source."""
        text = "Kyiv was attacked by Russia on Monday."
        acts = (actor("Ukraine", "Kyiv", "UKR", text), actor("Russia", "Russia", "RUS", text))
        sig = detect(text, acts)[0]
        assert (sig.source, sig.target) == ("RUS", "UKR")

    def test_passive_without_agent_has_the_subject_as_target(self) -> None:
        """"Kyiv was attacked overnight": Kyiv suffered the act; no doer is named."""
        text = "Kyiv was reportedly attacked overnight."
        acts = (actor("Ukraine", "Kyiv", "UKR", text),)
        sig = detect(text, acts)[0]
        assert (sig.source, sig.target) == (None, "UKR")

    def test_agent_after_a_determiner(self) -> None:
        """"attacks by a Russian unit": the "by" phrase names the doer past an article."""
        text = "Kyiv was attacked by a Russian unit."
        acts = (actor("Ukraine", "Kyiv", "UKR", text), actor("Russia", "Russian", "RUS", text))
        sig = detect(text, acts)[0]
        assert (sig.source, sig.target) == ("RUS", "UKR")

    def test_passive_doer_named_inside_the_trigger(self) -> None:
        """"Kyiv was hit in a Russian strike": a demonym qualifying the act's noun
        inside the trigger is the doer; a place two words further is not."""
        rows = [*SIGNAL_ROWS, {"id": "fight.hit", "type": "FIGHT", "polarity": "escalation",
                               "severity": -10.0, "patterns": ["<hit> in ...3 <strike>"]}]
        kb = KnowledgeBase.from_rows(countries=[], organisations=[], persons=[], titles=[],
                                     signals=rows, modality=[], **vocabulary_rows())
        detector = SignalDetector(kb)
        text = "Kyiv was hit in a Russian strike."
        acts = (actor("Ukraine", "Kyiv", "UKR", text), actor("Russia", "Russian", "RUS", text))
        sig = detector.detect(text, sentences(text), acts, None)[0]
        assert (sig.source, sig.target) == ("RUS", "UKR")
        text = "Kyiv was hit in Lviv in a strike."
        acts = (actor("Ukraine", "Kyiv", "UKR", text), actor("Ukraine", "Lviv", "UKR", text))
        sig = detector.detect(text, sentences(text), acts, None)[0]
        assert sig.source is None

    def test_progressive_is_not_passive(self) -> None:
        """"was attacking" is active: the subject is the source."""
        text = "Russia was attacking Ukraine."
        acts = (actor("Russia", "Russia", "RUS", text), actor("Ukraine", "Ukraine", "UKR", text))
        sig = detect(text, acts)[0]
        assert (sig.source, sig.target) == ("RUS", "UKR")


    def test_a_trigger_ending_in_by_hands_it_to_the_doer(self) -> None:
        """"civilians executed by the militia": the trigger's own "by" marks the doer."""
        rows = [*SIGNAL_ROWS, {"id": "assault.shot", "type": "ASSAULT",
                               "polarity": "escalation", "severity": -9.5,
                               "patterns": ["<execute> by"]}]
        text = "Civilians were executed by the Northern Militia in the town."
        acts = (actor("civilians", "Civilians", "agent:CVL", text, "person"),
                actor("Northern Militia", "Northern Militia", "NMIL", text, "organisation"))
        sig = SignalDetector(make_kb(rows)).detect(text, sentences(text), acts, None)[0]
        assert (sig.trigger, sig.source, sig.target) == ("executed by", "NMIL", "agent:CVL")


class TestNames:
    """A trigger word inside the name of an organisation or a person is part of the name."""

    def test_trigger_inside_an_organisation_name_is_not_an_event(self) -> None:
        text = "The Attack Defence Forces met with Ruritania."
        acts = (actor("Attack Defence Forces", "Attack Defence Forces", "ADF", text,
                      "organisation"), actor("Ruritania", "Ruritania", "RUR", text))
        assert [s.type for s in detect(text, acts)] == ["CONSULT"]

    def test_also_in_a_headline_or_at_the_start_of_a_sentence(self) -> None:
        """Title case lets capitalised triggers through, but not those of a known name."""
        for text in ("Attack Defence Forces Meet With Ruritania", "Attack Defence Forces met."):
            acts = (actor("Attack Defence Forces", "Attack Defence Forces", "ADF", text,
                          "organisation"),)
            assert "ASSAULT" not in [s.type for s in detect(text, acts)], text

    def test_a_generic_agent_is_the_event_word(self) -> None:
        """A mention of a generic agent ("Attackers" as an agent) keeps its trigger."""
        text = "Attack on the town was repelled."
        acts = (actor("attackers", "Attack", "agent:UAF", text, "person"),)
        assert [s.type for s in detect(text, acts)] == ["ASSAULT"]


class TestReportedSpeech:
    def test_trailing_attribution_names_speaker(self) -> None:
        """"..., X has warned." makes X the speaker, not the source."""
        text = ("NATO countries may be willing to deploy troops to Ukraine if guarantees are "
                "not provided, former NATO chief Anders Rasmussen has warned.")
        acts = (
            actor("NATO", "NATO", "NATO", text, "organisation"),
            actor("Ukraine", "Ukraine", "UKR", text),
            actor("NATO", "NATO", "NATO", text, "organisation", nth=1),
            actor("Anders Fogh Rasmussen", "Anders Rasmussen", "rasmussen", text, "person"),
        )
        sig = detect(text, acts)[0]
        assert (sig.type, sig.mode, sig.modality) == ("MOBILIZE", "troops", "conditional")
        assert (sig.source, sig.target, sig.speaker) == ("NATO", "UKR", "rasmussen")

    def test_according_to(self) -> None:
        """"according to X" names the speaker."""
        text = "Rebels attacked the base, according to Ukraine."
        sig = detect(text, (actor("Ukraine", "Ukraine", "UKR", text),))[0]
        assert sig.speaker == "UKR"

    def test_speaker_before_said(self) -> None:
        """"X said ..." names X as the speaker and, lacking another actor, the source."""
        text = "Poland said it would send more soldiers."
        sig = detect(text, (actor("Poland", "Poland", "POL", text),))[0]
        assert (sig.speaker, sig.source) == ("POL", "POL")


class TestOffsets:
    def test_trigger_and_sentence_offsets(self) -> None:
        """Trigger and sentence text equal the text at their offsets."""
        text = "Calm day. Then İstanbul saw talks, and the army attacked."
        for s in detect(text):
            assert text[s.start:s.end] == s.trigger
            assert text[s.sentence_start:s.sentence_end] == s.sentence

    @settings(max_examples=200, deadline=None)
    @given(st.text(alphabet=st.characters(codec="utf-8"), max_size=200),
           st.sampled_from(["attack", "deployed troops", "İ talks", "ceasefire"]))
    def test_offsets_hold_on_arbitrary_unicode(self, noise: str, word: str) -> None:
        """Offsets stay consistent on arbitrary Unicode around a trigger."""
        text = f"{noise} {word} {noise}"
        for s in detect(text):
            assert text[s.start:s.end] == s.trigger
            assert text[s.sentence_start:s.sentence_end] == s.sentence

    def test_empty_lexicon_finds_nothing(self) -> None:
        """A knowledge base without signal rows yields no signals."""
        empty = SignalDetector(make_kb(signals=[]))
        assert empty.detect("The army attacked.", sentences("The army attacked."), (),
                            None) == ()


class TestBackgroundRule:
    def test_adjunct_trigger_kept_beside_main_trigger(self) -> None:
        """"after the talks, troops attacked": both acts are signals, in text order."""
        text = "After the talks, the army attacked the port."
        assert [s.type for s in detect(text)] == ["CONSULT", "ASSAULT"]

    def test_adjunct_trigger_kept_alone(self) -> None:
        """A sentence whose only trigger is in an adjunct keeps it."""
        assert [s.type for s in detect("Markets fell after the attack.")] == ["ASSAULT"]

    def test_background_is_per_sentence(self) -> None:
        """A main trigger in another sentence does not drop a background one."""
        text = "Markets fell after the attack. The army attacked again."
        assert [s.type for s in detect(text)] == ["ASSAULT", "ASSAULT"]


class TestVetoBefore:
    def test_not_before_vetoes_only_preceding_words(self) -> None:
        """A ``not_before`` word vetoes a trigger after it, not before it."""
        rows = [*SIGNAL_ROWS, {"id": "threat", "type": "THREATEN", "polarity": "escalation",
                               "severity": -4.0, "patterns": ["<threat>"],
                               "not_before": ["potential"], "window": 2}]
        det = SignalDetector(make_kb(rows))
        def kinds(text: str) -> list[str]:
            return [s.type for s in det.detect(text, sentences(text), (), None)]
        assert kinds("They face potential threats.") == []
        assert kinds("Threats of potential harm were made.") == ["THREATEN"]


class TestPlaceTargets:
    def test_city_after_in_is_a_place(self) -> None:
        """"talks in Vilnius": a capital after "in" is where, not whom."""
        text = "NATO will hold talks in Vilnius."
        acts = (actor("NATO", "NATO", "NATO", text, kind="organisation"),
                Actor(id="LTU", name="Lithuania", type="country", text="Vilnius",
                      start=text.index("Vilnius"), end=text.index("Vilnius") + 7))
        sig = detect(text, acts)[0]
        assert (sig.source, sig.target) == ("NATO", None)

    def test_country_after_in_stays_target(self) -> None:
        """"troops in Ukraine": a country named as such stays the target."""
        text = "NATO will deploy troops in Ukraine."
        acts = (actor("NATO", "NATO", "NATO", text, kind="organisation"),
                actor("Ukraine", "Ukraine", "UKR", text))
        assert detect(text, acts)[0].target == "UKR"

    def test_city_after_to_is_a_target(self) -> None:
        """A capital after "with" / "to" stands for its government."""
        text = "NATO will hold talks with Kyiv."
        acts = (actor("NATO", "NATO", "NATO", text, kind="organisation"),
                Actor(id="UKR", name="Ukraine", type="government", text="Kyiv",
                      start=text.index("Kyiv"), end=text.index("Kyiv") + 4))
        assert detect(text, acts)[0].target == "UKR"


AID_ROWS: list[dict[str, Any]] = [
    *SIGNAL_ROWS,
    {"id": "aid.weapons", "type": "AID", "polarity": "escalation", "mode": "weapons",
     "severity": -4.0, "patterns": ["<provide> <weapon>", "<provision> of <armament>"]},
]
AID_DETECTOR = SignalDetector(make_kb(AID_ROWS))


def aid(text: str, actors: tuple[Actor, ...]) -> Signal:
    """The one AID signal the aid lexicon finds in ``text``."""
    (sig,) = [s for s in AID_DETECTOR.detect(text, sentences(text), actors, None)
              if s.type == "AID"]
    return sig


class TestRecipients:
    def test_actor_after_against_is_not_the_recipient(self) -> None:
        """"weapons ... against Russia": Russia is the adversary, not the recipient."""
        text = "Poland will provide weapons against Russia."
        acts = (actor("Poland", "Poland", "POL", text), actor("Russia", "Russia", "RUS", text))
        assert (aid(text, acts).source, aid(text, acts).target) == ("POL", None)

    def test_against_still_marks_the_target_of_an_attack(self) -> None:
        """The adversary rule is for aid; an attack against X targets X."""
        text = "Poland launched an attack against Russia."
        acts = (actor("Poland", "Poland", "POL", text), actor("Russia", "Russia", "RUS", text))
        (sig,) = detect(text, acts)
        assert sig.target == "RUS"

    def test_recipient_from_the_previous_sentence(self) -> None:
        """Without a recipient in its sentence, aid goes to the nearest country before it,
        back to the previous sentence, other than its source."""
        text = ("Leaders discussed guarantees for Ukraine. "
                "NATO backed the provision of armaments as a deterrent against Russia.")
        acts = (actor("Ukraine", "Ukraine", "UKR", text),
                actor("NATO", "NATO", "NATO", text, kind="organisation"),
                actor("Russia", "Russia", "RUS", text))
        sig = aid(text, acts)
        assert (sig.source, sig.target) == ("NATO", "UKR")

    def test_no_recipient_beyond_the_previous_sentence(self) -> None:
        """A country two sentences back is too far to be the recipient."""
        text = ("Ukraine asked for help. Leaders met. "
                "NATO backed the provision of armaments.")
        acts = (actor("Ukraine", "Ukraine", "UKR", text),
                actor("NATO", "NATO", "NATO", text, kind="organisation"))
        assert aid(text, acts).target is None

    def test_the_source_is_never_its_own_recipient(self) -> None:
        """The only country before the trigger is the source itself: no recipient."""
        text = "Poland said it backed the provision of armaments."
        acts = (actor("Poland", "Poland", "POL", text),)
        assert aid(text, acts).target is None


DOMAIN_ROWS: list[dict[str, Any]] = [
    *MODALITY_ROWS,
    {"id": "domain.business", "kind": "domain", "domain": "business", "agents": ["BUS"],
     "near": ["company"]},
    {"id": "domain.military", "kind": "domain", "domain": "military", "counter": True,
     "agents": ["MIL"], "cues": ["troops"]},
]


def detect_domains(text: str, actors: tuple[Actor, ...] = ()) -> tuple[Signal, ...]:
    """Detect with a rule that lists the business domain as a sense veto."""
    rows = [{**SIGNAL_ROWS[1], "id": "assault.attack2", "veto_domains": ["business"]}]
    kb = KnowledgeBase.from_rows(countries=[], organisations=[], persons=[], titles=[],
                                 signals=rows, modality=DOMAIN_ROWS, **vocabulary_rows())
    return SignalDetector(kb).detect(text, sentences(text), actors, None)


class TestSenseDomains:
    def test_business_agent_vetoes_military_sense(self) -> None:
        """A business agent as the subject makes "attacked" a figure of speech."""
        text = "Investors attacked the plan."
        investors = actor("business", "Investors", "agent:BUS", text, kind="organisation")
        assert detect_domains(text, (investors,)) == ()

    def test_near_word_vetoes_military_sense(self) -> None:
        """A domain word next to the trigger vetoes it."""
        assert detect_domains("The company attacked the plan.") == ()

    def test_military_word_outweighs_domain(self) -> None:
        """Military vocabulary in the sentence keeps the literal sense."""
        assert [s.type for s in detect_domains("Troops attacked the company.")] == ["ASSAULT"]

    def test_no_domain_evidence_keeps_sense(self) -> None:
        """Without domain evidence the trigger stands."""
        assert [s.type for s in detect_domains("Rebels attacked the town.")] == ["ASSAULT"]
