"""Cheaper construction of the frozen result types on hot paths.

A frozen dataclass ``__init__`` assigns each field through
``object.__setattr__`` with keyword handling around it; the extractor and
the detector build about a hundred results per article, where that costs a
few per cent of the whole analysis. These builders set the slots through
their descriptors directly and return objects equal in every respect to
those the dataclass constructor builds (same type, same fields, same
equality and hash).
"""

from __future__ import annotations

from dataclasses import fields

from streams.core.model import Actor, ActorType, Modality, Polarity, Signal

__all__ = ["new_actor", "new_signal"]

_ACTOR_FIELDS = (
    "id", "name", "type", "text", "start", "end", "country", "role", "role_org", "former",
    "affiliation", "source",
)  # fmt: skip
_SIGNAL_FIELDS = (
    "type", "polarity", "mode", "modality", "trigger", "start", "end", "sentence",
    "sentence_start", "sentence_end", "severity", "base_severity", "rule", "source",
    "source_name", "target", "target_name", "speaker", "speaker_name", "cue",
    "political", "political_reason",
)  # fmt: skip
# The builders below spell the fields out; a change to the model must fail
# at import, not build objects with fields in the wrong slots.
if tuple(f.name for f in fields(Actor)) != _ACTOR_FIELDS:  # pragma: no cover
    raise ImportError("streams.core.model.Actor changed: update streams.core._construct")
if tuple(f.name for f in fields(Signal)) != _SIGNAL_FIELDS:  # pragma: no cover
    raise ImportError("streams.core.model.Signal changed: update streams.core._construct")

_new = object.__new__


def _slots_settable() -> bool:
    # A mypyc-compiled build makes Actor and Signal native classes, which
    # object.__new__ refuses; there the plain constructors are already fast.
    try:
        _new(Actor)
    except TypeError:
        return False
    return True


_FAST = _slots_settable()
(
    _a_id, _a_name, _a_type, _a_text, _a_start, _a_end, _a_country, _a_role, _a_role_org,
    _a_former, _a_affiliation, _a_source,
) = (getattr(Actor, name).__set__ for name in _ACTOR_FIELDS)  # fmt: skip
(
    _s_type, _s_polarity, _s_mode, _s_modality, _s_trigger, _s_start, _s_end, _s_sentence,
    _s_sentence_start, _s_sentence_end, _s_severity, _s_base_severity, _s_rule, _s_source,
    _s_source_name, _s_target, _s_target_name, _s_speaker, _s_speaker_name, _s_cue,
    _s_political, _s_political_reason,
) = (getattr(Signal, name).__set__ for name in _SIGNAL_FIELDS)  # fmt: skip


def new_actor(
    id: str,
    name: str,
    type: ActorType,
    text: str,
    start: int,
    end: int,
    country: str | None = None,
    role: str | None = None,
    role_org: str | None = None,
    former: bool = False,
    affiliation: str | None = None,
    source: str = "kb",
) -> Actor:
    """Return ``Actor(...)`` with these fields, built without the dataclass ``__init__``."""
    if not _FAST:
        return Actor(id, name, type, text, start, end, country, role, role_org, former,
                     affiliation, source)
    actor: Actor = _new(Actor)
    _a_id(actor, id)
    _a_name(actor, name)
    _a_type(actor, type)
    _a_text(actor, text)
    _a_start(actor, start)
    _a_end(actor, end)
    _a_country(actor, country)
    _a_role(actor, role)
    _a_role_org(actor, role_org)
    _a_former(actor, former)
    _a_affiliation(actor, affiliation)
    _a_source(actor, source)
    return actor


def new_signal(
    type: str,
    polarity: Polarity,
    mode: str | None,
    modality: Modality,
    trigger: str,
    start: int,
    end: int,
    sentence: str,
    sentence_start: int,
    sentence_end: int,
    severity: float,
    base_severity: float,
    rule: str,
    source: str | None,
    source_name: str | None,
    target: str | None,
    target_name: str | None,
    speaker: str | None,
    speaker_name: str | None,
    cue: str | None,
    political: bool = True,
    political_reason: str | None = None,
) -> Signal:
    """Return ``Signal(...)`` with these fields, built without the dataclass ``__init__``."""
    if not _FAST:
        return Signal(type, polarity, mode, modality, trigger, start, end, sentence,
                      sentence_start, sentence_end, severity, base_severity, rule, source,
                      source_name, target, target_name, speaker, speaker_name, cue,
                      political, political_reason)
    signal: Signal = _new(Signal)
    _s_type(signal, type)
    _s_polarity(signal, polarity)
    _s_mode(signal, mode)
    _s_modality(signal, modality)
    _s_trigger(signal, trigger)
    _s_start(signal, start)
    _s_end(signal, end)
    _s_sentence(signal, sentence)
    _s_sentence_start(signal, sentence_start)
    _s_sentence_end(signal, sentence_end)
    _s_severity(signal, severity)
    _s_base_severity(signal, base_severity)
    _s_rule(signal, rule)
    _s_source(signal, source)
    _s_source_name(signal, source_name)
    _s_target(signal, target)
    _s_target_name(signal, target_name)
    _s_speaker(signal, speaker)
    _s_speaker_name(signal, speaker_name)
    _s_cue(signal, cue)
    # Political agency is judged after detection (streams.core.agency).
    _s_political(signal, political)
    _s_political_reason(signal, political_reason)
    return signal
