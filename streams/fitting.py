"""Fit an analysis and its alert under the publish limit instead of losing them.

An article near the accepted maximum can give an analysis bigger than the
largest record the broker takes. Dead-lettering it would lose the alert, so the
records are degraded step by step until they fit, and marked ``truncated`` (with
``degraded`` counting what went):

1. each quoted sentence (signal sentences, alert evidence) is cut to a window of
   at most :data:`QUOTE_WINDOW` characters around its trigger, at word
   boundaries; the offsets stay exact (``text[start:end]`` is the quote);
2. the signals are cut to the strongest ones (the alert's evidence first) and the
   actors to those the kept signals name, then the first ones, halving the lists
   until the record fits;
3. the lists are emptied, keeping the score and the alert.

The same input always degrades the same way, so replays stay byte-identical.
"""

from __future__ import annotations

from typing import Any

from streams import codec

__all__ = ["QUOTE_WINDOW", "fit_alert", "fit_analysis"]

QUOTE_WINDOW = 400
"""Longest quote kept around a trigger when a record must shrink, in characters."""


def _window(sentence: str, start: int, trigger_at: int, trigger_len: int) -> tuple[str, int]:
    """Cut ``sentence`` (starting at text offset ``start``) to at most QUOTE_WINDOW
    characters around the trigger at sentence offset ``trigger_at``; return the quote
    and its text offset."""
    if len(sentence) <= QUOTE_WINDOW:
        return sentence, start
    margin = max(0, (QUOTE_WINDOW - trigger_len) // 2)
    lo = max(0, trigger_at - margin)
    hi = min(len(sentence), max(trigger_at + trigger_len, lo) + margin)
    # Word boundaries: move inwards to the next space, unless that loses the trigger.
    if lo > 0:
        space = sentence.find(" ", lo, trigger_at)
        lo = space + 1 if space != -1 else lo
    if hi < len(sentence):
        space = sentence.rfind(" ", trigger_at + trigger_len, hi)
        hi = space if space != -1 else hi
    return sentence[lo:hi], start + lo


def _cut_signal(signal: dict[str, Any]) -> bool:
    sentence = signal.get("sentence") or ""
    if len(sentence) <= QUOTE_WINDOW:
        return False
    base = int(signal["sentence_start"])
    quote, at = _window(sentence, base, int(signal["start"]) - base,
                        int(signal["end"]) - int(signal["start"]))
    signal["sentence"], signal["sentence_start"], signal["sentence_end"] = (
        quote, at, at + len(quote))
    return True


def _cut_evidence(evidence: dict[str, Any]) -> bool:
    sentence = evidence.get("sentence") or ""
    if len(sentence) <= QUOTE_WINDOW:
        return False
    found = sentence.find(evidence.get("trigger") or "")
    quote, at = _window(sentence, int(evidence["start"]), max(found, 0),
                        len(evidence.get("trigger") or ""))
    evidence["sentence"], evidence["start"], evidence["end"] = quote, at, at + len(quote)
    return True


def fit_alert(alert: dict[str, Any], limit: int) -> bytes:
    """The alert encoded in at most ``limit`` bytes where that can be done."""
    data = codec.dumps(alert)
    if len(data) <= limit:
        return data
    for evidence in alert.get("evidence", []):
        _cut_evidence(evidence)
    alert["truncated"] = True
    data = codec.dumps(alert)
    while len(data) > limit and len(alert.get("evidence", [])) > 1:
        alert["evidence"] = alert["evidence"][: len(alert["evidence"]) // 2]
        data = codec.dumps(alert)
    return data


def _key(signal: dict[str, Any]) -> tuple[str, int]:
    return str(signal.get("type")), int(signal.get("sentence_start", 0))


def fit_analysis(analysis: dict[str, Any], limit: int) -> bytes:
    """The analysis encoded in at most ``limit`` bytes, degraded as the module says.

    ``analysis["alert"]`` is fitted too (it is part of the analysis record).
    """
    data = codec.dumps(analysis)
    if len(data) <= limit:
        return data
    signals: list[dict[str, Any]] = analysis.get("signals", [])
    actors: list[dict[str, Any]] = analysis.get("actors", [])
    total_signals, total_actors = len(signals), len(actors)
    alert = analysis.get("alert")
    # Which signals the alert quotes, before any quote is cut.
    evidence = {(e.get("signal_type"), e.get("start")) for e in (alert or {}).get("evidence", [])}
    quoted = [_key(s) in evidence for s in signals]
    cut = sum(_cut_signal(s) for s in signals)
    if alert is not None:
        fit_alert(alert, limit // 4)
    marker = {"sentences_cut": cut, "signals_dropped": 0, "actors_dropped": 0}
    analysis["truncated"] = True
    analysis["degraded"] = marker
    data = codec.dumps(analysis)
    if len(data) <= limit:
        return data
    # The alert's evidence first, then conflict before cooperation, strongest first.
    order = sorted(range(len(signals)), key=lambda i: (
        not quoted[i], float(signals[i].get("severity", 0.0)) >= 0,
        -abs(float(signals[i].get("severity", 0.0))), int(signals[i].get("start", 0))))
    ranked = [signals[i] for i in order]
    keep = len(ranked)
    while len(data) > limit and (keep > 0 or analysis["actors"]):
        keep //= 2
        kept = sorted(ranked[:keep], key=lambda s: int(s.get("start", 0)))
        named = {s.get(k) for s in kept for k in ("source", "target", "speaker")}
        by_name = [a for a in actors if a.get("id") in named]
        rest = [a for a in actors if a.get("id") not in named]
        room = max(0, keep - len(by_name))
        analysis["signals"] = kept
        analysis["actors"] = sorted(by_name + rest[:room], key=lambda a: int(a.get("start", 0)))
        marker["signals_dropped"] = total_signals - len(kept)
        marker["actors_dropped"] = total_actors - len(analysis["actors"])
        data = codec.dumps(analysis)
    return data
