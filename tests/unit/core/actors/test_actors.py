"""Actor extraction: gazetteer, demonyms, seats, roles, coreference, offsets."""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from streams.core.actors import ActorExtractor, fold, surname_key
from streams.core.knowledge import KnowledgeBase
from streams.core.model import Actor
from tests.unit.core.packaged import sentences, vocabulary_rows

ROOT = Path(__file__).resolve().parents[4]
SEED = ROOT / "seeds" / "000_9deb2ec686b81daa.txt"

COUNTRIES: list[dict[str, Any]] = [
    {"id": "UKR", "name": "Ukraine", "demonyms": ["Ukrainian", "Ukrainians"],
     "seats": ["Kyiv", "Kiev", "Bankova"]},
    {"id": "RUS", "name": "Russian Federation", "aliases": ["Russia"],
     "demonyms": ["Russian", "Russians"], "seats": ["Moscow", "Kremlin"]},
    {"id": "USA", "name": "United States", "aliases": ["United States of America", "US", "U.S."],
     "demonyms": ["American", "Americans"], "seats": ["Washington", "White House"]},
    {"id": "DEU", "name": "Germany", "demonyms": ["German", "Germans"], "seats": ["Berlin"]},
    {"id": "CHN", "name": "China", "demonyms": ["Chinese"], "seats": ["Beijing"]},
    {"id": "DNK", "name": "Denmark", "demonyms": ["Danish", "Danes"], "seats": ["Copenhagen"]},
    {"id": "NOR", "name": "Norway", "demonyms": ["Norwegian"], "seats": ["Oslo"]},
    {"id": "JOR", "name": "Jordan", "demonyms": ["Jordanian"], "seats": ["Amman"]},
    {"id": "TUR", "name": "Türkiye", "aliases": ["Turkey"], "demonyms": ["Turkish"],
     "seats": ["Ankara"]},
    {"id": "IRQ", "name": "Iraq", "demonyms": ["Iraqi", "Iraqis"], "seats": ["Baghdad"]},
    {"id": "LTU", "name": "Lithuania", "demonyms": ["Lithuanian"], "seats": ["Vilnius"]},
]  # fmt: skip
ORGANISATIONS: list[dict[str, Any]] = [
    {"id": "NATO", "name": "North Atlantic Treaty Organization", "kind": "alliance",
     "aliases": ["NATO"], "members": ["USA", "DEU", "DNK", "NOR", "TUR"]},
    {"id": "EU", "name": "European Union", "kind": "igo", "aliases": ["EU"]},
    {"id": "WAGNER", "name": "Wagner Group", "kind": "armed_group", "country": "RUS"},
]  # fmt: skip
PERSONS: list[dict[str, Any]] = [
    {"id": "rasmussen-anders-fogh", "name": "Anders Fogh Rasmussen",
     "aliases": ["Anders Rasmussen", "Fogh Rasmussen"], "country": "DNK",
     "roles": [{"title": "Secretary-General", "org": "NATO", "start": "2009-08-01",
                "end": "2014-10-01"},
               {"title": "Prime Minister", "org": "DNK", "start": "2001-11-27",
                "end": "2009-04-05"}]},
    {"id": "stoltenberg-jens", "name": "Jens Stoltenberg", "country": "NOR",
     "roles": [{"title": "Secretary-General", "org": "NATO", "start": "2014-10-01",
                "end": "2024-10-01"}]},
    {"id": "zelenskyy-volodymyr", "name": "Volodymyr Zelenskyy", "country": "UKR",
     "roles": [{"title": "President", "org": "UKR", "start": "2019-05-20"}]},
]  # fmt: skip
TITLES: list[dict[str, Any]] = [
    {"text": "President", "canonical": "President", "rank": 1.0},
    {"text": "Secretary-General", "canonical": "Secretary-General", "rank": 0.9},
    {"text": "Defence Minister", "canonical": "Defence Minister", "rank": 0.9},
    {"text": "Foreign Minister", "canonical": "Foreign Minister", "rank": 0.9},
    {"text": "Ambassador", "canonical": "Ambassador", "rank": 0.7},
    {"text": "spokesman", "canonical": "spokesperson", "rank": 0.5},
    {"text": "commander", "canonical": "commander", "rank": 0.75},
    {"text": "advisor", "canonical": "adviser", "rank": 0.6},
]

AGENTS: list[dict[str, Any]] = [
    {"id": "agent:GOV", "name": "government", "kind": "GOV",
     "aliases": ["~government", "~regime", "authorities"]},
    {"id": "agent:MIL", "name": "military", "kind": "MIL",
     "aliases": ["~military", "troops", "soldiers", "security forces", "forces"]},
    {"id": "agent:MIL", "name": "soldier", "type": "person", "kind": "MIL",
     "aliases": ["~soldier"]},
    {"id": "agent:CVL", "name": "civilians", "kind": "CVL", "aliases": ["civilians", "people"]},
    {"id": "agent:IGO", "name": "international community", "kind": "IGO",
     "aliases": ["international community"]},
    {"id": "group:kurds", "name": "Kurds", "kind": "ethnic_group",
     "aliases": ["Kurds", "Kurdish"]},
]  # fmt: skip


def make_kb(
    persons: list[dict[str, Any]] | None = None, agents: list[dict[str, Any]] | None = None
) -> KnowledgeBase:
    """Build a small knowledge base from rows."""
    return KnowledgeBase.from_rows(
        countries=COUNTRIES,
        organisations=ORGANISATIONS,
        persons=PERSONS if persons is None else persons,
        titles=TITLES,
        signals=[],
        modality=[],
        agents=AGENTS if agents is None else agents,
        **vocabulary_rows(),
    )


@pytest.fixture(scope="module")
def extractor() -> ActorExtractor:
    """An extractor over the small knowledge base."""
    return ActorExtractor(make_kb())


@pytest.fixture(scope="module")
def bare() -> ActorExtractor:
    """An extractor whose knowledge base knows no person."""
    return ActorExtractor(make_kb(persons=[]))


def run(ex: ActorExtractor, text: str, as_of: str | None = "2023-06-20") -> tuple[Actor, ...]:
    """Extract actors and check the offset contract on the way."""
    actors = ex.extract(text, sentences(text), as_of)
    for actor in actors:
        assert text[actor.start : actor.end] == actor.text
    return actors


def find(actors: tuple[Actor, ...], text: str) -> Actor:
    """Return the mention whose text is ``text``."""
    matches = [a for a in actors if a.text == text]
    assert matches, f"no mention {text!r} in {[a.text for a in actors]}"
    return matches[0]


class TestSeedArticle:
    """The worked example of the design document."""

    @pytest.fixture(scope="class")
    def actors(self, extractor: ActorExtractor) -> tuple[Actor, ...]:
        """Actors of the seed article as of its date."""
        return run(extractor, SEED.read_text(encoding="utf-8"))

    def test_rasmussen_is_former_nato(self, actors: tuple[Actor, ...]) -> None:
        """Text "former NATO commander ..., Anders Rasmussen" resolves to the KB person and
        his recorded NATO office, former."""
        ras = find(actors, "Anders Rasmussen")
        assert ras.id == "rasmussen-anders-fogh"
        assert (ras.role, ras.role_org, ras.former) == ("Secretary-General", "NATO", True)
        assert ras.country == "DNK"

    def test_later_surname_corefers(self, actors: tuple[Actor, ...]) -> None:
        """Each bare "Rasmussen" later on is the same person via coreference."""
        later = [a for a in actors if a.text == "Rasmussen"]
        assert len(later) == 2
        assert all(a.id == "rasmussen-anders-fogh" and a.source == "coref" for a in later)

    def test_stoltenberg_current_secretary_general(self, actors: tuple[Actor, ...]) -> None:
        """Text "Jens Stoltenberg, NATO Secretary-General" is a current role in 2023."""
        jens = find(actors, "Jens Stoltenberg")
        assert (jens.role, jens.role_org, jens.former) == ("Secretary-General", "NATO", False)

    def test_julianne_smith_apposition(self, actors: tuple[Actor, ...]) -> None:
        """The apposition gives role Ambassador to NATO and country USA for an unknown."""
        smith = find(actors, "Julianne Smith")
        assert smith.id == "person:julianne-smith"
        assert (smith.role, smith.role_org) == ("Ambassador", "NATO")
        assert (smith.country, smith.affiliation) == ("USA", "USA")

    def test_zelenskiy_with_demonym_title(self, actors: tuple[Actor, ...]) -> None:
        """Text "Ukrainian President Volodymyr Zelenskiy" is the KB President of Ukraine."""
        zel = find(actors, "Ukrainian President Volodymyr Zelenskiy")
        assert zel.id == "zelenskyy-volodymyr"
        assert (zel.role, zel.role_org, zel.country) == ("President", "UKR", "UKR")

    def test_german_government(self, actors: tuple[Actor, ...]) -> None:
        """Text "The German government" is the government of DEU."""
        gov = find(actors, "German government")
        assert (gov.id, gov.type) == ("DEU", "government")

    def test_nato_countries_keep_nato(self, actors: tuple[Actor, ...]) -> None:
        """Text "NATO countries" keeps NATO as the organisation actor."""
        first = next(a for a in actors if a.text == "NATO")
        assert (first.id, first.type) == ("NATO", "organisation")

    def test_alliance_coreference(self, actors: tuple[Actor, ...]) -> None:
        """Text "the alliance" resolves to the most recent alliance, NATO."""
        alliance = [a for a in actors if a.text == "alliance"]
        assert alliance
        assert all(a.id == "NATO" and a.source == "coref" for a in alliance)

    def test_countries(self, actors: tuple[Actor, ...]) -> None:
        """Germany, Russia and Ukraine are found as countries."""
        ids = {a.id for a in actors if a.type == "country"}
        assert {"DEU", "RUS", "UKR"} <= ids

    def test_without_persons_kb(self, bare: ActorExtractor) -> None:
        """Without KB persons, surname coreference links unknowns by slug id."""
        actors = run(bare, SEED.read_text(encoding="utf-8"))
        first = find(actors, "Anders Rasmussen")
        later = [a for a in actors if a.text == "Rasmussen"]
        assert first.id == "person:anders-rasmussen"
        assert later
        assert all(a.id == first.id and a.name == "Anders Rasmussen" for a in later)


class TestDemonymsAndGovernments:
    """Nationality adjectives and words for the executive."""

    def test_demonym_alone_is_country(self, extractor: ActorExtractor) -> None:
        """Text "Ukrainian troops" gives the country UKR."""
        actor = find(run(extractor, "Ukrainian troops advanced."), "Ukrainian")
        assert (actor.id, actor.type) == ("UKR", "country")

    def test_possessive_government(self, extractor: ActorExtractor) -> None:
        """Text "Russia's government" is one government mention."""
        actor = find(run(extractor, "Russia's government denied it."), "Russia's government")
        assert (actor.id, actor.type) == ("RUS", "government")

    def test_government_of(self, extractor: ActorExtractor) -> None:
        """Text "the Government of Iraq" is the government of IRQ."""
        actor = find(run(extractor, "He thanked the Government of Iraq."), "Government of Iraq")
        assert (actor.id, actor.type) == ("IRQ", "government")

    def test_role_without_name(self, extractor: ActorExtractor) -> None:
        """Text "the Ukrainian President" is a person tied to UKR, the KB holder as of the date."""
        actor = find(run(extractor, "The Ukrainian President said no."), "Ukrainian President")
        assert actor.type == "person"
        assert (actor.id, actor.role_org, actor.country) == ("zelenskyy-volodymyr", "UKR", "UKR")


    def test_brand_word_makes_a_company(self, extractor: ActorExtractor) -> None:
        """"Air" before a country's name, even opening a sentence, is an airline:
        "Air Germany suspends flights" names no state."""
        ids = [a.id for a in run(extractor, "Air Germany suspends its flights to China.")]
        assert ids == ["CHN"]

    def test_company_word_after_a_country(self, extractor: ActorExtractor) -> None:
        """"China Airlines" is a company, not China."""
        actors = run(extractor, "Flights of China Airlines resumed over Jordan.")
        assert [a.id for a in actors] == ["JOR"]

    def test_currency_sign_names_no_state(self, extractor: ActorExtractor) -> None:
        """"US$5 million" or "A$20" is an amount; "the US" after it is the state."""
        actors = run(extractor, "The fund paid A$20 and US$5 million to the US.")
        assert [(a.id, a.start) for a in actors] == [("USA", 43)]


class TestSeats:
    """Seat-of-government metonymy and capitals as places."""

    def test_kremlin_is_government(self, extractor: ActorExtractor) -> None:
        """Text "The Kremlin said" is the Russian government."""
        actor = find(run(extractor, "The Kremlin said talks stalled."), "Kremlin")
        assert (actor.id, actor.type) == ("RUS", "government")

    def test_capital_as_subject_is_government(self, extractor: ActorExtractor) -> None:
        """Text "Washington said" and "Beijing warned" are governments."""
        actors = run(extractor, "Washington said it would act. Beijing warned against it.")
        assert (find(actors, "Washington").id, find(actors, "Washington").type) == (
            "USA",
            "government",
        )
        assert find(actors, "Beijing").type == "government"

    def test_capital_after_place_preposition_is_country(self, extractor: ActorExtractor) -> None:
        """Text "in Kyiv" names the place: a country mention, not the government."""
        actor = find(run(extractor, "Officials in Kyiv were cautious."), "Kyiv")
        assert (actor.id, actor.type) == ("UKR", "country")

    def test_surname_is_not_a_country(self, extractor: ActorExtractor) -> None:
        """Text "Jordan" after a given name inside a sentence is not the country."""
        actors = run(extractor, "Fans cheered as Michael Jordan arrived in Amman.")
        assert "JOR" not in {a.id for a in actors if a.text == "Jordan"}
        assert find(actors, "Amman").id == "JOR"

    def test_lowercase_words_do_not_match(self, extractor: ActorExtractor) -> None:
        """Text "us", "turkey" and "china" in lower case are ordinary words."""
        actors = run(extractor, "Give us the turkey on the china plate.")
        assert actors == ()

    def test_acronym_is_case_sensitive(self, extractor: ActorExtractor) -> None:
        """Text "US" in capitals is the United States."""
        assert find(run(extractor, "The US will respond."), "US").id == "USA"


class TestTransliteration:
    """Spelling variants of one name resolve to one actor."""

    @pytest.mark.parametrize("spelling", ["Zelenskiy", "Zelensky", "Zelenskyy", "Zelenskyi"])
    def test_surname_keys_match(self, spelling: str) -> None:
        """Slavic -iy/-y/-yy/-yi endings share one surname key."""
        assert surname_key(spelling) == surname_key("Zelenskyy")

    @pytest.mark.parametrize("spelling", ["Zelenskiy", "Zelensky", "Zelenskyy"])
    def test_full_name_variants_resolve(self, extractor: ActorExtractor, spelling: str) -> None:
        """Text "Volodymyr Zelenskiy/Zelensky/Zelenskyy" are one KB person."""
        text = f"Volodymyr {spelling} spoke."
        assert find(run(extractor, text), f"Volodymyr {spelling}").id == "zelenskyy-volodymyr"

    def test_diacritics_fold(self) -> None:
        """Folding keeps the length and strips accents."""
        assert fold("Türkiye’s Ahmed Davutoğlu") == "Turkiye's Ahmed Davutoglu"
        assert len(fold("Łódź")) == len("Łódź")

    def test_diacritic_text_matches_plain_alias(self, extractor: ActorExtractor) -> None:
        """Text "Turkiye" without the umlaut still finds Türkiye."""
        assert find(run(extractor, "Turkiye objected."), "Turkiye").id == "TUR"


class TestCoreference:
    """Later surnames resolve to the earlier full name."""

    def test_unknown_person_surname(self, bare: ActorExtractor) -> None:
        """A bare surname refers back to an unknown person seen earlier."""
        text = "Defence Minister Boris Pistorius visited Kyiv. Pistorius said more aid would come."
        actors = run(bare, text)
        first, later = find(actors, "Defence Minister Boris Pistorius"), find(actors, "Pistorius")
        assert first.id == later.id == "person:boris-pistorius"
        assert later.role == "Defence Minister"
        assert later.source == "coref"

    def test_transliterated_surname_corefers(self, extractor: ActorExtractor) -> None:
        """A differently spelled surname still corefers."""
        actors = run(extractor, "President Volodymyr Zelensky spoke. Later Zelenskiy left.")
        assert find(actors, "Zelenskiy").id == "zelenskyy-volodymyr"

    def test_unrelated_capital_word_is_not_person(self, bare: ActorExtractor) -> None:
        """A lone capitalised word with no antecedent or title is not a person."""
        actors = run(bare, "Notably, Rasmussen warned.")
        assert not [a for a in actors if a.type == "person"]


class TestRoles:
    """Roles from titles and the knowledge base, judged by date."""

    def test_former_in_text(self, extractor: ActorExtractor) -> None:
        """Text "former NATO Secretary-General Anders Fogh Rasmussen" is former."""
        text = "He met former NATO Secretary-General Anders Fogh Rasmussen."
        actor = find(run(extractor, text), "NATO Secretary-General Anders Fogh Rasmussen")
        assert (actor.role, actor.role_org, actor.former) == ("Secretary-General", "NATO", True)

    def test_current_role(self, extractor: ActorExtractor) -> None:
        """Text "NATO Secretary-General Jens Stoltenberg" in 2023 is current."""
        text = "NATO Secretary-General Jens Stoltenberg spoke."
        actor = find(run(extractor, text), "NATO Secretary-General Jens Stoltenberg")
        assert (actor.id, actor.former) == ("stoltenberg-jens", False)

    def test_ended_role_is_former_by_date(self, extractor: ActorExtractor) -> None:
        """A KB role that ended before the article date makes the mention former."""
        text = "NATO Secretary-General Jens Stoltenberg spoke."
        actor = find(run(extractor, text, "2025-03-01"), "NATO Secretary-General Jens Stoltenberg")
        assert actor.former is True

    def test_role_held_on_date(self, extractor: ActorExtractor) -> None:
        """With no title in the text, the KB role held on the date is given."""
        text = "Anders Fogh Rasmussen spoke."
        actor = find(run(extractor, text, "2012-01-01"), "Anders Fogh Rasmussen")
        assert (actor.role, actor.role_org, actor.former) == ("Secretary-General", "NATO", False)

    def test_title_before_unknown_name(self, bare: ActorExtractor) -> None:
        """Text "Defence Minister Boris Pistorius" is an unknown person with that role."""
        text = "Defence Minister Boris Pistorius spoke."
        actor = find(run(bare, text), "Defence Minister Boris Pistorius")
        assert (actor.id, actor.role, actor.source) == (
            "person:boris-pistorius",
            "Defence Minister",
            "context",
        )

    def test_spokesman_for_organisation(self, bare: ActorExtractor) -> None:
        """Text "X, a spokesman for the Y Ministry" ties X to that ministry."""
        text = "Ahmed Karim, a spokesman for the Iraqi Ministry of Oil, denied it."
        actors = run(bare, text)
        person = find(actors, "Ahmed Karim")
        org = find(actors, "Iraqi Ministry of Oil")
        assert (person.role, person.role_org, person.country) == ("spokesperson", org.id, "IRQ")
        assert (org.type, org.country) == ("organisation", "IRQ")


class TestOrganisations:
    """Known and unknown organisations."""

    def test_known_armed_group(self, extractor: ActorExtractor) -> None:
        """A KB armed group is found with its country."""
        actor = find(run(extractor, "The Wagner Group withdrew."), "Wagner Group")
        assert (actor.id, actor.country) == ("WAGNER", "RUS")

    def test_unknown_org_by_head_noun(self, extractor: ActorExtractor) -> None:
        """A capitalised sequence ending in an organisation noun is an organisation."""
        text = "The Popular Resistance Committee claimed it."
        actor = find(run(extractor, text), "Popular Resistance Committee")
        assert (actor.id, actor.type) == ("org:popular-resistance-committee", "organisation")

    def test_demonym_qualified_org(self, extractor: ActorExtractor) -> None:
        """Text "the Free Syrian Army"-style names take in the demonym."""
        actor = find(run(extractor, "The Iraqi Army advanced."), "Iraqi Army")
        assert (actor.type, actor.country) == ("organisation", "IRQ")


SOUP_WORDS = (
    "NATO Ukrainian President Zelenskiy the Kremlin said , Ünïcödé ’s former Jens Stoltenberg"
    " Ministry of Defence \n Washington in Kyiv . Łukasz government"
    ' we We I he they \u201c " ( ) troops the regime Iraqi security forces CJTF-OIR 407th'
    " Air Group Kurdish civilians"
)
SOUP = SOUP_WORDS.split(" ")


class TestOffsets:
    """Offsets always index the original text."""

    @settings(max_examples=200, deadline=None)
    @given(st.text(max_size=300))
    def test_any_text(self, text: str) -> None:
        """Any Unicode text gives in-order, non-overlapping, exact mentions."""
        actors = run(ActorExtractor(make_kb()), text)
        for left, right in itertools.pairwise(actors):
            assert left.end <= right.start

    @settings(max_examples=100, deadline=None)
    @given(
        st.lists(
            st.sampled_from(SOUP),
            max_size=40,
        )
    )
    def test_entity_soup(self, words: list[str]) -> None:
        """Dense mixes of names, titles and punctuation keep offsets exact."""
        text = " ".join(words)
        actors = run(ActorExtractor(make_kb()), text)
        for left, right in itertools.pairwise(actors):
            assert left.end <= right.start

    def test_empty_text(self, extractor: ActorExtractor) -> None:
        """Empty text has no actors."""
        assert run(extractor, "") == ()


class TestBareSurnames:
    """Bare surnames without an antecedent."""

    def test_title_and_current_role_resolve(self, extractor: ActorExtractor) -> None:
        """A title the KB person holds on the date resolves a bare surname."""
        actor = find(run(extractor, "President Zelenskyy spoke."), "President Zelenskyy")
        assert (actor.id, actor.source) == ("zelenskyy-volodymyr", "kb")

    def test_honorific_does_not_resolve_to_kb(self, extractor: ActorExtractor) -> None:
        """Text "Mr Stoltenberg" without a matching title is an unknown, not the KB person."""
        actor = find(run(extractor, "Mr. Stoltenberg spoke."), "Stoltenberg")
        assert actor.id == "person:stoltenberg"


class TestGenericAgents:
    """Generic agent nouns from the agents dictionary."""

    def test_plural_noun_is_an_organisation(self, extractor: ActorExtractor) -> None:
        """A plural agent noun is a collective organisation mention with its sector id."""
        actor = find(run(extractor, "Shelling killed ten civilians on Monday."), "civilians")
        assert (actor.id, actor.type) == ("agent:CVL", "organisation")

    def test_demonym_qualifies_the_agent(self, extractor: ActorExtractor) -> None:
        """A demonym before the noun gives the country and stays a country mention."""
        actors = run(extractor, "Iraqi security forces entered the town.")
        actor = find(actors, "security forces")
        assert (actor.id, actor.country) == ("agent:MIL:IRQ", "IRQ")
        assert find(actors, "Iraqi").type == "country"

    def test_person_possessor_gives_the_country(self, extractor: ActorExtractor) -> None:
        """A person's "government" is the government of that person's country."""
        actors = run(extractor, "Volodymyr Zelenskyy's government resigned.")
        actor = find(actors, "government")
        assert (actor.id, actor.type) == ("UKR", "government")

    def test_determiner_and_modifier_join_the_span(self, extractor: ActorExtractor) -> None:
        """Determiners and general adjectives belong to the agent's phrase."""
        actors = run(extractor, "We thank the international community for its help.")
        assert find(actors, "the international community").id == "agent:IGO"

    def test_the_regime_is_the_last_country_government(self, extractor: ActorExtractor) -> None:
        """The words "the regime" resolve to the latest country's government."""
        actors = run(extractor, "Iraq rejected the plan. The regime said it would not talk.")
        actor = find(actors, "The regime")
        assert (actor.id, actor.type) == ("IRQ", "government")

    def test_ambiguous_word_before_a_noun_is_no_agent(self, extractor: ActorExtractor) -> None:
        """A "~" form followed by a noun modifies it ("the military campaign")."""
        actors = run(extractor, "The military campaign lasted a year.")
        assert all("military" not in a.text for a in actors)

    def test_ambiguous_word_as_head_is_an_agent(self, extractor: ActorExtractor) -> None:
        """A "~" form after a determiner and before a verb is the actor."""
        actor = find(run(extractor, "The military said the road was open."), "The military")
        assert actor.id == "agent:MIL"

    def test_ambiguous_word_before_a_present_tense_verb_is_an_agent(
        self, extractor: ActorExtractor
    ) -> None:
        """Headline present tense: "Iraqi military arrest three men" names the military."""
        actor = find(run(extractor, "Iraqi military arrest three men."), "military")
        assert actor.id.startswith("agent:MIL")

    def test_singular_human_noun_is_a_person(self, extractor: ActorExtractor) -> None:
        """A singular role noun from a person row is a person mention."""
        actor = find(run(extractor, "A soldier was wounded."), "A soldier")
        assert actor.type == "person"

    def test_ethnic_group(self, extractor: ActorExtractor) -> None:
        """Ethnic and religious group words are organisation mentions of their group."""
        actor = find(run(extractor, "Kurdish fighters held the ridge."), "Kurdish")
        assert actor.id == "group:kurds"

    def test_no_agents_without_rows(self) -> None:
        """A knowledge base without agent rows finds no generic agents."""
        actors = run(ActorExtractor(make_kb(agents=[])), "Ten civilians fled.")
        assert actors == ()


class TestPronouns:
    """Pronoun coreference: emitted only when resolved."""

    def test_we_in_a_quote_is_the_speakers_body(self, extractor: ActorExtractor) -> None:
        """A "we" in a quotation is the speaker's organisation or government."""
        text = '"We will not back down," NATO Secretary-General Jens Stoltenberg said.'
        actor = find(run(extractor, text), "We")
        assert (actor.id, actor.type, actor.source) == ("NATO", "organisation", "coref")

    def test_i_in_a_quote_is_the_speaker(self, extractor: ActorExtractor) -> None:
        """An "I" in a quotation is the person it is attributed to."""
        text = 'Jens Stoltenberg said: "I am confident the allies will agree."'
        assert find(run(extractor, text), "I").id == "stoltenberg-jens"

    def test_he_is_the_latest_person(self, extractor: ActorExtractor) -> None:
        """A "he" refers to the latest person within the window."""
        text = "Jens Stoltenberg arrived in Kyiv. He met officials there."
        assert find(run(extractor, text), "He").id == "stoltenberg-jens"

    def test_they_is_the_latest_group(self, extractor: ActorExtractor) -> None:
        """A "they" refers to the latest organisation mention."""
        text = "Ukrainian troops crossed the river. They took the village."
        assert find(run(extractor, text), "They").id == "agent:MIL:UKR"

    def test_we_outside_quotes_is_the_latest_body(self, extractor: ActorExtractor) -> None:
        """A "we" outside quotations is the latest organisation or government."""
        actor = find(run(extractor, "The EU issued a statement. We condemn the attack."), "We")
        assert actor.id == "EU"

    def test_unresolved_pronoun_is_not_emitted(self, extractor: ActorExtractor) -> None:
        """A pronoun with no antecedent in the window is not an actor."""
        assert run(extractor, "He said that they would come.") == ()

    def test_window_is_three_sentences(self, extractor: ActorExtractor) -> None:
        """An antecedent more than two sentences back is out of reach."""
        text = "Jens Stoltenberg spoke. It rained. It snowed. It hailed. He left."
        assert all(a.text != "He" for a in run(extractor, text))

    def test_possessives_are_not_emitted(self, extractor: ActorExtractor) -> None:
        """Possessive pronouns qualify nouns and are left out."""
        text = "Jens Stoltenberg spoke. His plan was clear."
        assert all(a.text != "His" for a in run(extractor, text))


class TestAcronymsAndUnits:
    """Organisations found from acronyms and unit names."""

    def test_defined_acronym_reuses_the_id(self, extractor: ActorExtractor) -> None:
        """An acronym defined in parentheses after a name has that name's id."""
        text = "The Joint Task Force (JTF) led the effort. Later JTF moved north."
        actors = run(extractor, text)
        later = [a for a in actors if a.text == "JTF"]
        assert len(later) == 2
        assert {a.id for a in later} == {find(actors, "Joint Task Force").id}

    def test_repeated_acronym_is_an_organisation(self, extractor: ActorExtractor) -> None:
        """An unknown all-capital word used twice is an organisation."""
        actors = run(extractor, "Officers of ABCD met. ABCD later left the talks.")
        assert [a.type for a in actors if a.text == "ABCD"] == ["organisation"] * 2

    def test_single_unknown_acronym_is_left(self, extractor: ActorExtractor) -> None:
        """An unknown all-capital word used once without "the" is not an actor."""
        assert run(extractor, "An XYZ report came out.") == ()

    def test_acronym_with_unit_number(self, extractor: ActorExtractor) -> None:
        """A number after an acronym belongs to the unit's name."""
        actors = run(extractor, "Ships of the CTF 50 sailed; CTF 50 returned.")
        assert [a.text for a in actors if a.text.startswith("CTF")] == ["CTF 50", "CTF 50"]

    def test_ordinal_unit(self, extractor: ActorExtractor) -> None:
        """An ordinal before a unit name belongs to the organisation."""
        actor = find(run(extractor, "The 407th Air Expeditionary Group flew."),
                     "407th Air Expeditionary Group")  # fmt: skip
        assert actor.type == "organisation"


class TestMembersOfABody:
    def test_members_after_an_alliance_name_are_the_alliance(self, knowledge: KnowledgeBase
                                                             ) -> None:
        """"EU member states" and "NATO allies" resolve the member noun to the body itself."""
        text = "EU member states agreed on the plan, and NATO allies backed it."
        actors = ActorExtractor(knowledge).extract(text, sentences(text), "2024-01-01")
        by_text = {a.text: a.id for a in actors}
        assert by_text.get("member states") == "EU"
        assert by_text.get("allies") == "NATO"

    def test_kb_office_replaces_a_loose_title_in_the_same_body(self, knowledge: KnowledgeBase
                                                              ) -> None:
        """A loose title in the text ("former NATO chief") takes the recorded office of that
        body for a known person."""
        text = "Former NATO chief Jens Stoltenberg spoke on Monday."
        actors = ActorExtractor(knowledge).extract(text, sentences(text), "2025-06-01")
        (person,) = [a for a in actors if a.type == "person"]
        assert (person.role, person.role_org, person.former) == ("Secretary-General", "NATO",
                                                                  True)
