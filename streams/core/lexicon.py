"""The signal lexicon: validated trigger rules and modality cues, compiled once.

Rules are plain data rows (see ``streams/knowledge/data/LEXICON.md``). Each
row names a PLOVER type, a polarity, a mode, a base severity and one or more
*patterns*: space-separated tokens where ``<deploy>`` stands for every
inflection of a lemma (with British/American spellings), ``a|b`` for
alternatives, ``...`` (or ``...N``) for a gap of up to 3 (N) words. The first
token of each pattern is the *anchor*: all anchor surface forms of all rows go
into one Aho-Corasick automaton that scans the lower-cased text once; the rest
of a pattern is a regex anchored at the anchor's end, tried only where the
anchor fired.

The row types live here; how patterns compile is :mod:`streams.core.patterns`
(re-exported here under the old names) and how rows are validated is
:mod:`streams.core.lexicon_rows`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Final

import ahocorasick

from streams.core.patterns import (
    NO_IRREGULAR,
    PatternCompiler,
    SpanWords,
    WordHeads,
    boundary_key,
    boundary_text,
    gap,
    inflect,
    lower_keep_length,
    may_search,
    phrase_regex,
    search_span,
    tail_gate,
    token_forms,
    word_set,
)

__all__ = [
    "Anchor",
    "Domain",
    "Evaluation",
    "Lexicon",
    "LexiconError",
    "ModalityCue",
    "Rule",
    "SpanWords",
    "WordHeads",
    "boundary_text",
    "inflect",
    "lower_keep_length",
    "may_search",
    "phrase_regex",
    "search_span",
    "token_forms",
    "word_set",
]


class LexiconError(ValueError):
    """A lexicon or modality row is malformed; the message names the row id."""


_POLARITIES = ("escalation", "de-escalation")
_MODALITIES = ("hypothetical", "conditional", "negated", "future")


def _no_heads() -> WordHeads:
    return WordHeads(MappingProxyType({}), frozenset())


@dataclass(frozen=True, slots=True)
class Rule:
    """One compiled lexicon row.

    Attributes:
        id: Row id, reported as ``Signal.rule``.
        type: PLOVER event type.
        polarity: "escalation" or "de-escalation".
        mode: Mode of the means, or None.
        severity: Goldstein-style base severity in [-10, 10].
        not_in_sentence: Words whose presence anywhere in the sentence
            vetoes the match (sense restriction), or None.
        not_near: Words within ``window`` words of the trigger that veto it.
        near: Words that must occur within ``window`` words, or None.
        window: Word window for ``not_near`` / ``near`` / ``not_before``.
        not_before: Words within ``window`` words before the trigger that
            veto it ("face of potential threats": a threat nobody makes).
        nominal: The row's patterns are noun phrases ("intelligence
            sharing"): a mention of a topic rather than a reported act, so
            its severity takes the ``nominal`` factor.
        not_after: Words within ``window`` words after the trigger that veto
            it ("rejected reports that ...": a denial, not a rejection).
        speech_act: The trigger is a speech act (threaten, warn, demand,
            offer): the act happened even when its content is conditional,
            so a trailing if-clause does not govern it.
        veto_domains: Domains (``domain`` rows) in whose context the row's
            military sense does not hold ("the striker attacked").
        idiom: The row is a fixed expression with no event sense ("price
            war"); it absorbs the triggers it overlaps and yields no signal.
    """

    id: str
    type: str
    polarity: str
    mode: str | None
    severity: float
    not_in_sentence: re.Pattern[str] | None = None
    not_near: re.Pattern[str] | None = None
    near: re.Pattern[str] | None = None
    window: int = 4
    not_before: re.Pattern[str] | None = None
    nominal: bool = False
    not_after: re.Pattern[str] | None = None
    speech_act: bool = False
    veto_domains: tuple[str, ...] = ()
    idiom: bool = False


@dataclass(frozen=True, slots=True)
class Domain:
    """A non-military (or, with ``counter``, military) context of discourse.

    Attributes:
        name: Domain name that rules list in ``veto_domains``.
        cues: Words that put the whole sentence in the domain ("striker",
            "box office"), or None.
        near: Words that put a trigger in the domain when they stand within
            ``window`` words of it or in the sentence's opening subject
            ("the company launched an attack", "fighting for the title").
        window: Word window of ``near``.
        agents: Sector codes of generic agents (``agent:BUS``) whose
            acting as the trigger's source puts it in the domain.
        counter: The domain is military: its evidence keeps the literal
            sense whatever other domains say.
    """

    name: str
    cues: re.Pattern[str] | None = None
    near: re.Pattern[str] | None = None
    window: int = 6
    agents: frozenset[str] = frozenset()
    counter: bool = False


@dataclass(frozen=True, slots=True)
class Evaluation:
    """Evaluative adjectives that are part of a disapproval, not events.

    Attributes:
        regex: Matches the adjectives ("provocative", "aggressive").
        types: Types of the governing act (DISAPPROVE, REJECT).
        window: How many words after the governing trigger the adjective
            may stand ("condemned the drills as provocative").
    """

    regex: re.Pattern[str]
    types: frozenset[str]
    window: int = 8


@dataclass(frozen=True, slots=True)
class Anchor:
    """What an automaton key stands for: a rule and the rest of its pattern.

    Attributes:
        rule: Index into :attr:`Lexicon.rules`.
        tail: Regex matched right at the anchor's end, or None when the
            pattern is the anchor alone.
        length: Token count of the pattern, to prefer specific patterns.
    """

    rule: int
    tail: re.Pattern[str] | None
    length: int


@dataclass(frozen=True, slots=True)
class ModalityCue:
    """One compiled row of ``modality.jsonl``.

    Attributes:
        id: Row id.
        kind: "modality" for a modality cue, "speech" for a reporting verb.
        modality: The modality it sets (modality cues only).
        regex: Matches any of the row's cues in lower-cased text.
        scope: "before" (cue precedes the trigger in its clause within
            ``window`` words), "sentence" (anywhere before the trigger in
            the sentence, or up to ``window`` words after it),
            "complement" (the cue's complement clause holds the trigger:
            "denied that it plans to send troops", within ``window`` words
            and up to a coordinated or contrasting clause).
        window: Word window of the scope.
        flip: For negation cues of restraint ("avoid", "refrain from"):
            a negated escalation becomes a de-escalation.
        intent: The cue states an actor's intent ("will", "would"): per
            PLOVER, intent to act is coded THREATEN or AGREE (``intents``).
        speaker_after: Speech cues whose speaker follows ("according to").
        halt: The cue ends an ongoing act ("suspend", "call off") rather
            than denying it: ended cooperation is a reduction of relations
            and an ended escalation a concession (``flip`` rows with
            ``halt``).
    """

    id: str
    kind: str
    modality: str | None
    regex: re.Pattern[str]
    scope: str = "before"
    window: int = 5
    flip: bool = False
    speaker_after: bool = False
    intent: bool = False
    halt: bool = False
    denial: bool = False


@dataclass(frozen=True, slots=True)
class Lexicon:
    """Compiled signal rules and modality cues.

    Attributes:
        rules: The lexicon rows in file order.
        cues: Modality and reported-speech cues.
        factors: Severity multiplier per modality.
        flip_types: Types that flipped statements take: key "escalation"
            (negated cooperation becomes, e.g., REJECT) and "de-escalation"
            (restrained escalation becomes, e.g., CONCEDE); keys with a
            "/halt" suffix for statements ended by a ``halt`` cue.
        intents: Per polarity, the type stated intent takes and the types
            it applies to (PLOVER codes "will blockade" as THREATEN).
        automaton: Aho-Corasick automaton over anchor surface forms; a key
            maps to ``(length, anchors, gate, anchors without a tail)``,
            where ``gate`` (see :func:`streams.core.patterns.tail_gate`) matches wherever one of
            the tails does, or is None. None when there are no rules.
        cue_automaton: Aho-Corasick automaton over the first words of all
            cues; a key maps to ``(length, ((cue index, tail regex or
            None), ...), gate, indexes of cues without a tail)``. One scan
            of the text finds every cue, so no cue regex is run over a
            sentence. None when there are no cues.
        domains: Contexts that veto military senses (``domain`` rows).
        evaluation: Evaluative adjectives inside a disapproval, or None.
        word_heads: The first words of the word-list regexes, for
            :func:`word_set`.
        transparent: Words a negation reaches through to its verb ("did
            not immediately attack"; list ``modality.transparent``).

    Both automata are keyed by space-padded forms and scan
    :func:`boundary_text`, so they report whole words only.
    """

    rules: tuple[Rule, ...] = ()
    cues: tuple[ModalityCue, ...] = ()
    factors: Mapping[str, float] = field(default_factory=dict)
    flip_types: Mapping[str, tuple[str, float]] = field(default_factory=dict)
    intents: Mapping[str, tuple[str, frozenset[str]]] = field(default_factory=dict)
    automaton: Any = field(default=None, compare=False, repr=False)
    cue_automaton: Any = field(default=None, compare=False, repr=False)
    domains: tuple[Domain, ...] = ()
    evaluation: Evaluation | None = None
    word_heads: WordHeads = field(default_factory=_no_heads, compare=False, repr=False)
    transparent: frozenset[str] = frozenset()

    @classmethod
    def from_rows(
        cls,
        signal_rows: Sequence[Mapping[str, Any]],
        modality_rows: Sequence[Mapping[str, Any]],
        irregular: Mapping[str, tuple[str, ...]] = NO_IRREGULAR,
        transparent: frozenset[str] = frozenset(),
    ) -> Lexicon:
        """Validate and compile lexicon and modality rows.

        Args:
            signal_rows: The rows of ``signals.jsonl``.
            modality_rows: The rows of the modality files, any kind.
            irregular: Irregular verb forms for ``<lemma>`` tokens.
            transparent: Words a negation reaches through to its verb.

        Raises:
            LexiconError: when a row is malformed; the message names its id.
        """
        compiler = PatternCompiler(irregular)
        idioms = [r for r in modality_rows if r.get("kind") == "idiom"]
        rules, keys = _compile_rules((*signal_rows, *idioms), compiler)
        cues, factors, flips, intents = _modality(modality_rows, compiler)
        domains = tuple(_domain(r, compiler) for r in modality_rows if r.get("kind") == "domain")
        evaluations = [r for r in modality_rows if r.get("kind") == "evaluation"]
        evaluation = _evaluation(evaluations[-1], compiler) if evaluations else None
        known = {d.name for d in domains}
        for rule in rules:
            unknown = set(rule.veto_domains) - known
            if unknown:
                raise LexiconError(f"{rule.id}: unknown domains {sorted(unknown)}")
        cue_rows = [r for r in modality_rows if r.get("kind", "modality") in ("modality", "speech")]
        return cls(
            rules=tuple(rules),
            cues=tuple(cues),
            factors=factors,
            flip_types=flips,
            intents=intents,
            automaton=_rule_automaton(keys),
            cue_automaton=_cue_automaton(cue_rows, compiler),
            domains=domains,
            evaluation=evaluation,
            word_heads=compiler.word_heads(),
            transparent=transparent,
        )


def _compile_rules(
    rows: Sequence[Mapping[str, Any]], compiler: PatternCompiler,
) -> tuple[list[Rule], dict[str, list[Anchor]]]:
    """Return the rules of ``rows`` and the anchors of each automaton key."""
    rules: list[Rule] = []
    keys: dict[str, list[Anchor]] = {}
    seen: set[str] = set()
    for row in rows:
        rule, patterns = _idiom(row) if row.get("kind") == "idiom" else _rule(row, compiler)
        if rule.id in seen:
            raise LexiconError(f"{rule.id}: duplicate lexicon row id")
        seen.add(rule.id)
        index = len(rules)
        rules.append(rule)
        for pattern in patterns:
            _add_anchor(keys, rule.id, index, pattern, compiler)
    return rules, keys


def _add_anchor(keys: dict[str, list[Anchor]], ident: str, index: int, pattern: str,
                compiler: PatternCompiler) -> None:
    toks = pattern.split()
    if not toks or gap(toks[0]) is not None or gap(toks[-1]) is not None:
        raise LexiconError(f"{ident}: pattern {pattern!r} must start and end with a word")
    try:
        tail = re.compile(compiler.phrase_regex(toks[1:])) if len(toks) > 1 else None
    except (ValueError, re.error) as exc:
        raise LexiconError(f"{ident}: pattern {pattern!r}: {exc}") from exc
    anchor = Anchor(rule=index, tail=tail, length=len(toks))
    for form in compiler.token_forms(toks[0]):
        # "cyber-attack" and "cyber attack" share a padded key.
        entry = keys.setdefault(boundary_key(form), [])
        if anchor not in entry:
            entry.append(anchor)


def _rule_automaton(keys: Mapping[str, list[Anchor]]) -> Any:
    if not keys:
        return None
    automaton = ahocorasick.Automaton()
    for key, anchors in keys.items():
        automaton.add_word(key, (
            len(key) - 2, tuple(anchors), tail_gate([a.tail for a in anchors]),
            tuple(a for a in anchors if a.tail is None)))
    automaton.make_automaton()
    return automaton


def _cue_automaton(rows: Sequence[Mapping[str, Any]], compiler: PatternCompiler) -> Any:
    cue_keys: dict[str, list[tuple[int, re.Pattern[str] | None]]] = {}
    for index, row in enumerate(rows):
        for phrase in _str_list(row, "cues", str(row.get("id"))):
            toks = phrase.split()
            tail = (re.compile(compiler.phrase_regex(toks[1:]) + r"(?!\w)")
                    if len(toks) > 1 else None)
            for form in compiler.token_forms(toks[0]):
                cue_entry = cue_keys.setdefault(boundary_key(form), [])
                if (index, tail) not in cue_entry:
                    cue_entry.append((index, tail))
    if not cue_keys:
        return None
    cue_automaton = ahocorasick.Automaton()
    for key, entries in cue_keys.items():
        # The stored length is the form's, without the padding.
        cue_automaton.add_word(key, (
            len(key) - 2, tuple(entries), tail_gate([t for _, t in entries]),
            tuple(i for i, t in entries if t is None)))
    cue_automaton.make_automaton()
    return cue_automaton


def _str_list(row: Mapping[str, Any], key: str, ident: str) -> tuple[str, ...]:
    value = row.get(key) or ()
    if isinstance(value, str):
        value = (value,)
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) and v for v in value):
        raise LexiconError(f"{ident}: {key!r} must be a list of non-empty strings")
    return tuple(value)


def _rule(row: Mapping[str, Any], compiler: PatternCompiler) -> tuple[Rule, tuple[str, ...]]:
    ident = row.get("id")
    if not isinstance(ident, str) or not ident:
        raise LexiconError(f"lexicon row {dict(row)!r:.80}: 'id' must be a non-empty string")
    kind = row.get("type")
    if not isinstance(kind, str) or not kind.isupper():
        raise LexiconError(f"{ident}: 'type' must be an upper-case PLOVER type")
    polarity = row.get("polarity")
    if polarity not in _POLARITIES:
        raise LexiconError(f"{ident}: 'polarity' must be one of {_POLARITIES}")
    severity = row.get("severity")
    if isinstance(severity, bool) or not isinstance(severity, int | float):
        raise LexiconError(f"{ident}: 'severity' must be a number")
    if not -10 <= severity <= 10 or (severity > 0) != (polarity == "de-escalation"):
        raise LexiconError(f"{ident}: 'severity' must be in [-10, 0) for escalation and "
                           "(0, 10] for de-escalation")
    mode = row.get("mode")
    if mode is not None and (not isinstance(mode, str) or not mode):
        raise LexiconError(f"{ident}: 'mode' must be a string or null")
    patterns = _str_list(row, "patterns", ident)
    if not patterns:
        raise LexiconError(f"{ident}: 'patterns' must not be empty")
    window = row.get("window", 4)
    if isinstance(window, bool) or not isinstance(window, int) or window < 1:
        raise LexiconError(f"{ident}: 'window' must be a positive integer")
    veto_domains = _str_list(row, "veto_domains", ident)
    rule = Rule(
        id=ident,
        type=kind,
        polarity=str(polarity),
        mode=mode,
        severity=float(severity),
        not_in_sentence=compiler.words_regex(_str_list(row, "not_in_sentence", ident)),
        not_near=compiler.words_regex(_str_list(row, "not_near", ident)),
        near=compiler.words_regex(_str_list(row, "near", ident)),
        window=window,
        not_before=compiler.words_regex(_str_list(row, "not_before", ident)),
        nominal=bool(row.get("nominal", False)),
        not_after=compiler.words_regex(_str_list(row, "not_after", ident)),
        speech_act=bool(row.get("speech_act", False)),
        veto_domains=veto_domains,
    )
    return rule, patterns


def _idiom(row: Mapping[str, Any]) -> tuple[Rule, tuple[str, ...]]:
    ident = row.get("id")
    if not isinstance(ident, str) or not ident:
        raise LexiconError(f"idiom row {dict(row)!r:.80}: 'id' must be a non-empty string")
    patterns = _str_list(row, "patterns", ident)
    if not patterns:
        raise LexiconError(f"{ident}: 'patterns' must not be empty")
    # Type, polarity and severity are never reported: an idiom yields no signal.
    return Rule(id=ident, type="IDIOM", polarity="escalation", mode=None, severity=-1.0,
                idiom=True), patterns


def _domain(row: Mapping[str, Any], compiler: PatternCompiler) -> Domain:
    ident = str(row.get("id"))
    name = row.get("domain")
    if not isinstance(name, str) or not name:
        raise LexiconError(f"{ident}: a domain row needs a 'domain' name")
    window = row.get("window", 6)
    if isinstance(window, bool) or not isinstance(window, int) or window < 1:
        raise LexiconError(f"{ident}: 'window' must be a positive integer")
    cues = compiler.words_regex(_str_list(row, "cues", ident))
    near = compiler.words_regex(_str_list(row, "near", ident))
    agents = frozenset(_str_list(row, "agents", ident))
    if cues is None and near is None and not agents:
        raise LexiconError(f"{ident}: a domain row needs 'cues', 'near' or 'agents'")
    return Domain(name=name, cues=cues, near=near, window=window, agents=agents,
                  counter=bool(row.get("counter", False)))


def _evaluation(row: Mapping[str, Any], compiler: PatternCompiler) -> Evaluation:
    ident = str(row.get("id"))
    regex = compiler.words_regex(_str_list(row, "cues", ident))
    types = frozenset(_str_list(row, "types", ident))
    window = row.get("window", 8)
    if regex is None or not types or isinstance(window, bool) or not isinstance(window, int):
        raise LexiconError(f"{ident}: an evaluation row needs 'cues', 'types' and a 'window'")
    return Evaluation(regex=regex, types=types, window=window)


_DEFAULT_FACTORS: Mapping[str, float] = MappingProxyType({
    "asserted": 1.0, "future": 0.8, "conditional": 0.5, "hypothetical": 0.4, "negated": 0.0,
    # Not a modality: the discount of a nominal mention (a topic, not an act).
    "nominal": 0.5,
})


_ModalityTables = tuple[
    list[ModalityCue],
    dict[str, float],
    dict[str, tuple[str, float]],
    dict[str, tuple[str, frozenset[str]]],
]
# Row kinds compiled by Lexicon.from_rows itself, not by _modality.
_SENSE_KINDS: Final = ("idiom", "domain", "evaluation")
_CUE_KINDS: Final = ("modality", "speech")


def _modality(rows: Sequence[Mapping[str, Any]], compiler: PatternCompiler) -> _ModalityTables:
    cues: list[ModalityCue] = []
    factors = dict(_DEFAULT_FACTORS)
    flips: dict[str, tuple[str, float]] = {}
    intents: dict[str, tuple[str, frozenset[str]]] = {}
    seen: set[str] = set()
    for row in rows:
        ident = row.get("id")
        if not isinstance(ident, str) or not ident:
            raise LexiconError(f"modality row {dict(row)!r:.80}: 'id' must be a non-empty string")
        if ident in seen:
            raise LexiconError(f"{ident}: duplicate modality row id")
        seen.add(ident)
        kind = row.get("kind", "modality")
        if kind == "factors":
            factors.update(_factors(row, ident))
        elif kind == "flip":
            key, flip = _flip(row, ident)
            flips[key] = flip
        elif kind == "intent":
            polarity, intent = _intent(row, ident)
            intents[polarity] = intent
        elif kind in _CUE_KINDS:
            cues.append(_cue(row, ident, str(kind), compiler))
        elif kind not in _SENSE_KINDS:
            raise LexiconError(f"{ident}: 'kind' must be modality, speech, factors, flip, "
                               "intent, idiom, domain or evaluation")
    return cues, factors, flips, intents


def _factors(row: Mapping[str, Any], ident: str) -> dict[str, float]:
    values = row.get("factors")
    if not isinstance(values, Mapping) or not all(
        k in _DEFAULT_FACTORS and isinstance(v, int | float) and 0 <= v <= 1
        for k, v in values.items()
    ):
        raise LexiconError(f"{ident}: 'factors' must map modalities to numbers in [0, 1]")
    return {k: float(v) for k, v in values.items()}


def _flip(row: Mapping[str, Any], ident: str) -> tuple[str, tuple[str, float]]:
    polarity, kind_to, sev = row.get("polarity"), row.get("type"), row.get("severity")
    if (polarity not in _POLARITIES or not isinstance(kind_to, str)
            or isinstance(sev, bool) or not isinstance(sev, int | float)):
        raise LexiconError(f"{ident}: a flip row needs 'polarity', 'type', 'severity'")
    return str(polarity) + ("/halt" if row.get("halt") else ""), (kind_to, float(sev))


def _intent(row: Mapping[str, Any], ident: str) -> tuple[str, tuple[str, frozenset[str]]]:
    polarity, kind_to = row.get("polarity"), row.get("type")
    if polarity not in _POLARITIES or not isinstance(kind_to, str):
        raise LexiconError(f"{ident}: an intent row needs 'polarity' and 'type'")
    return str(polarity), (kind_to, frozenset(_str_list(row, "types", ident)))


def _cue(row: Mapping[str, Any], ident: str, kind: str, compiler: PatternCompiler) -> ModalityCue:
    modality = row.get("modality")
    if kind == "modality" and modality not in _MODALITIES:
        raise LexiconError(f"{ident}: 'modality' must be one of {_MODALITIES}")
    scope = row.get("scope", "before")
    if scope not in ("before", "sentence", "complement"):
        raise LexiconError(f"{ident}: 'scope' must be 'before', 'sentence' or 'complement'")
    window = row.get("window", 5)
    if isinstance(window, bool) or not isinstance(window, int) or window < 0:
        raise LexiconError(f"{ident}: 'window' must be a non-negative integer")
    try:
        regex = compiler.words_regex(_str_list(row, "cues", ident))
    except ValueError as exc:
        raise LexiconError(f"{ident}: {exc}") from exc
    if regex is None:
        raise LexiconError(f"{ident}: 'cues' must not be empty")
    return ModalityCue(
        id=ident,
        kind=kind,
        modality=modality if isinstance(modality, str) else None,
        regex=regex,
        scope=str(scope),
        window=window,
        flip=bool(row.get("flip", False)),
        speaker_after=bool(row.get("speaker_after", False)),
        intent=bool(row.get("intent", False)),
        halt=bool(row.get("halt", False)),
        denial=bool(row.get("denial", False)),
    )
