"""The dashboard without a broker: the store, text segments, the web app's security."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import orjson
from aiohttp.test_utils import TestClient, TestServer

from streams.config import Settings
from streams.core.text import strip_markup
from streams.dashboard.follower import Backoff, Follower
from streams.dashboard.server import CSP, Hub, check_bind, create_web_app
from streams.dashboard.store import AlertStore, clean_alert, segments

STATIC = Path(__file__).resolve().parents[2] / "streams" / "dashboard" / "static"


def alert(i: int, article: str = "a1", **extra: Any) -> dict[str, Any]:
    sentence = "Troops will deploy to the border."
    return {"schema": "alert.v1", "id": f"alr_{i:024x}", "article_id": article, "level": "high",
            "score": 50.0, "time": "2024-01-01T00:00:00Z", "title": "t", "url": "",
            "summary": "s", "signal_types": ["MOBILIZE"], "actors": ["RUS", "UKR"],
            "actor_names": ["Russia", "Ukraine"],
            "evidence": [{"sentence": sentence, "start": 6, "end": 6 + len(sentence),
                          "signal_type": "MOBILIZE", "trigger": "deploy",
                          "modality": "future"}], **extra}


def test_store_is_bounded_and_deduplicates() -> None:
    store = AlertStore(capacity=3)
    for i in range(5):
        assert store.add_alert(alert(i, article=f"a{i}"), 0) is not None
    assert store.add_alert(alert(4, article="a4"), 0) is None
    assert len(store) == 3
    assert [s["id"] for s in store.summaries()] == [f"alr_{i:024x}" for i in (2, 3, 4)]
    assert store.duplicates == 1


def test_store_rejects_garbage() -> None:
    store = AlertStore()
    for bad in (None, [], {"schema": "alert.v1"}, {**alert(1), "level": "extreme"}, "x"):
        assert store.add_alert(bad, 0) is None
    assert store.rejected == 5
    assert clean_alert(alert(1)) is not None


def test_text_and_analysis_join_in_any_order() -> None:
    text = "Intro <b>x</b> &amp; y. Troops will deploy to the border. End."
    stripped = strip_markup(text)  # what the worker analysed: the offsets index it
    sentence = "Troops will deploy to the border."
    at = stripped.index(sentence)
    a = alert(1, evidence=[{"sentence": sentence, "start": at, "end": at + len(sentence),
                            "signal_type": "MOBILIZE", "trigger": "deploy",
                            "modality": "future"}])
    analysis = {"schema": "analysis.v1", "article_id": "a1", "alert": a,
                "actors": [{"id": "RUS", "type": "country"}],
                "signals": [{"type": "MOBILIZE", "trigger": "deploy", "sentence_start": at,
                             "start": at + 12, "end": at + 18, "speaker_name": "A Minister",
                             "mode": "troops", "source": "RUS", "target": "UKR"}]}
    for order in ("before", "after"):
        store = AlertStore()
        if order == "before":
            store.add_article({"id": "a1", "text": text})
            store.add_analysis(analysis)
            summary = store.add_alert(a, 0)
        else:
            store.add_alert(a, 0)
            store.add_article({"id": "a1", "text": text})
            summary = store.add_analysis(analysis)[0]
        assert summary is not None
        assert summary["speakers"] == ["A Minister"]
        assert summary["dyads"][0][:2] == ["RUS", "UKR"]
        assert summary["has_text"]
        detail = store.detail(a["id"])
        assert detail is not None
        assert "".join(s["t"] for s in detail["segments"]) == stripped
        assert [s["t"] for s in detail["segments"] if s["trig"]] == ["deploy"]


def test_segments_count_code_points_and_relocate() -> None:
    text = "😀 Ünïcode first. Troops will deploy now."
    sentence = "Troops will deploy now."
    start = text.index(sentence)
    ev = [{"sentence": sentence, "start": start, "end": start + len(sentence),
           "trigger": "deploy", "modality": "future", "signal_type": "MOBILIZE"}]
    segs, placed = segments(text, ev, [None])
    assert placed == [True]
    assert "".join(s["t"] for s in segs if s["ev"]) == sentence
    # Wrong offsets (another version of the text): found by its sentence.
    ev[0]["start"], ev[0]["end"] = 0, 5
    segs, placed = segments(text, ev, [None])
    assert placed == [True]
    assert "".join(s["t"] for s in segs if s["ev"]) == sentence
    ev[0]["sentence"] = "absent"
    assert segments(text, ev, [None])[1] == [False]


def test_binding_rules() -> None:
    assert check_bind("127.0.0.1", None, False) is None
    assert check_bind("::1", None, False) is None
    assert check_bind("0.0.0.0", None, False) is not None
    assert check_bind("0.0.0.0", "secret", False) is None
    assert check_bind("0.0.0.0", None, True) is None


def test_backoff_doubles_to_a_cap() -> None:
    b = Backoff(0.5, 4)
    assert [b.next() for _ in range(5)] == [0.5, 1, 2, 4, 4]
    b.reset()
    assert b.next() == 0.5


def test_follower_retries_when_no_broker() -> None:
    calls: list[int] = []
    statuses: list[dict[str, Any]] = []

    def factory() -> Any:
        calls.append(1)
        if len(calls) >= 3:
            follower.stop(timeout=0)
        raise OSError("no broker")

    follower = Follower(Settings(), lambda b: None, statuses.append, capacity=10,
                        consumer_factory=factory)
    follower.backoff = Backoff(0.01, 0.02)
    follower.run()
    assert len(calls) == 3
    assert any(s["state"] == "unavailable" for s in statuses)


def test_page_has_no_inline_script_or_html_injection_sink() -> None:
    html = (STATIC / "index.html").read_text()
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)
    assert not re.search(r"\son[a-z]+=", html)
    assert "style=" not in html
    assert "http://" not in html  # nothing from the internet
    assert "https://" not in html
    js = (STATIC / "app.js").read_text()
    for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval("):
        assert sink not in js


async def _client(settings: Settings) -> TestClient:
    hub = Hub(settings)
    hub.store.add_alert(alert(1), 0)
    client = TestClient(TestServer(create_web_app(hub)))
    await client.start_server()
    return client


async def test_headers_and_open_page() -> None:
    client = await _client(Settings())
    try:
        resp = await client.get("/")
        assert resp.status == 200
        assert resp.headers["Content-Security-Policy"] == CSP
        assert "unsafe-inline" not in CSP
        assert resp.headers["X-Content-Type-Options"] == "nosniff"
        status = await (await client.get("/api/status")).json()
        assert status["alerts"] == 1
        detail = await client.get(f"/api/alerts/alr_{1:024x}")
        assert (await detail.json())["summary"]["id"] == f"alr_{1:024x}"
        assert (await client.get("/api/alerts/nope")).status == 404
        assert (await client.post("/api/status")).status == 405  # read-only
        # Another Host name (DNS rebinding) is refused when no token guards the page.
        assert (await client.get("/", headers={"Host": "evil.example"})).status == 403
    finally:
        await client.close()


async def test_token_required_when_set() -> None:
    client = await _client(Settings(dashboard_token="s3cret"))
    try:
        assert (await client.get("/api/status")).status == 401
        resp = await client.get("/", allow_redirects=False)
        assert resp.status == 303
        assert resp.headers["Location"] == "/login"
        ok = await client.get("/api/status", headers={"Authorization": "Bearer s3cret"})
        assert ok.status == 200
        assert "s3cret" not in await ok.text()
        bad = await client.post("/login", data={"token": "wrong"}, allow_redirects=False)
        assert bad.headers["Location"].startswith("/login")
        good = await client.post("/login", data={"token": "s3cret"}, allow_redirects=False)
        assert good.status == 303
        cookie = good.cookies["escwatch_dashboard"]
        assert "s3cret" not in cookie.value
        assert cookie["httponly"]
        page = await client.get("/")  # the cookie jar now has the session
        assert page.status == 200
        assert "s3cret" not in await page.text()
    finally:
        await client.close()


def test_settings_repr_hides_the_token() -> None:
    settings = Settings.from_env({"ESCWATCH_DASHBOARD_TOKEN": "tok-canary",
                                  "ESCWATCH_DASHBOARD_HISTORY": "50"})
    assert settings.dashboard_history == 50
    assert "tok-canary" not in repr(settings)
    assert orjson.dumps(settings.topic_trends) == b'"monitoring.trends"'
