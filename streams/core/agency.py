"""Political agency: does a signal report political escalation, or something else?

A signal counts toward the article score and the alert only when a political
actor takes part as its source or target (a state or government, a ministry,
a military, an armed group, a party or movement, protesters, an international
organisation, an office holder), or when the event itself is political or
military (air strikes, shelling, troop deployments, ceasefires, sanctions by
states). Individual crime, sport, business competition, disasters and
accidents are not political escalation. Police and courts are "weak" actors:
they count only next to another political actor or a political event, so an
arrest for theft stays quiet while police firing on protesters does not.

In an article whose domain (from :mod:`streams.core.domain`) is not political
the bar is higher: a signal counts only with both a political actor and a
political event.

Which actors and events are political is data (``agency.jsonl``, rows turned
into :class:`AgencyRules` by :meth:`AgencyRules.from_rows`); this module only
applies it. Signals that do not count keep ``political=False`` and a
``political_reason`` and stay in the analysis.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from itertools import pairwise
from types import MappingProxyType
from typing import Any

from streams.core._construct import new_signal
from streams.core.domain import DomainResult
from streams.core.model import Actor, Signal

__all__ = ["AgencyError", "AgencyJudge", "AgencyRules"]


class AgencyError(ValueError):
    """An agency row is malformed; the message names the row."""


def _values(row: Mapping[str, Any], key: str) -> frozenset[str]:
    raw = row.get(key) or []
    if not isinstance(raw, list) or not all(isinstance(v, str) for v in raw):
        raise AgencyError(f"agency row {row.get('kind')!r}: {key!r} must be a list of strings")
    return frozenset(raw)


def _unit(row: Mapping[str, Any], key: str, default: float) -> float:
    value = row.get(key, default)
    if not isinstance(value, int | float) or isinstance(value, bool) or not 0 <= value <= 1:
        raise AgencyError(f"agency row {row.get('kind')!r}: {key} must be in [0, 1]")
    return float(value)


# The list fields of each row kind: (AgencyRules field, row key).
_LIST_FIELDS: Mapping[str, tuple[tuple[str, str], ...]] = MappingProxyType({
    "actor_types": (("actor_types", "values"), ("place_words", "place_words"),
                    ("private_nouns", "private_nouns")),
    "entity_kinds": (("entity_kinds", "values"), ("org_words", "name_words")),
    "sectors": (("sectors", "values"), ("weak_sectors", "weak")),
    "titles": (("titles", "values"),),
    "events": (("event_rules", "rules"), ("event_modes", "modes"), ("event_words", "words")),
    "domains": (("domains", "values"), ("armed_kinds", "armed_kinds"),
                ("armed_source_sectors", "armed_sectors"),
                ("armed_target_sectors", "armed_targets"), ("violent_types", "violent_types"),
                ("armed_domains", "armed_domains")),
    "law_enforcement": (("law_rules", "rules"), ("armed_sectors", "armed_sectors"),
                        ("civic_sectors", "civic_sectors")),
    "judicial": (("judicial_cues", "cues"), ("judicial_types", "types"),
                 ("judicial_modes", "modes")),
    "background": (("background_cues", "cues"), ("dated_determiners", "dated")),
    "court": (("court_cues", "cues"), ("court_types", "types")),
    "inherent": (("inherent_rules", "rules"), ("inherent_modalities", "modalities")),
    "organised_crime": (("crime_sectors", "sectors"), ("crime_types", "types"),
                        ("crime_exempt_rules", "exempt_rules"),
                        ("state_force_words", "state_words")),
    "dyadic": (("dyadic_types", "types"), ("dyadic_state_sectors", "state_sectors")),
    "state_targets": (("state_target_types", "types"),),
})


@dataclass(frozen=True, slots=True)
class AgencyRules:
    """What makes an actor or an event political.

    Attributes:
        actor_types: Actor types political by themselves ("country").
        entity_kinds: Knowledge-base entity kinds that are political.
        sectors: Generic-agent sector codes that are political.
        weak_sectors: Sector codes that count only with another political
            actor or a political event (police, courts).
        org_words: Words in the name of an organisation the knowledge base
            does not know that make it political ("Front", "Ministry").
        place_words: Words that, just before a country mention, make it a
            place rather than a state acting ("a shooting in France").
        private_nouns: Nouns that, right after a demonym, name private
            parties of that nationality, not the state ("Canadian airlines",
            "a British company", "French tourists").
        titles: Canonical titles that make a person an office holder.
        event_rules: Lexicon rule ids that are political events.
        event_modes: Signal modes that are political events.
        event_words: Sentence words that make the event political.
        domains: Article domains that damp alerts.
        min_confidence: Domain confidence from which the damping applies.
        max_political_score: The damping applies only while the classifier
            gives ``politics_conflict`` less than this probability: the
            classifier errs on conflict news filed under another heading,
            and a missed conflict costs more than a quiet sport item.
        armed_kinds: Knowledge-base entity kinds that are armed forces
            (an army, a rebel group): their violence is political in any domain.
        armed_source_sectors: Generic-agent sectors whose violence is political
            in any domain (soldiers, rebels; not unidentified gunmen).
        armed_target_sectors: Generic-agent sectors that make violence against
            them political in any domain (an attack on soldiers, not on a shop).
        violent_types: The signal types the armed rule applies to.
        armed_domains: The damping domains where soldiers as the target keep
            violence political (not disasters: a military aircraft crash has
            soldiers among its victims); rebels as the source keep it in all.
        judicial_cues: Phrases of a legal proceeding ("convicted of",
            "charged with", "sentenced"): a trigger at most
            ``judicial_window`` words after one, in the same sentence, is
            the charge of a trial, not an escalation reported now.
        judicial_window: Words a judicial cue reaches forward.
        judicial_types: Signal types the judicial frame applies to (the
            violent acts a court tries); a prison sentence itself stays
            repression.
        judicial_modes: Signal modes it applies to as well ("seizure": a coup).
        law_rules: Lexicon rules of ordinary law enforcement (arrest,
            detention, investigation): political only with a political
            target, an armed source (``armed_sectors``) or a political event
            word in the sentence, since every state arrests and
            investigates ("Italian police arrest 150 in an anti-Mafia raid").
        armed_sectors: Generic-agent sectors whose arrests are political
            whatever the target (soldiers, rebels detaining people).
        civic_sectors: Generic-agent sectors whose arrest, detention or
            deportation is political whoever carries it out (activists,
            aid workers, journalists): repression of civil society.
        background_cues: Phrases that open the setting of the
            reported event ("amid", "despite"): a trigger at most
            ``background_window`` words after one, in the same phrase (no
            comma or clause mark between), is background, not the news
            ("an airport opens amid the fighting").
        background_window: Words a background cue reaches forward.
        dated_determiners: Determiners that, before a year, make a dated
            reference to an event ("the 2022 invasion", "its 1994
            genocide"): a trigger at most two words after "<determiner>
            <year>" names an event as a topic, not as news.
        court_cues: Words naming a court as the one acting ("court",
            "judge", "jury"): a trigger at most ``court_window`` words after
            one, in the same clause, is a ruling ("the supreme court rejects
            an injunction"), not a political act.
        court_window: Words a court cue reaches forward.
        court_types: Signal types a ruling can carry (REJECT, DEMAND, ...).
        inherent_rules: Lexicon rules whose act is political by definition
            (an assassination is the killing of a public figure for a
            political end): political whatever the actors or the domain,
            unless a frame (a trial's charge, background, history) holds.
        history_years: A sentence whose years all lie at least this many
            years before the article's date ("Qaboos took power in 1970 after
            overthrowing his father") tells history, not news; 0 turns the
            rule off, as does an article without a date.
        crime_sectors: Generic-agent sectors of organised crime (gangs,
            cartels): violence, threats and sanctions in a sentence that
            names one are crime, not political escalation, unless the
            sentence also names a state force or a political armed actor
            ("rival gangs clash in a jail" is crime; "cartel gunmen ambush
            soldiers" is not).
        crime_types: Signal types the organised-crime rule judges.
        crime_exempt_rules: Lexicon rules it leaves alone (a terrorist
            designation of a gang is a political act by a state).
        state_force_words: Words that name state forces even without a
            country ("police", "soldiers"), which lift the rule.
        dyadic_types: Verbal signal types that are events only between two
            parties (PLOVER's events are dyadic): a demand, a rejection or a
            disapproval with no target found ("calls for talks", "urges
            action") names a stance, not a conflict with anyone, unless a
            state speaks: a state that rejects a ceasefire proposal or vetoes
            a resolution acts toward the states behind it, named or not.
        dyadic_state_sectors: Generic-agent sectors that speak for a state
            there ("the government", "the army"), besides ``actor_types``.
        state_target_types: Signal types whose country target is the state
            itself even after a place word: "tariffs on goods imported from
            China" strike China's exports, not a place.
    """

    actor_types: frozenset[str] = frozenset()
    entity_kinds: frozenset[str] = frozenset()
    sectors: frozenset[str] = frozenset()
    weak_sectors: frozenset[str] = frozenset()
    place_words: frozenset[str] = frozenset()
    private_nouns: frozenset[str] = frozenset()
    org_words: frozenset[str] = frozenset()
    titles: frozenset[str] = frozenset()
    event_rules: frozenset[str] = frozenset()
    event_modes: frozenset[str] = frozenset()
    event_words: frozenset[str] = frozenset()
    domains: frozenset[str] = frozenset()
    armed_kinds: frozenset[str] = frozenset()
    armed_source_sectors: frozenset[str] = frozenset()
    armed_target_sectors: frozenset[str] = frozenset()
    violent_types: frozenset[str] = frozenset()
    armed_domains: frozenset[str] = frozenset()
    min_confidence: float = 0.5
    max_political_score: float = 1.0
    judicial_cues: frozenset[str] = frozenset()
    judicial_window: int = 8
    judicial_types: frozenset[str] = frozenset()
    judicial_modes: frozenset[str] = frozenset()
    law_rules: frozenset[str] = frozenset()
    armed_sectors: frozenset[str] = frozenset()
    civic_sectors: frozenset[str] = frozenset()
    background_cues: frozenset[str] = frozenset()
    background_window: int = 10
    dated_determiners: frozenset[str] = frozenset()
    history_years: int = 0
    inherent_rules: frozenset[str] = frozenset()
    inherent_modalities: frozenset[str] = frozenset()
    court_cues: frozenset[str] = frozenset()
    court_window: int = 6
    court_types: frozenset[str] = frozenset()
    crime_sectors: frozenset[str] = frozenset()
    crime_types: frozenset[str] = frozenset()
    crime_exempt_rules: frozenset[str] = frozenset()
    state_force_words: frozenset[str] = frozenset()
    dyadic_types: frozenset[str] = frozenset()
    dyadic_state_sectors: frozenset[str] = frozenset()
    state_target_types: frozenset[str] = frozenset()

    @property
    def empty(self) -> bool:
        """True when no rows were given: then every signal counts."""
        return not (self.actor_types or self.entity_kinds or self.sectors or self.titles
                    or self.event_rules or self.event_modes or self.event_words)

    @classmethod
    def from_rows(cls, rows: Iterable[Mapping[str, Any]]) -> AgencyRules:
        """Build the rules from ``agency.jsonl`` rows.

        Raises:
            AgencyError: when a row has an unknown kind or a malformed field.
        """
        fields: dict[str, Any] = {}
        for row in rows:
            kind = row.get("kind")
            lists = _LIST_FIELDS.get(kind) if isinstance(kind, str) else None
            if lists is None:
                raise AgencyError(f"agency row of unknown kind {kind!r}")
            for name, key in lists:
                fields[name] = _values(row, key)
            if kind == "domains":
                fields["min_confidence"] = _unit(row, "min_confidence", 0.5)
                fields["max_political_score"] = _unit(row, "max_political_score", 1.0)
            elif kind in ("judicial", "background", "court"):
                window = row.get("window", 8)
                if not isinstance(window, int) or isinstance(window, bool) or window < 1:
                    raise AgencyError(f"agency row {kind!r}: window must be a positive integer")
                fields[f"{kind}_window"] = window
            if kind == "background":
                years = row.get("history_years", 0)
                if not isinstance(years, int) or isinstance(years, bool) or years < 0:
                    raise AgencyError("agency row 'background': history_years must be an "
                                      "integer >= 0")
                fields["history_years"] = years
        return cls(**fields)


_NON_SPACE = re.compile(r"\S")

# The word right after a mention (" airlines" after "Canadian").
_NEXT_WORD = re.compile(r"[ \t]{1,4}([A-Za-z][\w-]{0,40})")

# Strength of an actor's political agency.
_NONE, _WEAK, _STRONG = 0, 1, 2

# A year (or decade: "the 1990s") written as a date, not a count ("2000 troops").
# "since 1997" or "since the 2022 invasion" measures the present against a
# year, so such a year counts as the article's own (group 1 set).
POSSESSIVE = "<poss>"
"""In a background cue: a possessive name or noun ("Russia's", "the group's")."""
_POSS_RE = r"[\w-]+['\u2019]s"
_YEAR = re.compile(r"(?<![\w.,$\u00a3\u20ac-])(\b[Ss]ince\s+(?:(?:the|its|their|his|her)\s+)?)?"
                   r"(1[89]\d\d|20\d\d)(?:s|\u2019s|'s)?(?![\w-])(?!\s+[a-z]+s\b)")


class AgencyJudge:
    """Compiled agency rules, applied to the signals of one article at a time."""

    def __init__(self, rules: AgencyRules, entity_kinds: Mapping[str, str | None],
                 demonyms: Iterable[str] = ()) -> None:
        """Compile ``rules``; ``entity_kinds`` maps knowledge-base ids to their
        kind, ``demonyms`` are the nationality words of the countries."""
        self.rules = rules
        self._demonyms = frozenset(d.lower() for d in demonyms)
        self._kinds = {k: v for k, v in entity_kinds.items() if v is not None}
        names = sorted(rules.org_words, key=len, reverse=True)
        self._org_words = (re.compile(r"\b(?:" + "|".join(re.escape(w) for w in names) + r")\b")
                           if names else None)
        cues = sorted(rules.judicial_cues, key=len, reverse=True)
        # A cue, then at most ``judicial_window`` words, then the end of the
        # searched span (the text right before the trigger).
        self._judicial = (re.compile(
            r"(?<![\w-])(?:" + "|".join(re.escape(c) for c in cues) + r")(?![\w-])"
            r"(?:[^\w.;:!?]+\w+){0," + str(rules.judicial_window) + r"}[^\w.;:!?]*\Z")
            if cues else None)
        cues = sorted(rules.background_cues, key=len, reverse=True)
        # The same shape, but a comma or a dash ends the cue's phrase too. In a cue,
        # "<poss>" stands for a possessive name ("since <poss>": "since Russia's").
        self._background = (re.compile(
            r"(?<![\w-])(?:" + "|".join(re.escape(c).replace(re.escape(POSSESSIVE), _POSS_RE)
                                       for c in cues) + r")(?![\w-])"
            r"(?:[^\w.,;:!?\u2013\u2014()]+\w+){0," + str(rules.background_window)
            + r"}[^\w.,;:!?\u2013\u2014()]*\Z") if cues else None)
        cues = sorted(rules.court_cues, key=len, reverse=True)
        # A court, then at most ``court_window`` words of its own clause
        # (no punctuation, no word opening another clause), then the trigger.
        self._court = (re.compile(
            r"(?<![\w-])(?:" + "|".join(re.escape(c) for c in cues) + r")(?![\w-])"
            r"(?:[^\w.,;:!?\u2013\u2014()]+(?!(?:that|which|who|whom|after|when|while|because"
            r"|but|and|as|if|to)(?![\w'\u2019-]))[\w'\u2019-]+){0," + str(rules.court_window)
            + r"}[^\w.,;:!?\u2013\u2014()]*\Z") if cues else None)
        dets = sorted(rules.dated_determiners, key=len, reverse=True)
        # "<determiner> <year>[-<year>]", at most two words, then the trigger.
        self._dated = (re.compile(
            r"(?<![\w-])(?:" + "|".join(re.escape(d) for d in dets) + r")\s+"
            r"(?:1[89]|20)\d\d(?:[\u2013-]\d\d(?:\d\d)?)?\s+(?:[\w'\u2019-]+\s+){0,2}\Z")
            if dets else None)
        words = sorted(rules.state_force_words, key=len, reverse=True)
        self._state_words = (re.compile(r"(?<![\w-])(?:" + "|".join(re.escape(w) for w in words)
                                        + r")(?![\w-])") if words else None)
        words = sorted(rules.event_words, key=len, reverse=True)
        self._words = (re.compile(r"(?<![\w-])(?:" + "|".join(re.escape(w) for w in words)
                                  + r")(?![\w-])") if words else None)

    def _strength(self, actor: Actor | None, text: str) -> int:
        if actor is None:
            return _NONE
        rules = self.rules
        sector = _sector(actor.id)
        if sector is not None:
            return self._sector_strength(sector)
        if actor.type in rules.actor_types:
            if actor.type == "country" and self._private(actor, text):
                return _NONE
            if actor.type == "country" and self._place(actor, text):
                return _WEAK
            return _STRONG
        kind = self._kinds.get(actor.id)
        if kind is not None and kind in rules.entity_kinds:
            return _STRONG
        if (kind is None and actor.type == "organisation" and self._org_words is not None
                and self._org_words.search(actor.name) is not None):
            return _STRONG
        if actor.type == "person" and actor.role:
            # The body of the role decides ("FIFA president" is no office
            # holder); without one, the title does ("the defence minister").
            if actor.role_org is not None:
                return _STRONG if self._body_political(actor.role_org) else _NONE
            if actor.role in rules.titles:
                return _STRONG
            for body in (actor.affiliation, actor.country):
                if body is not None and self._body_political(body):
                    return _STRONG
        elif actor.affiliation is not None and self._body_political(
                actor.affiliation, states=False):
            # Membership of a party or an armed group; a nationality alone
            # ("a British company") is not political agency.
            return _STRONG
        return _NONE

    def _sector_strength(self, sector: str | None) -> int:
        """The strength of a generic agent by its sector ("MIL", "COP") alone."""
        if sector in self.rules.sectors:
            return _STRONG
        return _WEAK if sector in self.rules.weak_sectors else _NONE

    def _private(self, actor: Actor, text: str) -> bool:
        """True when a demonym names the nationality of private parties, not the
        state: "Canadian airlines", "a Brazilian company", "French tourists"."""
        if not self.rules.private_nouns or actor.text.lower() not in self._demonyms:
            return False
        following = _NEXT_WORD.match(text, actor.end)
        return following is not None and following.group(1).lower() in self.rules.private_nouns

    def _place(self, actor: Actor, text: str) -> bool:
        """True when the country mention reads as a place: "in France", "Lyon, France".

        A demonym before a noun ("in Israeli attacks") is the state acting;
        a country's name before a lower-case word is not ("a migrant from
        Nigeria who", "Reading, UK shortly before").
        """
        after = text[actor.end:actor.end + 2].lstrip()
        if after[:1].islower() and actor.text.lower() in self._demonyms:
            return False
        before = text[max(0, actor.start - 40):actor.start].rstrip()
        if before.endswith(","):
            head = before[:-1].rstrip().rsplit(None, 1)
            return bool(head) and head[-1][:1].isupper()
        words = before.rsplit(None, 2)
        if words and words[-1].lower() == "the" and len(words) > 1:
            words = words[:-1]
        return bool(words) and words[-1].lower() in self.rules.place_words

    def _body_political(self, ident: str, states: bool = True) -> bool:
        sector = _sector(ident)
        if sector is not None:
            return sector in self.rules.sectors
        kind = self._kinds.get(ident)
        if kind in ("state", "territory") or (kind is None and len(ident) == 3
                                              and ident.isupper()):
            # Countries carry ISO alpha-3 ids.
            return states
        return kind is not None and kind in self.rules.entity_kinds

    def _event(self, signal: Signal, sentences: dict[int, bool]) -> bool:
        rules = self.rules
        if signal.rule in rules.event_rules or (signal.mode and signal.mode in rules.event_modes):
            return True
        if self._words is None:
            return False
        # The word search runs once per sentence, however many signals it holds.
        found = sentences.get(signal.sentence_start)
        if found is None:
            found = sentences[signal.sentence_start] = (
                self._words.search(signal.sentence.lower()) is not None)
        return found

    def _organised_crime(self, signal: Signal, actors: Sequence[Actor], starts: Sequence[int],
                         text: str,
                         memo: dict[int, bool]) -> bool:
        """True when the sentence of ``signal`` reports organised crime: it names
        a gang or cartel and neither a state force nor a political armed
        actor (the gang's own gunmen stay unidentified)."""
        rules = self.rules
        if (not rules.crime_sectors or signal.type not in rules.crime_types
                or signal.rule in rules.crime_exempt_rules):
            return False
        known = memo.get(signal.sentence_start)
        if known is not None:
            return known
        crime = other = False
        # ``actors`` are in text order with their ``starts``: the sentence's slice only.
        lo = bisect_left(starts, signal.sentence_start)
        for a in actors[lo:bisect_left(starts, signal.sentence_end, lo)]:
            sector = _sector(a.id)
            if sector in rules.crime_sectors:
                crime = True
            elif (sector != "UAF" and a.type != "country"
                  and self._strength(a, text) == _STRONG):
                other = True
        found = crime and not other and not (
            self._state_words is not None
            and self._state_words.search(signal.sentence.lower()) is not None)
        memo[signal.sentence_start] = found
        return found

    def _political_enforcement(self, signal: Signal, target: int,
                               sentences: dict[int, bool],
                               descriptors: Mapping[str, str]) -> bool:
        """True when an arrest or investigation is political: its target is a
        political actor or of civil society (activists, journalists), its
        source an armed force, or the sentence names a political event."""
        if target == _STRONG:
            return True
        rules = self.rules
        if self._civic_target(signal, descriptors):
            return True
        if _sector(signal.source) in rules.armed_sectors:
            return True
        return self._event(signal, sentences)

    def _law_verdict(self, signal: Signal, target: int, sentences: dict[int, bool],
                     descriptors: Mapping[str, str]) -> Signal | None:
        """The judged signal when the law-enforcement rule decides it, else None:
        ordinary enforcement does not count, repression of civil society does."""
        if not self._political_enforcement(signal, target, sentences, descriptors):
            return _unpolitical(signal, "law enforcement without a political target")
        return signal if self._civic_target(signal, descriptors) else None

    def _armed(self, signal: Signal, targets: bool) -> bool:
        """True when violence has an armed force on one side: a rebel group as its
        source, or (with ``targets``) soldiers as its target ("a cartel attack on
        soldiers is political, a robbery is not")."""
        rules = self.rules
        if signal.type not in rules.violent_types:
            return False
        return (self._is_armed(signal.source, rules.armed_source_sectors)
                or (targets and self._is_armed(signal.target, rules.armed_target_sectors)))

    def _is_armed(self, ident: str | None, sectors: frozenset[str]) -> bool:
        if ident is None:
            return False
        sector = _sector(ident)
        if sector is not None:
            return sector in sectors
        return self._kinds.get(ident) in self.rules.armed_kinds

    def _civic_target(self, signal: Signal, descriptors: Mapping[str, str]) -> bool:
        """True when the target is of civil society: activists, journalists, or a
        person named after such a word ("the activist Jane Doe")."""
        target = signal.target
        if target is None:
            return False
        civic = self.rules.civic_sectors
        return _sector(target) in civic or _sector(descriptors.get(target)) in civic

    def _judicial_frame(self, signal: Signal) -> bool:
        """True when the trigger is the charge of a legal proceeding.

        "convicted of plotting a coup", "sentenced for fighting with the
        army": the act is what a court or prosecutor deals with, reported
        as its charge, not an escalation happening now.
        """
        rules = self.rules
        if self._judicial is None or not (signal.type in rules.judicial_types
                                          or signal.mode in rules.judicial_modes):
            return False
        offset = signal.start - signal.sentence_start
        before = signal.sentence[max(0, offset - 120):offset].lower()
        return self._judicial.search(before) is not None

    def _ruling(self, signal: Signal) -> bool:
        """True when a court is the one acting: "the supreme court rejects an
        injunction", "an appeals court declines to allow the policy". A
        court ruling is justice, not a political act by a state. Law
        enforcement rows (a conviction) keep their own verdict."""
        if (self._court is None or signal.type not in self.rules.court_types
                or signal.rule in self.rules.law_rules):
            return False
        offset = signal.start - signal.sentence_start
        before = signal.sentence[max(0, offset - 120):offset].lower()
        return self._court.search(before) is not None

    def _background_frame(self, signal: Signal) -> bool:
        """True when the trigger sits in a phrase of setting.

        "Lebanon opens an airport amid the fighting", "a law passes despite
        protests": the act is the backdrop of the news, which a wire
        reports in a main clause when it is the news itself. A cause ("due
        to the offensive") is not background: the consequence of an attack
        is news of it. A dated reference ("since the 2022 invasion") names
        a known event as a topic.
        """
        if self._background is None and self._dated is None:
            return False
        offset = signal.start - signal.sentence_start
        before = signal.sentence[max(0, offset - 160):offset].lower()
        return ((self._background is not None and self._background.search(before) is not None)
                or (self._dated is not None and self._dated.search(before) is not None))

    def _historical(self, text: str, signal: Signal, year: int, memo: dict[int, bool]) -> bool:
        """True when every year the sentence names lies ``history_years`` or
        more before the article's ``year``: a paragraph of history ("ruled
        from 1973 until 1990, after a military coup"), not the news. The
        lede is always news, and "since <year>" measures the present."""
        known = memo.get(signal.sentence_start)
        if known is None:
            years = [year if m.group(1) else int(m.group(2))
                     for m in _YEAR.finditer(signal.sentence)]
            # Not the lede: some text stands before the sentence. A search, not a
            # strip of the prefix, so a text of many sentences is not copied once each.
            known = (bool(years) and max(years) <= year - self.rules.history_years
                     and _NON_SPACE.search(text, 0, signal.sentence_start) is not None)
            memo[signal.sentence_start] = known
        return known

    def _frame(self, text: str, signal: Signal, year: int,
               history: dict[int, bool]) -> str | None:
        """Why the sentence frames ``signal`` as no news of an event, or None."""
        if signal.polarity == "escalation" and self._judicial_frame(signal):
            return "charge of a legal proceeding"
        if self._ruling(signal):
            return "ruling of a court"
        if self._background_frame(signal):
            return "background of the reported event"
        if year and self._historical(text, signal, year, history):
            return "history, not news"
        return None

    def _rule_verdict(self, s: Signal, text: str, actors: Sequence[Actor], starts: Sequence[int],
                      by_id: Mapping[str, list[Actor]], year: int,
                      history: dict[int, bool], crime: dict[int, bool]) -> Signal | None:
        """The verdict of the rules that decide before any actor is weighed (frames,
        inherently political acts, organised crime), or None when none applies."""
        framed = self._frame(text, s, year, history)
        if framed is not None:
            return _unpolitical(s, framed)
        if s.rule in self.rules.inherent_rules and (
                not self.rules.inherent_modalities or s.modality in self.rules.inherent_modalities):
            return s
        if self._organised_crime(s, actors, starts, text, crime):
            return _unpolitical(s, "organised crime, no state force")
        if (s.target is None and s.type in self.rules.dyadic_types
                and not self._state(s.source, by_id)):
            return _unpolitical(s, "verbal act with no target")
        return None

    def _state(self, ident: str | None, by_id: Mapping[str, list[Actor]]) -> bool:
        """True when ``ident`` is a state: a country or government, or a generic
        agent of a state sector."""
        if ident is None:
            return False
        sector = _sector(ident)
        if sector is not None:
            return sector in self.rules.dyadic_state_sectors
        return any(a.type in self.rules.actor_types for a in by_id.get(ident, ()))

    def _strengths(self, s: Signal, text: str, by_id: Mapping[str, list[Actor]],
                   indexes: dict[str, _Mentions],
                   strength_of: dict[tuple[str, int], int],
                   descriptors: Mapping[str, str]) -> list[int]:
        """The agency strength of the signal's source and target."""
        strengths = [_NONE, _NONE]
        for slot, ident in enumerate((s.source, s.target)):
            if ident is None:
                continue
            key = (ident, s.sentence_start)  # one judgement per actor and sentence
            value = strength_of.get(key)
            if value is None:
                index = indexes.get(ident)
                if index is None and ident in by_id:
                    index = indexes[ident] = _Mentions(by_id[ident])
                value = self._strength(_mention(index, s), text)
                described = descriptors.get(ident)
                if value == _NONE and described is not None:
                    # "political activist Jane Doe": the person is what the word names.
                    value = self._sector_strength(_sector(described))
                strength_of[key] = value
            if (value == _WEAK and slot == 1 and s.type in self.rules.state_target_types
                    and any(a.type == "country" for a in by_id.get(ident, ()))):
                value = _STRONG
            strengths[slot] = value
        return strengths

    def judge(
        self, text: str, signals: Sequence[Signal], actors: Sequence[Actor],
        domain: DomainResult | None = None, as_of: str | None = None,
    ) -> tuple[Signal, ...]:
        """Return ``signals`` with ``political`` and ``political_reason`` set.

        Args:
            text: The article text the offsets index into.
            signals: The detected signals.
            actors: The actor mentions of the article.
            domain: The article domain, or None when no classifier runs.
            as_of: The article date (``YYYY-MM-DD``), for the history rule;
                None skips it.
        """
        rules = self.rules
        if rules.empty or not signals:
            return tuple(signals)
        by_id: dict[str, list[Actor]] = {}
        indexes: dict[str, _Mentions] = {}
        for a in actors:
            by_id.setdefault(a.id, []).append(a)
        damp = (domain is not None and domain.domain in rules.domains
                and domain.confidence >= rules.min_confidence
                and domain.scores.get("politics_conflict", 0.0) < rules.max_political_score)
        out: list[Signal] = []
        sentences: dict[int, bool] = {}
        history: dict[int, bool] = {}
        year = (int(as_of[:4]) if rules.history_years and as_of and as_of[:4].isdigit()
                else 0)
        strength_of: dict[tuple[str, int], int] = {}
        crime: dict[int, bool] = {}
        ordered = sorted(actors, key=_start_of)
        starts = [a.start for a in ordered]
        descriptors = _descriptors(text, ordered)
        for s in signals:
            ruled = self._rule_verdict(s, text, ordered, starts, by_id, year, history, crime)
            if ruled is None and out:
                ruled = _inherited(text, out[-1], s)
            if ruled is not None:
                out.append(ruled)
                continue
            strengths = self._strengths(s, text, by_id, indexes, strength_of, descriptors)
            best = max(strengths)
            reason: str | None = None
            if s.rule in rules.law_rules:
                decided = self._law_verdict(s, strengths[1], sentences, descriptors)
                if decided is not None:
                    out.append(decided)
                    continue
            if damp and domain is not None:
                # Clear agency: the political actor is the one acting.
                ok = (strengths == [_STRONG, _STRONG] and s.type == "SANCTION") or (
                    strengths[0] == _STRONG and self._event(s, sentences)) or self._armed(
                    s, domain.domain in rules.armed_domains)
                reason = None if ok else f"domain {domain.domain}"
            elif best == _STRONG or strengths == [_WEAK, _WEAK]:
                ok = True
            else:
                # Violence against civil society (a journalist, an activist, an aid
                # worker) is political violence, whoever commits it.
                ok = self._event(s, sentences) or (
                    s.type in rules.violent_types and self._civic_target(s, descriptors))
                if not ok:
                    reason = ("no political actor (only a place, police or court)"
                              if best == _WEAK else "no political actor")
            if not ok:
                out.append(_unpolitical(s, reason))
            else:
                out.append(s)
        return tuple(out)


_INHERITED_FRAMES = frozenset({"charge of a legal proceeding", "background of the reported event"})
"""Frames a relative clause shares with the event it describes."""
_RELATIVE_REACH = 140
"""Most characters between a framed trigger and a trigger of its relative clause."""
_CLAUSE_WORDS = r"[^.,;:!?()\u2013\u2014]"
_RELATIVE = re.compile(
    _CLAUSE_WORDS + r"{0,80}?(?:,?\s{0,3}(?<![\w-])(?:which|that|who)(?![\w-])"
    + _CLAUSE_WORDS + r"{0,40}|,\s{0,3})"
    r"|\s(?:" + _CLAUSE_WORDS + r"{0,30}\s)?(?:and|or)\s{1,3}")
"""The text between a framed trigger and the next one when the next opens, or
sits in, a relative clause of it: ", which killed", " that injured 44",
", killing", or is coordinated with it ("killed 20 and injured 120")."""


def _inherited(text: str, prev: Signal, s: Signal) -> Signal | None:
    """``s`` without agency when it reports what the framed event before it
    did: "sentenced for the 2015 bombing, which killed 20" (the deaths are
    the bombing's, a background), "charged over an attack that injured 44"."""
    if (prev.political or prev.polarity != "escalation"
            or prev.political_reason not in _INHERITED_FRAMES
            or prev.sentence_start != s.sentence_start
            or not 0 <= s.start - prev.end <= _RELATIVE_REACH):
        return None
    found = _RELATIVE.fullmatch(text, prev.end, s.start)
    if found is None:
        return None
    if found.group().rstrip().endswith(",") and not s.trigger.lower().endswith("ing"):
        # After a bare comma only a participle ("…, killing 20") belongs to the event.
        return None
    return _unpolitical(s, prev.political_reason)


def _descriptors(text: str, ordered: Sequence[Actor]) -> dict[str, str]:
    """Persons named right after a generic agent word, by id: "political
    activist Charlie Kirk", "journalist Jane Doe" (the first such mention)."""
    found: dict[str, str] = {}
    for a, b in pairwise(ordered):
        # A singular person word ("activist", not "told local media Jane Doe's").
        if (b.type == "person" and _sector(b.id) is None and _sector(a.id) is not None
                and a.type == "person" and a.text[-1:] not in "sS" and a.end <= b.start
                and (a.end == b.start or text[a.end:b.start].isspace())):
            found.setdefault(b.id, a.id)
    return found


def _sector(ident: str | None) -> str | None:
    """The sector of a generic agent's id ("agent:MIL", or resolved to a country
    "agent:MIL:ISR"); None for any other id."""
    if ident is None or not ident.startswith("agent:"):
        return None
    return ident.split(":", 2)[1]


def _start_of(actor: Actor) -> int:
    return actor.start


class _Mentions:
    """The mentions of one actor, indexed once per article: the nearest one to a
    trigger is found by bisection, not by a scan per signal (a run-on text naming
    one actor thousands of times would otherwise cost mentions times signals)."""

    __slots__ = ("mentions", "ordered", "role", "starts")

    def __init__(self, mentions: list[Actor]) -> None:
        self.mentions = mentions
        self.starts = [a.start for a in mentions]
        self.ordered = all(x <= y for x, y in pairwise(self.starts))
        self.role = next((a for a in mentions if a.role is not None), None)

    def nearest(self, signal: Signal) -> Actor:
        """The mention nearest the trigger, its own sentence first; on a tie the
        earlier one (the first in text order, as ``min`` over the list gives)."""
        starts, mentions = self.starts, self.mentions
        if not self.ordered:
            inside = [a for a in mentions
                      if signal.sentence_start <= a.start < signal.sentence_end]
            return min(inside or mentions, key=lambda a: abs(a.start - signal.start))
        lo = bisect_left(starts, signal.sentence_start)
        hi = bisect_left(starts, signal.sentence_end)
        if lo == hi:
            lo, hi = 0, len(starts)
        i = bisect_left(starts, signal.start, lo, hi)
        if i == hi:
            return mentions[bisect_left(starts, starts[i - 1], lo, hi)]
        if i == lo:
            return mentions[i]
        left = bisect_left(starts, starts[i - 1], lo, hi)
        if signal.start - starts[left] <= starts[i] - signal.start:
            return mentions[left]
        return mentions[i]


def _mention(index: _Mentions | None, signal: Signal) -> Actor | None:
    """The mention of an actor nearest the signal's trigger, its own sentence first."""
    if index is None or not index.mentions:
        return None
    best = index.nearest(signal)
    a = index.role
    if best.role is None and a is not None:
        # Keep the role known from another mention of the same actor.
        return replace(best, role=a.role, role_org=a.role_org,
                       affiliation=best.affiliation or a.affiliation)
    return best


def _unpolitical(s: Signal, reason: str | None) -> Signal:
    """``s`` with ``political`` False (``dataclasses.replace``, without its cost)."""
    return new_signal(s.type, s.polarity, s.mode, s.modality, s.trigger, s.start, s.end,
                      s.sentence, s.sentence_start, s.sentence_end, s.severity,
                      s.base_severity, s.rule, s.source, s.source_name, s.target,
                      s.target_name, s.speaker, s.speaker_name, s.cue, False, reason)
