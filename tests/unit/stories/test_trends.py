"""Trend alerts: per-key baselines, surges fire within their window, steady keys stay quiet,
late articles are counted."""

from __future__ import annotations

import math
import random

import pytest

from streams.stories.contract import validate
from streams.stories.trends import TrendEngine, keys_of, poisson_tail
from tests.unit.stories.helpers import analysis, at

H = 3600.0
FIGHT = [("FIGHT", "RUS", "UKR")]


def _poisson(rng: random.Random, lam: float) -> int:
    # Knuth's method: fine for the small means used here.
    limit, k, p = math.exp(-lam), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


def _stream(rng: random.Random, hours: int, per_hour: dict[tuple[str, str], float],
            surge: tuple[int, tuple[str, str], int] | None = None) -> list[tuple[float, tuple]]:
    events = []
    for h in range(hours):
        for dyad, lam in per_hour.items():
            n = _poisson(rng, lam)
            if surge is not None and surge[0] == h and surge[1] == dyad:
                n += surge[2]
            for _ in range(n):
                events.append((h + rng.random(), dyad))
    events.sort()
    return events


def _run(events: list[tuple[float, tuple]]) -> tuple[TrendEngine, list[dict]]:
    eng = TrendEngine()
    out = []
    for i, (hours, (src, tgt)) in enumerate(events):
        when = at(hours)
        eng.advance(hours * H + _T0)
        out += eng.add(f"a{i}", f"story{i}", hours * H + _T0,
                       analysis(f"a{i}", when, signals=[("ASSAULT", src, tgt)]))
    return eng, out


_T0 = 1740787200.0  # 2025-03-01T00:00:00Z, helpers.T0


def test_steady_high_volume_dyad_is_not_flagged() -> None:
    rng = random.Random(1)
    events = _stream(rng, 24 * 14, {("ISR", "IRN"): 12.0, ("USA", "CHN"): 0.5})
    _, alerts = _run(events)
    hourly = [a for a in alerts if a["key"] == "dyad:ISR->IRN" and a["window"] == "hour"]
    assert len(hourly) <= 1  # 312 tested hours at p <= 0.001 each
    assert not [a for a in alerts if a["key"] == "dyad:ISR->IRN" and a["window"] == "day"]


@pytest.mark.parametrize("seed", [2, 3, 4])
def test_planted_surge_is_flagged_within_its_window(seed: int) -> None:
    rng = random.Random(seed)
    surge_hour = 24 * 8 + 13
    events = _stream(rng, 24 * 10, {("ISR", "IRN"): 12.0, ("RUS", "UKR"): 0.4},
                     surge=(surge_hour, ("RUS", "UKR"), 8))
    _, alerts = _run(events)
    hits = [a for a in alerts if a["key"] == "dyad:RUS->UKR" and a["window"] == "hour"]
    assert hits, "surge missed"
    assert hits[0]["window_start"] == at(surge_hour)
    assert 3 <= hits[0]["count"] <= 8 + 3  # fires once the count is clearly above
    assert hits[0]["top_stories"]
    for a in alerts:
        validate(a, "trend.v1")
    # Actor and country keys of the same surge fire too; the steady dyad does not.
    keys = {a["key"] for a in alerts if a["window_start"] == at(surge_hour)}
    assert {"actor:RUS", "country:UKR"} <= keys
    assert "dyad:ISR->IRN" not in keys


def test_week_long_build_up_stands_out_in_daily_windows() -> None:
    rng = random.Random(5)
    events = _stream(rng, 24 * 10, {("CHN", "TWN"): 0.1})
    # Then a week where each day brings a few more small stories: no single hour stands out.
    for day in range(7):
        for k in range(3 + 2 * day):
            events.append((24 * (10 + day) + (k * 24 / (3 + 2 * day)) + 0.01, ("CHN", "TWN")))
    events.sort()
    _, alerts = _run(events)
    daily = [a for a in alerts if a["key"] == "dyad:CHN->TWN" and a["window"] == "day"]
    assert daily
    assert daily[0]["window_start"] >= at(24 * 10)


def test_a_story_counts_once_however_many_reposts() -> None:
    eng = TrendEngine()
    for h in range(30):  # a history of one story every few hours
        if h % 3 == 0:
            t = _T0 + h * H
            eng.advance(t)
            eng.add(f"b{h}", f"s{h}", t, analysis(f"b{h}", at(h), signals=FIGHT))
    t = _T0 + 30 * H + 60
    eng.advance(t)
    out = []
    for i in range(40):  # 40 reposts of one wire story
        out += eng.add(f"w{i}", "wire", t + i, analysis(f"w{i}", at(30), signals=FIGHT))
    assert out == []


def test_late_articles_within_grace_update_their_window_later_ones_are_counted() -> None:
    eng = TrendEngine()
    an = analysis("x", at(0), signals=[("COERCE", "RUS", "DEU")])
    eng.advance(_T0 + 10 * H)
    # Hour 9 closes at 10:00 and stays open for the 2 h grace: accepted.
    eng.add("late-ok", "s1", _T0 + 9 * H + 5, an)
    assert eng.stats["late_accepted"] >= 1
    eng.advance(_T0 + 13 * H)
    eng.add("too-late", "s2", _T0 + 9 * H + 10, an)
    assert eng.stats["late_dropped"] == len(keys_of(an))  # hour windows of each key
    state = eng._state[("dyad:RUS->DEU", "hour")]
    assert state.late_dropped == 1


def test_keys_of_analysis() -> None:
    an = analysis("k", at(0), signals=[("ASSAULT", "RUS", "UKR"), ("THREATEN", "agent:MIL", "UKR")])
    keys = {k for _, k in keys_of(an)}
    assert keys == {"actor:RUS", "actor:UKR", "dyad:RUS->UKR", "country:RUS", "country:UKR"}
    an["signals"][0]["political"] = False
    assert "dyad:RUS->UKR" not in {k for _, k in keys_of(an)}


@pytest.mark.parametrize(("count", "lam"), [(1, 0.3), (4, 0.5), (10, 3.2), (30, 12.0), (3, 7.0)])
def test_poisson_tail_matches_direct_sum(count: int, lam: float) -> None:
    direct = 1.0 - sum(math.exp(-lam) * lam**i / math.factorial(i) for i in range(count))
    assert poisson_tail(count, lam) == pytest.approx(direct, rel=1e-6, abs=1e-12)


def test_state_of_idle_keys_is_forgotten() -> None:
    eng = TrendEngine()
    eng.add("o", "s", _T0, analysis("o", at(0)))
    assert len(eng) > 0
    eng.advance(_T0 + 3 * H)
    eng.advance(_T0 + 2001 * 86400.0)
    assert len(eng) == 0
