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

Modules, by concern: :mod:`.gazetteer` (the automaton and its hits),
:mod:`.names` (runs of capitalised words, titles, appositions),
:mod:`.persons` (persons and roles), :mod:`.organisations` (head nouns,
acronyms), :mod:`.agents` (generic agents), :mod:`.coreference` (pronouns,
"the alliance"), :mod:`.extractor` (the order they run in) and
:mod:`._shared` (per-call state and folding).
"""

from streams.core.actors._shared import ActorType, fold, surname_key
from streams.core.actors.extractor import ActorExtractor

__all__ = ["ActorExtractor", "ActorType", "fold", "surname_key"]
