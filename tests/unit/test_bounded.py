"""Bounded work per article: the analysis stays linear in the input, whatever its shape."""

from __future__ import annotations

import re

import orjson
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from streams.core import patterns
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

# Run-on text: news words with no sentence end, repeated, with or without spaces, or
# joined by commas or hyphens into one long "word" ("troops,surround,troops,...").
_run_on = st.tuples(
    st.lists(st.sampled_from(NEWS_WORDS), min_size=3, max_size=30),
    st.sampled_from([" ", ", ", "", " and ", ",", "-"]),
    st.integers(min_value=20, max_value=400),
).map(lambda t: (t[1].join(t[0]) + t[1]) * t[2])


QUOTE_CHARS = 400


# Words joined without spaces after anchors of rules with long gaps ("<troop> ...6
# <surround>", "<designate> ...12 <terrorist>"): each took minutes to hours at 1-2 KB
# while gap words could be cut at any comma or hyphen.
JOINED = ("troops,surround," * 600, "fighting-combat-" * 600, "designated,x-" * 600)


class TestLinearSize:
    @BOUNDED
    @given(text=_run_on)
    @example(text=JOINED[0])
    @example(text=JOINED[1])
    @example(text=JOINED[2])
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


def gap_cuts(text: str, words: int, between: str = patterns._HARD_SEP) -> int:
    """Count the ways a gap of up to ``words`` words can cover a prefix of ``text``.

    These are the paths the regex engine backtracks through when the pattern
    after the gap fails: the first word follows any separator, later ones
    follow ``between``; a word is a full match of the gap word regex.
    """
    word, first, later = (re.compile(p) for p in (patterns._GAP_WORD, patterns._SEP, between))
    ways, total = {0: 1}, 0
    for k in range(words):
        sep = first if k == 0 else later
        reached: dict[int, int] = {}
        for i, count in ways.items():
            for j in range(i + 1, len(text)):
                if text[j - 1].isalnum():
                    break  # a separator holds no word character
                if not text[j].isalnum() or sep.fullmatch(text, i, j) is None:
                    continue
                for end in range(j + 1, len(text) + 1):
                    if word.fullmatch(text, j, end) is not None:
                        reached[end] = reached.get(end, 0) + count
        ways = reached
        total += sum(reached.values())
    return total


class TestGapCuts:
    @pytest.mark.parametrize("text", [
        "," + "surround,troops," * 8,
        " " + "a,b,c,d,e,f,g,h,i,j k " * 6,
        "-" + "x-u.s.-" * 12,
    ])
    def test_a_gap_cuts_joined_words_one_way(self, text: str) -> None:
        """A gap cuts words joined by commas, hyphens or initials in one way only, so a
        failing gap pattern tries a number of cuts linear in the text."""
        regex = patterns.phrase_regex(["...6", "x"])
        assert patterns._HARD_SEP in regex, "later gap words must follow a hard separator"
        assert regex.count(patterns._SEP) == 2, "any separator only before the first word"
        assert gap_cuts(text, 6) <= 6 * len(text)

    def test_the_hard_separator_is_what_keeps_joined_words_one_way(self) -> None:
        """With the plain separator between gap words, a hyphen-joined run could be cut in
        every way: the count of cuts would pass the linear bound."""
        text = "-" + "x-u.s.-" * 12
        assert gap_cuts(text, 6, between=patterns._SEP) > 6 * len(text)

    @pytest.mark.parametrize("word", ["2,000", "1,250,000", "2,000-strong", "3.5", "anti-tank",
                                      "U.S.", "pro-U.S.", "U.S.-led", "don't"])
    def test_numbers_and_compounds_are_one_gap_word(self, word: str) -> None:
        """A number's commas, a compound's hyphens and initials stay inside one gap word."""
        assert re.compile(patterns._GAP_WORD).fullmatch(word) is not None

    def test_a_comma_between_words_joins_no_gap_word(self) -> None:
        """Outside numbers a comma joins no gap word: over a comma-joined run a gap holds
        one word at most, so it tries a few cuts, not one per end up to the length bound."""
        assert re.compile(patterns._GAP_WORD).fullmatch("troops,surround") is None
        short, long = ("," + "surround,troops," * n for n in (8, 80))
        assert gap_cuts(short, 6) == gap_cuts(long, 6) < 6 * len(short)
        # Even the plain separator could cut it only at its commas, one word each.
        assert gap_cuts(long, 6, between=patterns._SEP) == gap_cuts(short, 6,
                                                                    between=patterns._SEP)

    def test_a_gap_word_has_a_bounded_length(self) -> None:
        """A joined run longer than a gap word's bound is no single gap word, so one gap
        tries a bounded number of ends however long the run."""
        run = "," + "ab," * 10_000
        assert gap_cuts(run, 12) <= 2 * patterns._GAP_WORD_CHARS


class TestMatchSteps:
    """The match scan stops after a bounded number of steps (hits and tails tried)."""

    def test_unbounded_and_generous_bounds_give_the_same_matches(self,
                                                                 analyzer: Analyzer) -> None:
        """On news text the bound is never reached: the matches are those without one."""
        from streams.core.lexicon import boundary_text, lower_keep_length
        from streams.core.matches import find_matches, find_matches_bounded

        lexicon = analyzer._signals._lexicon
        lowered = lower_keep_length(" ".join(NEWS_WORDS) * 3)
        everything = find_matches(lexicon, lowered)
        assert everything
        assert find_matches_bounded(lexicon, lowered, boundary_text(lowered),
                                    10 * len(lowered)) == (everything, False)

    def test_a_small_bound_stops_early_and_says_so(self, analyzer: Analyzer) -> None:
        """A tight bound returns a prefix of the matches, in text order, and the cut."""
        from streams.core.lexicon import lower_keep_length
        from streams.core.matches import find_matches, find_matches_bounded

        lexicon = analyzer._signals._lexicon
        lowered = lower_keep_length("troops-surround-" * 2_000)
        everything = find_matches(lexicon, lowered)
        some, cut = find_matches_bounded(lexicon, lowered, None, 500)
        assert cut
        assert 0 < len(some) < len(everything)
        assert some == everything[:len(some)]

    def test_past_the_bound_no_trigger_is_read_and_the_analysis_says_so(
            self, analyzer: Analyzer) -> None:
        """A trigger after a run-on compound long enough to use up the steps is not read,
        and the analysis is marked truncated; after a short one it is read as usual."""
        from streams.core.signals import MATCH_STEPS_PER_SIGNAL

        steps = MATCH_STEPS_PER_SIGNAL * analyzer.options.max_signals
        ending = ". Russian forces shelled the city of Kharkiv on Monday."
        short = analyzer.analyze(Article(id="short", text="troops-" * 100 + ending))
        assert any(s.type == "FIGHT" or s.type == "ASSAULT" for s in short.signals)
        assert not short.truncated
        long = analyzer.analyze(Article(id="long", text="troops-" * steps + ending))
        assert long.truncated
        assert all(s.end <= 7 * steps for s in long.signals)
