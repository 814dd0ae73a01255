"""The dashboard in a real browser, through the real broker and a real worker.

Figures (printed, run with ``-s`` to see them): delay from publishing an alert
to its row on the page; history read and first render with 10,000 alerts; time
for a filter to narrow the feed.
"""

from __future__ import annotations

import hashlib
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import orjson
import pytest
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

from streams import codec
from tests.browser.conftest import ROOT
from tests.integration.test_crash_recovery import create_topics, produce

pytestmark = [pytest.mark.kafka, pytest.mark.browser, pytest.mark.timeout(300)]

SEED_TITLE = "Former NATO Chief Warns Members May be Willing to Deploy Troops in Ukraine"
HOSTILE_TEXT = ("Officials said the army will deploy troops to the border and threatened a "
                "missile strike on the capital. &lt;script&gt;window.__pwned=3;document.title="
                "'pwned'&lt;/script&gt; <img src=x onerror=\"window.__pwned=2\"> "
                "<script>window.__pwned=1</script> The ministry warned of war.")


def synthetic_alert(i: int, *, level: str = "high", title: str | None = None,
                    actors: tuple[str, str] = ("RUS", "UKR"), kind: str = "THREATEN",
                    day: int = 0, prefix: str = "syn") -> dict[str, Any]:
    """A valid alert.v1 record."""
    digest = hashlib.sha256(f"{prefix}-{i}".encode()).hexdigest()[:24]
    sentence = f"Synthetic sentence {i} where forces threaten the border."
    return {
        "schema": "alert.v1", "id": f"alr_{digest}", "article_id": f"{prefix}-{i}",
        "level": level, "score": 30.0 + i % 70,
        "time": f"2024-03-{1 + day % 28:02d}T{i % 24:02d}:00:00Z",
        "title": title or f"Synthetic alert {i}", "url": "", "summary": f"{kind}: synthetic {i}",
        "signal_types": [kind], "actors": list(actors), "actor_names": list(actors),
        "evidence": [{"sentence": sentence, "start": 0, "end": len(sentence),
                      "signal_type": kind, "trigger": "threaten", "modality": "asserted"}],
    }


def _ingest(env: dict[str, str], *paths: str) -> None:
    subprocess.run([sys.executable, "-m", "streams.cli", "ingest", *paths], env=env, cwd=ROOT,
                   check=True, timeout=60)


def _wait(driver: Any, predicate: Any, timeout: float = 20) -> Any:
    return WebDriverWait(driver, timeout, poll_frequency=0.05,
                         ignored_exceptions=(StaleElementReferenceException,)).until(predicate)


class _Row:
    def __init__(self, text: str) -> None:
        self.text = text


def _rows(driver: Any) -> list[_Row]:
    # Read in one script: the feed is re-rendered as alerts arrive, so element handles go stale.
    texts = driver.execute_script(
        "return Array.from(document.querySelectorAll('#feed li')).map(li => li.innerText)")
    return [_Row(t) for t in texts]


def _open(driver: Any, needle: str, timeout: float = 20) -> None:
    """Click the feed row holding ``needle``, waiting for it: after a filter change the
    feed is drawn again asynchronously."""
    _wait(driver, lambda d: d.execute_script("""
        const li = Array.from(document.querySelectorAll('#feed li'))
          .find(li => li.innerText.includes(arguments[0]));
        if (li) li.click();
        return !!li;""", needle), timeout)


def test_live_page_seed_filters_evidence_and_no_injection(
        browser: Any, worker_env: dict[str, str], start_worker: Any, start_dashboard: Any,
        kafka_bootstrap: str, analyzer: Any, seed_article: Any) -> None:
    seed_alert = analyzer.analyze(seed_article).alert
    assert seed_alert is not None
    env = dict(worker_env)
    create_topics(env)
    dash = start_dashboard(env)
    start_worker(env)
    _ingest(env, "seeds/articles.jsonl", "seeds/demo.jsonl")

    browser.get(dash.url)
    _wait(browser, lambda d: any(SEED_TITLE in r.text for r in _rows(d)), 90)
    # Level, actors, PLOVER type, modality and speaker (the speaker comes from the analysis).
    _wait(browser, lambda d: "Anders Fogh Rasmussen" in next(
        r for r in _rows(d) if SEED_TITLE in r.text).text, 30)
    seed = next(r for r in _rows(browser) if SEED_TITLE in r.text)
    text = seed.text
    for part in (seed_alert.level, "MOBILIZE", "conditional", "speaker Anders Fogh Rasmussen",
                 "North Atlantic Treaty Organization", "Ukraine"):
        assert part.lower() in text.lower(), (part, text)
    _wait(browser, lambda d: len(_rows(d)) >= 3, 30)  # seed + two demo alerts

    # A filter narrows the feed: THREATEN leaves the two demo threats, not the seed.
    before = len(_rows(browser))
    Select(browser.find_element(By.ID, "f-type")).select_by_value("THREATEN")
    _wait(browser, lambda d: len(_rows(d)) < before)
    assert all("THREATEN" in r.text for r in _rows(browser))
    assert not any(SEED_TITLE in r.text for r in _rows(browser))
    Select(browser.find_element(By.ID, "f-type")).select_by_value("")
    _wait(browser, lambda d: len(_rows(d)) == before)
    Select(browser.find_element(By.ID, "f-country")).select_by_value("PRK")
    _wait(browser, lambda d: len(_rows(d)) == 1)
    Select(browser.find_element(By.ID, "f-country")).select_by_value("")
    _wait(browser, lambda d: len(_rows(d)) == before)

    # Opening the seed alert highlights its evidence in the article, "deploy troops" as trigger.
    _open(browser, SEED_TITLE)
    try:
        _wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "#detail .article mark.trigger"))
    except Exception:
        raise AssertionError(browser.find_element(By.ID, "detail").text[:2000]) from None
    triggers = [m.text for m in
                browser.find_elements(By.CSS_SELECTOR, "#detail .article mark.trigger")]
    assert "deploy troops" in triggers
    marks = browser.find_elements(By.CSS_SELECTOR, "#detail .article mark")
    assert "".join(m.text for m in marks).startswith("NATO countries may be willing to ")
    Path(ROOT / "docs").mkdir(exist_ok=True)
    browser.save_screenshot(str(ROOT / "docs" / "dashboard.png"))

    # Hostile input: markup in an article through the worker, and an alert written straight
    # to the topic with markup everywhere. Nothing runs; the text shows as text.
    hostile = {"id": "hostile-1", "title": "<script>window.__pwned=4</script>Hostile <b>title</b>",
               "text": HOSTILE_TEXT, "published_at": "2024-05-01T10:00:00Z"}
    produce(kafka_bootstrap, env["ESCWATCH_TOPIC_RAW"], [(b"hostile-1", codec.dumps(hostile))])
    evil = synthetic_alert(1, prefix="evil", title="<script>window.__pwned=5;document.title='pwned'"
                           "</script><img src=x onerror=\"window.__pwned=6\">Evil")
    evil["summary"] = "<img src=x onerror=\"window.__pwned=7\">"
    evil["actor_names"] = ["<b onmouseover=\"window.__pwned=8\">Bold</b>", "UKR"]
    produce(kafka_bootstrap, env["ESCWATCH_TOPIC_ALERTS"], [(evil["id"].encode(),
                                                            codec.dumps(evil))])
    _wait(browser, lambda d: any("<script>window.__pwned=5" in r.text for r in _rows(d)), 60)
    _open(browser, "Evil")
    _wait(browser, lambda d: "onerror" in d.find_element(By.ID, "detail").text)
    _wait(browser, lambda d: any("Hostile" in r.text for r in _rows(d)), 60)
    _open(browser, "Hostile")
    _wait(browser, lambda d: "<script>window.__pwned=3" in d.find_element(By.ID, "detail").text)
    assert browser.execute_script("return window.__pwned") is None
    assert browser.title == "Escalation Watch"
    assert not browser.find_elements(By.CSS_SELECTOR, "main img, main b[onmouseover], main script")
    errors = [e for e in browser.get_log("browser") if "Content Security Policy" in e["message"]]
    assert not errors, errors

    # Works with no internet: every resource came from the dashboard itself.
    urls = browser.execute_script(
        "return performance.getEntriesByType('resource').map(e => e.name)")
    assert urls
    assert all(u.startswith(dash.url) for u in urls), urls

    # A new alert is on the page within a second of being published.
    browser.execute_script("""
        window.__seen = {};
        new MutationObserver(() => {
          document.querySelectorAll('#feed li[data-id]').forEach(li => {
            if (!(li.dataset.id in window.__seen)) window.__seen[li.dataset.id] = Date.now();
          });
        }).observe(document.getElementById('feed'), {childList: true, subtree: true});""")
    delays = []
    for i in range(5):
        alert = synthetic_alert(i, prefix="live")
        sent = time.time() * 1000
        produce(kafka_bootstrap, env["ESCWATCH_TOPIC_ALERTS"],
                [(alert["id"].encode(), codec.dumps(alert))])
        _wait(browser, lambda d, a=alert: d.execute_script(
            "return window.__seen[arguments[0]] || null", a["id"]), 10)
        delays.append(browser.execute_script("return window.__seen[arguments[0]]", alert["id"])
                      - sent)
    print(f"\npublish-to-page delay ms: {[round(d) for d in delays]}, max {max(delays):.0f}")
    assert max(delays) <= 1000, delays

    # The dashboard restarts: the page's EventSource reconnects and shows the history again.
    dash.stop()
    _wait(browser, lambda d: d.find_element(By.ID, "conn").text == "reconnecting", 20)
    dash.start()
    _wait(browser, lambda d: d.find_element(By.ID, "conn").text == "live", 60)
    _wait(browser, lambda d: any(SEED_TITLE in r.text for r in _rows(d)), 60)


def test_ten_thousand_alerts_first_render_and_filtering(
        browser: Any, worker_env: dict[str, str], start_dashboard: Any,
        kafka_bootstrap: str) -> None:
    env = dict(worker_env)
    create_topics(env)
    levels = ("low", "medium", "high", "critical")
    kinds = ("THREATEN", "MOBILIZE", "ASSAULT", "SANCTION", "FIGHT")
    pairs = (("RUS", "UKR"), ("CHN", "TWN"), ("PRK", "KOR"), ("ISR", "IRN"), ("IND", "PAK"))
    items = []
    for i in range(10_000):
        a = synthetic_alert(i, level=levels[i % 4], kind=kinds[i % 5], actors=pairs[i % 5],
                            day=i % 28, prefix="bulk")
        items.append((a["id"].encode(), orjson.dumps(a)))
    produce(kafka_bootstrap, env["ESCWATCH_TOPIC_ALERTS"], items)

    t0 = time.perf_counter()
    dash = start_dashboard(env)
    assert _wait_status(dash, lambda s: s["history"] and s["alerts"] == 10_000, 60)
    history_s = time.perf_counter() - t0

    t0 = time.perf_counter()
    browser.get(dash.url)
    _wait(browser, lambda d: d.find_element(By.TAG_NAME, "body").get_attribute("data-total")
          == "10000" and len(_rows(d)) > 0, 30)
    first_render_s = time.perf_counter() - t0

    timings = []
    for action in (
        lambda: Select(browser.find_element(By.ID, "f-type")).select_by_value("ASSAULT"),
        lambda: browser.find_element(By.CSS_SELECTOR, "input[value=low]").click(),
        lambda: browser.find_element(By.ID, "f-actor").send_keys("CHN"),
        lambda: Select(browser.find_element(By.ID, "chart-by")).select_by_value("dyad"),
    ):
        shown = browser.find_element(By.TAG_NAME, "body").get_attribute("data-shown")
        t0 = time.perf_counter()
        action()
        if len(timings) < 3:
            _wait(browser, lambda d, s=shown: d.find_element(By.TAG_NAME, "body")
                  .get_attribute("data-shown") != s, 10)
        timings.append(time.perf_counter() - t0)
    render_ms = browser.find_element(By.TAG_NAME, "body").get_attribute("data-render-ms")
    shown = int(browser.find_element(By.TAG_NAME, "body").get_attribute("data-shown"))
    print(f"\n10,000 alerts: history read {history_s:.2f} s, first render {first_render_s:.2f} s, "
          f"filter steps {[round(t * 1000) for t in timings]} ms, last render {render_ms} ms")
    assert shown == 0  # ASSAULT alerts are all PRK-KOR, so actor CHN leaves none
    assert first_render_s <= 2.0
    assert max(timings) <= 0.5


def _wait_status(dash: Any, predicate: Any, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status = dash.status()
        if status and predicate(status):
            return True
        time.sleep(0.1)
    return False
