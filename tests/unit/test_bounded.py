"""Bounded work per article: the analysis stays linear in the input, whatever its shape."""

from __future__ import annotations

import orjson
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from streams.core.analyze import Analyzer
from streams.core.model import Article
from tests.unit.test_fuzz_core import NEWS_WORDS

BOUNDED = settings(max_examples=60, deadline=None,
                   suppress_health_check=[HealthCheck.too_slow,
                                          HealthCheck.function_scoped_fixture])
RATIO = 4
"""Analysis bytes per input byte allowed for the text itself."""
PER_SIGNAL = 1_200
"""Bytes one signal may add on top: its fields and a quote of at most 400 characters
(a sentence holding many triggers quotes its window once per trigger, so dense short
texts exceed RATIO alone; the signal cap bounds that)."""
PER_ACTOR = 400
"""Bytes one listed actor mention may add (one record per mention; capped too)."""
ENVELOPE = 2_000
"""Fixed fields of the analysis and the alert."""

# Run-on text: news words with no sentence end, repeated, with or without spaces.
_run_on = st.tuples(
    st.lists(st.sampled_from(NEWS_WORDS), min_size=3, max_size=30),
    st.sampled_from([" ", ", ", "", " and "]),
    st.integers(min_value=20, max_value=400),
).map(lambda t: (t[1].join(t[0]) + t[1]) * t[2])


QUOTE_CHARS = 400


class TestLinearSize:
    @BOUNDED
    @given(text=_run_on)
    def test_run_on_text_gives_a_linear_analysis(self, analyzer: Analyzer, text: str) -> None:
        """However long the sentence and however dense the triggers, the encoded analysis
        is bounded by the input's size plus a bounded cost per signal, the signals are
        capped, and every quote is a window of at most 400 characters at exact offsets."""
        analysis = analyzer.analyze(Article(id="bounded", text=text)).to_dict()
        size = len(orjson.dumps(analysis))
        signals, actors = len(analysis["signals"]), len(analysis["actors"])
        assert signals <= analyzer.options.max_signals
        assert actors <= analyzer.options.max_actors
        bound = RATIO * len(text.encode()) + PER_SIGNAL * signals + PER_ACTOR * actors + ENVELOPE
        assert size <= bound, (size, len(text), signals, actors)
        for signal in analysis["signals"]:
            assert len(signal["sentence"]) <= QUOTE_CHARS
            assert text[signal["sentence_start"]:signal["sentence_end"]] == signal["sentence"]
