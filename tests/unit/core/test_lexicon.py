"""The lexicon: row validation, inflection and the packaged rows."""

from __future__ import annotations

from typing import Any

import pytest

from streams.core.knowledge import KnowledgeBase
from streams.core.lexicon import (
    Lexicon,
    LexiconError,
    boundary_text,
    inflect,
    lower_keep_length,
    token_forms,
)
from streams.core.signals import SignalDetector, find_matches
from streams.knowledge.loader import read_rows
from tests.unit.core.packaged import modality_rows, sentences, vocabulary_rows

PACKAGED = SignalDetector(KnowledgeBase.from_rows(
    countries=[], organisations=[], persons=[], titles=[],
    signals=read_rows("signals"), modality=modality_rows(), **vocabulary_rows()))


def first(text: str) -> tuple[str, str, str] | None:
    """Return (type, polarity, modality) of the first packaged signal in ``text``."""
    sigs = PACKAGED.detect(text, sentences(text), (), None)
    return (sigs[0].type, sigs[0].polarity, sigs[0].modality) if sigs else None


GOOD = {"id": "x", "type": "ASSAULT", "polarity": "escalation", "severity": -9,
        "patterns": ["<attack>"]}


class TestValidation:
    def test_empty_lexicon_is_valid(self) -> None:
        """No rows make an empty lexicon without an automaton."""
        lexicon = Lexicon.from_rows([], [])
        assert lexicon.rules == ()
        assert lexicon.automaton is None

    @pytest.mark.parametrize(
        ("change", "message"),
        [
            ({"polarity": "up"}, "polarity"),
            ({"severity": 5}, "severity"),
            ({"severity": "high"}, "severity"),
            ({"type": "assault"}, "type"),
            ({"patterns": []}, "patterns"),
            ({"patterns": ["... attack"]}, "must start"),
            ({"patterns": ["attack ...x troops"]}, "bad gap"),
        ],
    )
    def test_bad_row_names_its_id(self, change: dict[str, Any], message: str) -> None:
        """A malformed row raises LexiconError naming the row id."""
        with pytest.raises(LexiconError, match=message) as info:
            Lexicon.from_rows([{**GOOD, **change}], [])
        assert str(info.value).startswith("x:")

    def test_duplicate_id_rejected(self) -> None:
        """Two rows with one id are an error."""
        with pytest.raises(LexiconError, match="duplicate"):
            Lexicon.from_rows([GOOD, GOOD], [])

    def test_bad_modality_row(self) -> None:
        """A modality row with an unknown modality names its id."""
        with pytest.raises(LexiconError, match=r"^m1:"):
            Lexicon.from_rows([], [{"id": "m1", "modality": "maybe", "cues": ["may"]}])

    def test_lexicon_error_is_value_error(self) -> None:
        """The loader catches lexicon errors as ValueError."""
        assert issubclass(LexiconError, ValueError)


class TestInflection:
    def test_regular_verb(self) -> None:
        """A regular verb gets its -s, -ed and -ing forms."""
        assert {"deploy", "deploys", "deployed", "deploying"} <= inflect("deploy")

    def test_silent_e_and_doubling(self) -> None:
        """Silent e drops before -ing; a final consonant doubles after a short vowel."""
        assert {"seized", "seizing"} <= inflect("seize")
        assert {"banned", "banning"} <= inflect("ban")

    def test_british_and_american(self) -> None:
        """-ise and -ize spellings both match."""
        assert {"mobilised", "mobilized", "mobilising", "mobilizing"} <= inflect("mobilise")
        assert {"criticize", "criticise"} <= token_forms("<criticize>")

    def test_noun_slots_take_no_verb_forms(self) -> None:
        """``<x:n>`` is singular and plural only: a unit is not "United", a force not
        "forced", a tank not "tanked"; ``<x>`` keeps every form."""
        assert token_forms("<unit:n>") == {"unit", "units"}
        assert token_forms("<force:n>|<tank:n>") == {"force", "forces", "tank", "tanks"}
        assert {"missiles", "batteries", "marches"} <= (
            token_forms("<missile:n>") | token_forms("<battery:n>") | token_forms("<march:n>"))
        assert "united" in token_forms("<unit>")

    def test_curly_apostrophe(self) -> None:
        """A cue with an apostrophe also matches the typographic one."""
        assert "didn\u2019t" in token_forms("didn't")

    def test_lowering_keeps_length(self) -> None:
        """Lower-casing never changes offsets."""
        assert len(lower_keep_length("İSTANBUL")) == len("İSTANBUL")


class TestPackagedLexicon:
    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("The ministry said it had deployed additional troops near the border.",
             ("MOBILIZE", "escalation", "asserted")),
            ("The air force was put on high alert.", ("MOBILIZE", "escalation", "asserted")),
            ("The government imposed sanctions on the bank.",
             ("SANCTION", "escalation", "asserted")),
            ("Police arrested dozens of demonstrators.", ("COERCE", "escalation", "asserted")),
            ("The foreign minister condemned the decision.",
             ("DISAPPROVE", "escalation", "asserted")),
            ("The two governments agreed to a ceasefire.",
             ("AGREE", "de-escalation", "asserted")),
            ("The leaders held talks in the capital.", ("CONSULT", "de-escalation", "asserted")),
            ("The army began withdrawing from the region.",
             ("RETREAT", "de-escalation", "asserted")),
            ("The authorities lifted the curfew.", ("CONCEDE", "de-escalation", "asserted")),
            ("The donors delivered humanitarian aid to the region.",
             ("AID", "de-escalation", "asserted")),
            ("The government supplied ammunition and tanks to the army.",
             ("AID", "escalation", "asserted")),
        ],
    )
    def test_common_statements(self, text: str, expected: tuple[str, str, str]) -> None:
        """Common news statements map to their PLOVER type."""
        assert first(text) == expected

    @pytest.mark.parametrize(
        "text",
        [
            "The company launched a new product line this spring.",
            "The club fired its coach after the defeat.",
            "Engineers deployed the update to every server.",
            "The striker's attack down the left won the match.",
        ],
    )
    def test_other_senses_do_not_fire(self, text: str) -> None:
        """Business, sports and software senses of trigger words are not signals."""
        assert first(text) is None

    def test_avoid_provoking_is_never_escalation(self) -> None:
        """"careful to avoid provoking" gives only de-escalation signals."""
        text = "The government has been careful to avoid provoking its neighbour."
        sigs = PACKAGED.detect(text, sentences(text), (), None)
        assert sigs
        assert all(s.polarity == "de-escalation" for s in sigs)

    def test_stated_intent_to_blockade_is_threat(self) -> None:
        """A stated intent to take a conflict action is coded THREATEN (PLOVER)."""
        assert first("The farmers said they would blockade the port.") == (
            "THREATEN", "escalation", "hypothetical")


def all_signals(text: str) -> list[tuple[str, str, str]]:
    """Return (type, trigger, modality) of every packaged signal in ``text``."""
    return [(s.type, s.trigger, s.modality)
            for s in PACKAGED.detect(text, sentences(text), (), None)]


def rules_of(text: str) -> list[str]:
    """Return the lexicon rule of every packaged signal in ``text``, in text order."""
    return [s.rule for s in PACKAGED.detect(text, sentences(text), (), None)]


def types_of(text: str) -> list[str]:
    """Return the type of every packaged signal in ``text``, in text order."""
    return [k for k, _, _ in all_signals(text)]


class TestCameoCategories:
    @pytest.mark.parametrize(
        ("text", "kind"),
        [
            ("The court extradited the suspect to France.", "COOPERATE"),
            ("The two agencies shared evidence about the network.", "COOPERATE"),
            ("Gunmen kidnapped three engineers near the pipeline.", "ASSAULT"),
            ("Guards beat up several inmates.", "ASSAULT"),
            ("Warplanes killed nine people in the northern district.", "FIGHT"),
            ("Two soldiers were killed in a gunbattle near the border.", "FIGHT"),
            ("The rebels captured the provincial capital after a siege.", "FIGHT"),
            ("The army mounted a fresh offensive in the south.", "FIGHT"),
            ("Bulldozers demolished a row of houses.", "COERCE"),
            ("The interior ministry outlawed the opposition movement.", "COERCE"),
            ("The government expelled the monitoring mission.", "SANCTION"),
            ("The country announced a suspension of flights to the region.", "SANCTION"),
            ("The militia declared a unilateral truce.", "RETREAT"),
            ("The navy lifted its blockade of the port.", "RETREAT"),
            ("The regional bloc sent peacekeepers to the border area.", "AID"),
            ("The island republic established diplomatic ties with its neighbour.", "SUPPORT"),
            ("The businessman is suing the state ministry for damages.", "DISAPPROVE"),
            ("The embassy lodged a formal protest with the host government.", "DISAPPROVE"),
            ("The police were put on alert and began extra patrols.", "MOBILIZE"),
            ("The army strengthened its forces along the frontier.", "MOBILIZE"),
        ],
    )
    def test_first_signal_type(self, text: str, kind: str) -> None:
        """Verbs of a CAMEO/PLOVER dictionary give their category as the first signal."""
        got = first(text)
        assert got is not None, text
        assert got[0] == kind

    def test_labour_strike_is_protest_not_assault(self) -> None:
        """A strike with a duration or scope ("four-day strike") is a labour action."""
        assert all(t != "ASSAULT" for t, _, _ in all_signals(
            "Dockers began a three-day strike over pay."))

    def test_a_strike_in_a_labour_dispute_is_no_assault(self) -> None:
        """A sentence of a labour dispute (arbitration, a trade union, cabin crew) makes
        "strike" a labour action even far from the worker noun; without those words a
        strike on a target stays military."""
        for text in ("Cabin crew at the carrier kept up their strike despite binding "
                     "arbitration ordered by the labour ministry.",
                     "The trade union said the strike at the port would go on."):
            assert all(t != "ASSAULT" for t, _, _ in all_signals(text)), text
        assert any(t in ("ASSAULT", "FIGHT") for t, _, _ in all_signals(
            "The air force carried out a strike on a depot near the port."))

    def test_deaths_in_a_collapse_or_overturned_vehicle_are_no_assault(self) -> None:
        """A collapse or an overturned vehicle named in the sentence makes the deaths an
        accident; an attack in the same sentence is still read."""
        for text in ("A mine collapsed in the north, killing five workers.",
                     "A minibus overturned on the highway, killing seven passengers."):
            assert all(t != "ASSAULT" for t, _, _ in all_signals(text)), text
        assert any(t in ("ASSAULT", "FIGHT") for t, _, _ in all_signals(
            "The house collapsed after an airstrike, killing ten people."))

    def test_accidental_explosion_is_no_attack(self) -> None:
        """An explosion with no sign of a weapon or victims is not an assault."""
        assert first("An explosion at the chemical plant lit up the night sky.") is None

    def test_bomb_explosion_is_attack(self) -> None:
        """An explosion with a weapon nearby is an assault."""
        assert first("A car bomb explosion shook the market.") == (
            "ASSAULT", "escalation", "asserted")


class TestThreatNoun:
    def test_generic_threats_are_no_event(self) -> None:
        """"in the face of potential threats" names no threat anybody made."""
        assert all_signals("This would strengthen its position in the face of potential "
                           "threats.") == []

    def test_security_threat_is_no_event(self) -> None:
        """A threat assessment ("security threats") is not a THREATEN event."""
        assert all_signals("Ministers discussed emerging security threats.") == [
            ("CONSULT", "discussed", "asserted")]

    def test_made_threat_is_threaten(self) -> None:
        """A threat someone makes ("threats against the envoy") stays THREATEN."""
        assert first("The group issued threats against the envoy.") == (
            "THREATEN", "escalation", "asserted")


class TestBackground:
    def test_a_setting_trigger_stays_beside_the_main_one(self) -> None:
        """"Amid heavy fighting, X withdrew": both are signals; the agency step, not
        the lexicon, judges the setting phrase."""
        assert types_of(
            "Amid heavy fighting, the army withdrew from the town.") == ["FIGHT", "RETREAT"]

    def test_a_cause_after_following_is_kept(self) -> None:
        """"killed following a drone strike": the strike is the news, not a setting."""
        kinds = types_of(
            "A soldier is killed and four wounded following a drone strike on the base.")
        assert kinds.count("ASSAULT") >= 2
        assert "drone strike" in [trigger for _, trigger, _ in all_signals(
            "A soldier is killed and four wounded following a drone strike on the base.")]

    def test_lone_background_trigger_is_kept(self) -> None:
        """A sentence with only a background trigger keeps it."""
        assert first("Prices rose sharply after the attack.") == (
            "ASSAULT", "escalation", "asserted")

    def test_modifier_prefix_makes_a_trigger_a_modifier(self) -> None:
        """"anti-war rally", "post-war order": the hyphenated trigger is no act."""
        assert types_of(
            "Thousands joined an anti-war rally in the capital.") == ["PROTEST"]
        assert types_of(
            "Historians discussed the post-war order.") == ["CONSULT"]

    def test_counter_policy_is_an_idiom(self) -> None:
        """"counter-terrorism law" names a policy, not an act of terrorism."""
        assert types_of(
            "The parliament passed a counter-terrorism law.") == []

    def test_equipment_named_after_an_act_is_no_act(self) -> None:
        """"assault rifle", "attack submarine", "strike group", "bomb squad": the
        trigger names equipment or a unit; the act next to it is still read."""
        for text in ("Police found an assault rifle and two pistols in the car.",
                     "The navy ordered two attack submarines and an assault ship.",
                     "A carrier strike group sailed into the Gulf on Monday.",
                     "The bomb squad was called to the station.",
                     "The drone could serve assault or reconnaissance purposes."):
            assert types_of(text) == [], text
        assert "ASSAULT" in types_of("Troops attacked the village with attack helicopters.")
        assert types_of("Rebels launched an assault on the town.") == ["FIGHT"]

    def test_fighting_a_social_ill_is_a_policy(self) -> None:
        """"combats violence against women", "fighting trafficking": a policy, no battle."""
        for text in ("The treaty combats violence against women and domestic violence.",
                     "The new agency is fighting human trafficking in the region."):
            assert escalations(text) == [], text

    def test_a_quarantine_measure_is_no_sanction(self) -> None:
        """Closing a border or suspending imports against an outbreak is health policy;
        the same acts between quarrelling states are sanctions."""
        for text in ("The country closes its border and imposes quarantine after the outbreak.",
                     "The kingdom suspends the import of meat to stop foot-and-mouth disease."):
            assert "SANCTION" not in types_of(text), text
        assert "SANCTION" in types_of("The country closes its border with its neighbour.")

    def test_an_animal_attack_is_no_act(self) -> None:
        """"bear attacks", "mauled by a dog": an animal is no party to a conflict;
        a person's attack next to an animal word is still read."""
        for text in ("Officials counted more than 50 bear attacks since April.",
                     "A hiker was killed by a grizzly bear near the lake.",
                     "Two surfers were attacked by sharks off the coast."):
            assert types_of(text) == [], text
        assert types_of("Rebels attacked the post while dogs barked nearby.") == ["ASSAULT"]

    def test_counter_act_is_the_act(self) -> None:
        """A counter-attack is an attack, a counter-protest a protest."""
        assert first("The army launched a counter-offensive.") == (
            "FIGHT", "escalation", "asserted")
        assert first("Hundreds joined counter-protests downtown.")[0] == "PROTEST"

    def test_long_threatened_invasion_is_invasion(self) -> None:
        """A hyphenated participle ("long-threatened") modifies the noun after it."""
        assert first("The army mounted its long-threatened invasion.") == (
            "FIGHT", "escalation", "asserted")


class TestHaltAndIntent:
    def test_suspended_talks_reduce_relations(self) -> None:
        """Ending cooperation ("suspended talks") is a SANCTION, not a refusal."""
        assert first("The government suspended peace talks with the rebels.") == (
            "SANCTION", "escalation", "asserted")

    def test_called_off_strike_is_concession(self) -> None:
        """Ending an escalation ("called off the strike") is a concession."""
        assert first("The union called off the strike.") == (
            "CONCEDE", "de-escalation", "asserted")

    def test_conditional_intent_keeps_intent(self) -> None:
        """"will withdraw ... unless" is a conditional statement of intent: a threat."""
        assert first("The government said it will withdraw its monitors unless the "
                     "shelling stops.") == ("THREATEN", "escalation", "conditional")

    def test_time_marker_is_not_intent(self) -> None:
        """"an upcoming summit" is future, not a pledge: it stays CONSULT."""
        assert first("Leaders prepared for an upcoming summit.") == (
            "CONSULT", "de-escalation", "future")

    def test_nominal_cooperation_weighs_less(self) -> None:
        """A cooperation noun in a list of measures takes the nominal discount."""
        text = "The measures include intelligence sharing and joint training."
        sigs = PACKAGED.detect(text, sentences(text), (), None)
        assert [s.type for s in sigs] == ["COOPERATE", "COOPERATE"]
        assert all(s.severity == 2.5 and s.base_severity == 5.0 for s in sigs)


def escalations(text: str) -> list[tuple[str, str]]:
    """Return (type, modality) of every packaged escalation signal with a nonzero severity."""
    return [(s.type, s.modality) for s in PACKAGED.detect(text, sentences(text), (), None)
            if s.polarity == "escalation" and s.severity < 0]


class TestSpeechActs:
    @pytest.mark.parametrize(
        ("text", "kind"),
        [
            ("The junta threatened to take military action if the exercises go ahead.",
             "THREATEN"),
            ("The minister warned of retaliation if the border was crossed.", "THREATEN"),
            ("The rebels vowed to retaliate if the village was shelled again.", "THREATEN"),
            ("The envoy urged both sides to talk if the truce held.", "DEMAND"),
            ("The opposition demanded new elections if the count was disputed.", "DEMAND"),
        ],
    )
    def test_speech_act_with_conditional_content_is_asserted(self, text: str, kind: str) -> None:
        """A threat, warning, vow or demand was made even when its content is conditional."""
        assert (kind, "asserted") in escalations(text)

    def test_offer_with_conditional_content_is_asserted(self) -> None:
        """An offer is asserted even when what is offered depends on a condition."""
        assert first("The president offered to hold talks if the shelling stopped.") == (
            "AGREE", "de-escalation", "asserted")

    def test_conditioned_trigger_stays_conditional(self) -> None:
        """A material act under a trailing if-clause stays conditional."""
        assert first("The allies may deploy troops to the region if the talks fail.") == (
            "MOBILIZE", "escalation", "conditional")

    def test_preceding_modal_still_governs_speech_act(self) -> None:
        """A speech act that is itself only possible keeps its modality."""
        assert escalations("The union may demand a pay rise.") == [("DEMAND", "hypothetical")]

    def test_if_clause_is_not_reached_by_main_clause_intent(self) -> None:
        """A trigger inside an if-clause is not governed by the main clause's "would"."""
        sigs = PACKAGED.detect(
            "The state said it would retaliate if its ships were attacked.",
            sentences("The state said it would retaliate if its ships were attacked."),
            (), None)
        attacked = [s for s in sigs if s.trigger == "attacked"]
        assert attacked
        assert attacked[0].type == "ASSAULT"
        assert attacked[0].modality == "conditional"


class TestDenial:
    @pytest.mark.parametrize(
        "text",
        [
            "The government denied that it plans to send soldiers to the border.",
            "The ministry rejected reports that troops were massing near the frontier.",
            "Officials dismissed claims of an attack on the convoy.",
            "There are no plans to impose sanctions on the neighbouring state.",
            "The government has no intention of invading its neighbour.",
            "The chancellor ruled out sending troops abroad.",
            "The army denied shelling the village.",
        ],
    )
    def test_denied_event_has_no_weight(self, text: str) -> None:
        """A denied or disclaimed event is negated and the denial itself is no escalation."""
        assert escalations(text) == []

    def test_denied_event_is_reported_as_negated(self) -> None:
        """The embedded event stays visible as negated evidence."""
        assert all_signals("The government denied that it plans to send soldiers abroad.") == [
            ("MOBILIZE", "send soldiers", "negated")]

    def test_denied_cooperation_is_not_a_refusal(self) -> None:
        """Denying that talks took place is not a REJECT."""
        assert types_of("The palace denied that talks had taken place.") == ["CONSULT"]

    def test_rejecting_a_proposal_is_still_reject(self) -> None:
        """REJECT stays for rejecting proposals, demands and offers."""
        assert first("The government rejected the proposal.") == (
            "REJECT", "escalation", "asserted")

    def test_complement_ends_at_a_new_clause(self) -> None:
        """A denial does not reach past ", but" into another statement."""
        kinds = escalations("The army denied the report, but then it bombed the town.")
        assert ("ASSAULT", "asserted") in kinds


class TestSenseDomains:
    @pytest.mark.parametrize(
        "text",
        [
            "The company launched an attack on rivals' pricing.",
            "The two supermarkets are locked in a price war.",
            "The carmakers are in a fierce battle for market share.",
            "The club is fighting for the title this season.",
            "The striker attacked down the left wing.",
            "The home side crushed their opponents in the second half.",
            "The city declared a war on drugs.",
            "The mayor fought back tears at the ceremony.",
            "The sequel was a bomb at the box office.",
            "The singer shot to fame after one song.",
            "Messaging became the killer app of the decade.",
        ],
    )
    def test_non_military_sense_gives_no_escalation(self, text: str) -> None:
        """Business, sport and entertainment uses of conflict words are not events."""
        assert escalations(text) == []

    def test_trade_war_stays_sanction(self) -> None:
        """A trade war between states is economic coercion (SANCTION)."""
        assert first("The trade war between the two powers deepened.") == (
            "SANCTION", "escalation", "asserted")

    def test_a_domain_word_inside_a_name_is_no_evidence(self) -> None:
        """"bank" is business evidence, "the West Bank" a place: a near cue
        capitalised inside the sentence is part of a name."""
        assert escalations("Settlers in the West Bank shoot and injure five Palestinians.")
        assert escalations("The bank launched an attack on its rival's market share.") == []

    def test_forces_entering_a_town_and_eliminating_members(self) -> None:
        """Troops entering a town are an advance; forces "eliminating members of"
        a group kill them; tourists entering a city do nothing."""
        assert "FIGHT" in types_of("Russian forces enter the city of Pokrovsk for the first time.")
        assert "ASSAULT" in types_of("The army eliminated several members of the group.")
        assert types_of("Tourists enter the city of Rome every day.") == []

    def test_an_accident_is_no_attack(self) -> None:
        """Deaths in a crash, an accident, a training exercise or from unexploded
        ordnance are accident news; an airstrike that hits the wrong place is
        still an airstrike, and a main battle tank is equipment."""
        for text in ("A fighter jet crashes in the west of the country, killing the pilot.",
                     "Two soldiers are killed when unexploded ordnance detonated near the base.",
                     "A soldier is killed in an accident during a training exercise.",
                     "The army bought forty main battle tanks."):
            assert escalations(text) == [], text
        assert "FIGHT" in types_of(
            "An air force airstrike accidentally hits a market instead of the militants.")
        assert "FIGHT" in types_of(
            "A fighter jet crashes while repelling a Russian airstrike, killing the pilot.")

    def test_an_arrest_and_a_blockade_keep_their_sense_in_any_domain(self) -> None:
        """An arrest in a sport story is still an arrest, and a blockade in a
        story about fuel shipments still a blockade: these words have no
        sport or business sense, so the agency step, not the sense step,
        decides whether they are political."""
        assert first("The tennis player was arrested after the match in the league final.") == (
            "COERCE", "escalation", "asserted")
        assert first("Fuel deliveries stalled due to the blockade affecting oil shipments "
                     "to the company's refinery.") == ("COERCE", "escalation", "asserted")

    @pytest.mark.parametrize(
        "text",
        [
            "Militants attacked a football stadium, killing twelve people.",
            "Gunmen attacked the company's offices in the capital.",
            "Troops launched an attack on the rebel-held town.",
        ],
    )
    def test_military_evidence_keeps_literal_sense(self, text: str) -> None:
        """Military words in the sentence outweigh sport or business vocabulary."""
        assert any(k in ("ASSAULT", "FIGHT") for k, _ in escalations(text))


class TestEvaluativeAdjectives:
    def test_adjective_inside_condemnation_is_not_a_threat(self) -> None:
        """ "condemned the drills as provocative" is one DISAPPROVE, not a THREATEN too."""
        assert [k for k, _ in escalations(
            "The government condemned the drills as provocative.")] == ["DISAPPROVE"]

    def test_later_clause_keeps_its_signals(self) -> None:
        """A real act after the disapproval is still found."""
        kinds = [k for k, _ in escalations(
            "The government condemned the drills as provocative and put its forces on alert.")]
        assert kinds == ["DISAPPROVE", "MOBILIZE"]

    def test_adjective_without_disapproval_is_kept(self) -> None:
        """Without a governing disapproval, a provocation is still a THREATEN."""
        assert first("The navy made a provocative move near the islands.") == (
            "THREATEN", "escalation", "asserted")


class TestSenseRows:
    def test_unknown_veto_domain_is_rejected(self) -> None:
        """A rule naming a domain no row defines is a malformed row."""
        with pytest.raises(LexiconError, match="unknown domains"):
            Lexicon.from_rows([{**GOOD, "veto_domains": ["sport"]}], [])

    def test_domain_row_needs_evidence(self) -> None:
        """A domain row with no cues, near words or agents is malformed."""
        with pytest.raises(LexiconError, match=r"domain\.x"):
            Lexicon.from_rows([], [{"id": "domain.x", "kind": "domain", "domain": "x"}])

    def test_boundary_text_keeps_offsets(self) -> None:
        """The scanned copy has non-word characters as spaces and one pad on each side."""
        text = "a\u2019b-c “d” é"
        scanned = boundary_text(text)
        assert len(scanned) == len(text) + 2
        assert scanned == " a b c  d  é "

    def test_keys_match_whole_words_only(self) -> None:
        """An anchor inside a longer word ("toward" holds "war") never fires."""
        lexicon = Lexicon.from_rows([{**GOOD, "patterns": ["war"]}], [])
        assert find_matches(lexicon, "we walked toward the award") == []
        assert [(m.start, m.end) for m in find_matches(lexicon, "a war-torn land")] == [(2, 5)]


class TestInterdictionAndStateCoercion:
    @pytest.mark.parametrize(
        ("text", "kind"),
        [
            ("The coast guard intercepted a cargo vessel off the island.", "COERCE"),
            ("Naval units stopped two tankers from leaving the gulf.", "COERCE"),
            ("The navy closed the strait to foreign shipping.", "COERCE"),
            ("The government closed its airspace to foreign aircraft.", "SANCTION"),
            ("The authorities cut the internet across the province.", "COERCE"),
            ("A nationwide internet blackout entered its third day.", "COERCE"),
            ("Guards barred the opposition leader from entering the chamber.", "COERCE"),
            ("The ministry revoked the visas of four officials.", "SANCTION"),
            ("Parliament voted to ban imports from the occupied region.", "SANCTION"),
            ("Washington designated the group as a terrorist organisation.", "SANCTION"),
            ("Air defences intercepted two missiles over the capital.", "FIGHT"),
            ("The depot was hit by drones overnight.", "FIGHT"),
            ("Civil war broke out in the spring.", "FIGHT"),
            ("The country tested a new ballistic missile on Tuesday.", "MOBILIZE"),
            ("The dissident was poisoned with a nerve agent.", "ASSAULT"),
            ("The republic announced it would withdraw from the court.", "REJECT"),
        ],
    )
    def test_first_signal_type(self, text: str, kind: str) -> None:
        """Interdiction at sea, closures, shutdowns, visa and import bans, designations,
        interceptions, missile tests and poisonings give their PLOVER category."""
        got = first(text)
        assert got is not None, text
        assert got[0] == kind, (text, got)

    @pytest.mark.parametrize(
        "text",
        [
            "Women have served in combat roles since the reform.",
            "The firm is a mortar and shell manufacturer.",
            "The turtle retreated into its shell.",
            "Extra demand by drivers strained fuel supplies.",
            "Three children were treated for food poisoning.",
            "The school closed its doors for the summer.",
        ],
    )
    def test_noun_and_everyday_senses_do_not_fire(self, text: str) -> None:
        """Modifier, product and everyday senses of conflict words are no escalation."""
        got = first(text)
        assert got is None or got[1] != "escalation", (text, got)


class TestWarTimeActs:
    @pytest.mark.parametrize(
        ("text", "kind"),
        [
            ("A freighter exploded after striking sea mines off the coast.", "ASSAULT"),
            ("The ministry confirmed the deaths of six soldiers near the border.", "ASSAULT"),
            ("The brigade destroyed dozens of tunnels and two launchers.", "FIGHT"),
            ("Sappers blew up a weapons depot outside the town.", "FIGHT"),
            ("Hundreds of troops arrived at the base near the frontier.", "MOBILIZE"),
            ("The army issued evacuation orders for four villages.", "COERCE"),
            ("Commanders ordered residents to evacuate the border district.", "COERCE"),
            ("Marines stopped and seized the freighter.", "COERCE"),
        ],
    )
    def test_first_signal_type(self, text: str, kind: str) -> None:
        """Mines, deaths of fighters, destroyed military targets, troop arrivals,
        evacuation orders, and a halting verb that is a second act, not a halt."""
        got = first(text)
        assert got is not None, text
        assert (got[0], got[1]) == (kind, "escalation"), (text, got)

    @pytest.mark.parametrize(
        "text",
        [
            "The storm destroyed two houses and a barn.",
            "The troops arrived home after nine months abroad.",
            "Officials issued evacuation orders as the wildfire spread.",
            "The gas plant exploded after a leak.",
        ],
    )
    def test_everyday_senses_do_not_fire(self, text: str) -> None:
        """Storm damage, homecomings, disaster evacuations and accidents are no escalation."""
        got = first(text)
        assert got is None or got[1] != "escalation", (text, got)


class TestModalityReach:
    @pytest.mark.parametrize(
        ("text", "trigger", "modality"),
        [
            ("The rebels did not return the attack.", "attack", "negated"),
            ("The government does not intend to impose sanctions.", "sanctions", "negated"),
            ("The minister called for the surrender of the rebels.", "surrender", "hypothetical"),
            ("The man was accused of attacking a guard.", "attacking", "hypothetical"),
            ("Critics raised the threat of sanctions against the firm.", "sanctions",
             "hypothetical"),
            ("No one tried to storm the base.", "storm", "negated"),
            ("None of the soldiers were killed.", "killed", "negated"),
            ("The army has no plans of attacking the city.", "attacking", "negated"),
            ("The king invited the rebels to hold talks.", "talks", "hypothetical"),
            ("The bill is meant to allow police to arrest strikers.", "arrest",
             "hypothetical"),
            ("Nobody was injured in the attack.", "attack", "asserted"),
            ("The town was at risk of shelling.", "shelling", "hypothetical"),
            ("Troops massed ahead of an expected offensive.", "offensive", "future"),
        ],
    )
    def test_cue_reaches_its_event(self, text: str, trigger: str, modality: str) -> None:
        """Negation reaches through a light verb to its object; calls, allegations and
        threats make the act they name hypothetical."""
        found = [m for _, t, m in all_signals(text) if trigger in t]
        assert found == [modality], all_signals(text)


class TestNaturalAndAccidentalCauses:
    """Deaths, curfews and demolitions with a disaster or accident as cause are no attack."""

    @pytest.mark.parametrize("text", [
        "Five people were killed when the typhoon struck the coast.",
        "Twelve passengers were injured in a collision between two trains.",
        "Three climbers were killed in an avalanche on Sunday.",
        "The governor declared a state of emergency after the floods.",
        "A curfew was imposed in the city after a power outage.",
        "The council will demolish the unsafe tower block.",
    ])
    def test_disaster_or_accident_gives_no_escalation(self, text: str) -> None:
        assert [k for k, _, _ in all_signals(text) if k in ("ASSAULT", "COERCE", "FIGHT")] == []

    @pytest.mark.parametrize(("text", "kind"), [
        ("Gunmen killed five villagers near the border.", "ASSAULT"),
        ("The junta declared a state of emergency.", "COERCE"),
        ("Soldiers demolished the homes of three families in the village.", "COERCE"),
        ("The missile strike injured twelve people.", "ASSAULT"),
    ])
    def test_without_such_a_cause_the_act_stays(self, text: str, kind: str) -> None:
        assert kind in types_of(text)


class TestMannerIdioms:
    @pytest.mark.parametrize("text", [
        "The minister resigned in protest at the decision.",
        "Two envoys quit in protest.",
        "Water-bombing aircraft fought the blaze overnight.",
        "Water bombers were flown in from the north.",
    ])
    def test_manner_phrase_is_no_event(self, text: str) -> None:
        """"resigned in protest" is a resignation; a water bomber fights fires."""
        assert [k for k, _, _ in all_signals(text) if k in ("PROTEST", "ASSAULT", "FIGHT")] == []

    def test_a_protest_is_still_a_protest(self) -> None:
        assert first("Thousands protested in the capital.") == (
            "PROTEST", "escalation", "asserted")


class TestStrife:
    @pytest.mark.parametrize("text", [
        "Sectarian violence spread to three more towns.",
        "Violence flared again in the disputed region.",
        "The demolition of the shrine sparked violence in the old city.",
    ])
    def test_communal_or_political_violence_is_assault(self, text: str) -> None:
        assert "ASSAULT" in types_of(text)

    @pytest.mark.parametrize("text", [
        "Gang violence erupted in the suburb.",
        "Campaigners want a register of domestic violence offenders.",
        "The game contains graphic violence.",
    ])
    def test_crime_and_fiction_violence_is_not(self, text: str) -> None:
        assert "ASSAULT" not in types_of(text)


class TestLegalIdioms:
    @pytest.mark.parametrize("text", [
        "The bank helped Iran evade the U.S. sanctions.",
        "Firms that breach the arms embargo face fines.",
        "He faces criminal charges alleging fraud.",
        "Investigators are treating it as a domestic terrorism case.",
    ])
    def test_case_names_are_no_event(self, text: str) -> None:
        """Evading sanctions or a terrorism case names an offence, not a state act."""
        assert [k for k, _, _ in all_signals(text)
                if k in ("SANCTION", "ASSAULT", "DISAPPROVE")] == []

    def test_imposed_sanctions_stay(self) -> None:
        assert first("The U.S. imposed new sanctions on Iran.") == (
            "SANCTION", "escalation", "asserted")

    def test_dotted_initials_fit_in_a_gap(self) -> None:
        assert first("Russia warned the U.S. against an attack.") == (
            "THREATEN", "escalation", "asserted")


class TestRequestAndSpaceflightIdioms:
    @pytest.mark.parametrize("text", [
        "The agency withheld the images at the request of the government.",
        "The parliament approved Bulgaria's request to adopt the euro.",
        "The company launched its heavy rocket and placed two satellites in orbit.",
    ])
    def test_no_demand_or_fight(self, text: str) -> None:
        assert [k for k, _, _ in all_signals(text) if k in ("DEMAND", "FIGHT")] == []

    @pytest.mark.parametrize(("text", "kind"), [
        ("Ukraine requested more air defence systems.", "DEMAND"),
        ("Militants launched rockets at the city.", "FIGHT"),
    ])
    def test_the_acts_themselves_stay(self, text: str, kind: str) -> None:
        assert first(text)[0] == kind  # type: ignore[index]


class TestDisasterResponse:
    @pytest.mark.parametrize("text", [
        "The government deployed 500 army troops to help fight raging wildfires.",
        "The institute raised the alert level of the volcano to three.",
        "The typhoon also blocked roads across the province.",
        "Crowds gathered after the fire at a nightclub.",
    ])
    def test_relief_and_hazards_are_no_escalation(self, text: str) -> None:
        assert [k for k, _, _ in all_signals(text)
                if k in ("MOBILIZE", "PROTEST", "FIGHT")] == []

    @pytest.mark.parametrize(("text", "kind"), [
        ("Russia deployed troops to the border.", "MOBILIZE"),
        ("The army put its units on high alert.", "MOBILIZE"),
        ("Farmers blocked roads outside the ministry.", "PROTEST"),
        ("Soldiers opened fire on the crowd.", "FIGHT"),
    ])
    def test_the_acts_stay(self, text: str, kind: str) -> None:
        assert first(text)[0] == kind  # type: ignore[index]


class TestMoreStateActs:
    @pytest.mark.parametrize(("text", "kind"), [
        ("Around 300,000 people were killed in the conflict.", "FIGHT"),
        ("The air force scrambled fighter jets over the border.", "MOBILIZE"),
        ("The minister ordered heightened alert for all units.", "MOBILIZE"),
        ("The government suspended access to social media for a week.", "COERCE"),
        ("Police foiled a plot to bomb the parliament.", "COERCE"),
        ("The court sentenced the opposition leader to 20 years in prison.", "COERCE"),
        ("A court sentenced the blogger 10 years for insulting the king.", "COERCE"),
        ("Air defences intercepted successive waves of attacks.", "FIGHT"),
        ("Protesters marched against police brutality.", "PROTEST"),
    ])
    def test_first_signal_type(self, text: str, kind: str) -> None:
        assert first(text)[0] == kind  # type: ignore[index]

    @pytest.mark.parametrize("text", [
        "There is a conflict of interest on the board.",
        "The judge will hear the sentence appeal next week.",
        "The school closed because of ongoing violence at the gates.",
    ])
    def test_everyday_senses_do_not_fire(self, text: str) -> None:
        assert [k for k, _, _ in all_signals(text) if k in ("FIGHT", "COERCE", "ASSAULT")] == []


class TestTariffs:
    @pytest.mark.parametrize("text", [
        "The government imposed a 10% tariff on steel.",
        "China announced retaliatory tariffs on American goods.",
        "The president raised the tariff on imports to 50%.",
    ])
    def test_a_tariff_imposed_is_sanction(self, text: str) -> None:
        assert first(text)[0] == "SANCTION"  # type: ignore[index]

    @pytest.mark.parametrize("text", [
        "In the 10% tariff schedule, the islands are listed.",
        "Importers paid the tariff at the port.",
    ])
    def test_a_tariff_named_is_no_event(self, text: str) -> None:
        """A tariff mentioned as a thing that exists is no act of sanction."""
        assert "SANCTION" not in types_of(text)


class TestBansAndWithdrawals:
    @pytest.mark.parametrize("text", [
        "The home secretary bans seven foreign activists from the country.",
        "The candidate was barred from the election by the commission.",
    ])
    def test_banning_critics_or_candidates_is_repression(self, text: str) -> None:
        assert "COERCE" in types_of(text)

    def test_a_player_banned_from_competition_is_no_repression(self) -> None:
        assert "COERCE" not in types_of(
            "The striker was banned from competition for three matches.")

    @pytest.mark.parametrize("text", [
        "The president said the troops would be leaving the country.",
        "Russian forces began leaving the city.",
        "The army removed its soldiers from the border posts.",
    ])
    def test_troops_leaving_is_retreat(self, text: str) -> None:
        assert "RETREAT" in types_of(text)

    def test_a_clash_leaving_dead_is_no_retreat(self) -> None:
        """"clashed with soldiers, leaving three dead": leaving is a result, not a pullout."""
        kinds = types_of(
            "Troops clashed with border soldiers, leaving three dead.")
        assert "RETREAT" not in kinds
        assert "FIGHT" in kinds

    def test_demonstrate_and_demand_is_protest(self) -> None:
        assert "PROTEST" in types_of(
            "Thousands gathered to demonstrate and demand new elections.")


class TestArmedAndGangSanctions:
    def test_armed_as_an_adjective_is_no_arms_supply(self) -> None:
        """"minerals bought from armed militias": armed describes the group."""
        assert "AID" not in types_of(
            "The minerals were bought from armed militias in the east.")

    @pytest.mark.parametrize("text", [
        "The government armed the rebels in the north.",
        "The report accuses the state of arming militias.",
    ])
    def test_arming_a_group_is_arms_supply(self, text: str) -> None:
        assert "AID" in types_of(text)

    def test_sanctions_on_gangs_are_law_enforcement(self) -> None:
        """Sanctions against gangs or cartels are a crime-fighting tool, not coercion
        between political actors."""
        assert "SANCTION" not in types_of(
            "The ministry issued sanctions against smuggling gangs from the region.")
        assert "SANCTION" in types_of(
            "The ministry issued sanctions against the neighbouring state.")

    def test_a_gang_designated_terrorist_stays_sanction(self) -> None:
        assert "SANCTION" in types_of(
            "The department designates the gang as a foreign terrorist organization.")


class TestDiseaseCampaignsAndOpeningParticiples:
    @pytest.mark.parametrize("text", [
        "The government began a campaign to combat the measles outbreak.",
        "Health workers fight the cholera epidemic in the camps.",
    ])
    def test_combating_a_disease_is_no_fight(self, text: str) -> None:
        assert "FIGHT" not in types_of(text)

    def test_combating_insurgents_is_a_fight(self) -> None:
        assert "FIGHT" in types_of(
            "Troops were sent to combat the insurgents in the hills.")

    def test_a_participle_opening_the_subject_is_an_adjective(self) -> None:
        """"Imprisoned journalists are awarded a prize": no arrest is reported."""
        assert "COERCE" not in types_of(
            "Imprisoned journalists from two countries are awarded the prize.")

    def test_a_participle_after_of_or_a_possessive_is_an_adjective(self) -> None:
        """"the father of assassinated senator X", "the return of abducted children",
        "Ukraine's occupied territories": the participle describes a noun."""
        for text in ("The father of assassinated senator Jan Novak runs for office.",
                     "The pope calls for the return of abducted children.",
                     "Ukraine's occupied territories held a vote."):
            assert not {"ASSAULT", "FIGHT", "COERCE"} & set(types_of(text)), text
        assert "ASSAULT" in types_of("Gunmen assassinated the senator in his office.")

    def test_a_participle_after_its_subject_is_the_act(self) -> None:
        assert "COERCE" in types_of("Police imprisoned the journalists.")
        assert "COERCE" in types_of(
            "Imprisoned without trial, the activists began a hunger strike.")


class TestCaseAlleging:
    def test_a_case_alleging_names_the_charge(self) -> None:
        """"a case alleging that ...": the allegation is the case, not a new accusation."""
        assert "DISAPPROVE" not in types_of(
            "The tribunal heard a case alleging that the ministry hid the reports.")


class TestAsLongAs:
    def test_as_long_as_does_not_make_the_sentence_conditional(self) -> None:
        """"rejects a ceasefire, saying it will fight as long as the attacks continue":
        the clause names a duration, not a condition on the sentence."""
        signals = all_signals("The group rejects the offer, saying it will fight as long "
                              "as the attacks continue.")
        assert ("REJECT", "rejects", "asserted") in signals
        assert all(modality != "conditional" for _, _, modality in signals)

    def test_if_still_makes_an_act_conditional(self) -> None:
        signals = all_signals("If the talks fail, the army will attack the town.")
        assert ("attack", "conditional") in [(t, m) for _, t, m in signals]


class TestEncirclement:
    @pytest.mark.parametrize("text", [
        "Russian troops surrounded the city after a week of shelling.",
        "The remaining forces in the region are entirely surrounded.",
        "Rebels encircled the garrison overnight.",
    ])
    def test_forces_surrounding_or_surrounded_is_coercion(self, text: str) -> None:
        assert "COERCE" in types_of(text)

    @pytest.mark.parametrize("text", [
        "The president was surrounded by cheering supporters.",
        "The village is surrounded by mountains and forest.",
    ])
    def test_surrounded_by_crowds_or_landscape_is_not(self, text: str) -> None:
        assert "COERCE" not in types_of(text)


class TestAttributiveDesignation:
    """"a designated terrorist group" describes a group; designating one is the act."""

    @pytest.mark.parametrize("text", [
        "Hamas, a designated terrorist organisation, said it would respond.",
        "The band was accused of links to designated terrorist groups.",
    ])
    def test_a_description_is_no_sanction(self, text: str) -> None:
        """The participle before the noun gives no SANCTION."""
        assert "SANCTION" not in types_of(text)

    @pytest.mark.parametrize("text", [
        "The United States designated the Houthis a terrorist organisation.",
        "Canada designates the group as a terrorist entity.",
    ])
    def test_the_act_of_designating_stays(self, text: str) -> None:
        """A designation with its object between verb and noun is still a sanction."""
        assert "SANCTION" in types_of(text)


class TestWarningsMarchesAndMovements:
    """Warnings off, marches against someone, forces moving and aircraft downed."""

    @pytest.mark.parametrize(("text", "kind"), [
        ("The navy warned ships to stay away from the strait.", "THREATEN"),
        ("Ruritania warned its neighbour that it would retaliate.", "THREATEN"),
        ("Thousands marched against the government.", "PROTEST"),
        ("The army deployed along the border.", "MOBILIZE"),
        ("Ruritanian troops crossed into Osterlich.", "MOBILIZE"),
        ("The air force downed a reconnaissance drone.", "ASSAULT"),
    ])
    def test_the_act_is_found(self, text: str, kind: str) -> None:
        """Each phrasing gives its PLOVER type."""
        assert kind in types_of(text)

    @pytest.mark.parametrize("text", [
        "Authorities warned residents to stay away from the volcano.",
        "Analysts warned that prices would hit a record.",
        "The band marched on Sunday.",
    ])
    def test_hazards_prices_and_parades_are_no_escalation(self, text: str) -> None:
        """A hazard warning, a forecast or a parade gives no escalation type."""
        assert not {"THREATEN", "PROTEST"} & set(types_of(text))


class TestAlternativesBeforeAParticle:
    """An alternation before a particle ("<scrap>|<abandon>|<tear> up") binds the particle
    to the last verb only."""

    @pytest.mark.parametrize("text", [
        "Ruritania scrapped the nuclear deal with Osterlich.",
        "Ruritania abandoned the ceasefire agreement.",
        "Ruritania tore up the treaty.",
    ])
    def test_scrapping_a_deal_is_a_rejection(self, text: str) -> None:
        """Scrapping, abandoning or tearing up an accord is REJECT, not AGREE."""
        assert "REJECT" in types_of(text)
        assert "AGREE" not in types_of(text)

    def test_questioning_over_an_act_is_an_investigation(self) -> None:
        """'questioned ... over' needs no 'suspicion' after it."""
        assert "INVESTIGATE" in types_of("Police questioned the opposition leader over the riots.")


class TestBareFight:
    """A bare 'fight' is armed only beside words of armed conflict."""

    @pytest.mark.parametrize("text", [
        "She said it had been a long, hard fight for equal pay.",
        "The senator promised to take this fight to the governor.",
    ])
    def test_a_struggle_is_no_fight(self, text: str) -> None:
        """With no armed context the word gives no FIGHT."""
        assert "FIGHT" not in types_of(text)

    @pytest.mark.parametrize("text", [
        "Rebels and soldiers fight for control of the town.",
        "The militia kept up the fight against the army.",
        "Heavy fighting was reported in the north.",
    ])
    def test_an_armed_fight_stays(self, text: str) -> None:
        """Armed words near it, or the noun 'fighting', keep the FIGHT."""
        assert "FIGHT" in types_of(text)


class TestHaltNouns:
    """A cessation, suspension or moratorium of an act halts it, as the verbs do."""

    @pytest.mark.parametrize("text", [
        "The militia accepted a proposal for a mutual cessation of attacks.",
        "Ruritania announced a moratorium on strikes against power plants.",
    ])
    def test_the_halted_act_is_no_escalation(self, text: str) -> None:
        """The act after the noun is not asserted escalation."""
        assert not [k for k, _, mod in all_signals(text)
                    if k in ("ASSAULT", "FIGHT") and mod == "asserted"]


class TestEndingWarsAndRestraint:
    """Ending a war, halting an advance and showing restraint are de-escalation."""

    @pytest.mark.parametrize("text", [
        "Both sides held talks on ending the war.",
        "The ceasefire could lead to a permanent end to the fighting.",
        "Ruritania urged Osterlich to halt the offensive.",
        "The minister asked both armies to show restraint.",
    ])
    def test_the_act_is_a_retreat(self, text: str) -> None:
        """Each phrasing gives RETREAT."""
        assert "RETREAT" in types_of(text)

    @pytest.mark.parametrize("text", [
        "At the end of the war he moved to Paris.",
        "The end of the conflict came in 1995.",
    ])
    def test_the_end_of_a_war_as_a_time_is_no_act(self, text: str) -> None:
        """'the end of the war' names a time, not an act of ending it."""
        assert "RETREAT" not in types_of(text)


class TestGroundAndNavalOperations:
    """fight.advance, fight.naval and boarding: ground advances and naval action."""

    def test_an_advance_on_a_place_and_troops_entering_a_town_are_fighting(self) -> None:
        for text in ("Rebels began their advance into the city at dawn.",
                     "The insurgents advance on the capital as the army falls back.",
                     "Government troops entered the town after a week of shelling."):
            assert any(t == "FIGHT" for t, _, _ in all_signals(text)), text

    def test_markets_and_peacekeepers_do_not_advance_or_enter_by_force(self) -> None:
        """Share prices "advance on" markets; peacekeepers bringing aid enter a town."""
        for text in ("Shares advanced on the capital markets after the report.",
                     "Peacekeeping troops entered the town to deliver aid."):
            assert all(t != "FIGHT" for t, _, _ in all_signals(text)), text

    def test_retaken_and_sunk_are_read_from_their_irregular_forms(self) -> None:
        """retake -> retook/retaken, sink -> sank/sunk (irregular_verbs.jsonl)."""
        assert any(t == "FIGHT" for t, _, _ in all_signals(
            "The army says it has retaken the towns held by the rebels."))
        assert any(t == "FIGHT" for t, _, _ in all_signals(
            "The navy sank two enemy warships off the coast."))
        assert all(t != "FIGHT" for t, _, _ in all_signals(
            "A storm sank two fishing boats off the coast."))

    def test_boarding_a_tanker_is_a_seizure(self) -> None:
        assert any(t == "COERCE" for t, _, _ in all_signals(
            "Commandos stopped and boarded a tanker carrying oil from the port."))

    def test_a_place_targeted_by_drones_is_attacked(self) -> None:
        """"targeted by drones" is the passive of a drone attack, as "hit by drones" is."""
        assert any(t == "FIGHT" for t, _, _ in all_signals(
            "The airport was targeted by several drones overnight."))


class TestAttacksOnCivilianProfessions:
    def test_an_attack_on_teachers_or_doctors_is_an_assault(self) -> None:
        """Victims named by their trade ("teachers", "doctors") do not make "attack" a
        labour dispute; a union near it still does."""
        for text in ("Militants attacked teachers at the village school.",
                     "Gunmen attacked doctors at the district hospital."):
            assert any(t == "ASSAULT" for t, _, _ in all_signals(text)), text
        assert all(t != "ASSAULT" for t, _, _ in all_signals(
            "The teachers' union attacked the pay plan."))

    def test_a_defused_bomb_a_scare_or_a_threat_is_no_bombing(self) -> None:
        """"bomb" next to defused, hoax, scare or threat names no explosion."""
        for text in ("Police defused a bomb found outside the school.",
                     "A bomb scare closed the station for an hour."):
            assert all(t != "ASSAULT" for t, _, _ in all_signals(text)), text
        assert any(t == "ASSAULT" for t, _, _ in all_signals(
            "A bomb exploded at the market, killing twelve people."))


class TestShootingsAndExecutionsByArmedMen:
    def test_fatal_shootings_and_executions_by_forces_are_assaults(self) -> None:
        """"fatally shot", "shot by soldiers", "executed by the militia", "summarily
        executed": the act is named whoever the victim is."""
        for text in ("The journalist was fatally shot in the camp.",
                     "Two farmers were shot by soldiers near the border.",
                     "Twenty civilians were executed by the militia in the village.",
                     "Prisoners were summarily executed after the town fell."):
            assert any(t == "ASSAULT" for t, _, _ in all_signals(text)), text

    def test_a_firing_squad_or_a_photo_shoot_is_not(self) -> None:
        """A sentence carried out, or a camera "shot by" a crew, names no armed act."""
        for text in ("The smuggler was executed by firing squad in 1990.",
                     "The film was shot by a small crew of soldiers' children."):
            assert all(t != "ASSAULT" for t, _, _ in all_signals(text)), text

    def test_warships_destroyed_are_an_armed_clash(self) -> None:
        assert any(t == "FIGHT" for t, _, _ in all_signals(
            "Navy forces destroyed an enemy corvette and two frigates."))


class TestControlInterceptionsAndAttacksOnPlaces:
    def test_armed_forces_taking_control_of_a_place(self) -> None:
        for text in ("Rebel forces took control of the northern district overnight.",
                     "Government troops have taken over the centre of the town."):
            assert any(t == "FIGHT" for t, _, _ in all_signals(text)), text

    def test_a_company_or_a_board_taken_over_is_not_a_capture(self) -> None:
        """No armed word near it, or company words in the sentence."""
        for text in ("The investor group took control of the company board.",
                     "Army veterans took control of the firm after the merger."):
            assert all(t != "FIGHT" for t, _, _ in all_signals(text)), text

    def test_interceptions_and_launched_munitions_are_fighting(self) -> None:
        for text in ("A ballistic missile was intercepted over the city.",
                     "Air defence systems intercepted hostile aerial targets.",
                     "Border forces launched mortars into the neighbouring province.",
                     "Two drones were shot down near the airport."):
            assert any(t == "FIGHT" for t, _, _ in all_signals(text)), text

    def test_an_attack_on_a_village_or_a_strike_on_a_hospital(self) -> None:
        """An attack on a place where people gather or live is an armed attack; a
        labour strike at a hospital is not."""
        for text in ("Twelve people were killed in an attack on a village in the north.",
                     "Dozens died in a strike on a hospital in the east."):
            assert any(r.startswith("assault.collective") for r in rules_of(text)), text
        assert not any(r.startswith("assault.collective") for r in rules_of(
            "Nurses began a strike on hospital wards over pay and staffing."))

    def test_eliminated_militants_are_killed(self) -> None:
        assert any(t == "ASSAULT" for t, _, _ in all_signals(
            "The army says it eliminated twelve militants in the raid."))
        assert all(t != "ASSAULT" for t, _, _ in all_signals(
            "The law aims to eliminate terrorist financing."))
