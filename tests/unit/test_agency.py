"""Political agency: which signals count toward the score and the alert."""

from __future__ import annotations

import dataclasses
from types import MappingProxyType

import pytest

from streams.core.agency import AgencyError, AgencyJudge, AgencyRules
from streams.core.analyze import Analyzer
from streams.core.domain import DomainResult
from streams.core.model import Actor, Article, Signal
from streams.core.scoring import ScoringOptions, score_signals
from streams.knowledge.loader import load_knowledge

RULES = AgencyRules.from_rows([
    {"kind": "actor_types", "values": ["country", "government"], "place_words": ["in"]},
    {"kind": "entity_kinds", "values": ["armed_group"], "name_words": ["Front"]},
    {"kind": "sectors", "values": ["MIL", "GOV"], "weak": ["COP"]},
    {"kind": "titles", "values": ["minister"]},
    {"kind": "events", "rules": ["mobilize.deploy"], "modes": ["troops"], "words": ["airstrike"]},
    {"kind": "domains", "values": ["sport"], "min_confidence": 0.6},
])
JUDGE = AgencyJudge(RULES, {"GRP": "armed_group", "FIFA": "sports_body"}, ["Ruritanian"])


def _signal(text: str, trigger: str, source: str | None = None, target: str | None = None,
            rule: str = "assault.violence", mode: str | None = "military") -> Signal:
    start = text.index(trigger)
    return Signal(type="ASSAULT", polarity="escalation", mode=mode, modality="asserted",
                  trigger=trigger, start=start, end=start + len(trigger), sentence=text,
                  sentence_start=0, sentence_end=len(text), severity=-9.0,
                  base_severity=-9.0, rule=rule, source=source, target=target)


def _actor(text: str, mention: str, ident: str, kind: str, **extra: str) -> Actor:
    start = text.index(mention)
    return Actor(id=ident, name=mention, type=kind, text=mention, start=start,
                 end=start + len(mention), **extra)  # type: ignore[arg-type]


def _domain(name: str, confidence: float) -> DomainResult:
    return DomainResult(name, confidence, MappingProxyType({name: confidence}))


def _judge(text: str, signal: Signal, actors: list[Actor],
           domain: DomainResult | None = None) -> Signal:
    (out,) = JUDGE.judge(text, [signal], actors, domain)
    return out


class TestActors:
    def test_no_actor_no_event_is_not_political(self) -> None:
        text = "A man stabbed his neighbour."
        out = _judge(text, _signal(text, "stabbed"), [])
        assert (out.political, out.political_reason) == (False, "no political actor")

    def test_state_as_source_is_political(self) -> None:
        text = "Ruritania attacked the border post."
        a = _actor(text, "Ruritania", "RUR", "country")
        out = _judge(text, _signal(text, "attacked", source="RUR"), [a])
        assert out.political
        assert out.political_reason is None

    def test_country_named_as_a_place_is_weak(self) -> None:
        text = "A man stabbed two people in Ruritania."
        a = _actor(text, "Ruritania", "RUR", "country")
        out = _judge(text, _signal(text, "stabbed", target="RUR"), [a])
        assert not out.political
        assert out.political_reason is not None
        assert "place" in out.political_reason

    def test_demonym_before_a_noun_is_the_state(self) -> None:
        text = "Ten die in Ruritanian attacks."
        a = _actor(text, "Ruritanian", "RUR", "country")
        assert _judge(text, _signal(text, "attacks", source="RUR"), [a]).political

    def test_country_name_before_a_lower_case_word_can_still_be_a_place(self) -> None:
        """Only a demonym before a lower-case word is the state acting; a
        country's name there ("in Ruritania who") is still a place."""
        text = "A man in Ruritania who stabbed two people was held."
        a = _actor(text, "Ruritania", "RUR", "country")
        out = _judge(text, _signal(text, "stabbed", source="RUR"), [a])
        assert not out.political
        assert "place" in (out.political_reason or "")

    def test_police_alone_is_weak_but_counts_with_a_political_event(self) -> None:
        text = "Police arrested a thief."
        a = _actor(text, "Police", "agent:COP", "organisation")
        assert not _judge(text, _signal(text, "arrested", source="agent:COP"), [a]).political
        text = "Police fired on the crowd after an airstrike."
        a = _actor(text, "Police", "agent:COP", "organisation")
        assert _judge(text, _signal(text, "fired", source="agent:COP"), [a]).political

    def test_resolved_agent_ids_keep_their_sector(self) -> None:
        text = "Soldiers shot two men."
        a = _actor(text, "Soldiers", "agent:MIL:RUR", "organisation")
        assert _judge(text, _signal(text, "shot", source="agent:MIL:RUR"), [a]).political

    def test_unknown_organisation_with_a_political_name_word(self) -> None:
        text = "The Liberation Front attacked a convoy."
        a = _actor(text, "Liberation Front", "org:liberation-front", "organisation")
        assert _judge(text, _signal(text, "attacked", source="org:liberation-front"),
                      [a]).political

    def test_office_holder_depends_on_the_body_of_the_role(self) -> None:
        text = "The minister attacked the plan."
        a = _actor(text, "minister", "person:x", "person", role="minister")
        assert _judge(text, _signal(text, "attacked", source="person:x"), [a]).political
        b = _actor(text, "minister", "person:y", "person", role="minister", role_org="FIFA")
        assert not _judge(text, _signal(text, "attacked", source="person:y"), [b]).political

    def test_nationality_alone_is_not_agency(self) -> None:
        text = "A Ruritanian firm attacked its rival."
        a = _actor(text, "firm", "org:firm", "organisation", affiliation="RUR")
        assert not _judge(text, _signal(text, "attacked", source="org:firm"), [a]).political
        b = _actor(text, "firm", "org:g", "organisation", affiliation="GRP")
        assert _judge(text, _signal(text, "attacked", source="org:g"), [b]).political


class TestEvents:
    def test_political_rule_mode_or_word_counts_without_actors(self) -> None:
        text = "Reinforcements were sent north."
        assert _judge(text, _signal(text, "sent", rule="mobilize.deploy"), []).political
        assert _judge(text, _signal(text, "sent", mode="troops"), []).political
        text = "An airstrike hit the depot."
        assert _judge(text, _signal(text, "hit"), []).political

    def test_event_words_match_whole_words_only(self) -> None:
        text = "The airstrikers club hit the ball."
        assert not _judge(text, _signal(text, "hit"), []).political


class TestDomain:
    def test_non_political_domain_needs_actor_and_event(self) -> None:
        text = "Ruritania attacked the title holders."
        a = _actor(text, "Ruritania", "RUR", "country")
        out = _judge(text, _signal(text, "attacked", source="RUR"), [a], _domain("sport", 0.9))
        assert (out.political, out.political_reason) == (False, "domain sport")
        text = "Ruritania launched an airstrike near the stadium."
        a = _actor(text, "Ruritania", "RUR", "country")
        assert _judge(text, _signal(text, "launched", source="RUR"), [a],
                      _domain("sport", 0.9)).political

    def test_a_sanction_between_two_states_survives_damping(self) -> None:
        """"Chad suspends visas to U.S. citizens" filed as business: one state
        sanctioning another is interstate news whatever the domain."""
        text = "Ruritania banned imports from Freedonia."
        actors = [_actor(text, "Ruritania", "RUR", "country"),
                  _actor(text, "Freedonia", "FRE", "country")]
        sig = dataclasses.replace(_signal(text, "banned", source="RUR", target="FRE"),
                                  type="SANCTION")
        assert _judge(text, sig, actors, _domain("sport", 0.9)).political
        # Without the second state, or as another kind of act, damping holds.
        alone = dataclasses.replace(sig, target=None)
        assert not _judge(text, alone, actors, _domain("sport", 0.9)).political
        other = dataclasses.replace(sig, type="ASSAULT")
        assert not _judge(text, other, actors, _domain("sport", 0.9)).political

    def test_low_confidence_domain_does_not_damp(self) -> None:
        text = "Ruritania attacked the title holders."
        a = _actor(text, "Ruritania", "RUR", "country")
        assert _judge(text, _signal(text, "attacked", source="RUR"), [a],
                      _domain("sport", 0.5)).political


ARMED = AgencyJudge(AgencyRules.from_rows([
    {"kind": "actor_types", "values": ["country"]},
    {"kind": "sectors", "values": ["MIL", "REB"], "weak": ["COP"]},
    {"kind": "domains", "values": ["crime", "disaster"], "min_confidence": 0.6,
     "violent_types": ["ASSAULT"], "armed_domains": ["crime"], "armed_kinds": ["armed_group"],
     "armed_sectors": ["REB"], "armed_targets": ["MIL"]},
]), {"GRP": "armed_group"})


class TestArmedViolenceInDampedDomains:
    """"A cartel attack on soldiers is political, a robbery is not": in a damped
    domain, violence with rebels as its source or soldiers as its target counts."""

    def _judge(self, text: str, signal: Signal, actors: list[Actor],
               domain: str = "crime") -> Signal:
        (out,) = ARMED.judge(text, [signal], actors, _domain(domain, 0.9))
        return out

    def test_rebels_or_an_armed_group_as_source_count(self) -> None:
        text = "A police officer is shot dead by a GRP sniper."
        actors = [_actor(text, "police officer", "agent:COP", "person"),
                  _actor(text, "GRP", "GRP", "organisation")]
        assert self._judge(text, _signal(text, "shot dead", source="GRP",
                                         target="agent:COP"), actors).political
        text = "Rebels shot a shopkeeper."
        actors = [_actor(text, "Rebels", "agent:REB", "person")]
        assert self._judge(text, _signal(text, "shot", source="agent:REB"), actors).political

    def test_soldiers_as_target_count(self) -> None:
        text = "A mob kidnapped ten soldiers."
        actors = [_actor(text, "soldiers", "agent:MIL", "person")]
        assert self._judge(text, _signal(text, "kidnapped", target="agent:MIL"),
                           actors).political

    def test_soldiers_as_source_or_police_as_target_do_not(self) -> None:
        """Security forces killing a gunman, or a robber shooting a policeman, is crime news."""
        text = "Soldiers shot the gunman."
        actors = [_actor(text, "Soldiers", "agent:MIL", "person")]
        out = self._judge(text, _signal(text, "shot", source="agent:MIL"), actors)
        assert (out.political, out.political_reason) == (False, "domain crime")
        text = "A robber shot a policeman."
        actors = [_actor(text, "policeman", "agent:COP", "person")]
        assert not self._judge(text, _signal(text, "shot", target="agent:COP"),
                               actors).political

    def test_only_violent_types_and_armed_domains(self) -> None:
        text = "A mob kidnapped ten soldiers."
        actors = [_actor(text, "soldiers", "agent:MIL", "person")]
        sig = _signal(text, "kidnapped", target="agent:MIL")
        other = dataclasses.replace(sig, type="COERCE")
        assert not self._judge(text, other, actors).political
        # A disaster: a military aircraft crash has soldiers among its victims.
        assert not self._judge(text, sig, actors, domain="disaster").political
        # Rebels as the source count there too.
        text = "Rebels shot a shopkeeper."
        rebels = [_actor(text, "Rebels", "agent:REB", "person")]
        assert self._judge(text, _signal(text, "shot", source="agent:REB"), rebels,
                           domain="disaster").political


JUDICIAL = AgencyJudge(AgencyRules.from_rows([
    {"kind": "actor_types", "values": ["country"]},
    {"kind": "judicial", "types": ["ASSAULT"], "modes": ["seizure"], "window": 4,
     "cues": ["convicted of", "sentenced"]},
]), {})


class TestJudicialFrame:
    def _one(self, text: str, trigger: str, mode: str | None = "military") -> Signal:
        a = _actor(text, "Ruritania", "RUR", "country")
        (out,) = JUDICIAL.judge(text, [_signal(text, trigger, source="RUR", mode=mode)], [a])
        return out

    def test_charge_of_a_trial_is_not_escalation(self) -> None:
        """"convicted of ... attacking": the act is what the court tried."""
        out = self._one("A Ruritania court convicted of attacking a guard the man.", "attacking")
        assert (out.political, out.political_reason) == (
            False, "charge of a legal proceeding")

    def test_cue_reaches_only_its_window(self) -> None:
        """Past ``window`` words the cue no longer frames the trigger."""
        out = self._one("He was sentenced in Ruritania, where the army later bombed "
                        "the rebel town.", "bombed")
        assert out.political

    def test_cue_after_the_trigger_does_not_frame_it(self) -> None:
        """An attack reported before a later conviction is still an attack."""
        out = self._one("Ruritania attacked the post; two were sentenced.", "attacked")
        assert out.political

    def test_frame_stops_at_a_sentence_mark(self) -> None:
        """A full stop or semicolon between cue and trigger ends the frame."""
        out = self._one("Two were sentenced; Ruritania attacked the post.", "attacked")
        assert out.political

    def test_other_types_are_not_framed(self) -> None:
        """A prison sentence is repression itself: only the listed types are framed."""
        text = "Ruritania sentenced the journalists to prison."
        a = _actor(text, "Ruritania", "RUR", "country")
        sig = Signal(type="COERCE", polarity="escalation", mode="repression",
                     modality="asserted", trigger="prison", start=text.index("prison"),
                     end=text.index("prison") + 6, sentence=text, sentence_start=0,
                     sentence_end=len(text), severity=-7.0, base_severity=-7.0,
                     rule="coerce.arrest", source="RUR")
        (out,) = JUDICIAL.judge(text, [sig], [a])
        assert out.political

    def test_bad_window_is_rejected(self) -> None:
        with pytest.raises(AgencyError, match="window"):
            AgencyRules.from_rows([{"kind": "judicial", "cues": ["tried"], "window": 0}])


BACKGROUND = AgencyJudge(AgencyRules.from_rows([
    {"kind": "actor_types", "values": ["country"]},
    {"kind": "background", "window": 5, "cues": ["amid", "despite"]},
]), {})


class TestBackgroundFrame:
    def _one(self, text: str, trigger: str) -> Signal:
        a = _actor(text, "Ruritania", "RUR", "country")
        (out,) = BACKGROUND.judge(text, [_signal(text, trigger, source="RUR")], [a])
        return out

    def test_setting_phrase_does_not_count(self) -> None:
        """"opens an airport amid the fighting": the fighting is the backdrop."""
        out = self._one("Ruritania opens an airport amid the ongoing fighting.", "fighting")
        assert (out.political, out.political_reason) == (
            False, "background of the reported event")

    def test_phrase_ends_at_a_comma(self) -> None:
        """After the phrase closes, a trigger is the news again."""
        out = self._one("Despite the talks, Ruritania attacked the post.", "attacked")
        assert out.political

    def test_cue_reaches_only_its_window(self) -> None:
        out = self._one("Amid the long and very cold winter months Ruritania attacked.",
                        "attacked")
        assert out.political

    def test_cue_after_the_trigger_does_not_frame_it(self) -> None:
        out = self._one("Ruritania attacked the post amid the talks.", "attacked")
        assert out.political


DATED = AgencyJudge(AgencyRules.from_rows([
    {"kind": "actor_types", "values": ["country"]},
    {"kind": "background", "window": 5, "cues": ["since the"], "dated": ["the", "its"]},
]), {})


class TestDatedReference:
    def _one(self, text: str, trigger: str) -> Signal:
        a = _actor(text, "Ruritania", "RUR", "country")
        (out,) = DATED.judge(text, [_signal(text, trigger, source="RUR")], [a])
        return out

    def test_event_named_by_its_year_is_a_topic(self) -> None:
        """"the 2022 invasion", "its 1994 genocide": a known event, not news of one."""
        out = self._one("Ruritania marked the 2022 invasion with a parade.", "invasion")
        assert (out.political, out.political_reason) == (
            False, "background of the reported event")
        out = self._one("Ruritania remembered its 1994-95 border war.", "war")
        assert not out.political

    def test_year_far_from_the_trigger_does_not_date_it(self) -> None:
        out = self._one("In the 2022 budget year Ruritania then quietly attacked the post.",
                        "attacked")
        assert out.political

    def test_a_number_that_is_no_year_does_not_date(self) -> None:
        out = self._one("Ruritania sent the 300 troops to attack.", "attack")
        assert out.political

    def test_since_the_opens_a_background_phrase(self) -> None:
        out = self._one("Prices have doubled since the invasion, Ruritania said.", "invasion")
        assert not out.political


HISTORY = AgencyJudge(AgencyRules.from_rows([
    {"kind": "actor_types", "values": ["country"]},
    {"kind": "background", "cues": ["amid"], "history_years": 3},
]), {})
LEDE = "Ruritania named a new cabinet on Monday. "


class TestHistory:
    def _second(self, sentence: str, trigger: str, as_of: str | None = "2020-01-12") -> Signal:
        """Judge ``trigger`` in ``sentence``, the article's second sentence."""
        text = LEDE + sentence
        base = _signal(text, trigger, source="RUR")
        sig = dataclasses.replace(base, sentence=sentence, sentence_start=len(LEDE),
                                  sentence_end=len(text))
        (out,) = HISTORY.judge(text, [sig], [_actor(text, "Ruritania", "RUR", "country")],
                               as_of=as_of)
        return out

    def test_a_sentence_of_old_years_is_history(self) -> None:
        out = self._second("The army attacked the capital in 1970 and again in the 1990s.",
                           "attacked")
        assert (out.political, out.political_reason) == (False, "history, not news")

    def test_a_recent_year_keeps_the_sentence_news(self) -> None:
        out = self._second("The army attacked the capital in 1970 and again in 2019.",
                           "attacked")
        assert out.political

    def test_no_year_or_no_article_date_is_news(self) -> None:
        assert self._second("The army attacked the capital.", "attacked").political
        assert self._second("The army attacked the capital in 1970.", "attacked",
                            as_of=None).political

    def test_a_count_is_no_year(self) -> None:
        out = self._second("The army sent 2000 troops to attack the capital.", "attack")
        assert out.political
        out = self._second("Some 1900 soldiers attacked the capital.", "attacked")
        assert out.political

    def test_since_a_year_measures_the_present(self) -> None:
        out = self._second("The worst attacks on the capital since 1997 left dozens dead.",
                           "attacks")
        assert out.political
        out = self._second("Protests are the largest since the 2014 war.", "war")
        assert out.political

    def test_the_lede_is_news_whatever_its_years(self) -> None:
        text = "Ruritanian troops attacked officers tied to a 2013 massacre."
        (out,) = HISTORY.judge(text, [_signal(text, "attacked", source="RUR")],
                               [_actor(text, "Ruritania", "RUR", "country")],
                               as_of="2025-02-17")
        assert out.political

    def test_history_years_must_be_a_count(self) -> None:
        with pytest.raises(AgencyError, match="history_years"):
            AgencyRules.from_rows([{"kind": "background", "cues": [], "history_years": -1}])


COURT = AgencyJudge(AgencyRules.from_rows([
    {"kind": "actor_types", "values": ["country"]},
    {"kind": "law_enforcement", "rules": ["disapprove.legal"]},
    {"kind": "court", "window": 4, "types": ["REJECT", "DISAPPROVE"],
     "cues": ["court", "judge", "court of appeals"]},
]), {})


class TestCourtRuling:
    def _one(self, text: str, trigger: str, kind: str = "REJECT",
             rule: str = "reject.reject") -> Signal:
        sig = dataclasses.replace(_signal(text, trigger, source="RUR", rule=rule), type=kind)
        (out,) = COURT.judge(text, [sig], [_actor(text, "Ruritania", "RUR", "country")])
        return out

    def test_a_court_rejecting_is_a_ruling(self) -> None:
        out = self._one("The Ruritania supreme court rejects the injunction.", "rejects")
        assert (out.political, out.political_reason) == (False, "ruling of a court")
        out = self._one("A Court of Appeals for the Ruritania circuit rejects it.", "rejects")
        assert not out.political

    def test_a_state_rejecting_a_ruling_is_political(self) -> None:
        assert self._one("Ruritania rejects the court ruling.", "rejects").political
        assert self._one("Ruritania, defying the court, rejects the ruling.",
                         "rejects").political
        assert self._one("The court said that Ruritania rejects the plan.", "rejects").political

    def test_the_frame_stops_at_its_window_and_types(self) -> None:
        text = "The court heard that on Monday the Ruritania army command rejects it."
        assert self._one(text, "rejects").political
        out = self._one("The Ruritania court attacked the plan.", "attacked", kind="ASSAULT",
                        rule="assault.violence")
        assert out.political

    def test_a_conviction_keeps_the_law_enforcement_verdict(self) -> None:
        out = self._one("The Ruritania court convicted the minister.", "convicted",
                        kind="DISAPPROVE", rule="disapprove.legal")
        assert out.political_reason != "ruling of a court"


INHERENT = AgencyJudge(AgencyRules.from_rows([
    {"kind": "actor_types", "values": ["country"]},
    {"kind": "domains", "values": ["crime"], "min_confidence": 0.5},
    {"kind": "judicial", "types": ["ASSAULT"], "cues": ["convicted of"]},
    {"kind": "inherent", "rules": ["assault.assassinate"]},
]), {})


class TestInherentlyPolitical:
    def _one(self, text: str, trigger: str, rule: str) -> Signal:
        (out,) = INHERENT.judge(text, [_signal(text, trigger, rule=rule)], [],
                                _domain("crime", 0.9))
        return out

    def test_an_assassination_is_political_without_actors_and_in_crime_news(self) -> None:
        assert self._one("The former speaker is assassinated by an unknown gunman.",
                         "assassinated", "assault.assassinate").political
        out = self._one("The shopkeeper is murdered by an unknown gunman.", "murdered",
                        "assault.violence")
        assert not out.political

    def test_a_frame_still_holds(self) -> None:
        out = self._one("The man was convicted of the assassination.", "assassination",
                        "assault.assassinate")
        assert (out.political, out.political_reason) == (False, "charge of a legal proceeding")


TERROR = AgencyJudge(AgencyRules.from_rows([
    {"kind": "actor_types", "values": ["country"]},
    {"kind": "domains", "values": ["crime"], "min_confidence": 0.5},
    {"kind": "inherent", "rules": ["assault.terror"], "modalities": ["asserted"]},
]), {})


class TestInherentModalities:
    """An inherent rule may hold only for asserted acts."""

    def _one(self, modality: str) -> Signal:
        text = "Officials call the stabbing terrorism."
        sig = dataclasses.replace(_signal(text, "terrorism", rule="assault.terror"),
                                  modality=modality)  # type: ignore[arg-type]
        (out,) = TERROR.judge(text, [sig], [], _domain("crime", 0.9))
        return out

    def test_an_asserted_terrorist_act_is_political_in_crime_news(self) -> None:
        """Asserted: political whatever the domain."""
        assert self._one("asserted").political

    def test_a_suspected_motive_is_judged_as_any_act(self) -> None:
        """Hypothetical ("investigated as potential terrorism"): damped like any crime report."""
        out = self._one("hypothetical")
        assert (out.political, out.political_reason) == (False, "domain crime")


LAW = AgencyJudge(AgencyRules.from_rows([
    {"kind": "actor_types", "values": ["country"]},
    {"kind": "sectors", "values": ["MIL", "OPP"], "weak": ["COP"]},
    {"kind": "events", "words": ["protesters"]},
    {"kind": "law_enforcement", "rules": ["coerce.arrest"], "armed_sectors": ["MIL"],
     "civic_sectors": ["MED", "NGO"]},
]), {})


class TestLawEnforcement:
    def _arrest(self, text: str, source: str | None, target: str | None,
                actors: list[Actor]) -> Signal:
        sig = _signal(text, "arrested", source=source, target=target, rule="coerce.arrest",
                      mode="detention")
        (out,) = LAW.judge(text, [sig], actors)
        return out

    def test_ordinary_arrest_by_a_state_is_not_political(self) -> None:
        """Every state arrests: a country's police arresting people is not escalation."""
        text = "Ruritanian police arrested 150 people in a raid."
        out = self._arrest(text, "agent:COP:RUR", "agent:CVL", [
            _actor(text, "Ruritanian", "RUR", "country"),
            _actor(text, "police", "agent:COP:RUR", "organisation"),
            _actor(text, "150 people", "agent:CVL", "organisation")])
        assert (out.political, out.political_reason) == (
            False, "law enforcement without a political target")

    def test_arrest_of_the_opposition_is_political(self) -> None:
        text = "Police arrested the opposition leaders."
        out = self._arrest(text, "agent:COP", "agent:OPP", [
            _actor(text, "Police", "agent:COP", "organisation"),
            _actor(text, "opposition leaders", "agent:OPP", "organisation")])
        assert out.political

    def test_arrest_by_soldiers_is_political(self) -> None:
        text = "Soldiers arrested 20 villagers."
        out = self._arrest(text, "agent:MIL", None, [
            _actor(text, "Soldiers", "agent:MIL", "organisation")])
        assert out.political

    def test_arrest_of_journalists_or_activists_is_political(self) -> None:
        """Jailing the press or civil society is repression, whoever makes the arrest."""
        for words, sector in (("three journalists", "agent:MED"), ("two activists", "agent:NGO")):
            text = f"Police arrested {words}."
            out = self._arrest(text, "agent:COP", sector, [
                _actor(text, "Police", "agent:COP", "organisation"),
                _actor(text, words, sector, "organisation")])
            assert out.political, words

    def test_arrest_of_protesters_is_political(self) -> None:
        """A political event word in the sentence makes the arrest political."""
        text = "Police arrested dozens of protesters."
        out = self._arrest(text, "agent:COP", None, [
            _actor(text, "Police", "agent:COP", "organisation")])
        assert out.political


class TestRows:
    def test_unknown_kind_is_rejected(self) -> None:
        with pytest.raises(AgencyError):
            AgencyRules.from_rows([{"kind": "nonsense"}])

    def test_bad_values_are_rejected(self) -> None:
        with pytest.raises(AgencyError):
            AgencyRules.from_rows([{"kind": "titles", "values": "minister"}])

    def test_empty_rules_let_every_signal_count(self) -> None:
        judge = AgencyJudge(AgencyRules(), {})
        text = "A man stabbed his neighbour."
        (out,) = judge.judge(text, [_signal(text, "stabbed")], [])
        assert out.political


class TestScoring:
    def test_non_political_signals_do_not_score(self) -> None:
        text = "A man stabbed his neighbour."
        s = _signal(text, "stabbed")
        options = ScoringOptions()
        assert score_signals([s], options) > 0
        out = _judge(text, s, [])
        assert score_signals([out], options) == 0.0


class TestAnalyzer:
    @pytest.fixture(scope="class")
    def analyzer(self) -> Analyzer:
        return Analyzer(load_knowledge())

    def test_analysis_carries_domain_and_political_flags(self, analyzer: Analyzer) -> None:
        a = analyzer.analyze(Article(id="t1", text=(
            "A masked man robbed a petrol station overnight and stabbed the cashier, "
            "police said. The cashier was taken to hospital.")))
        assert a.domain is not None
        assert a.domain_confidence is not None
        assert a.alert is None
        assert all(not s.political for s in a.signals if s.polarity == "escalation")
        d = a.to_dict()
        assert "domain" in d
        assert all("political" in s for s in d["signals"])

    def test_communal_militia_violence_alerts(self, analyzer: Analyzer) -> None:
        """Herder attacks on farming villages are political violence (ACLED codes
        them as communal militia violence), not individual crime."""
        a = analyzer.analyze(Article(id="t-herd", text=(
            "Seven villagers are killed in an attack by armed herders in the north.")))
        assert a.alert is not None
        quiet = analyzer.analyze(Article(id="t-herd2", text=(
            "Herders moved their cattle south for the dry season.")))
        assert quiet.alert is None

    def test_state_violence_still_alerts(self, analyzer: Analyzer) -> None:
        a = analyzer.analyze(Article(id="t2", text=(
            "Russian forces launched missile strikes on Kharkiv overnight, killing "
            "twelve civilians, Ukrainian officials said.")))
        assert a.alert is not None
        assert any(s.political for s in a.signals)

    def test_a_conviction_or_lawsuit_between_private_parties_does_not_count(
            self, analyzer: Analyzer) -> None:
        """Courts try people and firms sue each other every day: justice, not escalation."""
        for i, text in enumerate((
                "A jury in Ruritania convicted a hotel manager of fraud on Tuesday.",
                "A record label sued a file-sharing site for copyright infringement.")):
            a = analyzer.analyze(Article(id=f"law{i}", text=text))
            legal = [s for s in a.signals if s.rule == "disapprove.legal"]
            assert legal, text
            assert not any(s.political for s in legal)
            assert a.alert is None

    def test_suing_a_government_counts(self, analyzer: Analyzer) -> None:
        """A lawsuit against a head of government has a political target."""
        a = analyzer.analyze(Article(id="law9", text=(
            "Twenty states filed a lawsuit against President Donald Trump over the tariffs.")))
        assert any(s.rule == "disapprove.legal" and s.political for s in a.signals)

    def test_a_hedged_crime_is_no_accusation(self, analyzer: Analyzer) -> None:
        """"alleged money laundering" names a case; "Ruritania alleged that" accuses."""
        hedged = analyzer.analyze(Article(id="h1", text=(
            "Prosecutors in France opened a case against a bank for alleged money "
            "laundering.")))
        assert not any(s.trigger == "alleged" for s in hedged.signals)
        speech = analyzer.analyze(Article(id="h2", text=(
            "Russia alleged that Ukraine had broken the truce.")))
        assert any(s.trigger == "alleged" and s.political for s in speech.signals)


    @pytest.mark.parametrize(("topic_text", "news_text"), [
        # "since the 2022 invasion": a determiner and a year date the war.
        ("German exports to Russia have fallen by half since the 2022 invasion of Ukraine, "
         "the ministry said.",
         "Russia launched a full-scale invasion of Ukraine on Thursday, the ministry said."),
        # "since Russia's invasion": "since" and a possessive, not the possessive alone.
        ("Fuel prices reached their highest level since Russia's invasion of Ukraine, "
         "the agency said.",
         "Officials condemned Russia's invasion of Ukraine on Thursday."),
    ])
    def test_a_dated_war_is_the_topic_not_the_news(self, analyzer: Analyzer, topic_text: str,
                                                   news_text: str) -> None:
        """A war named as the time of a trend is its topic; the same war as an act is news."""
        topic = analyzer.analyze(Article(id="d1", text=topic_text))
        assert topic.alert is None
        assert not any(s.political for s in topic.signals)
        news = analyzer.analyze(Article(id="d2", text=news_text))
        assert any("invasion" in s.trigger and s.political for s in news.signals)


def test_domain_damping_stops_while_conflict_is_probable() -> None:
    rules = AgencyRules.from_rows([
        {"kind": "actor_types", "values": ["country"]},
        {"kind": "domains", "values": ["sport"], "max_political_score": 0.1},
    ])
    judge = AgencyJudge(rules, {})
    text = "Ruritania attacked the title holders."
    a = _actor(text, "Ruritania", "RUR", "country")
    sure = DomainResult("sport", 0.95, MappingProxyType({"sport": 0.95,
                                                         "politics_conflict": 0.05}))
    unsure = DomainResult("sport", 0.7, MappingProxyType({"sport": 0.7,
                                                          "politics_conflict": 0.3}))
    (damped,) = judge.judge(text, [_signal(text, "attacked", source="RUR")], [a], sure)
    (kept,) = judge.judge(text, [_signal(text, "attacked", source="RUR")], [a], unsure)
    assert not damped.political
    assert kept.political


CRIME = AgencyJudge(AgencyRules.from_rows([
    {"kind": "actor_types", "values": ["country", "government"]},
    {"kind": "sectors", "values": ["MIL", "CRM", "UAF"], "weak": ["COP"]},
    {"kind": "organised_crime", "sectors": ["CRM"], "types": ["ASSAULT"],
     "exempt_rules": ["sanction.designate"], "state_words": ["soldiers", "police"]},
]), {})


class TestOrganisedCrime:
    """Gang and cartel violence is crime unless a state force or political actor takes part."""

    def _one(self, text: str, trigger: str, actors: list[Actor],
             rule: str = "assault.violence") -> Signal:
        (out,) = CRIME.judge(text, [_signal(text, trigger, rule=rule)], actors)
        return out

    def test_gang_violence_alone_is_crime(self) -> None:
        """A gang clash with only a country as its place is not political."""
        text = "Rival gangs attacked each other in a Ruritania jail."
        out = self._one(text, "attacked", [_actor(text, "gangs", "agent:CRM", "organisation"),
                                           _actor(text, "Ruritania", "RUR", "country")])
        assert (out.political, out.political_reason) == (False, "organised crime, no state force")

    def test_a_state_force_word_lifts_the_rule(self) -> None:
        """Cartel gunmen attacking soldiers stays political escalation."""
        text = "Cartel gunmen attacked soldiers near the border."
        out = self._one(text, "attacked", [_actor(text, "Cartel", "agent:CRM", "organisation")])
        assert out.political_reason != "organised crime, no state force"

    def test_a_strong_political_actor_lifts_the_rule(self) -> None:
        """A government named beside the gang makes it no longer plain crime."""
        text = "The Ruritanian government said gangs attacked its offices."
        actors = [_actor(text, "Ruritanian government", "RUR-GOV", "government"),
                  _actor(text, "gangs", "agent:CRM", "organisation")]
        assert self._one(text, "attacked", actors).political_reason != (
            "organised crime, no state force")

    def test_exempt_rules_and_other_sentences_are_left_alone(self) -> None:
        """A designation rule is exempt, and a gang in another sentence does not count."""
        text = "Gangs attacked a bus."
        gang = _actor(text, "Gangs", "agent:CRM", "organisation")
        assert self._one(text, "attacked", [gang], rule="sanction.designate").political_reason != (
            "organised crime, no state force")
        other = "A mob attacked a bus. Gangs were blamed."
        first = dataclasses.replace(_signal(other, "attacked"), sentence=other[:21],
                                    sentence_end=21)
        (out,) = CRIME.judge(other, [first], [_actor(other, "Gangs", "agent:CRM",
                                                     "organisation")])
        assert out.political_reason != "organised crime, no state force"


DYADIC = AgencyJudge(AgencyRules.from_rows([
    {"kind": "actor_types", "values": ["country"]},
    {"kind": "sectors", "values": ["GOV"]},
    {"kind": "titles", "values": ["minister"]},
    {"kind": "dyadic", "types": ["DEMAND", "REJECT"], "state_sectors": ["GOV"]},
]), {})


class TestDyadicVerbalActs:
    """A demand or rejection is an event only when it is addressed to someone."""

    def _one(self, kind: str, target: str | None, source: str = "minister-x") -> Signal:
        text = "The minister calls for talks with Osterlich."
        sig = dataclasses.replace(_signal(text, "calls for", source=source, target=target),
                                  type=kind)
        actors = [_actor(text, "minister", "minister-x", "person", role="minister"),
                  _actor(text, "Osterlich", "OST", "country")]
        (out,) = DYADIC.judge(text, [sig], actors)
        return out

    def test_a_demand_with_no_target_names_a_stance(self) -> None:
        """With no target found the demand stays in the analysis, not political."""
        out = self._one("DEMAND", None)
        assert (out.political, out.political_reason) == (False, "verbal act with no target")

    def test_a_state_acts_toward_others_unnamed(self) -> None:
        """A state's rejection counts without a target ("Ruritania rejected the proposal")."""
        assert self._one("REJECT", None, source="OST").political
        reason = "verbal act with no target"
        assert self._one("REJECT", None, source="agent:GOV").political_reason != reason
        assert self._one("REJECT", None, source="agent:CVL").political_reason == reason

    def test_a_demand_on_another_state_counts(self) -> None:
        """A target found keeps the demand political."""
        assert self._one("DEMAND", "OST").political

    def test_other_types_need_no_target(self) -> None:
        """Types outside the row are judged as before, target or not."""
        assert self._one("ASSAULT", None).political


TRADE = AgencyJudge(AgencyRules.from_rows([
    {"kind": "actor_types", "values": ["country"], "place_words": ["from", "in"],
     "private_nouns": ["airlines", "tourists"]},
    {"kind": "titles", "values": ["President"]},
    {"kind": "domains", "values": ["business"], "min_confidence": 0.5},
    {"kind": "state_targets", "types": ["SANCTION"]},
]), {}, ["Ruritanian", "Osterlich"])


class TestTradeAndNationality:
    """Tariffs name the state of the goods they strike; a demonym before a private
    noun names no state."""

    def _sanction(self, text: str, kind: str = "SANCTION") -> Signal:
        sig = dataclasses.replace(_signal(text, "tariffs", source="RUR", target="OST"),
                                  type=kind)
        actors = [_actor(text, "Ruritania", "RUR", "country"),
                  _actor(text, "Osterlich", "OST", "country")]
        (out,) = TRADE.judge(text, [sig], actors, _domain("business", 0.9))
        return out

    def test_a_tariff_on_goods_from_a_state_is_interstate(self) -> None:
        """'goods imported from X' makes X the sanctioned state, past domain damping."""
        text = "Ruritania imposes tariffs on goods imported from Osterlich."
        assert self._sanction(text).political

    def test_other_types_keep_the_place_reading(self) -> None:
        """An attack on people 'from' a country keeps it a place, damped in business news."""
        out = self._sanction("Ruritania tariffs hit workers from Osterlich.", kind="ASSAULT")
        assert not out.political

    def test_a_demonym_before_a_private_noun_is_no_state(self) -> None:
        """'Ruritanian airlines' are companies: no political actor."""
        text = "Ruritanian airlines attacked the plan."
        out = TRADE.judge(text, [_signal(text, "attacked", source="RUR")],
                          [_actor(text, "Ruritanian", "RUR", "country")])[0]
        assert (out.political, out.political_reason) == (False, "no political actor")
        text = "Ruritanian troops attacked the post."
        out = TRADE.judge(text, [_signal(text, "attacked", source="RUR")],
                          [_actor(text, "Ruritanian", "RUR", "country")])[0]
        assert out.political


class TestBombsAndArmedMen:
    """Explosive attacks and unidentified armed men are political violence whoever is named."""

    def test_a_roadside_bomb_with_no_group_named_is_political(self, analyzer: Analyzer) -> None:
        """ACLED's remote-explosive events need no named perpetrator."""
        a = analyzer.analyze(Article(id="b1", text=(
            "A roadside bomb killed four people in southern Afghanistan on Monday.")))
        assert a.alert is not None
        assert any(s.trigger == "killed" and s.political for s in a.signals)

    def test_armed_men_and_bandits_are_an_armed_group(self, analyzer: Analyzer) -> None:
        """"Armed men" and "bandits" act as unidentified armed forces (UAF)."""
        for text in ("Bandits killed ten people in a raid on a farming village.",
                     "Armed men killed three people on the highway, police said."):
            a = analyzer.analyze(Article(id="b2", text=text))
            assert any(s.source == "agent:UAF" for s in a.signals), text


class TestSidesOfAnAct:
    """"<act> between A and B" names both sides of fighting, talks or an agreement."""

    def test_clashes_between_two_named_sides(self, analyzer: Analyzer) -> None:
        a = analyzer.analyze(Article(id="s1", text=(
            "Heavy fighting broke out between the army and rebels near the border.")))
        fight = next(s for s in a.signals if s.type == "FIGHT")
        assert (fight.source, fight.target) == ("agent:MIL", "agent:REB")

    def test_a_side_named_by_a_demonym_and_a_group_is_the_group(
            self, analyzer: Analyzer) -> None:
        a = analyzer.analyze(Article(id="s2", text=(
            "Clashes between Syrian Hay'at Tahrir al-Sham and Lebanese clans left four "
            "dead.")))
        fight = next(s for s in a.signals if s.type == "FIGHT")
        assert fight.source == "HTS"

    def test_years_are_no_sides_and_flights_between_states_name_none(
            self, analyzer: Analyzer) -> None:
        """"between 2020 and 2022" names no actors; a suspension of flights between two
        states is not an act of two sides."""
        a = analyzer.analyze(Article(id="s3", text=(
            "The airline suspended flights between France and Cuba until June.")))
        assert all((s.source, s.target) != ("FRA", "CUB") for s in a.signals)


def test_ambushes_make_killings_political_without_a_named_side(analyzer: Analyzer) -> None:
    """"ambushes" is an event word in the plural too, as "ambush" is."""
    a = analyzer.analyze(Article(id="am1", text=(
        "At least twelve people are killed in a series of ambushes in the mountains, "
        "local officials say.")))
    assert any(s.trigger == "killed" and s.political for s in a.signals)


def _violent(analyzer: Analyzer, ident: str, text: str,
             types: tuple[str, ...] = ("ASSAULT", "FIGHT")) -> list[Signal]:
    """The signals of ``types`` in the analysis of ``text``."""
    return [s for s in analyzer.analyze(Article(id=ident, text=text)).signals
            if s.type in types]


def test_counts_and_a_role_in_are_the_charge_of_a_proceeding(analyzer: Analyzer) -> None:
    """"with two counts of murder" and "for their roles in the massacre" name what
    a court or prosecutor deals with, not violence reported now, however far the
    verb ("charges", "sentences") stands before them."""
    for i, text in enumerate((
            "Prosecutors in Ruritania charge a former army colonel from the "
            "presidential guard with two counts of murder and one of torture.",
            "A military court sentences the rebel commander and four of his deputies "
            "to long prison terms for their roles in the massacre of villagers.")):
        violent = _violent(analyzer, f"court{i}", text)
        assert violent, text
        assert all(not s.political and "legal proceeding" in (s.political_reason or "")
                   for s in violent), text
    fresh = analyzer.analyze(Article(id="court9", text=(
        "Rebels killed two soldiers in an attack on an army post, and the army "
        "played a role in the counter-attack that followed.")))
    assert fresh.alert is not None


def test_a_relative_clause_of_a_framed_event_shares_its_frame(analyzer: Analyzer) -> None:
    """The deaths a background or charged event caused ("the 2015 bombing,
    which killed 20 and injured 120") are that event's, not news of their own;
    a relative clause of news keeps its agency."""
    for i, text in enumerate((
            "Egypt's criminal court sentences two men to life in prison for the 2017 "
            "bombing of a church in the city of Tanta, which killed 28 people and injured 77.",
            "The Interior Ministry of Kenya bans the sale of fertiliser in three counties, "
            "following the 2019 bombing of a hotel in the capital that killed 21 people.")):
        violent = _violent(analyzer, f"rel{i}", text, ("ASSAULT",))
        assert len(violent) >= 2, text
        assert all(not s.political for s in violent), [
            (s.trigger, s.political_reason) for s in violent]
    news = analyzer.analyze(Article(id="rel9", text=(
        "Rebels attacked an army post near the border, which killed four soldiers "
        "and injured nine.")))
    assert all(s.political for s in news.signals if s.type == "ASSAULT")
    assert news.alert is not None


def test_violence_against_civil_society_is_political(analyzer: Analyzer) -> None:
    """An activist or a journalist killed is political violence, also when the
    person is named right after the word ("political activist Jane Doe"); a
    plural or an organisation before a name describes nobody."""
    a = analyzer.analyze(Article(id="civic1", text=(
        "Political activist Jana Novak is shot dead at a rally in the city of Brno.")))
    assert any(s.type == "ASSAULT" and s.political for s in a.signals), [
        (s.trigger, s.political_reason) for s in a.signals]
    told = analyzer.analyze(Article(id="civic9", text=(
        "The governor told local media Jana Novak was shot dead in a robbery at her shop.")))
    assert not any(s.type == "ASSAULT" and s.political and s.target == "person:jana-novak"
                   for s in told.signals)


def test_a_reference_or_an_anniversary_is_the_setting(analyzer: Analyzer) -> None:
    """"files related to the assassinations", "arrested in connection with the
    shooting", "the anniversary of the invasion": the act is what the news is
    about, not news of it."""
    for i, text in enumerate((
            "The President of Ruritania orders the release of files related to the "
            "assassinations of two senators.",
            "Police in the capital arrest four men in connection with the shooting of a judge.",
            "Thousands march in Kyiv to mark the third anniversary of the Russian invasion.")):
        violent = _violent(analyzer, f"ref{i}", text)
        assert violent, text
        assert all(not s.political for s in violent), [
            (s.trigger, s.political_reason) for s in violent]
