"""Consistency checks for the persons knowledge file (office holders with dates)."""

from __future__ import annotations

import calendar
import importlib.util
import itertools
import json
import re
import sys
from collections import defaultdict
from datetime import date
from pathlib import Path
from typing import Any

import pycountry
import pytest

ROOT = Path(__file__).resolve().parents[2]
PERSONS = ROOT / "streams" / "knowledge" / "data" / "persons.jsonl"
BUILDER = ROOT / "tools" / "build_persons.py"

ORG_IDS = frozenset(
    {"NATO", "EU", "UN", "OSCE", "AU", "IAEA", "EU_COMMISSION", "EU_COUNCIL", "HAMAS", "HEZBOLLAH"}
)
HEAD_TITLES = frozenset(
    {
        "President", "Prime Minister", "Chancellor", "King", "Queen", "Emperor",
        "Supreme Leader", "Grand Duke", "Premier",
    }
)  # fmt: skip
FOREIGN = frozenset({"Foreign Minister", "Secretary of State"})
DEFENCE = frozenset({"Defence Minister", "Secretary of Defense"})
G20 = [
    "ARG", "AUS", "BRA", "CAN", "CHN", "FRA", "DEU", "IND", "IDN", "ITA",
    "JPN", "MEX", "RUS", "SAU", "ZAF", "KOR", "TUR", "GBR", "USA",
]  # fmt: skip
NATO = [
    "ALB", "BEL", "BGR", "CAN", "HRV", "CZE", "DNK", "EST", "FIN", "FRA", "DEU",
    "GRC", "HUN", "ISL", "ITA", "LVA", "LTU", "LUX", "MNE", "NLD", "MKD", "NOR",
    "POL", "PRT", "ROU", "SVK", "SVN", "ESP", "SWE", "TUR", "GBR", "USA",
]  # fmt: skip
OTHERS = ["RUS", "UKR", "BLR", "ISR", "IRN", "CHN", "PRK", "KOR"]
REQUIRED = sorted(set(G20) | set(NATO) | set(OTHERS))
# Iceland has no armed forces and so no defence minister.
NO_DEFENCE_MINISTER = frozenset({"ISL"})
IGO_OFFICES = (
    ("NATO", "Secretary-General"),
    ("UN", "Secretary-General"),
    ("EU_COMMISSION", "President of the European Commission"),
    ("EU_COUNCIL", "President of the European Council"),
    ("EU", "High Representative"),
    ("AU", "Chairperson of the African Union Commission"),
    ("IAEA", "Director General"),
    ("OSCE", "Secretary-General"),
)
# Successions usually hand over on the same day; allow for a swearing-in a few days later.
OVERLAP_DAYS = 5
# A month-only or approximate date may sit anywhere in its month.
OVERLAP_DAYS_VAGUE = 31


def _load() -> list[dict[str, Any]]:
    rows = []
    for line in PERSONS.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            rows.append(json.loads(line))
    return rows


ROWS = _load()


def _day(text: str) -> date:
    return date.fromisoformat(text)


def _month_end(month: str) -> date:
    year, mon = (int(part) for part in month.split("-"))
    return date(year, mon, calendar.monthrange(year, mon)[1])


# Kosovo has no ISO 3166 code; countries.jsonl uses the user-assigned XKX
# that the EU and IMF use.
_NON_ISO_COUNTRIES = frozenset({"XKX"})


def _is_country(code: str) -> bool:
    return code in _NON_ISO_COUNTRIES or pycountry.countries.get(alpha_3=code) is not None


AS_OF = _month_end(min(row["checked"] for row in ROWS))


def _held_on(role: dict[str, Any], day: date) -> bool:
    start, end = role.get("start"), role.get("end")
    if start is not None and _day(start) > day:
        return False
    return end is None or _day(end) >= day


class TestRows:
    """Row shape: ids, names, countries and the checked month."""

    def test_file_has_many_persons(self) -> None:
        """The file holds several hundred office holders, not a stub."""
        assert len(ROWS) >= 500

    def test_ids_are_unique(self) -> None:
        """No two rows share an id."""
        ids = [row["id"] for row in ROWS]
        assert len(ids) == len(set(ids))

    def test_ids_are_ascii_slugs(self) -> None:
        """Every id is a lowercase ASCII slug."""
        bad = [row["id"] for row in ROWS if not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", row["id"])]
        assert bad == []

    def test_rows_are_persons_with_names(self) -> None:
        """Every row is typed person and has a non-empty name."""
        assert all(row["type"] == "person" and row["name"].strip() for row in ROWS)

    def test_countries_are_iso_alpha3(self) -> None:
        """Every person's country is a valid ISO 3166 alpha-3 code."""
        bad = [(row["id"], row["country"]) for row in ROWS if not _is_country(row["country"])]
        assert bad == []

    def test_checked_is_a_month(self) -> None:
        """Every row names the month up to which it was checked."""
        assert all(re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", row["checked"]) for row in ROWS)

    def test_every_row_names_a_source(self) -> None:
        """Every row cites at least one public source."""
        assert all(row["sources"] and all(":" in s for s in row["sources"]) for row in ROWS)


class TestAliases:
    """Aliases identify exactly one person."""

    def test_no_alias_is_shared(self) -> None:
        """No name or alias belongs to two persons (case-insensitive)."""
        owners: dict[str, set[str]] = defaultdict(set)
        for row in ROWS:
            for text in (row["name"], *row["aliases"]):
                owners[text.casefold()].add(row["id"])
        shared = {text: ids for text, ids in owners.items() if len(ids) > 1}
        assert shared == {}

    def test_aliases_are_not_blank(self) -> None:
        """Aliases are non-empty, trimmed strings."""
        assert all(a and a == a.strip() for row in ROWS for a in row["aliases"])

    @pytest.mark.parametrize(
        ("person", "alias"),
        [
            ("zelenskyy-volodymyr", "Zelensky"),
            ("zelenskyy-volodymyr", "Volodymyr Zelenskiy"),
            ("putin-vladimir", "Vladimir Vladimirovich Putin"),
            ("kim-jong-un", "Kim Jong-un"),
            ("erdogan-recep-tayyip", "Recep Tayyip Erdogan"),
            ("rasmussen-anders-fogh", "Anders Rasmussen"),
        ],
    )
    def test_common_spellings_are_aliases(self, person: str, alias: str) -> None:
        """Common transliterations and no-diacritic spellings are listed."""
        row = next(r for r in ROWS if r["id"] == person)
        assert alias.casefold() in {a.casefold() for a in row["aliases"]}


class TestRoles:
    """Roles have valid orgs and dates and successions do not overlap."""

    def test_orgs_are_countries_or_known_organisations(self) -> None:
        """Every role's org is an ISO alpha-3 code or a known organisation id."""
        bad = [
            (row["id"], role["org"])
            for row in ROWS
            for role in row["roles"]
            if role["org"] not in ORG_IDS and not _is_country(role["org"])
        ]
        assert bad == []

    def test_dates_parse_and_are_ordered(self) -> None:
        """Start and end are ISO dates (or null) and start is not after end."""
        for row in ROWS:
            for role in row["roles"]:
                start, end = role.get("start"), role.get("end")
                if start is not None and end is not None:
                    assert _day(start) <= _day(end), row["id"]
                else:
                    for value in (start, end):
                        assert value is None or _day(value), row["id"]

    def test_no_role_starts_after_checked_month(self) -> None:
        """A row claims nothing later than the month it was checked up to."""
        late = [
            (row["id"], role["start"])
            for row in ROWS
            for role in row["roles"]
            for value in (role.get("start"), role.get("end"))
            if value is not None and _day(value) > _month_end(row["checked"])
        ]
        assert late == []

    def test_every_person_has_a_role(self) -> None:
        """Every person holds at least one role with a title."""
        assert all(row["roles"] and all(r["title"] for r in row["roles"]) for row in ROWS)

    def test_successions_do_not_overlap(self) -> None:
        """Two terms of the same title in the same org overlap by a few days at most."""
        terms: dict[tuple[str, str], list[tuple[date, date, bool, str]]] = defaultdict(list)
        for row in ROWS:
            for role in row["roles"]:
                if role.get("start") is None:
                    continue
                end = _day(role["end"]) if role.get("end") else _month_end(row["checked"])
                vague = any(w in role.get("note", "") for w in ("month only", "approximate"))
                terms[(role["org"], role["title"])].append(
                    (_day(role["start"]), end, vague, row["id"])
                )
        clashes = []
        for office, spans in terms.items():
            spans.sort()
            for (_, end_a, vague_a, who_a), (start_b, _, vague_b, who_b) in itertools.pairwise(
                spans
            ):
                slack = OVERLAP_DAYS_VAGUE if vague_a or vague_b else OVERLAP_DAYS
                if (end_a - start_b).days > slack:
                    clashes.append((office, who_a, who_b))
        assert clashes == []


class TestCoverage:
    """Every required country and organisation has its current office holders."""

    @staticmethod
    def _holders(org: str, titles: frozenset[str]) -> list[str]:
        return [
            row["id"]
            for row in ROWS
            for role in row["roles"]
            if role["org"] == org and role["title"] in titles and _held_on(role, AS_OF)
        ]

    @pytest.mark.parametrize("country", REQUIRED)
    def test_head_of_state_or_government(self, country: str) -> None:
        """A head of state or government is in office on the checked date."""
        assert self._holders(country, HEAD_TITLES)

    @pytest.mark.parametrize("country", REQUIRED)
    def test_foreign_minister(self, country: str) -> None:
        """Exactly one foreign minister is in office on the checked date."""
        assert len(self._holders(country, FOREIGN)) == 1

    @pytest.mark.parametrize("country", [c for c in REQUIRED if c not in NO_DEFENCE_MINISTER])
    def test_defence_minister(self, country: str) -> None:
        """Exactly one defence minister is in office on the checked date."""
        assert len(self._holders(country, DEFENCE)) == 1

    @pytest.mark.parametrize(("org", "title"), IGO_OFFICES)
    def test_organisation_heads(self, org: str, title: str) -> None:
        """Exactly one holder of each listed organisation office is in office."""
        assert len(self._holders(org, frozenset({title}))) == 1

    def test_history_since_2014_for_big_powers(self) -> None:
        """The big powers' leaders are covered back to 2000."""
        for country in ("USA", "RUS", "CHN", "GBR", "FRA", "DEU", "UKR"):
            starts = [
                _day(role["start"])
                for row in ROWS
                for role in row["roles"]
                if role["org"] == country and role["title"] in HEAD_TITLES and role.get("start")
            ]
            assert min(starts) <= date(2000, 1, 1), country


class TestBuilder:
    """The JSONL is generated from the compact table and kept in step with it."""

    def test_jsonl_matches_table(self) -> None:
        """Rebuilding from tools/persons.psv gives the committed JSONL byte for byte."""
        spec = importlib.util.spec_from_file_location("build_persons", BUILDER)
        assert spec is not None
        assert spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        # dataclasses look their module up in sys.modules while the class is built.
        sys.modules[spec.name] = module
        spec.loader.exec_module(module)
        assert module.build() == PERSONS.read_text(encoding="utf-8")
