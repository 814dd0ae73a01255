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
from dataclasses import dataclass, field, replace
from itertools import pairwise
from types import MappingProxyType
from typing import Final

from streams.core._construct import new_signal
from streams.core.knowledge import KnowledgeBase
from streams.core.lexicon import (
    Lexicon,
    Rule,
    SpanWords,
    boundary_text,
    lower_keep_length,
    word_set,
)
from streams.core.matches import Match, find_matches, find_matches_bounded, resolve_overlaps
from streams.core.modality import (
    ModalityResult,
    SentenceCues,
    assess_modality,
    find_cues,
    sentence_cues,
)
from streams.core.model import Actor, Modality, Polarity, Signal
from streams.core.senses import (
    adjectival,
    drop_idioms,
    evaluative,
    is_title_case,
    out_of_domain,
    sentence_domains,
    vetoed,
)
from streams.core.text import Sentences, quote_window

__all__ = ["QUOTE_CHARS", "Match", "SignalDetector", "find_matches", "resolve_overlaps"]

QUOTE_CHARS = 400
"""Longest evidence quote: a longer sentence is quoted as a window of at most
this many characters around the trigger, cut at word boundaries, with its own
offsets (``sentence_start``/``sentence_end``)."""

_POLARITY: MappingProxyType[str, Polarity] = MappingProxyType(
    {"escalation": "escalation", "de-escalation": "de-escalation"})
_MODALITY: MappingProxyType[str, Modality] = MappingProxyType({
    "asserted": "asserted", "hypothetical": "hypothetical", "conditional": "conditional",
    "negated": "negated", "future": "future",
})
# The preposition right before an actor (and an optional "the"): "by" names
# the doer of a passive ("attacked by X"), the others mark the target ("to
# Ukraine"). One search finds either: only the last word before the actor
# can be it.
_ROLE_PREP = re.compile(
    r"(?<!\w)(by|to|against|toward|towards|into|on|at|with|in|from|over|upon|onto|inside|"
    r"across|near|for)\s+(?:(?:the|a|an)\s+)?\Z"
)
# A passive auxiliary right before the trigger ("was stabbed", "are
# reportedly killed"): the actor before it is what the act befell.
_PASSIVE_AUX = re.compile(
    r"(?<!\w)(?:is|are|was|were|been|being|be|get|gets|got)\s+(?:\w+ly\s+)?\Z")
_CLAUSE_END = re.compile(r"[,;:()\u2013\u2014]")
# "<trigger> [up to BETWEEN_REACH words] between": the two sides of an act of two sides
# (types in _SIDED_TYPES) follow; "suspended flights between A and B" names no sides.
_SIDED_TYPES = frozenset({"FIGHT", "CONSULT", "AGREE"})
BETWEEN_REACH: Final = 3
_BETWEEN = re.compile(rf"(?:\s+[\w'\u2019-]+){{0,{BETWEEN_REACH}}}?\s+between\s+")
# Before the first side: only a determiner; between the sides: "and" and a determiner
# (so the gaps are short: no longer than this).
_SIDE_GAP_CHARS: Final = 12
_WORD_GAP = re.compile(r"(?:the\s+)?")
_AND_GAP = re.compile(r"\s*(?:,\s*)?and\s+(?:the\s+)?")
_WORD = re.compile(r"\w[\w'\u2019-]*")
_SPEAKER_GAP = re.compile(
    r"[\s,]*(?:(?:has|have|had|also|later|again|reportedly|publicly|officials?|spokes\w*|"
    r"ministry|government|leaders?|sources?|media|forces|said|on|\w+day)[\s,]+)*\Z"
)
# Character windows of the role and speaker rules.
TARGET_REACH: Final = 40  # a target may stand this far after the trigger, past a clause end
ROLE_PREP_LOOKBACK: Final = 14  # the preposition right before a target
SPEAKER_AFTER_REACH: Final = 40  # "according to X": X this far after the cue
SPEAKER_BEFORE_REACH: Final = 60  # "X said": X ends this far before the verb
ATTRIBUTION_REACH: Final = 25  # '..., said X': X this far after the verb
# Words between a trigger and its first actor after it that still make
# that actor the target without a preposition ("attacked the Ukrainian ...").
TARGET_MAX_WORDS: Final = 2
# Candidates checked per signal wanted, for the bound of ``detect_bounded``.
CANDIDATES_PER_SIGNAL: Final = 4
# Steps of the match scan (automaton hits and the tails they may try) per signal
# wanted: news articles take at most about 500 in all, a 1 MB run of triggers hundreds
# of thousands (see ``find_matches_bounded``).
MATCH_STEPS_PER_SIGNAL: Final = 64


@dataclass(slots=True)
class _Sentence:
    """What the sentence-level checks computed for the candidates of one text."""

    title_case: dict[int, bool] = field(default_factory=dict)
    domains: dict[int, tuple[frozenset[str], bool]] = field(default_factory=dict)
    # Words of each sentence with a candidate, computed once and shared
    # by its sense restrictions and domain cues to skip absent words.
    words: dict[int, SpanWords] = field(default_factory=dict)


class SignalDetector:
    """Find PLOVER signals with their roles, modality and speaker.

    The lexicon is compiled when the knowledge base is built; the detector
    keeps no state between texts.
    """

    def __init__(self, kb: KnowledgeBase) -> None:
        """Take the compiled lexicon of ``kb``."""
        self._lexicon = kb.lexicon
        self._place_preps = kb.vocabulary.set("signals.place_prepositions")
        self._prefixes = tuple(sorted(kb.vocabulary.set("signals.modifier_prefixes")))
        self._adversary_preps = kb.vocabulary.set("signals.adversary_prepositions")
        self._beneficiary_types = kb.vocabulary.set("signals.beneficiary_types")
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
        found_all, cut = find_matches_bounded(
            lexicon, lowered, padded, None if limit is None else MATCH_STEPS_PER_SIGNAL * limit)
        raw = drop_idioms(lexicon, found_all)
        if not raw:
            return (), cut
        # The extractor returns mentions in text order already; sort only
        # when a caller passes them otherwise.
        ordered_actors: Sequence[Actor] = actors
        starts = [a.start for a in actors]
        if any(x >= y for x, y in pairwise(starts)):
            ordered_actors = sorted(actors, key=lambda a: (a.start, a.end))
            starts = [a.start for a in ordered_actors]
        most = None if limit is None else CANDIDATES_PER_SIGNAL * limit
        accepted, truncated = self._accepted(text, lowered, sentences, raw, ordered_actors,
                                             starts, most)
        truncated = truncated or cut
        spans = {id(m): (s0, s1) for m, s0, s1 in accepted}
        # A trigger in a phrase of setting ("amid the fighting", "following a
        # drone strike") stays a signal: the agency step judges the setting
        # phrases, and a cause ("killed following a drone strike") is news.
        kept = evaluative(lexicon, lowered, [
            (m, *spans[id(m)]) for m in resolve_overlaps([m for m, _, _ in accepted])])
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
            signal = self._signal(text, lowered, m, cue_cache[s0], in_sentence, speakers[s0])
            if signal.target is None and signal.type in self._beneficiary_types:
                signal = _with_recipient(signal, sentences, ordered_actors, starts)
            out.append(signal)
        return tuple(out), truncated

    def _accepted(
        self, text: str, lowered: str, sentences: Sentences, raw: list[Match],
        actors: Sequence[Actor], starts: list[int], most: int | None,
    ) -> tuple[list[tuple[Match, int, int]], bool]:
        """Return the candidates that pass the sentence-level checks, with
        their sentence spans, and whether the check stopped at ``most``."""
        accepted: list[tuple[Match, int, int]] = []
        memo = _Sentence()
        spans_of, sentence_starts = sentences.spans, sentences.starts
        for m in raw:
            # Sentences.span_at, inlined: it runs once per candidate.
            if spans_of:
                s0, s1 = spans_of[max(0, bisect_right(sentence_starts, m.start) - 1)]
            else:
                s0, s1 = 0, len(sentences.text)
            if m.end > s1 or m.start < s0:
                continue
            if not self._passes(text, lowered, m, s0, s1, actors, starts, memo):
                continue
            accepted.append((m, s0, s1))
            if most is not None and len(accepted) >= most and m.end < raw[-1].end:
                return accepted, True
        return accepted, False

    def _passes(
        self, text: str, lowered: str, m: Match, s0: int, s1: int,
        actors: Sequence[Actor], starts: list[int], memo: _Sentence,
    ) -> bool:
        """Tell whether candidate ``m`` in sentence ``[s0, s1)`` survives the
        name, adjective, sense-restriction and domain checks."""
        if text[m.start].isupper():
            # A capitalised trigger inside running text is part of a name
            # ("Economic Cooperation forum"), unless the line is a headline.
            if m.start > s0:
                if s0 not in memo.title_case:
                    memo.title_case[s0] = is_title_case(text, s0, s1)
                if not memo.title_case[s0]:
                    return False
            if _inside_name(m, actors, starts):
                # In a headline or first in a sentence, a known or found name still
                # holds it: "Rapid Support Forces", "Peace Corps".
                return False
        if adjectival(lowered, m, s0, self._prefixes):
            return False
        lexicon = self._lexicon
        rule = lexicon.rules[m.rule]
        words = memo.words.get(s0)
        if words is None:
            words = memo.words[s0] = word_set(lowered, s0, s1, lexicon.word_heads)
        if vetoed(rule, lowered, m, s0, s1, words):
            return False
        if not rule.veto_domains:
            return True
        i = bisect_left(starts, m.start)
        near = actors[i - 1] if i else None
        sector = (near.id[6:] if near is not None and near.start >= s0
                  and near.id.startswith("agent:") else None)
        if s0 not in memo.domains:
            memo.domains[s0] = sentence_domains(lexicon.domains, lowered, s0, s1, words)
        return not out_of_domain(lexicon.domains, rule, lowered, m, s0, s1, sector,
                                 memo.domains[s0], words, text)

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
                        if v1 <= a.start <= v1 + SPEAKER_AFTER_REACH:
                            return a, v0, v1
                    continue
                before = [a for a in actors if a.end <= v0 and v0 - a.end <= SPEAKER_BEFORE_REACH]
                if before:
                    a = before[-1]
                    if _SPEAKER_GAP.match(lowered, a.end, v0):
                        return a, v0, v1
                # ", said X" attribution after the reported statement.
                head = lowered[s0:v0].rstrip()
                if head.endswith((",", '"', "\u201d", "'")):
                    for a in actors:
                        if v1 <= a.start <= v1 + ATTRIBUTION_REACH:
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
        skip_preps = (self._adversary_preps if rule.type in self._beneficiary_types
                      else frozenset())
        source, target = _roles(lowered, m, s1, actors, speaker_actor, self._place_preps,
                                skip_preps, sides=rule.type in _SIDED_TYPES)
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


_RECIPIENT_KINDS: Final = frozenset({"country", "government"})


def _inside_name(m: Match, actors: Sequence[Actor], starts: list[int]) -> bool:
    """True when trigger ``m`` lies within the name of a person or organisation
    mention (not a generic agent such as "protesters", which is the event's word)."""
    i = bisect_right(starts, m.start) - 1
    # Mentions do not nest, so the one starting last at or before the trigger is
    # the only one that can hold it.
    if i < 0:
        return False
    a = actors[i]
    return (m.end <= a.end and a.type in ("organisation", "person")
            and not a.id.startswith("agent:"))


def _with_recipient(
    signal: Signal, sentences: Sentences, actors: Sequence[Actor], starts: list[int],
) -> Signal:
    """Give an aid or support act without a named recipient its recipient from context.

    "The measures include the provision of armaments as a deterrent
    against Russia", after a sentence about guarantees for Ukraine: the
    recipient is the nearest country or government before the trigger,
    back to the start of the previous sentence, that is neither the
    source nor the speaker and is not named after an adversary
    preposition (those are skipped by the role rule already, and stand
    after the trigger).
    """
    spans, sentence_starts = sentences.spans, sentences.starts
    if not spans:
        return signal
    i = max(0, bisect_right(sentence_starts, signal.start) - 1)
    floor = spans[max(0, i - 1)][0]
    j = bisect_left(starts, signal.start) - 1
    while j >= 0 and actors[j].start >= floor:
        a = actors[j]
        if (a.type in _RECIPIENT_KINDS and a.id != signal.source and a.id != signal.speaker
                and a.end <= signal.start):
            return replace(signal, target=a.id, target_name=a.name)
        j -= 1
    return signal


_DOER_TYPES = frozenset({"country", "organisation"})
"""Mentions inside a passive trigger that can name its doer ("an American airstrike")."""
_DOER_WORDS = 2
"""Most words between such a mention and the end of the trigger ("Russian drone strike")."""


def _passive_doer(lowered: str, m1: int, prep_from: int, after: Sequence[Actor],
                  inside: Actor | None) -> Actor | None:
    """The doer of a passive trigger: "Wiranto was stabbed" names none unless
    "by" follows; "were killed in an Israeli airstrike" names it inside."""
    for a in after:
        prep = _ROLE_PREP.search(lowered[max(prep_from, a.start - ROLE_PREP_LOOKBACK):a.start])
        if prep is not None and prep.group(1) == "by":
            return a
    if inside is not None and len(_WORD.findall(lowered, inside.end, m1)) <= _DOER_WORDS:
        return inside
    return None


def _passive(lowered: str, m: Match) -> bool:
    """True when the trigger is a participle after a passive auxiliary."""
    head = _WORD.match(lowered, m.start)
    if head is None or head.group().endswith("ing"):
        return False
    return _PASSIVE_AUX.search(lowered, max(0, m.start - 24), m.start) is not None


def _between(lowered: str, m1: int, after: Sequence[Actor]) -> tuple[Actor, Actor] | None:
    """The two sides of "<trigger> between A and B" ("clashes between the army and
    rebels", "talks between Israel and Hamas"): A as the source, B as the target.

    "between" must follow the trigger within :data:`BETWEEN_REACH` words, A must come
    right after it and B after an "and" that follows A; else None. A side named by
    adjacent mentions ("Syrian Hay'at Tahrir al-Sham") is its last one, the head."""
    if not after:
        return None
    found = _BETWEEN.match(lowered, m1)
    if found is None:
        return None
    sides: list[Actor] = []
    gap = _WORD_GAP
    pos = found.end()
    for a in after:
        if a.start < pos:
            continue
        if a.start - pos > _SIDE_GAP_CHARS:
            break
        if sides and lowered[sides[-1].end:a.start].isspace():
            sides[-1] = a  # the head of the same side
            pos = a.end
            continue
        if len(sides) == 2 or gap.fullmatch(lowered, pos, a.start) is None:
            break
        sides.append(a)
        pos, gap = a.end, _AND_GAP
    return (sides[0], sides[1]) if len(sides) == 2 else None


def _roles(
    lowered: str, m: Match, s1: int, actors: Sequence[Actor], speaker: Actor | None,
    place_preps: frozenset[str], skip_preps: frozenset[str] = frozenset(),
    sides: bool = False,
) -> tuple[Actor | None, Actor | None]:
    """Pick the source (nearest before) and target (after, marked by a preposition).

    A locative preposition (``place_preps``) marks a place ("a summit in
    Vilnius"): a city standing for its country there is where the act
    happens, not its target. An actor after one of ``skip_preps`` is
    never the target (the adversary of an aid act: "against Russia"). With
    ``sides`` (an act of two sides: fighting, talks, an agreement) "between A and
    B" after the trigger names them (see :func:`_between`).
    """
    m0, m1 = m.start, m.end
    clause = _CLAUSE_END.search(lowered, m1, s1)
    limit = max(clause.start() if clause else s1, min(s1, m1 + TARGET_REACH))
    # One pass: the source is the last actor before the trigger, the
    # candidates for the target start after it within the clause.
    source: Actor | None = None
    inside: Actor | None = None
    after: list[Actor] = []
    for a in actors:
        a0, a1 = a.start, a.end
        if a is speaker:
            continue
        if a0 < m1 and m0 < a1:
            if m0 < a0 and a1 <= m1 and a.type in _DOER_TYPES:
                inside = a
            continue
        if a1 <= m0:
            source = a
        if m1 <= a0 < limit:
            after.append(a)
    pair = _between(lowered, m1, after) if sides else None
    if pair is not None:
        return pair
    # A trigger ending in "by" ("executed by") hands its "by" to the doer after it.
    prep_from = m1 - 2 if lowered.endswith(" by", m0, m1) else m1
    if source is not None and _passive(lowered, m):
        return _passive_doer(lowered, m1, prep_from, after, inside), source
    target: Actor | None = None
    for i, a in enumerate(after):
        prep = _ROLE_PREP.search(lowered[max(prep_from, a.start - ROLE_PREP_LOOKBACK):a.start])
        if prep is not None:
            word = prep.group(1)
            if word == "by":
                # Passive voice: "attacked by X" names the doer after the verb.
                return a, source
            if (word in place_preps and _is_place_name(a)) or word in skip_preps:
                continue
            target = a
            break
        if i == 0 and sum(1 for _ in _WORD.finditer(lowered, m.end, a.start)) <= TARGET_MAX_WORDS:
            target = a
            break
    return source, target
