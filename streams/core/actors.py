"""Actor extraction: persons, organisations, countries and governments.

One Aho-Corasick pass over a diacritic-folded copy of the text finds every
known surface form (names, aliases, demonyms, seats of government); one
compiled regex finds title words and one finds runs of capitalised words.
Persons and organisations that the knowledge base does not know are found
from those runs and their context (a title before the name, an apposition
after it, a speech verb, an organisation head noun such as "Ministry").

Conventions, chosen once and applied everywhere:

* A country name ("Germany") is a ``country`` mention. A demonym or country
  followed by a word for the executive ("the German government", "Russia's
  authorities") is one ``government`` mention spanning both words.
* A demonym alone ("Ukrainian troops") is a ``country`` mention: the
  nationality of whoever it qualifies.
* A seat of government (a capital such as "Washington", or a seat such as
  "the Kremlin") is a ``government`` mention (metonymy: "Beijing said"),
  except directly after a preposition of place ("in Kyiv", "to Moscow"),
  where it names the place and is a ``country`` mention.
* A person mention spans the title words that introduce it ("NATO
  Secretary-General Jens Stoltenberg"); the role, its body and the
  country are taken from those words, from an apposition, and from the
  knowledge base judged as of the article date.
* A later surname ("Rasmussen") resolves to the earlier full name in the
  same article, whether or not the person is in the knowledge base.
* "the alliance" resolves to the most recently mentioned alliance.

Offsets always index the original text: folding maps each character to
exactly one character, so positions in the folded copy are positions in
the original.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left
from collections import Counter
from dataclasses import dataclass, field
from typing import NamedTuple, TypeVar

import ahocorasick

from streams.core._construct import new_actor
from streams.core.knowledge import Entity, KnowledgeBase, Role, Title
from streams.core.model import Actor
from streams.core.text import Sentences

__all__ = ["ActorExtractor", "fold", "surname_key"]


def _build_fold_table() -> dict[int, str]:
    table: dict[int, str] = {}
    for code in range(0xC0, 0x250):
        char = chr(code)
        base = unicodedata.normalize("NFD", char)[0]
        if base != char and base.isascii() and base.isalpha():
            table[code] = base
    special = {
        "ø": "o", "Ø": "O", "ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "ı": "i", "ħ": "h",
        "\u2019": "'", "\u2018": "'", "\u02bc": "'", "\u2010": "-", "\u2011": "-",
        "\u00a0": " ", "\u201c": '"', "\u201d": '"',
    }  # fmt: skip
    for src, dst in special.items():
        table[ord(src)] = dst
    return table


# One character in, one character out: offsets survive folding.
_FOLD_TABLE = _build_fold_table()


def fold(text: str) -> str:
    """Fold Latin diacritics and typographic quotes, keeping the length.

    Args:
        text: Any text.

    Returns:
        The text with "é" as "e", "’" as "'" and so on; character ``i`` of
        the result corresponds to character ``i`` of ``text``.
    """
    if text.isascii():
        return text
    return _NON_ASCII.sub(_fold_char, text)


def _fold_char(match: re.Match[str]) -> str:
    return _FOLD_TABLE.get(ord(match.group()), match.group())


_NON_ASCII = re.compile(r"[^\x00-\x7f]")


_TRANSLIT_END = re.compile(r"(?:iy|yy|ii|yi|ij|y|i)$")
# Keys of the names seen lately: the same names recur within an article and
# across a news cycle, and a key depends on the name alone.
_SURNAME_KEYS: dict[str, str] = {}
_SURNAME_KEYS_MAX = 8192


def surname_key(name: str) -> str:
    """Return a matching key for a surname, tolerant of transliteration.

    "Zelenskiy", "Zelensky", "Zelenskyy" and "Zelenskyi" share one key:
    diacritics fold, case folds, and the Slavic -iy/-yy/-y/-i endings merge.
    """
    cached = _SURNAME_KEYS.get(name)
    if cached is not None:
        return cached
    key = fold(name).lower().replace("'", "").replace("-", "")
    # Every ending the regex rewrites ends in "y", "i" or "j".
    if len(key) > 4 and key.endswith(("y", "i", "j")):
        key = _TRANSLIT_END.sub("y", key)
    if len(_SURNAME_KEYS) >= _SURNAME_KEYS_MAX:
        # Bounded: a long-running worker sees ever new names.
        _SURNAME_KEYS.clear()
    _SURNAME_KEYS[name] = key
    return key


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", fold(text).lower()).strip("-") or "unknown"


# Match kinds in the gazetteer.
_NAME, _DEMONYM, _SEAT, _TITLE = "name", "demonym", "seat", "title"
_AGENT, _PRONOUN = "agent", "pronoun"

# Patterns that open with whitespace carry (?<!\s) so that a search over a
# long run of blanks tries only the run's first position (linear, not
# quadratic); anchored matches start after a word, where it always holds.
# Words for the executive after a demonym or country name.
_GOV_AFTER = re.compile(
    r"(?:'s)?(?<!\s)\s+(?:[Gg]overnment|[Aa]dministration|[Aa]uthorities|regime|[Cc]abinet|leadership)\b"
)
_GOV_BEFORE = re.compile(
    r"\b(?:[Tt]he\s+)?([Gg]overnment|[Aa]uthorities|regime)\s+(?:of|in)\s+(?:the\s+)?$"
)
_PLACE_PREP = re.compile(
    r"\b(?:in|at|to|from|near|into|outside|around|across|towards?|via|through|inside|within"
    r"|over|visit(?:ed|ing|s)?|capital)\s+(?:the\s+)?$",
    re.IGNORECASE,
)
_FORMER = re.compile(r"\b(?:former|ex-|then-|erstwhile|onetime|one-time)\s*$", re.IGNORECASE)

_PARTICLES = "al|el|bin|ibn|van|von|de|da|der|den|du|dos|di|abu|le|la|ul|ben|bint|ter"
_TOKEN = rf"(?:(?:{_PARTICLES})[-\s])?(?:[A-Z]\.|[A-Z][A-Za-z]*(?:-[A-Za-z]+|'(?!s\b)[A-Za-z]+)*)"
_TOKEN_RE = re.compile(_TOKEN)
# The same runs, with the first token's two cases (a capital, or a particle
# and a capital) as alternatives: a capital is tried first and the particle
# alternation only where a particle's first letter stands, which makes the
# scan over the whole text cheaper. The matches are those of
# ``(?<![\w'-])TOKEN(?:[ ]+TOKEN)*(?![\w])``: a particle starts with a small
# letter and a capital token with a capital, so at most one case applies.
_CAP_REST = r"(?:\.|[A-Za-z]*(?:-[A-Za-z]+|'(?!s\b)[A-Za-z]+)*)"
_PARTICLE_FIRST = "".join(sorted({p[0] for p in _PARTICLES.split("|")}))
_CHUNK_RE = re.compile(
    rf"(?<![\w'-])(?:[A-Z]{_CAP_REST}|(?=[{_PARTICLE_FIRST}])(?:{_PARTICLES})[-\s][A-Z]{_CAP_REST})"
    rf"(?:[ ]+{_TOKEN})*(?![\w])"
)
# Bounded, for anchored look-ahead: a name after "of" has a few words.
_SHORT_CHUNK_RE = re.compile(rf"{_TOKEN}(?:[ ]+{_TOKEN}){{0,5}}(?![\w])")

# Capitalised words that open sentences or headlines but never start a name.
# Capitalised words that open sentences but never belong to a name.
_FUNCTION_WORDS = """
    The A An In On At To For From Of By With As And But Or If When While After Before Since
    During This That These Those It Its He She They We I You His Her Their Our My Your Mr Mrs Ms
    Dr There Here What Who Why How Where Which Yes No Not Notably However Meanwhile Also Still
    Yet Despite Although Though Because Under Over Into Amid Among Between Last Next Monday
    Tuesday Wednesday Thursday Friday Saturday Sunday January February March April May June July
    August September October November December Former Both Each Every All Some Many Several Such
    Then Now Today Yesterday Tomorrow Earlier Later Following According Further Mrs. Mr. Ms. Dr.
    Jan. Feb. Mar. Apr. Jun. Jul. Aug. Sep. Sept. Oct. Nov. Dec. Please Thanks Thank Our Let
    QUESTION ANSWER Question Answer Photo Video Read Watch Source Sources Update Updated
"""
_FUNCTION = frozenset(_FUNCTION_WORDS.split())
# Capitalised words of organisation and place names that never start or
# make up a person's name.
_NAMEISH_WORDS = """
    Foreign Defence Defense Security Interior Deputy Acting Senior Chief Top Western Eastern
    Northern Southern North South East West Central Middle Islamic Christian Muslim Arab Jewish
    Sunni Shia Shiite Kurdish Kurd Kurds Coalition Government Parliament Republic Kingdom State
    States Union Army Navy Air Force Forces Ministry Council Summit Sea Ocean River Lake Mount
    Gulf Strait Bay Island Islands Province Region District City Street Federal National
    International Joint Combined Special Task Operation Operations Military Naval Regional
    United Royal Democratic Popular People's Peoples Supreme High General Office Agency Human
    Rights World Global Exercise Day Airport Base Camp Square Palace Hospital University
"""
_NAMEISH = frozenset(_NAMEISH_WORDS.split())
_STOP = _FUNCTION | _NAMEISH

_HONORIFIC = re.compile(
    r"\b(?:Mr|Mrs|Ms|Dr|Sir|Dame|Lord|Lady|Sheikh|Gen|Lt|Col|Maj|Capt|Adm|Sen|Rep|Gov|Prof|Sgt"
    r"|Spc|Pvt|Cpl|Cmdr|Cdr|Brig|Cmdre|Commodore|Sgt\. Maj|Pfc|Ens|Hon|HE|H\.E)\.?\s+$"
)
_SPEECH_AFTER = re.compile(
    r"(?:,\s+who\b|,?(?<!\s)\s+(?:said|says|told|warned|added|stated|noted|stressed|argued|claimed"
    r"|announced|insisted|urged|wrote|tweeted|declared|explained|replied|responded|asked"
    r"|confirmed|denied|has|had|was|is|will|would|called|met|visited|accused|welcomed"
    r"|condemned|praised|criticised|criticized|rejected|spoke|speaking|expressed|agreed"
    r"|welcomes|condemns|calls|marks|comments|urges|warns|visits|meets|announces|praises"
    r"|criticises|criticizes|rejects|tells|adds|insists|says|speaks|expresses|signs|signed"
    r"|travelled|traveled|arrived|leads|led|ordered|orders|vowed|vows|pledged|pledges)\b)"
)
_SPEECH_BEFORE = re.compile(
    r"\b(?:said|says|told|warned|according\s+to|by|with|met|and|called|urged)\s+$"
)
_SAID_BEFORE = re.compile(r"\b(?:said|says|asked|added)\s+$")
_APPOSITION = re.compile(r",\s+(?:(?:the|a|an|who\s+is|who\s+was)\s+)?")
_SEGMENT_END = re.compile(r"[,.;:()\"!?\n]|\s(?:and|said|says|who|which|has|have|had)\s")

_ORG_HEAD_WORDS = """
    Ministry Army Brigade Brigades Front Council Agency Party Movement Organization Organisation
    Forces Guard Guards Corps Committee Union Command Group Battalion Regiment Division
    Department Office Service Services Police Navy Institute Court Parliament Assembly Alliance
    Coalition Commission Bank Authority Directorate Fund Federation Association League Network
    Militia Militias Company Corporation Foundation Bureau Cabinet Senate Congress Secretariat
    Tribunal Mission Unit Units Fleet Revolutionary Jihad Force Wing Squadron Battery Flotilla
    Detachment Platoon
"""
_ORG_HEAD = frozenset(_ORG_HEAD_WORDS.split()) | {"Government"}
# Heads that name one body on their own when capitalised ("the Coalition").
_SINGLE_HEADS_WORDS = """
    Coalition Alliance Ministry Department Council Commission Committee Parliament Army Navy
    Agency Court Tribunal Cabinet Secretariat Junta Politburo
"""
_SINGLE_HEADS = frozenset(_SINGLE_HEADS_WORDS.split())
_THE_BEFORE = re.compile(r"\b[Tt]he\s+$")
_LOWER_AFTER = re.compile(r"(?<!\s)\s+[a-z]")
_ORG_OF = re.compile(r"(?<!\s)\s+(?:of|for)\s+(?:the\s+)?")

_ALLIANCE_COREF = re.compile(r"\b[Tt]he ((?:[Aa]lliance))\b")
_FORMER_ANY = re.compile(r"\b(?:former|ex-|then-|erstwhile|onetime|one-time)\b", re.IGNORECASE)
_TO_BODY = re.compile(r"\b(?:to|of|for|at)\s+(?:the\s+)?$")
_CAP_BEFORE = re.compile(r"\b([A-Z][a-z]+)\s+$")
_CAP_AFTER = re.compile(r"(?<!\s)\s+([A-Z][a-z]+)\b")
_PRESS = frozenset({"Post", "Times", "Journal", "Examiner", "Herald", "Institute", "University"})


# Generic agents that name the members of a body when they follow its name.
_MEMBER_KINDS = frozenset({"STA", "ALY"})

# -- generic agents and pronouns ------------------------------------------------

# Words that open a generic agent's noun phrase ("the", "our", "all").
_DETERMINERS_WORDS = """
    the a an our their its his her my your these those this that all both other many some
    several any no every each such
"""
_DETERMINERS = frozenset(_DETERMINERS_WORDS.split())
# General adjectives and noun modifiers that stay inside a generic agent's
# phrase ("local security forces", "innocent civilians").
_AGENT_MODIFIERS_WORDS = """
    international local foreign domestic security armed military government governmental
    opposition innocent ordinary civilian moderate extremist terrorist rebel insurgent
    coalition allied partner enemy hostile regional provincial national federal senior top
    ground special elite regular reserve air naval army police border riot brave wounded
    injured displaced vulnerable unarmed armed so-called brutal barbaric violent radical
    islamist jihadist militant separatist pro-government anti-government rival warring
    fellow key close trusted like-minded new former remaining surviving fleeing young
    elderly indigenous religious ethnic tribal political civic community humanitarian aid
    relief rights human western eastern northern southern central global world
    multinational joint combined friendly neighbouring neighboring regime state tactical
    mortar artillery infantry combat support maintenance operations logistics medical
    expeditionary paramilitary government-backed
"""
_AGENT_MODIFIERS = frozenset(_AGENT_MODIFIERS_WORDS.split())
_MODIFIER_SUFFIXES = ("-led", "-backed", "-allied", "-aligned", "-supported", "-linked")
_MODIFIER_PREFIXES = ("anti-", "counter-", "pro-")
# Words that may follow a head noun used alone ("the military said"); any
# other lower-case word after a "~" form means it modifies a noun ("the
# military campaign") and is no agent.
_AFTER_HEAD_WORDS = """
    said says say told has have had is was were are will would could can should may might
    must and or of in on to for that who which with as at from by but not also
    launched fired attacked killed struck carried began continued announced denied
    claimed warned accused called urged agreed refused rejected vowed pledged remains
    remained responded retaliated withdrew deployed seized captured took reported confirmed
    stated added insisted stressed sent ordered arrested detained opened used did does
    do over into against near after before during since if when while than
"""
_AFTER_HEAD = frozenset(_AFTER_HEAD_WORDS.split())
_NEXT_WORD = re.compile(r"(?<!\s)[ \t]+([a-z]+)")
_OF_PLACE = re.compile(r"(?<!\s)\s+of\s+(?:the\s+)?")
_GOV_WORDS = frozenset({"government", "regime", "administration", "authorities", "junta"})

# Pronouns, matched in the automaton with one delimiter character on each
# side, so that "he" inside "the" never fires.
_PRONOUN_FORMS = {
    "I": "i", "me": "i", "Me": "i", "we": "we", "We": "we", "he": "he", "He": "he",
    "him": "he", "she": "he", "She": "he", "they": "they", "They": "they", "them": "they",
}  # fmt: skip
# Possessives ("our", "his", "their") and "it", "its", "us" are left out:
# measured on news, they point at things, places and events, or qualify a
# noun that is itself the actor, more often than they name an actor.
_PRONOUN_BEFORE = ' \n\t"('
_PRONOUN_AFTER = " \n\t,.;:\"')!?"
_PRONOUN_AT_START = re.compile(r"(I|We|He|She|They)[ ,']")
# Sentences back from the pronoun's own in which an antecedent is sought.
_WINDOW = 2
# How far from a quotation its speaker may be named.
_SPEAKER_REACH = 120

# All-capital acronyms ("CJTF-OIR", "NAVCENT") and unit numbers ("CTF 50").
_ACRONYM = re.compile(r"[A-Z][A-Z0-9]{1,7}(?:-[A-Z0-9]{1,8})?")
_ACRONYM_DEF = re.compile(r"\(([A-Z][A-Z0-9]{1,7}(?:-[A-Z0-9]{1,8})?)\)")
_UNIT_NUMBER = re.compile(r" \d{1,4}\b")
_ORDINAL_BEFORE = re.compile(r"\b\d{1,4}(?:st|nd|rd|th) $")


@dataclass(frozen=True, slots=True)
class _AgentForm:
    """One surface form of a generic agent."""

    entity: Entity
    strict: bool
    lower: str


class _Hit(NamedTuple):
    """A resolved gazetteer match in the folded text (a tuple: built for
    every automaton match, so construction cost counts)."""

    start: int
    end: int
    entity: Entity
    kind: str


@dataclass(slots=True)
class _Person:
    """What is known about one person mention while it is being built."""

    start: int
    end: int
    name_start: int
    name_end: int
    entity: Entity | None = None
    role: str | None = None
    role_org: str | None = None
    former: bool = False
    country: str | None = None
    affiliation: str | None = None
    source: str = "context"
    ref_name: str | None = None


class ActorExtractor:
    """Compiled gazetteer and context rules, ready for any number of texts.

    Build once per knowledge base; :meth:`extract` keeps no state between
    calls and is safe to call from one thread at a time.
    """

    def __init__(self, kb: KnowledgeBase) -> None:
        """Compile every surface form of ``kb`` into one automaton.

        Args:
            kb: The knowledge base whose countries, organisations, persons
                and titles are matched.
        """
        self._kb = kb
        self._by_id: dict[str, Entity] = {e.id: e for e in kb.entities}
        self._automaton = ahocorasick.Automaton()
        forms: dict[str, tuple[Entity | Title, str]] = {}

        def add(surface: str, entity: Entity | Title, kind: str) -> None:
            key = fold(surface).strip()
            if len(key) < 2:
                return
            # The first registration wins: countries, then organisations,
            # then persons, each name before its demonyms and seats.
            if key not in forms or (forms[key][1] != _NAME and kind == _NAME):
                forms[key] = (entity, kind)

        ordered = sorted(
            kb.entities, key=lambda e: {"country": 0, "organisation": 1}.get(e.type, 2)
        )
        for entity in ordered:
            for surface in (entity.name, *entity.aliases):
                add(surface, entity, _NAME)
                if entity.type == "person":
                    for variant in _transliterations(surface):
                        add(variant, entity, _NAME)
            for surface in entity.demonyms:
                add(surface, entity, _DEMONYM)
            for surface in entity.seats:
                add(surface, entity, _SEAT)
        # Titles ride in the same automaton: one pass finds both.
        for title in kb.titles:
            if fold(title.text) not in forms:
                add(title.text, title, _TITLE)
        for key, value in forms.items():
            self._automaton.add_word(key, (len(key), value[0], value[1]))
        # Generic agents and pronouns ride in the same automaton too; a
        # name or title of the same spelling keeps the key.
        agent_keys: set[str] = set()
        for agent in kb.agents:
            for alias in agent.aliases:
                strict = alias.startswith("~")
                surface = fold(alias.lstrip("~")).strip()
                variants = {surface}
                if surface[:1].islower():
                    variants.add(surface[0].upper() + surface[1:])
                for key in variants:
                    if len(key) < 2 or key in forms or key in agent_keys:
                        continue
                    agent_keys.add(key)
                    form = _AgentForm(agent, strict, surface.lower())
                    self._automaton.add_word(key, (len(key), form, _AGENT))
        for word in _PRONOUN_FORMS:
            for before in _PRONOUN_BEFORE:
                for after in _PRONOUN_AFTER:
                    key = f"{before}{word}{after}"
                    self._automaton.add_word(key, (len(key), word, _PRONOUN))
        self._automaton.make_automaton()
        self._has_forms = True

        # Who held which title for which body, for "the Ukrainian President".
        self._holders: dict[tuple[str, str], list[tuple[Entity, Role]]] = {}
        for entity in kb.entities:
            for role in entity.roles if entity.type == "person" else ():
                slot = (role.title.lower(), role.org)
                self._holders.setdefault(slot, []).append((entity, role))
        # Persons by surname key, for transliterated and bare-surname mentions.
        self._surnames: dict[str, list[Entity]] = {}
        self._fullnames: dict[str, Entity] = {}
        for entity in kb.entities:
            if entity.type != "person":
                continue
            for surface in (entity.name, *entity.aliases):
                parts = surface.split()
                self._fullnames.setdefault(" ".join(surname_key(p) for p in parts), entity)
            last = entity.name.split()[-1]
            bucket = self._surnames.setdefault(surname_key(last), [])
            if entity not in bucket:
                bucket.append(entity)

    # -- public -----------------------------------------------------------

    def extract(self, text: str, sentences: Sentences, as_of: str | None) -> tuple[Actor, ...]:
        """Return the actor mentions of ``text`` in text order.

        Args:
            text: The article text (markup already stripped).
            sentences: Its sentence spans; pronouns seek their antecedents
                in their own and the two previous sentences.
            as_of: The article date ``YYYY-MM-DD``, or None; roles from the
                knowledge base are judged as of this day.

        Returns:
            Non-overlapping mentions whose ``text`` equals
            ``text[start:end]``.
        """
        if not text:
            return ()
        ctx = _Context(text, fold(text), as_of)
        ctx.hits, ctx.titles = self._gazetteer(ctx)
        folded = ctx.folded
        covered = ctx.covered.mask
        # Hits and titles both end a run of name words: one mask for both.
        blocked = bytearray(len(text))
        hit_at, hit_end = ctx.hit_at, ctx.hit_end
        for hit in ctx.hits:
            hs, he = hit.start, hit.end
            hit_at[hs] = hit
            hit_end[he] = hit
            if he > hs:
                covered[hs:he] = blocked[hs:he] = b"\x01" * (he - hs)
        title_end = ctx.title_end
        for tstart, tend, title in ctx.titles:
            title_end[tend] = (tstart, title)
            if tend > tstart:
                blocked[tstart:tend] = b"\x01" * (tend - tstart)
        ctx.title_starts = [t[0] for t in ctx.titles]

        heads = _headlines(folded).mask
        any_head = heads.find(1) != -1
        token_iter = _TOKEN_RE.finditer
        function = _FUNCTION
        for chunk in _CHUNK_RE.finditer(folded):
            cs, ce = chunk.span()
            if covered.find(0, cs, ce) == -1 or (any_head and heads.find(1, cs, ce) != -1):
                # Title Case headlines capitalise every word: no context rules.
                continue
            first = chunk.group()
            if first.isalpha():
                # No space, so one token: the chunk itself (most chunks),
                # classified as _classify_run would classify a one-word run.
                if blocked.find(1, cs, ce) == -1 and first not in function:
                    if first in _ORG_HEAD:
                        org = self._org_actor(ctx, [(cs, ce)])
                        if org is not None:
                            ctx.orgs.append(org)
                    elif first not in _NAMEISH:
                        if _ACRONYM.fullmatch(folded, cs, ce):
                            ctx.acronyms.append((cs, ce))
                        else:
                            ctx.singles.append((cs, ce))
                continue
            run: list[tuple[int, int]] = []
            words: list[str] = []
            for m in token_iter(folded, cs, ce):
                tok = m.span()
                word = m.group()
                if blocked.find(1, tok[0], tok[1]) == -1 and word not in function:
                    run.append(tok)
                    words.append(word)
                elif run:
                    self._classify_run(ctx, run, words)
                    run, words = [], []
            if run:
                self._classify_run(ctx, run, words)

        # Persons the gazetteer knew by name.
        for hit in ctx.hits:
            if hit.entity.type == "person":
                person = _Person(hit.start, hit.end, hit.start, hit.end, entity=hit.entity)
                person.source = "kb"
                self._prefix(ctx, person)
                ctx.persons.append(person)
        # Appositions first, so that coreferent surnames inherit the roles.
        for person in ctx.persons:
            if person.role is None or person.role_org is None:
                self._apposition(ctx, person)
        seen = len(ctx.persons)
        self._resolve_singles(ctx)
        self._role_mentions(ctx)
        for person in ctx.persons[seen:]:
            if person.source != "coref" and (person.role is None or person.role_org is None):
                self._apposition(ctx, person)

        actors = [self._person_actor(ctx, person) for person in ctx.persons]
        actors.extend(ctx.orgs)
        occupied = bytearray(len(text))
        for actor in actors:
            if actor.end > actor.start:
                occupied[actor.start : actor.end] = b"\x01" * (actor.end - actor.start)
        for hit in ctx.hits:
            if hit.entity.type == "person" or occupied.find(1, hit.start, hit.end) != -1:
                continue
            actors.append(self._hit_actor(ctx, hit))
        actors.extend(self._alliance_coref(ctx, actors))
        actors.extend(self._acronym_actors(ctx, actors))
        actors.extend(self._agent_actors(ctx, actors))
        resolved = _resolve_overlaps(actors, len(text))
        if not ctx.pronouns:
            return resolved
        pronouns = self._pronoun_actors(ctx, resolved, sentences)
        if not pronouns:
            return resolved
        return tuple(sorted((*resolved, *pronouns), key=lambda a: a.start))

    def _resolve_singles(self, ctx: _Context) -> None:
        """Resolve one-word names: surname coreference, then a unique KB
        person holding a role, then a titled unknown ("President Biden")."""
        by_key: dict[str, _Person] = {}
        for person in sorted(ctx.persons, key=lambda p: p.start):
            words = ctx.folded[person.name_start : person.name_end].split()
            if len(words) >= 2:
                by_key.setdefault(surname_key(words[-1]), person)
            if person.entity is not None:
                by_key.setdefault(surname_key(person.entity.name.split()[-1]), person)
        for start, end in ctx.singles:
            key = surname_key(ctx.folded[start:end])
            person = _Person(start, end, start, end)
            antecedent = by_key.get(key)
            if antecedent is not None:
                person.entity, person.source = antecedent.entity, "coref"
                person.ref_name = ctx.text[antecedent.name_start : antecedent.name_end]
                person.role, person.role_org = antecedent.role, antecedent.role_org
                person.former, person.country = antecedent.former, antecedent.country
                person.affiliation = antecedent.affiliation
                ctx.persons.append(person)
                continue
            self._prefix(ctx, person)
            # A bare surname is a KB person only behind a title that person
            # holds on the date ("President Putin"): "Mr Smith" stays unknown.
            title = (person.role or "").lower()
            current = [
                c
                for c in self._surnames.get(key, [])
                if any(_same_title(title, r.title) for r in c.roles_on(ctx.as_of))
            ] if title else []  # fmt: skip
            if len(current) == 1:
                person.entity, person.source = current[0], "kb"
                ctx.persons.append(person)
            elif (
                person.role is not None
                or _HONORIFIC.search(ctx.folded, max(0, start - 12), start)
                or _SAID_BEFORE.search(ctx.folded, max(0, start - 8), start)
            ):
                ctx.persons.append(person)

    def _role_mentions(self, ctx: _Context) -> None:
        """Turn "the Ukrainian President" with no name after it into a
        person mention tied to the country (the KB holder when known)."""
        taken = _Coverage(len(ctx.text))
        for person in ctx.persons:
            taken.add(person.start, person.end)
        for tend, (tstart, title) in ctx.title_end.items():
            # Titles in a prefix or apposition describe that person already.
            if tstart in ctx.used_titles or taken.overlaps(tstart, tend) or title.rank < 0.7:
                continue
            qpos = _skip_back(ctx.folded, tstart)
            if ctx.folded[qpos - 2 : qpos] == "'s":
                qpos -= 2
            qual = ctx.hit_end.get(qpos)
            nxt = (
                _TOKEN_RE.match(ctx.folded, tend + 1)
                if ctx.folded[tend : tend + 1] == " "
                else None
            )
            if nxt is not None and nxt.group().split()[0] not in _STOP:
                continue
            if qual is None or qual.entity.type == "person":
                # "The Foreign Secretary said": a role without a body.
                if (
                    title.text[0].isupper()
                    and title.rank >= 0.75
                    and _THE_BEFORE.search(ctx.folded, max(0, tstart - 5), tstart)
                ):
                    person = _Person(tstart, tend, tstart, tend, role=title.canonical)
                    person.ref_name = title.canonical
                    ctx.persons.append(person)
                continue
            person = _Person(qual.start, tend, qual.start, tend, role=title.canonical)
            person.role_org = qual.entity.id
            person.country = (
                qual.entity.id if qual.entity.type == "country" else qual.entity.country
            )
            person.former = bool(_FORMER.search(ctx.folded, max(0, qual.start - 14), qual.start))
            holders = [
                e
                for e, role in self._holders.get((title.canonical.lower(), qual.entity.id), ())
                if role.held_on(ctx.as_of)
            ] if not person.former else []  # fmt: skip
            if len(holders) == 1:
                person.entity, person.source = holders[0], "kb"
            else:
                person.ref_name = f"{qual.entity.name} {title.canonical}"
            ctx.persons.append(person)

    # -- gazetteer ----------------------------------------------------------

    def _gazetteer(self, ctx: _Context) -> tuple[list[_Hit], list[tuple[int, int, Title]]]:
        """Return the entity hits and the title hits, each non-overlapping
        with the longest match winning; keep agent and pronoun hits in
        ``ctx``."""
        folded = ctx.folded
        found: list[_Hit] = []
        titles: list[tuple[int, int, Title]] = []
        agents: list[tuple[int, int, _AgentForm]] = []
        n = len(folded)
        first = _PRONOUN_AT_START.match(folded)
        if first is not None:
            ctx.pronouns.append((0, first.end(1), first.group(1)))
        flags = _char_flags(folded)
        pronouns = ctx.pronouns
        new = tuple.__new__  # _Hit(...) without the generated __new__: once per hit
        for end_index, (length, value, kind) in self._automaton.iter(folded):
            end = end_index + 1
            start = end - length
            if kind == _PRONOUN:
                pronouns.append((start + 1, end - 1, value))
                continue
            # A form must not continue a word, a hyphenated compound or an
            # identifier on either side.
            if (start > 0 and flags[start - 1]) or (end < n and flags[end] == _WORD_CHAR):
                continue
            if kind == _AGENT:
                agents.append((start, end, value))
            elif kind == _TITLE:
                titles.append((start, end, value))
            else:
                found.append(new(_Hit, (start, end, value, kind)))
        found.sort(key=lambda h: (h.start - h.end, h.start))
        chosen: list[_Hit] = []
        taken = bytearray(n)
        for hit in found:
            hs, he = hit.start, hit.end
            if taken.find(1, hs, he) == -1 and not _is_name_part(folded, hit):
                chosen.append(hit)
                if he > hs:
                    taken[hs:he] = b"\x01" * (he - hs)
        chosen.sort(key=lambda h: h.start)
        titles.sort(key=lambda t: (t[0] - t[1], t[0]))
        kept = _longest_first(titles, n)
        kept.sort(key=lambda t: t[0])
        agents.sort(key=lambda a: (a[0] - a[1], a[0]))
        ctx.agent_hits.extend(_longest_first(agents, n))
        ctx.agent_hits.sort(key=lambda a: a[0])
        ctx.pronouns.sort(key=lambda p: p[0])
        return chosen, kept

    # -- runs of capitalised words -------------------------------------------

    def _classify_run(self, ctx: _Context, run: list[tuple[int, int]], words: list[str]) -> None:
        if not _ORG_HEAD.isdisjoint(words):
            org = self._org_actor(ctx, run)
            if org is not None:
                ctx.orgs.append(org)
            return
        # Words of place and body names split the run; what is left between
        # them may be a person's name.
        part: list[tuple[int, int]] = []
        for tok, word in zip(run, words, strict=True):
            if word not in _NAMEISH:
                part.append(tok)
            elif part:
                self._classify_name(ctx, part)
                part = []
        if part:
            self._classify_name(ctx, part)

    def _classify_name(self, ctx: _Context, run: list[tuple[int, int]]) -> None:
        folded = ctx.folded
        start, end = run[0][0], run[-1][1]
        if len(run) == 1:
            if _ACRONYM.fullmatch(folded, start, end):
                ctx.acronyms.append((start, end))
            else:
                ctx.singles.append((start, end))
            return
        person = _Person(start, end, start, end)
        known = self._fullnames.get(" ".join(surname_key(folded[s:e]) for s, e in run))
        if known is not None:
            person.entity, person.source = known, "kb"
        self._prefix(ctx, person)
        if (
            known is not None
            or person.role is not None
            or _HONORIFIC.search(folded, max(0, start - 12), start)
            or _SPEECH_AFTER.match(folded, end)
            or _SPEECH_BEFORE.search(folded, max(0, start - 16), start)
            or self._apposition_title(ctx, end) is not None
            or self._pre_apposition(ctx, start) is not None
        ):
            ctx.persons.append(person)

    def _org_actor(self, ctx: _Context, run: list[tuple[int, int]]) -> Actor | None:
        folded = ctx.folded
        start, end = run[0][0], run[-1][1]
        country: str | None = None
        qualified = False
        # Take in a qualifying demonym or country ("Iraqi Army").
        prev = ctx.hit_end.get(_skip_back(folded, start))
        if prev is not None and prev.entity.type == "country" and prev.kind != _SEAT:
            start, country, qualified = prev.start, prev.entity.id, True
            # And a capitalised word before it ("Free Syrian Army").
            word = _CAP_BEFORE.search(folded, max(0, start - 30), start)
            if word is not None and word.group(1) not in _STOP:
                start = word.start(1)
        ordinal = _ORDINAL_BEFORE.search(folded, max(0, start - 8), start)
        if ordinal is not None:
            # "407th Air Expeditionary Group": a numbered unit.
            start, qualified = ordinal.start(), True
        tail = _ORG_OF.match(folded, end)
        if tail is not None:
            nxt = _SHORT_CHUNK_RE.match(folded, tail.end())
            if nxt is not None and nxt.group().split()[0] not in _SMALL_CAPS:
                end, qualified = nxt.end(), True
                inner = ctx.hit_at.get(tail.end())
                if inner is not None and inner.entity.type == "country":
                    country = country or inner.entity.id
        head = folded[run[-1][0] : run[-1][1]]
        if head == "Government" and country is not None:
            # "the Federal Government of Iraq" is that country's government.
            entity = self._by_id[country]
            return new_actor(
                id=country, name=entity.name, type="government", text=ctx.text[start:end],
                start=start, end=end, country=country, affiliation=country,
            )  # fmt: skip
        # A lone head names one body only when capitalised mid-phrase ("the
        # Coalition") or as a subject ("Coalition aircraft struck").
        lone_ok = head in _SINGLE_HEADS and bool(
            _THE_BEFORE.search(folded, max(0, start - 5), start)
            or (_is_sentence_initial(folded, start) and _LOWER_AFTER.match(folded, end))
        )
        if len(run) == 1 and not qualified and not lone_ok:
            return None
        name = ctx.text[start:end]
        return new_actor(
            id=f"org:{_slug(name)}", name=name, type="organisation", text=name,
            start=start, end=end, country=country, affiliation=country, source="context",
        )  # fmt: skip

    # -- person context ---------------------------------------------------------

    def _prefix(self, ctx: _Context, person: _Person) -> None:
        """Read "[former] [NATO|Ukrainian|Ukraine's] Title" before the name."""
        folded = ctx.folded
        found = ctx.title_end.get(_skip_back(folded, person.start))
        if found is None:
            return
        tstart, title = found
        ctx.used_titles.add(tstart)
        person.role = title.canonical
        person.start = tstart
        qpos = _skip_back(folded, tstart)
        if folded[qpos - 2 : qpos] == "'s":
            qpos -= 2
        qual = ctx.hit_end.get(qpos)
        if qual is not None and qual.entity.type in ("country", "organisation"):
            person.start = qual.start
            person.role_org = qual.entity.id
            person.country = (
                qual.entity.id if qual.entity.type == "country" else qual.entity.country
            )
        if _FORMER.search(folded, max(0, person.start - 14), person.start):
            person.former = True

    @staticmethod
    def _apposition_title(ctx: _Context, pos: int) -> tuple[int, int, int, Title] | None:
        """Find ", the United States Ambassador to NATO" right after ``pos``."""
        folded = ctx.folded
        match = _APPOSITION.match(folded, pos)
        if match is None:
            return None
        seg_end = _SEGMENT_END.search(folded, match.end(), match.end() + 90)
        limit = seg_end.start() if seg_end else min(len(folded), match.end() + 90)
        title = ctx.first_title(match.end(), limit)
        if title is None:
            return None
        return pos, title[0], limit, title[2]

    @staticmethod
    def _pre_apposition(ctx: _Context, start: int) -> tuple[int, int, int, Title] | None:
        """Find "former NATO commander ..., " ending just before a name."""
        folded = ctx.folded
        if folded[max(0, start - 2) : start] != ", ":
            return None
        seg_from = max(0, start - 160)
        cut = max(folded.rfind(c, seg_from, start - 2) for c in ",.;:(\n")
        seg_from = max(seg_from, cut + 1)
        title = ctx.first_title(seg_from, start - 2)
        if title is None:
            return None
        return seg_from, title[0], title[1], title[2]

    def _apposition(self, ctx: _Context, person: _Person) -> None:
        """Fill role, body and country from an apposition after or before."""
        folded = ctx.folded
        found = self._apposition_title(ctx, person.name_end)
        if found is None:
            found = self._pre_apposition(ctx, person.start)
            if found is None:
                return
        seg_start, tstart, limit, title = found
        ctx.used_titles.add(tstart)
        if person.role is None:
            person.role = title.canonical
            if _FORMER_ANY.search(folded, seg_start, tstart):
                person.former = True
        for org in ctx.orgs:
            if tstart < org.start < limit and person.role_org is None:
                person.role_org = org.id
                person.country = person.country or org.country
                person.affiliation = person.affiliation or org.id
        for start in range(seg_start, limit):
            hit = ctx.hit_at.get(start)
            if hit is None or hit.entity.type == "person":
                continue
            if any(o.start <= start < o.end for o in ctx.orgs):
                continue
            after_title = start > tstart
            if hit.entity.type == "country" and not after_title and person.country is None:
                person.country = hit.entity.id
                person.affiliation = person.affiliation or hit.entity.id
            if person.role_org is None:
                person.role_org = hit.entity.id
            elif after_title and _TO_BODY.search(folded, max(0, start - 10), start):
                # "Ambassador to NATO": the body follows the title.
                person.role_org = hit.entity.id

    def _person_actor(self, ctx: _Context, person: _Person) -> Actor:
        entity = person.entity
        text = ctx.text
        country, role, role_org, former = (
            person.country, person.role, person.role_org, person.former,
        )  # fmt: skip
        if entity is not None:
            ident, name = entity.id, entity.name
            country = country or entity.country
            if role is None:
                held = entity.roles_on(ctx.as_of)
                if held:
                    role, role_org = held[0].title, held[0].org
            else:
                same = [r for r in entity.roles if r.title.lower() == role.lower()]
                if role_org is not None:
                    same = [r for r in same if r.org == role_org] or same
                if not same and role_org is not None:
                    # A loose title in the text ("former NATO commander", "NATO
                    # chief") for a person the knowledge base knows in that body:
                    # the recorded office is the precise one.
                    same = sorted((r for r in entity.roles if r.org == role_org),
                                  key=lambda r: (r.held_on(ctx.as_of), r.end or "9999"),
                                  reverse=True)[:1]
                    if same:
                        role = same[0].title
                if same:
                    role_org = role_org or same[0].org
                    if not any(r.held_on(ctx.as_of) for r in same) and any(
                        r.ended_by(ctx.as_of) for r in same
                    ):
                        former = True
                elif role_org is None and entity.roles:
                    role_org = entity.roles[0].org
        else:
            name = person.ref_name or text[person.name_start : person.name_end]
            ident = f"person:{_slug(name)}"
        if country is None and role_org is not None:
            body = self._by_id.get(role_org)
            if body is not None:
                country = body.id if body.type == "country" else body.country
        return new_actor(
            id=ident, name=name, type="person", text=text[person.start : person.end],
            start=person.start, end=person.end, country=country, role=role,
            role_org=role_org, former=former,
            affiliation=person.affiliation or role_org or country, source=person.source,
        )  # fmt: skip

    # -- gazetteer hits as actors -----------------------------------------------

    def _hit_actor(self, ctx: _Context, hit: _Hit) -> Actor:
        entity, folded, text = hit.entity, ctx.folded, ctx.text
        start, end = hit.start, hit.end
        if entity.type == "organisation":
            return new_actor(
                id=entity.id, name=entity.name, type="organisation", text=text[start:end],
                start=start, end=end, country=entity.country,
                affiliation=entity.id if entity.kind in ("alliance", "igo") else entity.country,
            )  # fmt: skip
        kind = "country"
        gov_after = _GOV_AFTER.match(folded, end)
        # The look-behind search only runs after "of"/"in" (cheap C test).
        gov_before = (
            _GOV_BEFORE.search(folded, max(0, start - 30), start)
            if folded.endswith(("of ", "in ", "the "), max(0, start - 4), start)
            else None
        )
        if gov_after is not None:
            kind, end = "government", gov_after.end()
        elif gov_before is not None:
            kind, start = "government", gov_before.start(1)
        elif hit.kind == _SEAT and not _PLACE_PREP.search(folded, max(0, start - 16), start):
            kind = "government"
        return new_actor(
            id=entity.id, name=entity.name, type=kind, text=text[start:end], start=start,
            end=end, country=entity.id, affiliation=entity.id,
        )  # fmt: skip

    def _alliance_coref(self, ctx: _Context, actors: list[Actor]) -> list[Actor]:
        if "lliance" not in ctx.folded:
            return []
        alliances = sorted(
            (a for a in actors if a.type == "organisation" and self._is_alliance(a.id)),
            key=lambda a: a.start,
        )
        if not alliances:
            return []
        starts = [a.start for a in alliances]
        out: list[Actor] = []
        for match in _ALLIANCE_COREF.finditer(ctx.folded):
            s, e = match.start(1), match.end()
            i = bisect_left(starts, s) - 1
            if i < 0:
                continue
            ref = alliances[i]
            out.append(
                new_actor(
                    id=ref.id,
                    name=ref.name,
                    type="organisation",
                    text=ctx.text[s:e],
                    start=s,
                    end=e,
                    country=ref.country,
                    affiliation=ref.id,
                    source="coref",
                )
            )
        return out

    # -- acronyms and numbered units -------------------------------------------

    def _acronym_actors(self, ctx: _Context, actors: list[Actor]) -> list[Actor]:
        """Organisations named by an all-capital acronym the knowledge base
        does not know: defined in parentheses after a name, written after
        "the", or used more than once ("CJTF-OIR", "the ISF")."""
        folded = ctx.folded
        named: dict[str, Actor] = {}
        if "(" in folded:
            by_end = {a.end: a for a in actors if a.type == "organisation"}
            for match in _ACRONYM_DEF.finditer(folded):
                owner = by_end.get(_skip_back(folded, match.start()))
                if owner is not None:
                    named.setdefault(match.group(1), owner)
        if not ctx.acronyms:
            return []
        counts = Counter(folded[s:e] for s, e in ctx.acronyms)
        out: list[Actor] = []
        for start, end in ctx.acronyms:
            word = folded[start:end]
            owner = named.get(word)
            defined = folded[start - 1 : start] == "(" and folded[end : end + 1] == ")"
            if not (
                owner is not None
                or defined
                or counts[word] > 1
                or _THE_BEFORE.search(folded, max(0, start - 5), start)
            ):
                continue
            number = _UNIT_NUMBER.match(folded, end)
            if number is not None:
                end = number.end()
            text = ctx.text[start:end]
            if owner is not None:
                out.append(
                    new_actor(
                        id=owner.id, name=owner.name, type="organisation", text=text,
                        start=start, end=end, country=owner.country,
                        affiliation=owner.affiliation, source="coref",
                    )
                )  # fmt: skip
            else:
                out.append(
                    new_actor(
                        id=f"org:{_slug(text)}", name=text, type="organisation", text=text,
                        start=start, end=end, source="context",
                    )
                )  # fmt: skip
        return out

    # -- generic agents -------------------------------------------------------------

    def _agent_actors(self, ctx: _Context, actors: list[Actor]) -> list[Actor]:
        """Turn generic agent nouns into mentions, with the determiners,
        modifiers and qualifying country of their phrase."""
        if not ctx.agent_hits:
            return []
        folded, text = ctx.folded, ctx.text
        blocked = bytearray(len(text))
        name_mask = bytearray(len(text))
        ends: dict[int, Actor] = {}
        starts: dict[int, Actor] = {}
        places: list[tuple[int, str]] = []
        for actor in actors:
            a0, a1 = actor.start, actor.end
            if a1 > a0:
                blocked[a0:a1] = b"\x01" * (a1 - a0)
                if actor.type in ("person", "organisation"):
                    name_mask[a0:a1] = b"\x01" * (a1 - a0)
            ends[a1] = actor
            starts[a0] = actor
            if actor.type in ("country", "government"):
                places.append((a0, actor.id))
        places.sort()
        place_starts = [p[0] for p in places]
        out: list[Actor] = []
        for hit_start, hit_end, form in ctx.agent_hits:
            if blocked.find(1, hit_start, hit_end) != -1:
                continue
            start, end = hit_start, hit_end
            country: str | None = None
            affiliation: str | None = None
            body: Actor | None = None
            determined = qualified = False
            for _ in range(5):
                k = _skip_back(folded, start)
                if k == start or k == 0:
                    break
                prev = ends.get(k)
                if prev is None and folded[k - 2 : k] == "'s":
                    prev = ends.get(k - 2)
                if prev is not None:
                    # A country, person or body before the noun qualifies it
                    # but stays its own mention ("Iraqi" in "Iraqi troops" is
                    # a nationality, as everywhere else).
                    qualified = True
                    country = prev.country or (prev.id if prev.type == "country" else None)
                    affiliation = prev.affiliation if prev.type == "person" else prev.id
                    if prev.type == "organisation" and k == hit_start - 1:
                        body = prev
                    break
                space = folded.rfind(" ", 0, k)
                ws = max(space, folded.rfind("\n", space + 1, k)) + 1
                word = folded[ws:k].lower()
                if word in _DETERMINERS:
                    start, determined = ws, True
                    break
                if (
                    word in _AGENT_MODIFIERS
                    or word.isdigit()
                    or word.endswith(_MODIFIER_SUFFIXES)
                    or word.startswith(_MODIFIER_PREFIXES)
                ):
                    if word.endswith(_MODIFIER_SUFFIXES):
                        owner = starts.get(ws)
                        affiliation = owner.id if owner is not None else affiliation
                    start, qualified = ws, True
                    continue
                break
            if name_mask.find(1, start, hit_start) != -1:
                # The phrase reached into a name: keep only the noun.
                start = hit_start
            if form.strict:
                if not (determined or qualified):
                    continue
                nxt = _NEXT_WORD.match(folded, end)
                # A past-tense verb ("the regime collapsed") keeps it a head.
                if (
                    nxt is not None
                    and nxt.group(1) not in _AFTER_HEAD
                    and not nxt.group(1).endswith("ed")
                ):
                    continue
            of = _OF_PLACE.match(folded, end) if country is None else None
            if of is not None:
                place = starts.get(of.end())
                if place is not None and place.type in ("country", "government"):
                    country, end = place.country or place.id, place.end
            entity = form.entity
            if entity.kind == "GOV" and form.lower in _GOV_WORDS:
                if country is None and (determined or qualified):
                    i = bisect_left(place_starts, start) - 1
                    country = places[i][1] if i >= 0 else None
                state = self._by_id.get(country) if country else None
                if state is not None:
                    out.append(
                        new_actor(
                            id=state.id, name=state.name, type="government",
                            text=text[start:end], start=start, end=end, country=state.id,
                            affiliation=state.id, source="coref",
                        )
                    )  # fmt: skip
                    continue
            known = self._by_id.get(body.id) if body is not None else None
            if known is not None and known.members and entity.kind in _MEMBER_KINDS:
                # "NATO countries", "EU member states", "NATO allies": the
                # members acting together are the body itself.
                out.append(
                    new_actor(
                        id=known.id, name=known.name, type="organisation",
                        text=text[start:end], start=start, end=end, country=known.country,
                        affiliation=known.id, source="coref",
                    )
                )  # fmt: skip
                continue
            state = self._by_id.get(country) if country else None
            ident = f"{entity.id}:{country}" if state is not None else entity.id
            name = f"{entity.name} ({state.name})" if state is not None else entity.name
            out.append(
                new_actor(
                    id=ident, name=name, type=entity.type, text=text[start:end], start=start,
                    end=end, country=country, affiliation=affiliation or country,
                    source="context",
                )
            )  # fmt: skip
        return out

    # -- pronouns -------------------------------------------------------------------

    def _pronoun_actors(
        self, ctx: _Context, resolved: tuple[Actor, ...], sentences: Sentences
    ) -> list[Actor]:
        """Resolve personal and possessive pronouns to an earlier mention,
        or for "I" and "we" inside a quotation to its speaker."""
        folded = ctx.folded
        if sentences.text is not ctx.text and sentences.text != ctx.text:
            sentences = Sentences.of(ctx.text)
        quotes = _quotations(folded) if '"' in folded else []
        quote_starts = [q[0] for q in quotes]
        taken = bytearray(len(folded))
        for actor in resolved:
            if actor.end > actor.start:
                taken[actor.start : actor.end] = b"\x01" * (actor.end - actor.start)
        recent: list[Actor] = []
        out: list[Actor] = []
        i = 0
        for start, end, word in ctx.pronouns:
            if taken.find(1, start, end) != -1:
                continue
            while i < len(resolved) and resolved[i].start < start:
                recent.append(resolved[i])
                i += 1
            index = sentences.index_at(start)
            floor = sentences.spans[max(0, index - _WINDOW)][0] if index >= 0 else 0
            group = _PRONOUN_FORMS[word]
            ref: Actor | None = None
            if group in ("i", "we"):
                q = bisect_left(quote_starts, start + 1) - 1
                if q >= 0 and quotes[q][1] >= end:
                    speaker = _speaker(resolved, quotes[q], folded)
                    if speaker is not None:
                        ref = speaker if group == "i" else self._body_of(speaker)
                        if group == "i" and speaker.type != "person":
                            ref = None
            if ref is None:
                ref = self._antecedent(recent, floor, group)
            if ref is None:
                continue
            actor = new_actor(
                id=ref.id, name=ref.name, type=ref.type, text=ctx.text[start:end],
                start=start, end=end, country=ref.country, role=ref.role,
                role_org=ref.role_org, former=ref.former, affiliation=ref.affiliation,
                source="coref",
            )  # fmt: skip
            out.append(actor)
            recent.append(actor)
        return out

    def _antecedent(self, recent: list[Actor], floor: int, group: str) -> Actor | None:
        """Return the latest mention at or after ``floor`` that ``group``
        ("i", "we", "he", "they") may refer to."""
        fallback: Actor | None = None
        for actor in reversed(recent):
            if actor.start < floor:
                break
            kind = actor.type
            if group in ("i", "he"):
                if kind == "person" and not actor.id.startswith("agent:"):
                    return actor
            elif group == "we":
                if kind in ("organisation", "government") and not actor.id.startswith("agent:"):
                    return actor
                if kind == "person":
                    body = self._body_of(actor)
                    if body is not None:
                        return body
                if kind == "country" and fallback is None:
                    fallback = self._body_of(actor)
            elif kind in ("organisation", "government"):
                return actor
        return fallback

    def _body_of(self, actor: Actor) -> Actor | None:
        """Return the body a speaker talks for as "we": a person's
        organisation or government, a country's government."""
        if actor.type in ("organisation", "government"):
            return actor
        ident = actor.id if actor.type == "country" else actor.affiliation or actor.role_org
        body = self._by_id.get(ident) if ident else None
        if body is None:
            return None
        kind = "government" if body.type == "country" else "organisation"
        return new_actor(
            id=body.id, name=body.name, type=kind, text=actor.text, start=actor.start,
            end=actor.end, country=body.id if body.type == "country" else body.country,
            affiliation=body.id, source="coref",
        )  # fmt: skip

    def _is_alliance(self, ident: str) -> bool:
        entity = self._by_id.get(ident)
        return entity is not None and entity.kind == "alliance"


# -- helpers -------------------------------------------------------------------


class _Coverage:
    """Marked character positions of one text, with an overlap test.

    A byte per character: marking and testing are C-level slice operations,
    cheaper than interval bookkeeping for the few thousand characters of an
    article.
    """

    __slots__ = ("mask",)

    def __init__(self, size: int) -> None:
        self.mask = bytearray(size)

    def add(self, start: int, end: int) -> None:
        """Mark ``[start, end)``."""
        if end > start:
            self.mask[start:end] = b"\x01" * (end - start)

    def overlaps(self, start: int, end: int) -> bool:
        """Tell whether ``[start, end)`` has a marked character."""
        return self.mask.find(1, start, end) != -1

    def covers(self, start: int, end: int) -> bool:
        """Tell whether every character of ``[start, end)`` is marked."""
        return self.mask.find(0, start, end) == -1


@dataclass(slots=True)
class _Context:
    """Per-call state of one extraction."""

    text: str
    folded: str
    as_of: str | None
    hits: list[_Hit] = field(default_factory=list)
    hit_at: dict[int, _Hit] = field(default_factory=dict)
    hit_end: dict[int, _Hit] = field(default_factory=dict)
    title_end: dict[int, tuple[int, Title]] = field(default_factory=dict)
    covered: _Coverage = field(init=False)
    persons: list[_Person] = field(default_factory=list)
    orgs: list[Actor] = field(default_factory=list)
    singles: list[tuple[int, int]] = field(default_factory=list)
    used_titles: set[int] = field(default_factory=set)
    titles: list[tuple[int, int, Title]] = field(default_factory=list)
    title_starts: list[int] = field(default_factory=list)
    agent_hits: list[tuple[int, int, _AgentForm]] = field(default_factory=list)
    pronouns: list[tuple[int, int, str]] = field(default_factory=list)
    acronyms: list[tuple[int, int]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.covered = _Coverage(len(self.text))

    def first_title(self, start: int, end: int) -> tuple[int, int, Title] | None:
        """Return the first title lying inside ``[start, end)``."""
        i = bisect_left(self.title_starts, start)
        if i < len(self.titles) and self.titles[i][1] <= end:
            return self.titles[i]
        return None


def _quotations(folded: str) -> list[tuple[int, int]]:
    """Return the quoted passages, pairing straight quotes within a line;
    a quote left open runs to the end of its line."""
    spans: list[tuple[int, int]] = []
    opened = -1
    pos = folded.find('"')
    while pos != -1:
        line_end = folded.find("\n", opened + 1) if opened >= 0 else -1
        if opened >= 0 and line_end != -1 and line_end < pos:
            spans.append((opened, line_end))
            opened = -1
        if opened < 0:
            opened = pos
        else:
            spans.append((opened, pos + 1))
            opened = -1
        pos = folded.find('"', pos + 1)
    if opened >= 0:
        line_end = folded.find("\n", opened)
        spans.append((opened, line_end if line_end != -1 else len(folded)))
    return spans


def _speaker(actors: tuple[Actor, ...], quote: tuple[int, int], folded: str) -> Actor | None:
    """Return who a quotation is attributed to: the first person named
    right after it ("...," said the general), else the last named right
    before it, else a body named right after it."""
    start, end = quote
    line_end = folded.find("\n", end)
    limit = min(end + _SPEAKER_REACH, line_end if line_end != -1 else len(folded))
    line_start = folded.rfind("\n", 0, start) + 1
    floor = max(start - _SPEAKER_REACH, line_start)
    after = [a for a in actors if end <= a.start < limit]
    for actor in after:
        if actor.type == "person":
            return actor
    before = [a for a in actors if floor <= a.start and a.end <= start and a.type == "person"]
    if before:
        return before[-1]
    for actor in after:
        if actor.type in ("organisation", "government"):
            return actor
    return None


def _is_name_part(folded: str, hit: _Hit) -> bool:
    """Tell whether a one-word place name belongs to a person's or a
    paper's name ("Michael Jordan", "George Washington", "Washington Post")."""
    if hit.entity.type != "country" or hit.kind == _DEMONYM:
        return False
    if " " in folded[hit.start : hit.end]:
        return False
    k = _skip_back(folded, hit.start)
    # Cheap C-level tests first: a capitalised word must end right before.
    before = (
        _CAP_BEFORE.search(folded, max(0, hit.start - 30), hit.start)
        if 0 < k < hit.start and folded[k - 1].islower()
        else None
    )
    if (
        before is not None
        and before.group(1) not in _STOP
        and not _is_sentence_initial(folded, before.start(1))
    ):
        return True
    after = _CAP_AFTER.match(folded, hit.end)
    return after is not None and after.group(1) in _PRESS


# Character classes for boundary tests, one byte per character: word
# characters (``str.isalnum`` or "_", as ``\w``), the hyphen, and the rest.
_WORD_CHAR, _HYPHEN = 1, 2
_FLAG_TABLE = bytes(
    _WORD_CHAR if chr(b).isalnum() or b == ord("_") else _HYPHEN if b == ord("-") else 0
    for b in range(256)
)
_BEYOND_LATIN1 = re.compile(r"[^\x00-\xff]")


def _char_flags(folded: str) -> bytearray:
    """Return the class of each character of ``folded`` (see ``_FLAG_TABLE``)."""
    flags = bytearray(folded.encode("latin-1", "replace").translate(_FLAG_TABLE))
    if not folded.isascii():
        # Encoding turned these into "?"; letters and digits among them
        # (Cyrillic, Greek, ...) are word characters all the same.
        for match in _BEYOND_LATIN1.finditer(folded):
            if match.group().isalnum():
                flags[match.start()] = _WORD_CHAR
    return flags


def _skip_back(folded: str, pos: int) -> int:
    """Return the end of the word before ``pos`` across single spacing."""
    i = pos
    while i > 0 and folded[i - 1] in " \t":
        i -= 1
    return i


_SMALL_CAPS_WORDS = "The A An This That These Those It Its Their His Her Our"
_SMALL_CAPS = frozenset(_SMALL_CAPS_WORDS.split())
_LINE = re.compile(r"[^\n]+")
_SMALL_WORDS_WORDS = "a an and as at by for from in of on or the to vs with"
_SMALL_WORDS = frozenset(_SMALL_WORDS_WORDS.split())


def _headlines(folded: str) -> _Coverage:
    """Return the lines written in Title Case: short, unpunctuated at the
    end, and with nearly every word capitalised."""
    spans = _Coverage(len(folded))
    for line in _LINE.finditer(folded):
        body = line.group().rstrip()
        if not body or len(body) > 200 or body[-1] in ".!?\"':,;":
            continue
        words = [w for w in body.split() if w[0].isalpha() and w not in _SMALL_WORDS]
        if len(words) >= 4 and sum(w[0].isupper() for w in words) >= 0.85 * len(words):
            spans.add(line.start(), line.end())
    return spans


def _same_title(text_title: str, kb_title: str) -> bool:
    """Tell whether a title from the text names a KB role ("Secretary" and
    "Secretary of State", "President" and "President")."""
    kb_lower = kb_title.lower()
    return kb_lower.startswith(text_title) or text_title.startswith(kb_lower)


def _is_sentence_initial(folded: str, pos: int) -> bool:
    i = pos
    while i > 0 and folded[i - 1] in " \t\"'([":
        i -= 1
    return i == 0 or folded[i - 1] in ".!?\n:;"


def _transliterations(surface: str) -> list[str]:
    """Spellings of a name whose last word ends in a Slavic -y/-iy/-yy."""
    head, _, last = surface.rpartition(" ")
    match = re.search(r"(?:iy|yy|y|ii|yi)$", last)
    if match is None or len(last) < 5:
        return []
    stem = last[: match.start()]
    prefix = f"{head} " if head else ""
    return [f"{prefix}{stem}{end}" for end in ("y", "iy", "yy", "yi", "ii") if stem + end != last]


def _resolve_overlaps(actors: list[Actor], size: int) -> tuple[Actor, ...]:
    """Keep the longest of overlapping mentions, then sort by position."""
    chosen: list[Actor] = []
    taken = bytearray(size)
    for actor in sorted(actors, key=lambda a: (a.start - a.end, a.start)):
        start, end = actor.start, actor.end
        if end > start and taken.find(1, start, end) == -1:
            chosen.append(actor)
            taken[start:end] = b"\x01" * (end - start)
    chosen.sort(key=lambda a: a.start)
    return tuple(chosen)


_Span = TypeVar("_Span", bound=tuple[int, int, object])


def _longest_first(spans: list[_Span], size: int) -> list[_Span]:
    """Keep each ``(start, end, ...)`` span that overlaps none kept before it
    (callers sort longest first); a byte mask makes each test one C call."""
    kept: list[_Span] = []
    taken = bytearray(size)
    for span in spans:
        start, end = span[0], span[1]
        if taken.find(1, start, end) == -1:
            kept.append(span)
            if end > start:
                taken[start:end] = b"\x01" * (end - start)
    return kept
