"""Guards against catastrophic regex backtracking and against inputs that stall the core.

Every compiled pattern in the package (module globals and the patterns the analyzer compiles
from the knowledge base) is run over adversarial texts under a wall-clock alarm. The bound is
a safety net that turns a hang into a failure naming the pattern and the input; it is not a
speed benchmark.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
import signal
import time
from collections.abc import Callable, Iterator
from types import FrameType
from typing import Any

import pytest

import streams
from streams.core.analyze import Analyzer
from streams.core.model import Article
from streams.core.text import split_sentences, strip_markup
from tests.unit.core.packaged import ABBREVIATIONS

BOUND_SECONDS = 2.0
BIG_ARTICLE_BOUND_SECONDS = 60.0

ADVERSARIAL: dict[str, str] = {
    "a*50000": "a" * 50_000,
    "dot-space*10000": ".  " * 10_000,
    "nested-round": "(" * 50_000 + ")" * 50_000,
    "nested-square-angle": "[<" * 25_000 + ">]" * 25_000,
    "no-space-no-stop-100k": "x" * 100_000,
    "spaces-100k": " " * 100_000,
    "newlines-100k": "\n" * 100_000,
    "blank-lines": "\n \n\t" * 25_000,
    "stops-100k": "." * 100_000,
    "bangs-quotes": "!?\"')]" * 16_000,
    "initials": "A. " * 33_000,
    "abbreviations": "U.S. Gen. " * 10_000,
    "open-tags": "<" * 100_000,
    "tag-no-close": "<a" + "b" * 100_000,
    "script-no-close": "<script>" * 12_500,
    "entities": "&amp" * 25_000,
    "hyphens": "-" * 100_000,
    "apostrophes": "'" * 100_000,
    "cue-words": "not as long as if would " * 4_000,
    "word-space-runs": ("will " + " " * 50) * 2_000,
    "capitalised-run": "Minister " * 12_000,
    "unicode-run": "\u00e9\u0301\u200b" * 33_000,
    # Triggers joined by commas or hyphens into one run, after rules with long gaps
    # ("<troop> ...6 <surround>", "<designate> ...12 <terrorist>").
    "comma-joined-triggers": "troops,surround," * 6_000,
    "hyphen-joined-gap-rule": "designated,x-" * 8_000,
}

# Patterns that are quadratic when searched over a whole text but are only ever
# run anchored or over a short window. They are checked the way they are used
# (anchored ``match``), and the text-function and analysis tests below cover
# the calls that use them. Adding a pattern here needs the same justification.
ANCHORED_ONLY: dict[str, str] = {
    "streams.core.text._WORD_BEFORE": "searched only in the 12 characters before a full stop",
    "streams.core.signals._SPEAKER_GAP": "matched anchored between an actor and its verb",
    "streams.core.actors.gazetteer._GOV_AFTER": "matched anchored at the end of a country mention",
    "streams.core.actors.names._SPEECH_AFTER": "matched anchored at the end of a name",
    "streams.core.actors.organisations._LOWER_AFTER": "matched anchored at the end of a name",
    "streams.core.actors.organisations._ORG_OF": (
        "matched anchored at the end of an organisation title"),
    "streams.core.actors.gazetteer._CAP_AFTER": "matched anchored at the end of a gazetteer hit",
    "streams.core.signals._BETWEEN": "matched anchored at the end of a trigger",
    "streams.core.signals._AND_GAP": "fullmatched between two actor mentions of one clause",
    "streams.core.agency._RELATIVE": "fullmatched between two triggers at most 140 chars apart",
}


class _OverrunError(Exception):
    pass


def _on_alarm(signum: int, frame: FrameType | None) -> None:
    raise _OverrunError


def bounded(seconds: float, work: Callable[[], Any]) -> float:
    """Run ``work`` and fail if it takes longer than ``seconds``; return the time taken.

    CPython's regex engine checks for signals while matching, so the alarm
    interrupts a runaway match instead of waiting for it.
    """
    previous = signal.signal(signal.SIGALRM, _on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    started = time.perf_counter()
    try:
        work()
    except _OverrunError:
        pytest.fail(f"did not finish within {seconds} s", pytrace=False)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    return time.perf_counter() - started


def _module_patterns() -> Iterator[tuple[str, re.Pattern[str]]]:
    for info in pkgutil.walk_packages(streams.__path__, "streams."):
        module = importlib.import_module(info.name)
        for name, value in vars(module).items():
            if isinstance(value, re.Pattern) and isinstance(value.pattern, str):
                yield f"{info.name}.{name}", value


def _object_patterns(obj: Any, path: str, seen: set[int],
                     depth: int = 0) -> Iterator[tuple[str, re.Pattern[str]]]:
    # Walks attributes, slots and containers of the analyzer's sub-objects,
    # so patterns compiled from knowledge files are found wherever they live.
    if id(obj) in seen or depth > 8 or isinstance(obj, str | bytes | int | float | type):
        return
    seen.add(id(obj))
    if isinstance(obj, re.Pattern):
        if isinstance(obj.pattern, str):
            yield path, obj
        return
    if isinstance(obj, dict):
        children: list[tuple[str, Any]] = [(f"{path}[{k!r}]", v) for k, v in obj.items()]
    elif isinstance(obj, list | tuple | set | frozenset):
        children = [(f"{path}[{i}]", v) for i, v in enumerate(obj)]
    else:
        attrs: dict[str, Any] = dict(getattr(obj, "__dict__", {}))
        for cls in type(obj).__mro__:
            for slot in getattr(cls, "__slots__", ()):
                if isinstance(slot, str) and hasattr(obj, slot):
                    attrs[slot] = getattr(obj, slot)
        if not attrs:
            return
        children = [(f"{path}.{k}", v) for k, v in attrs.items()]
    for child_path, child in children:
        yield from _object_patterns(child, child_path, seen, depth + 1)


def all_patterns(analyzer: Analyzer) -> dict[str, re.Pattern[str]]:
    """Every compiled pattern in the package and in the analyzer, deduplicated by source."""
    found: dict[str, re.Pattern[str]] = {}
    sources: set[tuple[str, int]] = set()
    for where, pattern in [*_module_patterns(), *_object_patterns(analyzer, "analyzer", set())]:
        if (pattern.pattern, pattern.flags) not in sources:
            sources.add((pattern.pattern, pattern.flags))
            found[where] = pattern
    return found


@pytest.fixture(scope="module")
def patterns(analyzer: Analyzer) -> dict[str, re.Pattern[str]]:
    """The compiled patterns under test."""
    return all_patterns(analyzer)


class TestPatternInventory:
    def test_patterns_are_found_in_modules_and_in_the_analyzer(
        self, patterns: dict[str, re.Pattern[str]]
    ) -> None:
        """The walk finds the sentence splitter, the markup stripper and knowledge patterns,
        so the backtracking guard covers what the core really runs."""
        names = set(patterns)
        assert "streams.core.text._BOUNDARY" in names
        assert "streams.core.text._TAG" in names
        assert any(n.startswith("analyzer.") for n in names), sorted(names)
        assert set(ANCHORED_ONLY) <= names, "an anchored-only pattern was renamed or removed"


class TestNoCatastrophicBacktracking:
    @pytest.mark.parametrize("kind", sorted(ADVERSARIAL))
    def test_every_pattern_scans_adversarial_text_within_bound(
        self, patterns: dict[str, re.Pattern[str]], kind: str
    ) -> None:
        """Scanning an adversarial text with each pattern finishes within the safety bound."""
        text = ADVERSARIAL[kind]
        slow: list[str] = []
        for name, pattern in patterns.items():
            def scan(pattern: re.Pattern[str] = pattern, anchored: bool = name in ANCHORED_ONLY,
                     ) -> None:
                if anchored:
                    pattern.match(text)
                    return
                for _ in pattern.finditer(text):
                    pass
            previous = signal.signal(signal.SIGALRM, _on_alarm)
            signal.setitimer(signal.ITIMER_REAL, BOUND_SECONDS)
            try:
                scan()
            except _OverrunError:
                slow.append(name)
            finally:
                signal.setitimer(signal.ITIMER_REAL, 0)
                signal.signal(signal.SIGALRM, previous)
        assert not slow, f"patterns over {BOUND_SECONDS} s on {kind!r}: {slow}"


class TestTextFunctionsOnAdversarialInput:
    @pytest.mark.parametrize("kind", sorted(ADVERSARIAL))
    def test_markup_stripping_and_sentence_split_are_bounded(self, kind: str) -> None:
        """strip_markup and split_sentences finish within the bound on adversarial text."""
        text = ADVERSARIAL[kind]
        bounded(BOUND_SECONDS, lambda: split_sentences(strip_markup(text), ABBREVIATIONS))

    @pytest.mark.parametrize("kind", sorted(ADVERSARIAL))
    def test_analysis_of_adversarial_text_is_bounded(self, analyzer: Analyzer, kind: str) -> None:
        """The whole analysis of each adversarial text finishes within the bound."""
        article = Article(id=kind, text=ADVERSARIAL[kind])
        bounded(BOUND_SECONDS * 2, lambda: analyzer.analyze(article))


class TestLargeArticle:
    def test_one_megabyte_article_is_analysed_within_bound(
        self, analyzer: Analyzer, seed_article: Article
    ) -> None:
        """A 1 MB article of real news sentences is analysed, with sane offsets, within the
        safety bound."""
        filler = (" " + seed_article.text) * (1_000_000 // (len(seed_article.text) + 1) + 1)
        text = filler[:1_000_000].strip()
        result: list[Any] = []
        seconds = bounded(BIG_ARTICLE_BOUND_SECONDS,
                          lambda: result.append(analyzer.analyze(Article(id="big", text=text))))
        analysis = result[0]
        assert analysis.signals
        assert all(0 <= s.start < s.end <= len(text) for s in analysis.signals)
        print(f"\n1 MB article: {seconds:.2f} s, {len(analysis.signals)} signals, "
              f"{len(analysis.actors)} actor mentions")
