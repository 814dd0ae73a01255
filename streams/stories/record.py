"""The record the main agent hands to the story step, one per analysed article.

The worker's agent analyses each article once; with the stories on
(``ESCWATCH_STORIES=1``) :func:`streams.pipeline.route` adds this record to the
article's outputs, for ``<app id>-stories.input``. It carries what grouping,
story alerts and trends need and nothing more: the similarity features (the
analysis topic carries no text to group by) and the essentials of the analysis.
It is bounded whatever the article: at most :data:`MAX_SIGNALS` signals, each
sentence cut to :data:`MAX_SENTENCE_CHARS` around its trigger, the title and URL to
:data:`MAX_TITLE_CHARS` and :data:`MAX_URL_CHARS`, and fixed-size MinHash signatures.
"""

from __future__ import annotations

from typing import Any

from streams.core.model import Article
from streams.stories.similarity import Features, features

__all__ = ["MAX_SENTENCE_CHARS", "MAX_SIGNALS", "MAX_TITLE_CHARS", "MAX_URL_CHARS",
           "compact_record"]

MAX_SIGNALS = 50
"""Strongest political signals carried to the story step per article."""
MAX_SENTENCE_CHARS = 1000
"""Longest evidence sentence carried; a longer one is cut around its trigger."""
MAX_TITLE_CHARS = 500
"""Longest headline carried (grouping compares headlines of a few words)."""
MAX_URL_CHARS = 2000
"""Longest URL carried (grouping uses the features, computed from the whole URL)."""

_KEEP = ("type", "polarity", "political", "source", "target", "speaker", "sentence",
         "start", "end", "trigger", "modality", "severity")


def _sentence(signal: dict[str, Any]) -> str:
    """The signal's sentence, cut to :data:`MAX_SENTENCE_CHARS` around the trigger."""
    text = str(signal.get("sentence") or "")
    if len(text) <= MAX_SENTENCE_CHARS:
        return text
    offset = max(0, int(signal.get("start", 0)) - int(signal.get("sentence_start", 0)))
    begin = max(0, min(offset - MAX_SENTENCE_CHARS // 3, len(text) - MAX_SENTENCE_CHARS))
    return text[begin:begin + MAX_SENTENCE_CHARS]


def _features_dict(feats: Features) -> dict[str, Any]:
    """``feats.to_dict()``, the same dict, with the signatures converted in one call each
    (``ndarray.tolist`` gives the same Python ints as converting value by value)."""
    return {"url": feats.url, "title": feats.title, "text_sig": feats.text_sig.tolist(),
            "word_sig": feats.word_sig.tolist(), "n_words": feats.n_words,
            "n_shingles": feats.n_shingles, "scheme": feats.scheme}


def compact_record(article: Article, analysis: dict[str, Any]) -> dict[str, Any]:
    """What the story step needs of one article: features and the analysis' essentials."""
    signals = [s for s in analysis.get("signals") or [] if s.get("political") is not False]
    signals = sorted(signals, key=lambda s: (s["severity"], s["start"]))[:MAX_SIGNALS]
    refs = {r for s in signals for r in (s.get("source"), s.get("target"), s.get("speaker"))
            if r}
    alert = analysis.get("alert")
    title = (article.title or "")[:MAX_TITLE_CHARS] or None
    return {
        "article_id": article.id, "title": title, "source": article.source,
        "url": (article.url or "")[:MAX_URL_CHARS] or None,
        "published_at": analysis.get("published_at"),
        "features": _features_dict(features(article.text, article.title, article.url)),
        "analysis": {
            "article_id": article.id, "published_at": analysis.get("published_at"),
            "score": analysis.get("score", 0.0),
            "actors": [{k: a.get(k) for k in ("id", "type", "country")}
                       for a in analysis.get("actors") or [] if a["id"] in refs],
            "signals": [{**{k: s.get(k) for k in _KEEP}, "sentence": _sentence(s)}
                        for s in signals],
            "alert": None if alert is None else {
                k: alert.get(k) for k in ("level", "score", "actors", "actor_names",
                                          "signal_types")},
        },
    }
