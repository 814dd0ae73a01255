"""Sense restrictions: the sentence-level checks that rule a lexicon match out.

A capitalised trigger inside running text is part of a name; a participle
after a determiner is an adjective; a rule's ``not_*``/``near`` words veto
it; a non-military domain of discourse (sport, business) vetoes its
military sense; an idiom absorbs the triggers it overlaps; a trigger in an
adjunct of circumstance ("amid fighting") is background when its sentence
reports something else; an evaluative adjective inside a disapproval is no
separate act.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Sequence
from typing import Final

from streams.core.lexicon import Domain, Lexicon, Rule, SpanWords, may_search, search_span
from streams.core.matches import Match, is_word

__all__ = ["adjectival", "drop_idioms", "evaluative", "is_title_case", "out_of_domain",
           "sentence_domains", "vetoed"]

# About how many characters a word takes, with its space, for word windows.
CHARS_PER_WORD: Final = 8
_WORD = re.compile(r"\w[\w'\u2019-]*")
# Words longer than this count for the Title Case test, and this share of
# them capitalised makes a headline.
_TITLE_CASE_MIN_LEN: Final = 3
_TITLE_CASE_SHARE: Final = 0.6
# How far before a participle its determiner may stand.
_DETERMINER_LOOKBACK: Final = 8
# Longest hyphenated word read as a participle: a run of words joined by
# hyphens over a whole article is none, and reading it to its end from
# every trigger in it would cost the run's length per trigger.
_LONGEST_WORD: Final = 64


_CAPWORD = re.compile(r"(?<![\w'\u2019])[^\W\d_][\w'\u2019-]*")
_DETERMINER = re.compile(
    r"(?:(?<!\w)(?:the|a|an|its|their|his|her|this|these|those|our|whose|of)\s+"
    r"|\w['\u2019]s\s+|\w-)\Z")


# What may stand before a sentence's first word, and a plural noun after a
# sentence-initial participle ("Imprisoned journalists", "Detained activists").
_OPENERS = " \t\n\"'\u201c\u2018("
_PLURAL_NOUN = re.compile(
    r"[ \t]{1,3}[a-z][a-z-]{0,30}[a-rt-z]s\b(?![ \t]{1,3}(?:the|a|an|his|her|its|their)\b)")


def is_title_case(text: str, s0: int, s1: int) -> bool:
    """Tell whether the sentence ``[s0, s1)`` is written in Title Case (a headline)."""
    words = [w.group() for w in _CAPWORD.finditer(text, s0, s1)]
    long_words = [w for w in words if len(w) > _TITLE_CASE_MIN_LEN]
    if not long_words:
        return True
    return (sum(1 for w in long_words if w[0].isupper())
            >= _TITLE_CASE_SHARE * len(long_words))


def adjectival(lowered: str, m: Match, s0: int, prefixes: tuple[str, ...] = ()) -> bool:
    """A past participle after a determiner or a hyphen is an adjective,
    and so is one that opens a sentence before a plural noun, and any
    trigger after a modifier prefix.

    "the occupied territory", "Russian-backed" are one word; "its
    long-threatened invasion" is a noun phrase whatever the pattern behind
    the participle: the hyphen makes the participle a modifier. After one
    of ``prefixes`` ("counter-", "anti-") the trigger modifies a noun
    ("counter-terrorism legislation", "an anti-war rally").
    """
    if m.start > s0 + 1 and lowered[m.start - 1] == "-" and is_word(lowered[m.start - 2]):
        for prefix in prefixes:
            at = m.start - len(prefix)
            if (at >= s0 and lowered.startswith(prefix, at)
                    and (at == s0 or not is_word(lowered[at - 1]))):
                return True
        first = _WORD.match(lowered, m.start, m.start + _LONGEST_WORD + 1)
        return (first is not None and len(first.group()) <= _LONGEST_WORD
                and first.group().endswith("ed"))
    if m.length != 1 or not lowered.endswith("ed", m.start, m.end):
        return False
    if (not lowered[s0:m.start].strip(_OPENERS)
            and _PLURAL_NOUN.match(lowered, m.end) is not None):
        return True  # "Imprisoned journalists are awarded ...": it opens the subject
    return _DETERMINER.search(lowered, max(s0, m.start - _DETERMINER_LOOKBACK), m.start) is not None


def vetoed(rule: Rule, lowered: str, m: Match, s0: int, s1: int,
            words: SpanWords | None = None) -> bool:
    """True when a sense restriction of ``rule`` rules the match out.

    ``words`` (the :func:`word_set` of the sentence) lets a restriction
    whose words are absent skip its regex.
    """
    nis = rule.not_in_sentence
    if nis is not None and search_span(nis, lowered, s0, s1, words):
        return True
    nb, na, nn, near = rule.not_before, rule.not_after, rule.not_near, rule.near
    if nb is None and na is None and nn is None and near is None:
        # Most rules restrict nothing around the trigger: no window to cut.
        return False
    reach = rule.window * CHARS_PER_WORD
    if nb is not None and may_search(nb, lowered, m.start, words) and nb.search(
            lowered, max(s0, m.start - reach), m.start):
        return True
    hi = min(s1, m.end + reach)
    if na is not None and may_search(na, lowered, hi, words) and na.search(lowered, m.end, hi):
        return True
    if nn is None and near is None:
        return False
    lo = max(s0, m.start - reach)
    if nn is not None and may_search(nn, lowered, hi, words) and nn.search(lowered, lo, hi):
        return True
    return near is not None and (
        not may_search(near, lowered, hi, words) or near.search(lowered, lo, hi) is None)


def _common_hit(pattern: re.Pattern[str], lowered: str, text: str | None,
                lo: int, hi: int, s0: int) -> bool:
    """True when ``pattern`` finds a word in ``lowered[lo:hi]`` that is written as
    a common noun in ``text``: lower case, or capitalised only as the sentence's
    first word ("Banks", not "the West Bank")."""
    if text is None:
        return pattern.search(lowered, lo, hi) is not None
    return any(hit.start() == s0 or not text[hit.start()].isupper()
               for hit in pattern.finditer(lowered, lo, hi))


# The sentence's opening words hold its subject ("The company ... launched").
_SUBJECT_REACH = 6 * CHARS_PER_WORD


def sentence_domains(domains: Sequence[Domain], lowered: str, s0: int, s1: int,
                      words: SpanWords | None = None) -> tuple[frozenset[str], bool]:
    """Return the domains whose sentence cues occur in a sentence, and whether military ones do.

    ``words`` (the :func:`word_set` of the sentence) lets a domain none of
    whose cue words occurs skip its regex.
    """
    # One loop over the few domain rows instead of two generator passes:
    # this runs once per sentence with a domain-restricted trigger.
    names: list[str] = []
    military = False
    for d in domains:
        cues = d.cues
        if cues is None:
            continue
        if d.counter:
            if not military and search_span(cues, lowered, s0, s1, words):
                military = True
        elif search_span(cues, lowered, s0, s1, words):
            names.append(d.name)
    return frozenset(names), military


def out_of_domain(
    domains: Sequence[Domain], rule: Rule, lowered: str, m: Match, s0: int, s1: int,
    sector: str | None, in_sentence: tuple[frozenset[str], bool],
    words: SpanWords | None = None, text: str | None = None,
) -> bool:
    """True when the trigger's context is one its rule's military sense does not fit.

    Evidence of a vetoing domain (sport, business, entertainment) is a
    sentence cue ("striker", "box office") or a source agent of the
    domain's sector (strong), or a near cue within the domain's window or
    in the sentence's opening subject (weak: "the company ... launched an
    attack", "fighting for the title"). Military words anywhere in the
    sentence ("troops", "killed") keep the literal sense; a military agent
    outweighs only weak evidence, since agent nouns are ambiguous ("the
    team" of a club or of commandos).

    Args:
        domains: The lexicon's domain rows.
        rule: The trigger's rule.
        lowered: The lower-cased text.
        m: The trigger.
        s0: Sentence start.
        s1: Sentence end.
        sector: Sector code of the generic agent right before the trigger.
        in_sentence: :func:`sentence_domains` of the sentence.
        words: :func:`word_set` of the sentence, to skip cue regexes whose
            words are absent; None to run them all.
        text: The original text (``lowered`` before lower-casing). With it, a
            near cue capitalised inside the sentence is part of a name and no
            evidence ("the West Bank", "the World Bank").
    """
    names, military = in_sentence
    if military:
        return False
    vetoing = rule.veto_domains
    if not names.isdisjoint(vetoing):
        return True
    # The agent tests only apply when a generic agent stands before the
    # trigger; without one, no domain row needs reading for them.
    if sector is not None and any(
            sector in d.agents and not d.counter and d.name in vetoing for d in domains):
        return True
    weak = False
    for d in domains:
        if d.counter or d.near is None or d.name not in vetoing:
            continue
        reach = d.window * CHARS_PER_WORD
        hi, subject_end = min(s1, m.end + reach), min(m.start, s0 + _SUBJECT_REACH)
        if ((may_search(d.near, lowered, hi, words)
             and _common_hit(d.near, lowered, text, max(s0, m.start - reach), hi, s0))
                or (may_search(d.near, lowered, subject_end, words)
                    and _common_hit(d.near, lowered, text, s0, subject_end, s0))):
            weak = True
            break
    return weak and (sector is None or not any(
        d.counter and sector in d.agents for d in domains))


def drop_idioms(lexicon: Lexicon, matches: list[Match]) -> list[Match]:
    """Drop idiom matches and every trigger they overlap ("price war", "fought back tears").

    The idiom spans are merged into disjoint runs first, so each trigger is
    checked against one run (by bisection), not against every idiom: a text
    of idioms and triggers costs its length times a logarithm, not the
    product of their counts.
    """
    rules = lexicon.rules
    spans = sorted((m.start, m.end) for m in matches if rules[m.rule].idiom)
    if not spans:
        return matches
    starts: list[int] = []
    ends: list[int] = []
    for a, b in spans:
        if starts and a < ends[-1]:
            ends[-1] = max(ends[-1], b)  # overlaps the run before: extend it
        else:
            starts.append(a)
            ends.append(b)

    def overlapped(m: Match) -> bool:
        # The last run starting before the trigger's end is the only one
        # that may reach past its start: the runs' ends rise with their starts.
        i = bisect_left(starts, m.end) - 1
        return i >= 0 and m.start < ends[i]

    return [m for m in matches if not rules[m.rule].idiom and not overlapped(m)]


def evaluative(lexicon: Lexicon, lowered: str, kept: Sequence[tuple[Match, int, int]]
                ) -> list[tuple[Match, int, int]]:
    """Drop evaluative adjectives that are part of a disapproval.

    "condemned the drills as provocative": the adjective says how the
    speaker judges the drills; it is not a separate threat.
    """
    evaluation = lexicon.evaluation
    if evaluation is None:
        return list(kept)
    rules = lexicon.rules
    out: list[tuple[Match, int, int]] = []
    governor: tuple[int, int] | None = None  # (end of the last disapproval, its sentence)
    for k in kept:
        m, s0, _ = k
        if (governor is not None and governor[1] == s0
                and evaluation.regex.fullmatch(lowered, m.start, m.end) is not None):
            between = lowered[governor[0]:m.start]
            if (not any(c in between for c in ";:")
                    and len(between.split()) <= evaluation.window):
                continue
        if rules[m.rule].type in evaluation.types:
            governor = (m.end, s0)
        out.append(k)
    return out
