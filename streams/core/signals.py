"""Escalation and de-escalation signals: triggers, roles, modality, speaker.

One pass of the lexicon's Aho-Corasick automaton over the lower-cased text
finds every anchor; the rest of each pattern, the sense restrictions, the
modality cues and the actor roles are examined only in sentences where an
anchor fired. Overlapping matches are resolved leftmost-longest by a separate
pure function, so "strike a deal" wins over "strike" and "hunger strike" over
"strike".
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from itertools import pairwise
from typing import NamedTuple

from streams.core._construct import new_signal
from streams.core.knowledge import KnowledgeBase
from streams.core.lexicon import (
    Domain,
    Lexicon,
    Rule,
    SpanWords,
    boundary_text,
    lower_keep_length,
    may_search,
    search_span,
    word_set,
)
from streams.core.modality import (
    ModalityResult,
    SentenceCues,
    assess_modality,
    find_cues,
    sentence_cues,
)
from streams.core.model import Actor, Modality, Polarity, Signal
from streams.core.text import Sentences, quote_window

__all__ = ["QUOTE_CHARS", "Match", "SignalDetector", "drop_background", "find_matches",
           "resolve_overlaps"]

QUOTE_CHARS = 400
"""Longest evidence quote: a longer sentence is quoted as a window of at most
this many characters around the trigger, cut at word boundaries, with its own
offsets (``sentence_start``/``sentence_end``)."""

_POLARITY: dict[str, Polarity] = {"escalation": "escalation", "de-escalation": "de-escalation"}
_MODALITY: dict[str, Modality] = {
    "asserted": "asserted", "hypothetical": "hypothetical", "conditional": "conditional",
    "negated": "negated", "future": "future",
}
# About how many characters a word takes, with its space, for word windows.
_CHARS_PER_WORD = 8
# The preposition right before an actor (and an optional "the"): "by" names
# the doer of a passive ("attacked by X"), the others mark the target ("to
# Ukraine"). One search finds either: only the last word before the actor
# can be it.
_ROLE_PREP = re.compile(
    r"(?<!\w)(by|to|against|toward|towards|into|on|at|with|in|from|over|upon|onto|inside|"
    r"across|near|for)\s+(?:the\s+)?\Z"
)
# A locative preposition marks a place ("a summit in Vilnius"): a city
# standing for its country there is where the act happens, not its target.
_PLACE_PREPS = frozenset({"in", "at", "inside", "near", "across", "outside", "within"})
_CLAUSE_END = re.compile(r"[,;:()\u2013\u2014]")
_WORD = re.compile(r"\w[\w'\u2019-]*")
_SPEAKER_GAP = re.compile(
    r"[\s,]*(?:(?:has|have|had|also|later|again|reportedly|publicly|officials?|spokes\w*|"
    r"ministry|government|leaders?|sources?|media|forces|said|on|\w+day)[\s,]+)*\Z"
)


class Match(NamedTuple):
    """A lexicon match before roles and modality (a tuple: built for every
    automaton hit, so construction cost counts).

    Attributes:
        start: Offset of the trigger.
        end: One past its end.
        rule: Index of the rule in the lexicon.
        length: Token count of the pattern that matched.
    """

    start: int
    end: int
    rule: int
    length: int


def _is_word(ch: str) -> bool:
    return ch.isalnum() or ch == "_"


def find_matches(lexicon: Lexicon, lowered: str, padded: str | None = None) -> list[Match]:
    """Return every pattern match in ``lowered`` (lower-cased text), unresolved.

    The automaton scans the text once; a pattern's tail is tried only where
    its anchor fired on whole-word boundaries.

    Args:
        lexicon: Compiled rules.
        lowered: The lower-cased text.
        padded: ``boundary_text(lowered)`` when the caller has it already.
    """
    automaton = lexicon.automaton
    if automaton is None or not lowered:
        return []
    if padded is None:
        padded = boundary_text(lowered)
    out: list[Match] = []
    new = tuple.__new__  # Match(...) without the generated __new__: once per hit
    # Keys are space-padded word forms, so every hit is a whole word; its
    # trailing space is at ``last`` in ``padded``, one past its end in ``lowered``.
    for last, (klen, anchors, gate, bare) in automaton.iter(padded):
        end = last - 1
        start = end - klen
        if gate is not None and gate.match(lowered, end) is None:
            # No tail matches here: only the anchors that are whole patterns.
            for anchor in bare:
                out.append(new(Match, (start, end, anchor.rule, anchor.length)))
            continue
        for anchor in anchors:
            tail = anchor.tail
            if tail is None:
                out.append(new(Match, (start, end, anchor.rule, anchor.length)))
                continue
            m = tail.match(lowered, end)
            if m is not None:
                out.append(new(Match, (start, m.end(), anchor.rule, anchor.length)))
    return out


def resolve_overlaps(matches: Sequence[Match]) -> list[Match]:
    """Keep non-overlapping matches, leftmost first, then longest, then most specific.

    Pure: the result depends only on the matches, in text order.
    """
    ordered = sorted(matches, key=lambda m: (m.start, -(m.end - m.start), -m.length, m.rule))
    kept: list[Match] = []
    last_end = -1
    for m in ordered:
        if m.start >= last_end:
            kept.append(m)
            last_end = m.end
    return kept


_CAPWORD = re.compile(r"(?<![\w'\u2019])[^\W\d_][\w'\u2019-]*")
_DETERMINER = re.compile(
    r"(?:(?<!\w)(?:the|a|an|its|their|his|her|this|these|those|our|whose)\s+|\w-)\Z")


def _is_title_case(text: str, s0: int, s1: int) -> bool:
    words = [w.group() for w in _CAPWORD.finditer(text, s0, s1)]
    long_words = [w for w in words if len(w) > 3]
    if not long_words:
        return True
    return sum(1 for w in long_words if w[0].isupper()) >= 0.6 * len(long_words)


def _adjectival(lowered: str, m: Match, s0: int) -> bool:
    """A past participle after a determiner or a hyphen is an adjective.

    "the occupied territory", "Russian-backed" are one word; "its
    long-threatened invasion" is a noun phrase whatever the pattern behind
    the participle: the hyphen makes the participle a modifier.
    """
    if m.start > s0 + 1 and lowered[m.start - 1] == "-" and _is_word(lowered[m.start - 2]):
        first = _WORD.match(lowered, m.start)
        return first is not None and first.group().endswith("ed")
    if m.length != 1 or not lowered.endswith("ed", m.start, m.end):
        return False
    return _DETERMINER.search(lowered, max(s0, m.start - 8), m.start) is not None


# Prepositions of circumstance: a trigger in their noun phrase ("amid
# fighting", "after talks", "on charges of spying") is the background of the
# sentence, not what it reports.
_ADJUNCT = re.compile(
    r"(?<!\w)(?:amid|amidst|after|despite|during|following|since|over|about|on|"
    r"in (?:the )?(?:wake|midst|face|aftermath|light|course|event) of|because of|due to|"
    r"in response to|ahead of|in spite of|regardless of)"
    r"(?:\s+(?!(?:to|that|and|or|but|which|who|it|they|he|she|we|is|are|was|were|has|have|"
    r"had|will|would)(?!\w))[\w'\u2019-]+){0,3}?\s+\Z"
)
_ADJUNCT_REACH = 48
# Greedy: matches up to the last clause mark, in one call.
_LAST_CLAUSE_MARK = re.compile(r".*[,;:()\"\u201c\u201d]", re.DOTALL)


def _background(lowered: str, m: Match, s0: int) -> bool:
    """True when the trigger sits in an adjunct phrase of circumstance.

    The phrase runs from its preposition over at most three words (the
    determiners and modifiers of its noun) to the trigger, inside one clause.
    """
    lo = max(s0, m.start - _ADJUNCT_REACH)
    head = lowered[lo:m.start]
    cut = _LAST_CLAUSE_MARK.match(head)
    if cut is not None:
        head = head[cut.end():]
    return _ADJUNCT.search(head) is not None


def drop_background(lowered: str, kept: Sequence[tuple[Match, int, int]]
                    ) -> list[tuple[Match, int, int]]:
    """Drop background triggers from sentences that report something else.

    A trigger in an adjunct of circumstance ("amid fighting", "after the
    talks", "despite sanctions") gives the setting; when the same sentence
    has a trigger outside such adjuncts, that one is the reported event and
    the background is left out, so the first signal is the main one. A
    sentence whose only triggers are background keeps them all.

    Args:
        lowered: The lower-cased text.
        kept: Resolved matches with their sentence spans, in text order.
    """
    flags = [_background(lowered, m, s0) for m, s0, _ in kept]
    if not any(flags):
        return list(kept)
    foreground = {s0 for (_, s0, _), bg in zip(kept, flags, strict=True) if not bg}
    return [k for k, bg in zip(kept, flags, strict=True) if not bg or k[1] not in foreground]


def _vetoed(rule: Rule, lowered: str, m: Match, s0: int, s1: int,
            words: SpanWords | None = None) -> bool:
    """True when a sense restriction of ``rule`` rules the match out.

    ``words`` (the :func:`word_set` of the sentence) lets a restriction
    whose words are absent skip its regex.
    """
    nis = rule.not_in_sentence
    if nis is not None and search_span(nis, lowered, s0, s1, words):
        return True
    reach = rule.window * _CHARS_PER_WORD
    nb = rule.not_before
    if nb is not None and may_search(nb, lowered, m.start, words) and nb.search(
            lowered, max(s0, m.start - reach), m.start):
        return True
    na = rule.not_after
    hi = min(s1, m.end + reach)
    if na is not None and may_search(na, lowered, hi, words) and na.search(lowered, m.end, hi):
        return True
    if rule.not_near is None and rule.near is None:
        return False
    lo = max(s0, m.start - reach)
    nn = rule.not_near
    if nn is not None and may_search(nn, lowered, hi, words) and nn.search(lowered, lo, hi):
        return True
    near = rule.near
    return near is not None and (
        not may_search(near, lowered, hi, words) or near.search(lowered, lo, hi) is None)


# The sentence's opening words hold its subject ("The company ... launched").
_SUBJECT_REACH = 6 * _CHARS_PER_WORD


def _sentence_domains(domains: Sequence[Domain], lowered: str, s0: int, s1: int,
                      words: SpanWords | None = None) -> tuple[frozenset[str], bool]:
    """Return the domains whose sentence cues occur in a sentence, and whether military ones do.

    ``words`` (the :func:`word_set` of the sentence) lets a domain none of
    whose cue words occurs skip its regex.
    """
    names = frozenset(d.name for d in domains if not d.counter and d.cues is not None
                      and search_span(d.cues, lowered, s0, s1, words))
    military = any(d.counter and d.cues is not None and search_span(d.cues, lowered, s0, s1, words)
                   for d in domains)
    return names, military


def _out_of_domain(
    domains: Sequence[Domain], rule: Rule, lowered: str, m: Match, s0: int, s1: int,
    sector: str | None, in_sentence: tuple[frozenset[str], bool],
    words: SpanWords | None = None,
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
        in_sentence: :func:`_sentence_domains` of the sentence.
        words: :func:`word_set` of the sentence, to skip cue regexes whose
            words are absent; None to run them all.
    """
    names, military = in_sentence
    if military:
        return False
    strong = any(n in rule.veto_domains for n in names) or any(
        sector is not None and sector in d.agents and not d.counter
        and d.name in rule.veto_domains for d in domains)
    if strong:
        return True
    weak = False
    for d in domains:
        if d.counter or d.near is None or d.name not in rule.veto_domains:
            continue
        reach = d.window * _CHARS_PER_WORD
        hi, subject_end = min(s1, m.end + reach), min(m.start, s0 + _SUBJECT_REACH)
        if ((may_search(d.near, lowered, hi, words)
             and d.near.search(lowered, max(s0, m.start - reach), hi))
                or (may_search(d.near, lowered, subject_end, words)
                    and d.near.search(lowered, s0, subject_end))):
            weak = True
            break
    return weak and not any(
        d.counter and sector is not None and sector in d.agents for d in domains)


def _drop_idioms(lexicon: Lexicon, matches: list[Match]) -> list[Match]:
    """Drop idiom matches and every trigger they overlap ("price war", "fought back tears")."""
    rules = lexicon.rules
    spans = [(m.start, m.end) for m in matches if rules[m.rule].idiom]
    if not spans:
        return matches
    return [m for m in matches if not rules[m.rule].idiom
            and not any(a < m.end and m.start < b for a, b in spans)]


def _evaluative(lexicon: Lexicon, lowered: str, kept: Sequence[tuple[Match, int, int]]
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


class SignalDetector:
    """Find PLOVER signals with their roles, modality and speaker.

    The lexicon is compiled when the knowledge base is built; the detector
    keeps no state between texts.
    """

    def __init__(self, kb: KnowledgeBase) -> None:
        """Take the compiled lexicon of ``kb``."""
        self._lexicon = kb.lexicon
        self._speech = tuple(
            (i, c) for i, c in enumerate(kb.lexicon.cues) if c.kind == "speech")

    def detect(
        self,
        text: str,
        sentences: Sentences,
        actors: tuple[Actor, ...],
        as_of: str | None,
    ) -> tuple[Signal, ...]:
        """Return the signals in ``text``, in text order.

        Args:
            text: The article text (offsets index into it).
            sentences: Its sentence spans.
            actors: Actor mentions found in it, in text order.
            as_of: The article date; reserved for date-dependent rules.
        """
        return self.detect_bounded(text, sentences, actors, as_of, None)[0]

    def detect_bounded(
        self,
        text: str,
        sentences: Sentences,
        actors: tuple[Actor, ...],
        as_of: str | None,
        limit: int | None,
    ) -> tuple[tuple[Signal, ...], bool]:
        """Return at most ``limit`` signals in text order, and whether any were left out.

        The sentence-level checks run on candidates in text order and stop
        once ``4 * limit`` have passed them, so a text where every word is a
        trigger costs a bounded amount beyond the one automaton scan.

        Args:
            text: The article text (offsets index into it).
            sentences: Its sentence spans.
            actors: Actor mentions found in it, in text order.
            as_of: The article date; reserved for date-dependent rules.
            limit: Most signals returned, or None for no bound.
        """
        del as_of  # the lexicon has no dated rows yet
        lexicon = self._lexicon
        if lexicon.automaton is None or not text:
            return (), False
        lowered = lower_keep_length(text)
        padded = boundary_text(lowered)
        raw = _drop_idioms(lexicon, find_matches(lexicon, lowered, padded))
        if not raw:
            return (), False
        truncated = False
        most = None if limit is None else 4 * limit
        # The extractor returns mentions in text order already; sort only
        # when a caller passes them otherwise.
        ordered_actors: Sequence[Actor] = actors
        starts = [a.start for a in actors]
        if any(x >= y for x, y in pairwise(starts)):
            ordered_actors = sorted(actors, key=lambda a: (a.start, a.end))
            starts = [a.start for a in ordered_actors]
        accepted: list[tuple[Match, int, int]] = []
        title_case: dict[int, bool] = {}
        sentence_domains: dict[int, tuple[frozenset[str], bool]] = {}
        # Words of each sentence with a candidate, computed once and shared
        # by its sense restrictions and domain cues to skip absent words.
        sentence_words: dict[int, SpanWords] = {}
        spans_of, sentence_starts = sentences.spans, sentences.starts
        for m in raw:
            # Sentences.span_at, inlined: it runs once per candidate.
            if spans_of:
                s0, s1 = spans_of[max(0, bisect_right(sentence_starts, m.start) - 1)]
            else:
                s0, s1 = 0, len(sentences.text)
            if m.end > s1 or m.start < s0:
                continue
            if m.start > s0 and text[m.start].isupper():
                # A capitalised trigger inside running text is part of a name
                # ("Economic Cooperation forum"), unless the line is a headline.
                if s0 not in title_case:
                    title_case[s0] = _is_title_case(text, s0, s1)
                if not title_case[s0]:
                    continue
            if _adjectival(lowered, m, s0):
                continue
            rule = lexicon.rules[m.rule]
            words = sentence_words.get(s0)
            if words is None:
                words = sentence_words[s0] = word_set(lowered, s0, s1)
            if _vetoed(rule, lowered, m, s0, s1, words):
                continue
            if rule.veto_domains:
                i = bisect_left(starts, m.start)
                near = ordered_actors[i - 1] if i else None
                sector = (near.id[6:] if near is not None and near.start >= s0
                          and near.id.startswith("agent:") else None)
                if s0 not in sentence_domains:
                    sentence_domains[s0] = _sentence_domains(
                        lexicon.domains, lowered, s0, s1, words)
                if _out_of_domain(lexicon.domains, rule, lowered, m, s0, s1, sector,
                                  sentence_domains[s0], words):
                    continue
            accepted.append((m, s0, s1))
            if most is not None and len(accepted) >= most and m.end < raw[-1].end:
                truncated = True
                break
        spans = {id(m): (s0, s1) for m, s0, s1 in accepted}
        kept = _evaluative(lexicon, lowered, drop_background(lowered, [
            (m, *spans[id(m)]) for m in resolve_overlaps([m for m, _, _ in accepted])]))
        if limit is not None and len(kept) > limit:
            kept, truncated = kept[:limit], True
        speakers: dict[int, tuple[Actor, int, int] | None] = {}
        cue_cache: dict[int, SentenceCues] = {}
        found = find_cues(lexicon, lowered, padded=padded) if kept else []
        out: list[Signal] = []
        for m, s0, s1 in kept:
            if s0 not in cue_cache:
                cue_cache[s0] = sentence_cues(lexicon, lowered, (s0, s1), found, lazy=True)
            lo, hi = bisect_left(starts, s0), bisect_left(starts, s1)
            in_sentence = ordered_actors[lo:hi]
            if s0 not in speakers:
                speakers[s0] = self._speaker(lowered, cue_cache[s0], in_sentence)
            out.append(self._signal(text, lowered, m, cue_cache[s0], in_sentence, speakers[s0]))
        return tuple(out), truncated

    def _speaker(
        self, lowered: str, cues: SentenceCues, actors: Sequence[Actor]
    ) -> tuple[Actor, int, int] | None:
        """Return the reported-speech speaker of a sentence and its verb span."""
        if not actors:
            return None
        s0 = cues.start
        for index, cue in self._speech:
            for v0, v1 in cues.hits[index]:
                if cue.speaker_after:
                    for a in actors:
                        if v1 <= a.start <= v1 + 40:
                            return a, v0, v1
                    continue
                before = [a for a in actors if a.end <= v0 and v0 - a.end <= 60]
                if before:
                    a = before[-1]
                    if _SPEAKER_GAP.match(lowered, a.end, v0):
                        return a, v0, v1
                # ", said X" attribution after the reported statement.
                head = lowered[s0:v0].rstrip()
                if head.endswith((",", '"', "\u201d", "'")):
                    for a in actors:
                        if v1 <= a.start <= v1 + 25:
                            return a, v0, v1
        return None

    def _signal(
        self,
        text: str,
        lowered: str,
        m: Match,
        cues: SentenceCues,
        actors: Sequence[Actor],
        speaker: tuple[Actor, int, int] | None,
    ) -> Signal:
        lexicon = self._lexicon
        rule = lexicon.rules[m.rule]
        s0, s1 = cues.start, cues.end
        mod = assess_modality(lexicon, text, lowered, (s0, s1), (m.start, m.end), cues,
                              speech_act=rule.speech_act)
        kind, polarity, base, rule_id, modality = (
            rule.type, rule.polarity, rule.severity, rule.id, mod.modality)
        if mod.modality == "negated":
            kind, polarity, base, rule_id, modality = _flip(lexicon, rule, mod)
        elif mod.intent and rule.polarity in lexicon.intents:
            intent_type, applies = lexicon.intents[rule.polarity]
            if rule.type in applies:
                kind, rule_id = intent_type, rule.id + "!intent"
        factor = lexicon.factors.get(modality, 1.0)
        if rule.nominal and rule_id == rule.id:
            # A noun phrase names a topic ("intelligence sharing" in a list
            # of proposals); Goldstein weights acts, so it counts for less.
            factor *= lexicon.factors.get("nominal", 1.0)
        speaker_actor: Actor | None = None
        if speaker is not None:
            a, v0, v1 = speaker
            # A trigger inside the reporting verb is the speaker's own act.
            if not (v0 < m.end and m.start < v1) and not (a.start < m.end and m.start < a.end):
                speaker_actor = a
        source, target = _roles(lowered, m, s1, actors, speaker_actor)
        if source is None and speaker_actor is not None and speaker_actor.type != "person":
            # "Poland said it would send troops": an institution speaks for
            # itself; a person reporting others' plans is not their doer.
            source = speaker_actor
        if target is not None and source is not None and target.id == source.id:
            target = None
        q0, q1 = quote_window(text, s0, s1, (m.start, m.end), QUOTE_CHARS)
        return new_signal(
            type=kind,
            polarity=_POLARITY[polarity],
            mode=rule.mode,
            modality=_MODALITY[modality],
            trigger=text[m.start:m.end],
            start=m.start,
            end=m.end,
            sentence=text[q0:q1],
            sentence_start=q0,
            sentence_end=q1,
            severity=round(base * factor, 2) + 0.0,
            base_severity=base,
            rule=rule_id,
            source=source.id if source else None,
            source_name=source.name if source else None,
            target=target.id if target else None,
            target_name=target.name if target else None,
            speaker=speaker_actor.id if speaker_actor else None,
            speaker_name=speaker_actor.name if speaker_actor else None,
            cue=mod.cue,
        )


def _flip(lexicon: Lexicon, rule: Rule, mod: ModalityResult) -> tuple[str, str, float, str, str]:
    """Turn a negated statement into what it means, where it means something.

    Refusing or failing to cooperate is a rejection (escalation); restraint
    from escalating ("avoid provoking") is a concession (de-escalation). A
    plain negated escalation ("did not attack") stays negated with zero weight.
    """
    flips = lexicon.flip_types
    if mod.denial:
        # "denied that talks took place": a report denied, not a refusal.
        return rule.type, rule.polarity, rule.severity, rule.id, "negated"
    if rule.polarity == "de-escalation":
        # Ending cooperation ("suspended talks") reduces relations (CAMEO
        # 16); refusing it ("did not meet") is a rejection.
        key = "escalation/halt" if mod.halt and "escalation/halt" in flips else "escalation"
        if key in flips:
            kind, severity = flips[key]
            return kind, "escalation", severity, rule.id + "!negated", "asserted"
    if rule.polarity == "escalation" and (mod.flip or mod.halt):
        # Restraint ("avoid provoking") or ending an escalation ("called off
        # the strike") is a concession.
        key = "de-escalation/halt" if mod.halt and "de-escalation/halt" in flips else (
            "de-escalation")
        if key in flips:
            kind, severity = flips[key]
            return kind, "de-escalation", severity, rule.id + "!restrained", "asserted"
    return rule.type, rule.polarity, rule.severity, rule.id, "negated"


def _is_place_name(actor: Actor) -> bool:
    """True for a city or region mention standing for a country ("Vilnius").

    A country's own name, short form or abbreviation shares its first
    letters with the canonical name ("U.S.", "Ukraine"); a capital or a
    region does not. Persons and organisations are never places.
    """
    if actor.type != "country":
        return False
    text, name = actor.text.lower().removeprefix("the "), actor.name.lower()
    return text[:1] != name[:1] and not actor.text.isupper()


def _roles(
    lowered: str, m: Match, s1: int, actors: Sequence[Actor], speaker: Actor | None
) -> tuple[Actor | None, Actor | None]:
    """Pick the source (nearest before) and target (after, marked by a preposition)."""
    m0, m1 = m.start, m.end
    clause = _CLAUSE_END.search(lowered, m1, s1)
    limit = max(clause.start() if clause else s1, min(s1, m1 + 40))
    # One pass: the source is the last actor before the trigger, the
    # candidates for the target start after it within the clause.
    source: Actor | None = None
    after: list[Actor] = []
    for a in actors:
        a0, a1 = a.start, a.end
        if a is speaker or (a0 < m1 and m0 < a1):
            continue
        if a1 <= m0:
            source = a
        if m1 <= a0 < limit:
            after.append(a)
    target: Actor | None = None
    for i, a in enumerate(after):
        prep = _ROLE_PREP.search(lowered[max(m.end, a.start - 14):a.start])
        if prep is not None:
            word = prep.group(1)
            if word == "by":
                # Passive voice: "attacked by X" names the doer after the verb.
                return a, source
            if word in _PLACE_PREPS and _is_place_name(a):
                continue
            target = a
            break
        if i == 0 and sum(1 for _ in _WORD.finditer(lowered, m.end, a.start)) <= 2:
            target = a
            break
    return source, target
