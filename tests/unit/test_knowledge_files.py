"""Consistency of the country, organisation and title knowledge files."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from typing import Any

import pycountry
import pytest

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "streams" / "knowledge" / "data"
BUILDER = ROOT / "tools" / "build_countries.py"

# Ids other modules refer to; removing one breaks them.
REQUIRED_ORG_IDS = """
    NATO EU UN UNSC OSCE AU ASEAN OAS CSTO SCO BRICS G7 G20 IAEA WHO ICC ICJ OPEC GCC ARAB_LEAGUE
    CIS EAEU WTO IMF WORLD_BANK ICRC UNHCR UNICEF WFP EU_COMMISSION EU_COUNCIL EU_PARLIAMENT
    US_DOD RUS_MOD BUNDESWEHR HAMAS HEZBOLLAH HOUTHIS ISIS AL_QAEDA AL_SHABAAB TALIBAN WAGNER
    BOKO_HARAM PKK HTS
"""
REQUIRED_ORGS = frozenset(REQUIRED_ORG_IDS.split())
# States whose demonym is shared with a larger neighbour ("Congolese",
# "Dominican"): the shared word is given to the more common referent only.
SHARED_DEMONYM = frozenset({"COG", "DMA"})
# Short words that must never be a country or organisation alias: they are
# ordinary English words in lower case or in headlines.
DANGEROUS = frozenset({"us", "it", "in", "is", "am", "me", "no", "at", "to", "be", "or", "an"})


def rows(name: str) -> list[dict[str, Any]]:
    """Read one knowledge file, skipping comments and blank lines."""
    text = (DATA / f"{name}.jsonl").read_text(encoding="utf-8")
    return [json.loads(line) for line in text.splitlines() if line.strip() and line[0] != "#"]


@pytest.fixture(scope="module")
def countries() -> list[dict[str, Any]]:
    """The country rows."""
    return rows("countries")


@pytest.fixture(scope="module")
def organisations() -> list[dict[str, Any]]:
    """The organisation rows."""
    return rows("organisations")


@pytest.fixture(scope="module")
def titles() -> list[dict[str, Any]]:
    """The title rows."""
    return rows("titles")


class TestCountries:
    """countries.jsonl is generated from ISO 3166-1."""

    def test_ids_unique_and_iso(self, countries: list[dict[str, Any]]) -> None:
        """Every id is unique and an ISO alpha-3 code (or Kosovo's XKX)."""
        ids = [r["id"] for r in countries]
        assert len(ids) == len(set(ids))
        iso = {c.alpha_3 for c in pycountry.countries}
        assert set(ids) - iso == {"XKX"}
        assert iso <= set(ids)

    def test_states(self, countries: list[dict[str, Any]]) -> None:
        """The 193 UN members and 2 observer states are states with demonyms and seats."""
        states = [r for r in countries if r["kind"] == "state"]
        assert len(states) == 195
        for row in states:
            assert row["demonyms"] or row["id"] in SHARED_DEMONYM, row["id"]
            assert row["seats"], row["id"]

    def test_names_from_iso(self, countries: list[dict[str, Any]]) -> None:
        """The ISO short name of each country is its name or one of its aliases."""
        by_id = {r["id"]: r for r in countries}
        for country in pycountry.countries:
            row = by_id[country.alpha_3]
            assert country.name in (row["name"], *row["aliases"])

    def test_no_dangerous_aliases(self, countries: list[dict[str, Any]]) -> None:
        """No alias is a short common English word; alpha-2 codes are not aliases."""
        for row in countries:
            for alias in (*row["aliases"], *row["demonyms"], *row["seats"]):
                assert alias.lower() != alias or alias not in DANGEROUS, (row["id"], alias)
                assert alias.lower() not in DANGEROUS or alias.isupper(), (row["id"], alias)

    def test_surface_forms_unique_across_countries(self, countries: list[dict[str, Any]]) -> None:
        """A name or alias belongs to one country only."""
        owner: dict[str, str] = {}
        for row in countries:
            for form in (row["name"], *row["aliases"]):
                assert owner.setdefault(form, row["id"]) == row["id"], form

    def test_generator_reproduces_file(self, tmp_path: Path) -> None:
        """Running tools/build_countries.py gives the committed file byte for byte."""
        spec = importlib.util.spec_from_file_location("build_countries", BUILDER)
        assert spec is not None
        assert spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules["build_countries"] = module
        spec.loader.exec_module(module)
        out = tmp_path / "countries.jsonl"
        assert module.main([str(out)]) == 0
        assert out.read_bytes() == (DATA / "countries.jsonl").read_bytes()


class TestOrganisations:
    """organisations.jsonl: ids, kinds, members."""

    def test_required_ids(self, organisations: list[dict[str, Any]]) -> None:
        """Every id other modules rely on is present."""
        ids = {r["id"] for r in organisations}
        assert ids >= REQUIRED_ORGS

    def test_ids_unique_and_distinct_from_countries(
        self, organisations: list[dict[str, Any]], countries: list[dict[str, Any]]
    ) -> None:
        """Organisation ids are unique and never clash with a country id."""
        ids = [r["id"] for r in organisations]
        assert len(ids) == len(set(ids))
        assert not set(ids) & {r["id"] for r in countries}

    def test_members_and_countries_exist(
        self, organisations: list[dict[str, Any]], countries: list[dict[str, Any]]
    ) -> None:
        """Member ids and country fields name existing countries."""
        known = {r["id"] for r in countries}
        for row in organisations:
            assert set(row.get("members", [])) <= known, row["id"]
            assert row.get("country") is None or row["country"] in known, row["id"]
            assert row["kind"], row["id"]
            assert row["sources"], row["id"]

    def test_alliance_sizes(self, organisations: list[dict[str, Any]]) -> None:
        """NATO has 32 members and the EU 27."""
        by_id = {r["id"]: r for r in organisations}
        assert len(set(by_id["NATO"]["members"])) == 32
        assert len(set(by_id["EU"]["members"])) == 27
        assert "SWE" in by_id["NATO"]["members"]
        assert "GBR" not in by_id["EU"]["members"]

    def test_no_generic_aliases(self, organisations: list[dict[str, Any]]) -> None:
        """Generic phrases are not global aliases (coreference handles them)."""
        for row in organisations:
            lowered = {a.lower() for a in row["aliases"]}
            assert not lowered & {"the alliance", "alliance", "the bloc", "is"}, row["id"]


class TestTitles:
    """titles.jsonl rows."""

    def test_rows(self, titles: list[dict[str, Any]]) -> None:
        """Texts are unique, canonicals non-empty, ranks in [0, 1]."""
        texts = [r["text"] for r in titles]
        assert len(texts) == len(set(texts))
        for row in titles:
            assert row["canonical"]
            assert 0.0 <= row["rank"] <= 1.0

    def test_required_titles(self, titles: list[dict[str, Any]]) -> None:
        """The common titles of news copy are all present."""
        texts = {r["text"] for r in titles}
        assert {
            "President", "Prime Minister", "Chancellor", "Foreign Minister", "Secretary of State",
            "Defence Minister", "Defense Minister", "Secretary of Defense", "Secretary-General",
            "Ambassador", "envoy", "spokesman", "spokeswoman", "spokesperson", "commander",
            "General", "Admiral", "Chief of Staff", "King", "Queen", "Crown Prince", "Emir",
            "Supreme Leader", "leader", "minister", "senator", "MP", "governor", "mayor",
            "adviser", "advisor", "head", "chairman", "director",
        } <= texts  # fmt: skip

    def test_heads_of_state_outrank_spokespeople(self, titles: list[dict[str, Any]]) -> None:
        """A President ranks above a spokesperson."""
        rank = {r["text"]: r["rank"] for r in titles}
        assert rank["President"] == 1.0
        assert rank["President"] > rank["Ambassador"] > rank["spokesperson"]


class TestAgents:
    """The generic agents file."""

    def test_rows_have_ids_kinds_and_forms(self) -> None:
        """Every agent row has a namespaced id, a kind and at least one surface form."""
        bad = [
            row.get("id")
            for row in rows("agents")
            if not str(row.get("id", "")).startswith(("agent:", "group:"))
            or not row.get("kind")
            or not row.get("aliases")
        ]
        assert bad == []

    def test_types_are_organisation_or_person(self) -> None:
        """Agent rows are collective organisations or singular persons."""
        assert {row.get("type", "organisation") for row in rows("agents")} <= {
            "organisation",
            "person",
        }

    def test_loader_reads_agents(self) -> None:
        """The packaged knowledge base carries the agent rows."""
        from streams.knowledge.loader import load_knowledge

        kb = load_knowledge()
        assert any(a.id == "agent:MIL" for a in kb.agents)
