"""How a statement is made: asserted, hypothetical, conditional, negated, future.

A cue counts only where it governs the trigger. "before" cues (modal verbs,
negation, future markers) must precede the trigger in the same clause within
a few words; "sentence" cues (``if``, ``unless``) govern a trigger anywhere
after them in the sentence, or a trigger shortly before them (a trailing
if-clause conditions its main clause). A negation inside an if-clause
therefore never negates the main-clause trigger: it does not precede it.

Where several cues govern a trigger, the most limiting wins:
negated > conditional > hypothetical > future.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from streams.core.lexicon import Lexicon, ModalityCue

__all__ = ["ModalityResult", "assess_modality", "clause_start"]

_CHARS_PER_WORD = 16
_PRIORITY = {"negated": 4, "conditional": 3, "hypothetical": 2, "future": 1}
# Words and marks that open a new clause: a cue before them does not reach
# a trigger after them.
_BOUNDARY = re.compile(
    r"[,;:()\u2013\u2014\"\u201c\u201d]|\s-\s"
    r"|(?<!\w)(?:but|while|whereas|although|though|because|after|before|which|who|whom"
    r"|when|since|that|amid|despite)(?!\w)"
)
_WORD = re.compile(r"\w[\w'\u2019-]*")
# Words a negation reaches through to its verb ("did not immediately
# attack", "refused to even meet"); any other word in between means the
# negation belongs to another verb ("not provided at a summit").
_TRANSPARENT = frozenset((
    "to", "be", "been", "being", "have", "has", "had", "yet", "even", "immediately", "directly",
    "publicly", "formally", "officially", "further", "fully", "ever", "already", "actually",
    "really", "again", "so", "far", "any", "more", "seek", "try", "attempt", "intend", "plan",
    "want", "wish", "agree", "decide", "choose", "dare", "need", "able", "allowed", "permitted",
    "going", "the", "a", "an", "its", "their", "his", "her", "our", "also",
))


@dataclass(frozen=True, slots=True)
class ModalityResult:
    """The modality found for one trigger.

    Attributes:
        modality: "asserted", "hypothetical", "conditional", "negated" or "future".
        cue: The cue text as it stands in the text, or None.
        cue_start: Offset of the cue, or -1.
        flip: True when a restraint cue ("avoid", "refrain from") governs it.
        intent: True when the cue states the actor's intent ("will", "would").
    """

    modality: str = "asserted"
    cue: str | None = None
    cue_start: int = -1
    flip: bool = False
    intent: bool = False


ASSERTED = ModalityResult()


def clause_start(lowered: str, sent_start: int, pos: int) -> int:
    """Return where the clause holding ``pos`` begins (not before ``sent_start``)."""
    start = sent_start
    for m in _BOUNDARY.finditer(lowered, sent_start, pos):
        start = m.end()
    return start


def _words_between(lowered: str, start: int, end: int) -> int:
    return sum(1 for _ in _WORD.finditer(lowered, start, end))


def assess_modality(
    lexicon: Lexicon,
    text: str,
    lowered: str,
    sentence: tuple[int, int],
    trigger: tuple[int, int],
) -> ModalityResult:
    """Return the modality of the trigger at ``trigger`` within ``sentence``.

    Args:
        lexicon: Compiled cues.
        text: The original text (cue text is quoted from it).
        lowered: ``text`` lower-cased with the same length.
        sentence: ``(start, end)`` of the sentence.
        trigger: ``(start, end)`` of the trigger.
    """
    s0, s1 = sentence
    t0, t1 = trigger
    clause = clause_start(lowered, s0, t0)
    best: ModalityResult = ASSERTED
    best_rank = 0
    for cue in lexicon.cues:
        if cue.kind != "modality" or cue.modality is None:
            continue
        rank = _PRIORITY[cue.modality]
        if rank < best_rank:
            continue
        found = _find(cue, lowered, s0, s1, t0, t1, clause)
        if found is None:
            continue
        a, b = found
        if rank > best_rank or (cue.flip and not best.flip):
            best = ModalityResult(cue.modality, text[a:b], a, cue.flip, cue.intent)
            best_rank = rank
    return best


def _find(
    cue: ModalityCue, lowered: str, s0: int, s1: int, t0: int, t1: int, clause: int
) -> tuple[int, int] | None:
    if cue.scope == "sentence":
        first = cue.regex.search(lowered, s0, t0)
        if first is not None:
            return first.start(), first.end()
        after = cue.regex.search(lowered, t1, s1)
        if after is not None and _words_between(lowered, t1, after.start()) <= cue.window:
            return after.start(), after.end()
        return None
    # Only the last few words of the clause can hold a governing cue; a
    # bounded search keeps the cost independent of the sentence length.
    lo = max(clause, t0 - _CHARS_PER_WORD * (cue.window + 3))
    last = None
    for m in cue.regex.finditer(lowered, lo, t0):
        last = m
    if last is None:
        return None
    if _words_between(lowered, last.end(), t0) > cue.window:
        return None
    if cue.modality == "negated" and any(
        w.group() not in _TRANSPARENT for w in _WORD.finditer(lowered, last.end(), t0)
    ):
        return None
    return last.start(), last.end()
