"""How a statement is made: asserted, hypothetical, conditional, negated, future.

A cue counts only where it governs the trigger. "before" cues (modal verbs,
negation, future markers) must precede the trigger in the same clause within
a few words; "sentence" cues (``if``, ``unless``) govern a trigger anywhere
after them in the sentence, or a trigger shortly before them (a trailing
if-clause conditions its main clause). A negation inside an if-clause
therefore never negates the main-clause trigger: it does not precede it.

Where several cues govern a trigger, the most limiting wins:
negated > conditional > hypothetical > future. Intent is kept from any
governing intent cue, whichever cue sets the modality: "will withdraw ...
unless" is a conditional statement of intent (PLOVER codes it as a threat).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType

from streams.core.lexicon import Lexicon, ModalityCue, boundary_text

__all__ = ["ModalityResult", "SentenceCues", "assess_modality", "clause_start", "find_cues",
           "sentence_cues"]

_CHARS_PER_WORD = 16
_PRIORITY: Mapping[str, int] = MappingProxyType(
    {"negated": 4, "conditional": 3, "hypothetical": 2, "future": 1})
# Words and marks that open a new clause: a cue before them does not reach
# a trigger after them.
# The words are grouped by first letter (but|because|before as b(?:...)):
# the same whole words, but fewer alternatives to try at each word start.
_BOUNDARY = re.compile(
    r"[,;:()\u2013\u2014\"\u201c\u201d]|\s-\s"
    r"|(?<!\w)(?:b(?:ut|ecause|efore)|w(?:hile|hereas|hich|ho|hom|hen)|a(?:lthough|fter|mid)"
    r"|t(?:hough|hat)|since|despite|if|unless)(?!\w)"
)
_WORD = re.compile(r"\w[\w'\u2019-]*")
_COORDINATORS = frozenset({"and", "or", "then"})
# What ends the complement of a denial ("denied that it plans to send
# troops, saying ..."): a new coordinated, contrasting or adverbial clause.
_COMPLEMENT_END = re.compile(
    r"[;:()\u2013\u2014]|,\s*(?:and|but|saying|adding|while|although|though|as|which)(?!\w)"
    r"|(?<!\w)(?:but|while|whereas|although|though|however)(?!\w)"
)


@dataclass(frozen=True, slots=True)
class ModalityResult:
    """The modality found for one trigger.

    Attributes:
        modality: "asserted", "hypothetical", "conditional", "negated" or "future".
        cue: The cue text as it stands in the text, or None.
        cue_start: Offset of the cue, or -1.
        flip: True when a restraint cue ("avoid", "refrain from") governs it.
        intent: True when an intent cue ("will", "would") governs the
            trigger, even if another cue sets the modality.
        halt: True when the governing negation ends an ongoing act
            ("suspended", "called off") rather than denying it.
        denial: True when the governing negation denies a report ("denied
            that"): the statement is negated and never flipped.
    """

    modality: str = "asserted"
    cue: str | None = None
    cue_start: int = -1
    flip: bool = False
    intent: bool = False
    halt: bool = False
    denial: bool = False


ASSERTED = ModalityResult()


def clause_start(lowered: str, sent_start: int, pos: int) -> int:
    """Return where the clause holding ``pos`` begins (not before ``sent_start``)."""
    start = sent_start
    for m in _BOUNDARY.finditer(lowered, sent_start, pos):
        start = m.end()
    return start


def _words_between(lowered: str, start: int, end: int) -> int:
    return sum(1 for _ in _WORD.finditer(lowered, start, end))


@dataclass(frozen=True, slots=True)
class SentenceCues:
    """Modality cue positions in one sentence, found once for all its triggers.

    Attributes:
        start: Sentence start.
        end: Sentence end.
        boundaries: Ends of clause boundaries, in text order.
        hits: Per cue (in lexicon order), ``(start, end)`` of its matches
            in the sentence.
    """

    start: int
    end: int
    boundaries: tuple[int, ...]
    hits: tuple[tuple[tuple[int, int], ...], ...]


def find_cues(lexicon: Lexicon, lowered: str, start: int = 0, end: int | None = None,
              padded: str | None = None) -> list[tuple[int, int, int]]:
    """Return ``(start, end, cue index)`` of every cue in ``lowered``, by start.

    One pass of the cue automaton over the text; a multi-word cue's tail is
    matched only where its first word occurs, on whole words.

    Args:
        lexicon: Compiled cues.
        lowered: The lower-cased text.
        start: Where to begin.
        end: Where to stop (the text's end when None).
        padded: ``boundary_text(lowered)`` when the caller has it already.
    """
    automaton = lexicon.cue_automaton
    stop = len(lowered) if end is None else end
    if automaton is None or stop <= start:
        return []
    if padded is None:
        padded = boundary_text(lowered)
    out: list[tuple[int, int, int]] = []
    # Keys are space-padded word forms: a hit is a whole word, ending one
    # character before the trailing space (offset ``last``) in ``lowered``.
    for last, (klen, entries, gate, bare) in automaton.iter(padded, start, stop + 2):
        e = last - 1
        b = e - klen
        if gate is not None and gate.match(lowered, e, stop) is None:
            # No tail matches here: only the one-word cues.
            for index in bare:
                out.append((b, e, index))
            continue
        for index, tail in entries:
            if tail is None:
                out.append((b, e, index))
            else:
                m = tail.match(lowered, e, stop)
                if m is not None:
                    out.append((b, m.end(), index))
    out.sort()
    return out


def sentence_cues(
    lexicon: Lexicon,
    lowered: str,
    sentence: tuple[int, int],
    found: Sequence[tuple[int, int, int]] | None = None,
    *,
    lazy: bool = False,
) -> SentenceCues:
    """Collect clause boundaries and cue positions of one sentence.

    Args:
        lexicon: Compiled cues.
        lowered: The lower-cased text.
        sentence: ``(start, end)`` of the sentence.
        found: Cues of the whole text from :func:`find_cues`, so a text is
            scanned once; the sentence is scanned when None.
        lazy: Leave ``boundaries`` empty when no clause-scoped modality cue
            occurs in the sentence: :func:`assess_modality`, the only reader,
            needs them for those cues alone, and the scan is most of the cost.
    """
    s0, s1 = sentence
    if found is None:
        found = find_cues(lexicon, lowered, s0, s1)
    lo = bisect_left(found, (s0, -1, -1))
    buckets: dict[int, list[tuple[int, int]]] = {}
    for i in range(lo, len(found)):
        a, b, index = found[i]
        if a >= s1:
            break
        if b <= s1:
            buckets.setdefault(index, []).append((a, b))
    hits: list[tuple[tuple[int, int], ...]] = [()] * len(lexicon.cues)
    for index, spans in buckets.items():
        hits[index] = tuple(spans)
    cues = lexicon.cues
    if lazy and not any(_clause_scoped(cues[index]) for index in buckets):
        return SentenceCues(s0, s1, (), tuple(hits))
    return SentenceCues(
        s0,
        s1,
        tuple([m.end() for m in _BOUNDARY.finditer(lowered, s0, s1)]),
        tuple(hits),
    )


def _clause_scoped(cue: ModalityCue) -> bool:
    """True for a modality cue that governs only its own clause (the cues
    :func:`assess_modality` reads clause boundaries for)."""
    return (cue.kind == "modality" and cue.modality is not None
            and cue.scope not in ("sentence", "complement"))


def assess_modality(
    lexicon: Lexicon,
    text: str,
    lowered: str,
    sentence: tuple[int, int],
    trigger: tuple[int, int],
    cues: SentenceCues | None = None,
    *,
    speech_act: bool = False,
) -> ModalityResult:
    """Return the modality of the trigger at ``trigger`` within ``sentence``.

    Args:
        lexicon: Compiled cues.
        text: The original text (cue text is quoted from it).
        lowered: ``text`` lower-cased with the same length.
        sentence: ``(start, end)`` of the sentence.
        trigger: ``(start, end)`` of the trigger.
        cues: The sentence's cue positions from :func:`sentence_cues`, to
            share between the triggers of one sentence; found when None.
        speech_act: The trigger is a speech act ("threatened", "urged"):
            the act was performed, so a trailing if-clause conditions its
            content, not the act.
    """
    if cues is None or (cues.start, cues.end) != sentence:
        cues = sentence_cues(lexicon, lowered, sentence)
    t0, t1 = trigger
    clause = cues.start
    for b in cues.boundaries:
        if b > t0:
            break
        clause = b
    best: ModalityResult = ASSERTED
    best_rank = 0
    intent = False
    for cue, hits in zip(lexicon.cues, cues.hits, strict=True):
        if not hits or cue.kind != "modality" or cue.modality is None:
            continue
        rank = _PRIORITY[cue.modality]
        if rank < best_rank and (intent or not cue.intent):
            continue
        found = _find(cue, hits, lowered, cues.end, t0, t1, clause, speech_act,
                      lexicon.transparent)
        if found is None:
            continue
        intent = intent or cue.intent
        a, b = found
        if rank > best_rank or (rank == best_rank and cue.flip and not best.flip):
            best = ModalityResult(cue.modality, text[a:b], a, cue.flip, cue.intent, cue.halt,
                                  cue.denial)
            best_rank = rank
    if intent and not best.intent:
        best = ModalityResult(best.modality, best.cue, best.cue_start, best.flip, True, best.halt,
                              best.denial)
    return best


def _find_complement(
    hits: tuple[tuple[int, int], ...], lowered: str, t0: int, window: int
) -> tuple[int, int] | None:
    """The last cue before the trigger whose complement clause still runs there."""
    last: tuple[int, int] | None = None
    for a, b in hits:
        if b > t0:
            break
        last = a, b
    if last is None or _words_between(lowered, last[1], t0) > window:
        return None
    if _COMPLEMENT_END.search(lowered, last[1], t0) is not None:
        return None
    return last


def _find(
    cue: ModalityCue,
    hits: tuple[tuple[int, int], ...],
    lowered: str,
    s1: int,
    t0: int,
    t1: int,
    clause: int,
    speech_act: bool = False,
    transparent: frozenset[str] = frozenset(),
) -> tuple[int, int] | None:
    if cue.scope == "sentence":
        for a, b in hits:
            if b <= t0:
                return a, b
            if a >= t1 and not speech_act:
                if _words_between(lowered, t1, a) <= cue.window:
                    return a, b
                return None
        return None
    if cue.scope == "complement":
        return _find_complement(hits, lowered, t0, cue.window)
    # Only the last few words of the clause can hold a governing cue.
    lo = max(clause, t0 - _CHARS_PER_WORD * (cue.window + 3))
    last: tuple[int, int] | None = None
    for a, b in hits:
        if b > t0:
            break
        if a >= lo:
            last = a, b
    if last is None:
        return None
    if _words_between(lowered, last[1], t0) > cue.window:
        return None
    # A halting verb takes the act as its object noun phrase ("suspended
    # part of its aid"), so the words between may be determiners and
    # modifiers; other negations reach only through auxiliaries (the
    # ``transparent`` words: "did not immediately attack").
    if cue.modality == "negated" and not cue.halt and any(
        w.group() not in transparent for w in _WORD.finditer(lowered, last[1], t0)
    ):
        return None
    # A halting verb joined to the trigger by a conjunction is a second act
    # of the same subject, not its object ("stop and seize the ship").
    if cue.halt and any(w.group() in _COORDINATORS
                        for w in _WORD.finditer(lowered, last[1], t0)):
        return None
    return last
