"""Build tests/data/reposts.jsonl: a labelled repost set from the Wikinews articles
of tests/data/devnews.jsonl.

Every dated Wikinews article is one distinct story (its original record). A fixed
seed picks for about two in three of them 1 to 6 reposts, each the original text
under another outlet's name and URL, published 0 to 48 hours later, with the edits
outlets make to wire copy:

* ``verbatim``: same text, same headline;
* ``dateline``: "CITY (AGENCY) — " put before the first sentence;
* ``credit``: "Reporting by ...; Editing by ..." and/or a copyright line appended;
* ``drop_sentence``: one sentence (not the first) left out;
* ``truncate``: the text cut after its first paragraphs (at least half kept);
* ``headline``: the headline rewritten (agency prefix, first words of the lead, or
  an outlet suffix);
* ``word_edits``: 1 to 3 words replaced by a synonym or a spelling variant.

A repost takes one to three of these at random. Outlet and agency names are
invented; no text is written beyond the boilerplate lines above. Of several devnews
records of one page (an article and paragraphs of it) only the longest is a story.

    python tools/build_repost_set.py [--out tests/data/reposts.jsonl] [--seed 10]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEVNEWS = ROOT / "tests" / "data" / "devnews.jsonl"

OUTLETS = [
    ("Northern Ledger", "northernledger.example"), ("Daily Meridian", "dailymeridian.example"),
    ("Harbour Post", "harbourpost.example"), ("Valley Courier", "valleycourier.example"),
    ("Coastal Herald", "coastalherald.example"), ("Capital Wire Review", "cwr.example"),
    ("Evening Standard-Bearer", "esb.example"), ("The Plainsman", "plainsman.example"),
    ("Metro Dispatch", "metrodispatch.example"), ("Lakeside Times", "lakesidetimes.example"),
    ("Global Digest", "globaldigest.example"), ("Riverbend Observer", "rbobserver.example"),
    ("Summit Journal", "summitjournal.example"), ("Island Chronicle", "islandchronicle.example"),
    ("World Desk Online", "worlddesk.example"), ("Frontier Gazette", "frontiergazette.example"),
]
AGENCIES = ["WNS", "GPA", "IPN", "NWA", "Intl Press"]
CITIES = ["WASHINGTON", "LONDON", "NAIROBI", "BRUSSELS", "NEW DELHI", "SYDNEY", "GENEVA",
          "CAIRO", "TOKYO", "BUENOS AIRES", "JOHANNESBURG", "MOSCOW", "BEIJING", "PARIS"]
REPORTERS = ["A. Smith", "J. Okafor", "M. Haddad", "L. Chen", "P. Novak", "R. Silva"]
SWAPS = [("said", "stated"), ("told", "informed"), ("announced", "declared"),
         ("about", "around"), ("people", "persons"), ("government", "administration"),
         ("organization", "organisation"), ("defense", "defence"), ("center", "centre"),
         ("percent", "per cent"), ("also", "additionally"), ("began", "started"),
         ("however", "but"), ("killed", "left dead"), ("capital", "capital city")]
EDITS = ["verbatim", "dateline", "credit", "drop_sentence", "truncate", "headline",
         "word_edits"]

_SENT = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"'“])")


def _slug(title: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:80] or "story"


def _sentences(text: str) -> list[str]:
    return [s for s in _SENT.split(text) if s.strip()]


def _dateline(rng: random.Random, text: str) -> str:
    return f"{rng.choice(CITIES)} ({rng.choice(AGENCIES)}) — {text.lstrip()}"


def _credit(rng: random.Random, text: str) -> str:
    lines = []
    if rng.random() < 0.7:
        lines.append(f"Reporting by {rng.choice(REPORTERS)}; Editing by "
                     f"{rng.choice(REPORTERS)}")
    if not lines or rng.random() < 0.5:
        lines.append(f"© {rng.choice(AGENCIES)} {rng.randint(2004, 2026)}. "
                     "All rights reserved.")
    return text.rstrip() + "\n\n" + "\n".join(lines)


def _drop_sentence(rng: random.Random, text: str) -> str:
    sents = _sentences(text)
    if len(sents) > 2:
        del sents[rng.randrange(1, len(sents))]
        text = " ".join(sents)
    return text


def _truncate(rng: random.Random, text: str) -> str:
    paras = [p for p in text.split("\n\n") if p.strip()]
    if len(paras) > 2:
        keep = max((len(paras) + 1) // 2, rng.randrange(1, len(paras)))
        return "\n\n".join(paras[:keep])
    sents = _sentences(text)
    if len(sents) > 3:
        text = " ".join(sents[:max((len(sents) + 1) // 2, len(sents) - 2)])
    return text


def _headline(rng: random.Random, title: str, text: str) -> str:
    style = rng.randrange(3)
    if style == 0:
        return f"UPDATE {rng.randint(1, 3)}-{title}"
    if style == 1:
        lead = re.split(r"[,.;:]", text.strip())[0].split()
        return " ".join(lead[:rng.randint(6, 11)]) or title
    return f"{title} | {rng.choice(OUTLETS)[0]}"


def _word_edits(rng: random.Random, text: str) -> str:
    n = rng.randint(1, 3)
    for a, b in rng.sample(SWAPS, len(SWAPS)):
        if n == 0:
            break
        pat = re.compile(rf"\b{a}\b")
        if pat.search(text):
            text = pat.sub(b, text, count=1)
            n -= 1
    return text


_TEXT_EDITS = {"dateline": _dateline, "credit": _credit, "drop_sentence": _drop_sentence,
               "truncate": _truncate, "word_edits": _word_edits}


def _edit(rng: random.Random, edit: str, title: str, text: str) -> tuple[str, str]:
    if edit == "headline":
        return _headline(rng, title, text), text
    if edit in _TEXT_EDITS:
        return title, _TEXT_EDITS[edit](rng, text)
    return title, text


def build(seed: int) -> list[dict[str, object]]:
    rng = random.Random(seed)
    originals = []
    for line in DEVNEWS.read_text(encoding="utf-8").splitlines():
        r = json.loads(line)
        if r.get("hard_negative") or "wikinews" not in r.get("url", "") \
                or "fordred/" in r["source"] or not r.get("published_at"):
            continue
        originals.append(r)
    originals.sort(key=lambda r: r["id"])
    # devnews holds, besides 321 whole Wikinews articles, 57 untitled paragraphs of some
    # of them (same page, same URL, text contained in the article's). They are not
    # distinct stories: only the longest record of each page is kept.
    by_url: dict[str, dict[str, object]] = {}
    for r in originals:
        kept = by_url.get(r["url"])
        if kept is None or len(r["text"]) > len(str(kept["text"])):
            by_url[r["url"]] = r
    originals = [r for r in originals if by_url[r["url"]] is r]
    out: list[dict[str, object]] = []
    for r in originals:
        story = r["id"]
        base = {"story": story, "licence": r["licence"], "source_record": r["id"],
                "upstream": r["source"]}
        out.append({"id": story, "title": r["title"], "text": r["text"],
                    "url": r["url"], "source": "Wikinews", "published_at": r["published_at"],
                    "labels": {**base, "repost_of": None, "edits": []}})
        if rng.random() >= 2 / 3:
            continue
        t0 = datetime.fromisoformat(r["published_at"].replace("Z", "+00:00"))
        outlets = rng.sample(OUTLETS, rng.randint(1, 6))
        for k, (name, host) in enumerate(outlets):
            edits = rng.sample(EDITS, rng.randint(1, 3))
            if "verbatim" in edits:
                edits = ["verbatim"]
            title, text = r["title"], r["text"]
            for e in edits:
                title, text = _edit(rng, e, title, text)
            when = t0 + timedelta(minutes=rng.randint(0, 48 * 60))
            rid = f"rp-{hashlib.sha1(f'{story}:{k}'.encode()).hexdigest()[:12]}"
            out.append({"id": rid, "title": title, "text": text,
                        "url": f"https://{host}/news/{when:%Y/%m/%d}/{_slug(title)}",
                        "source": name,
                        "published_at": when.astimezone(UTC).isoformat().replace("+00:00", "Z"),
                        "labels": {**base, "repost_of": story, "edits": edits}})
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", type=Path, default=ROOT / "tests" / "data" / "reposts.jsonl")
    ap.add_argument("--seed", type=int, default=10)
    args = ap.parse_args()
    records = build(args.seed)
    with args.out.open("w", encoding="utf-8") as fh:
        for rec in records:
            fh.write(json.dumps(rec, ensure_ascii=False, sort_keys=True) + "\n")
    stories = sum(1 for r in records if not r["labels"]["repost_of"])  # type: ignore[index]
    print(f"{len(records)} records: {stories} stories, {len(records) - stories} reposts "
          f"-> {args.out}")


if __name__ == "__main__":
    main()
