"""``escwatch eval``: score the analysis core on labelled JSONL, baselines beside it.

A tool beside the worker (file reading, timing, printing); the scoring itself is
a set of pure functions over (gold, predicted) values so it can be tested on
hand-made cases. Modules: :mod:`~streams.evaluation.command` (the command line),
:mod:`~streams.evaluation.datasets` (formats and gold records),
:mod:`~streams.evaluation.systems` (the core and the baselines of
:mod:`~streams.evaluation.baselines`), :mod:`~streams.evaluation.metrics`,
:mod:`~streams.evaluation.scores` (P/R/F1) and :mod:`~streams.evaluation.report`.

Input formats (one JSON object per line, blank lines skipped; ``--format auto``
decides per file from the first record):

``plover``
    PLOVER gold-standard records: ``labels.event`` (PLOVER type) and
    ``labels.derived_polarity`` (``*_conflict`` -> escalation,
    ``*_cooperation`` -> de-escalation).
``petrarch``
    PETRARCH-2 unit-test records: ``labels.expected_events`` with CAMEO
    ``event_code``. The code's two-digit root gives polarity (01-05 verbal
    cooperation, 06-08 material cooperation: de-escalation; 09-13 verbal
    conflict, 14-20 material conflict: escalation) and a PLOVER type (see
    :data:`CAMEO_TO_PLOVER`; 01 "make statement" and roots outside 01-20,
    which PETRARCH's tests use as test-only codes, are skipped). A record
    with no expected events is a negative; one whose events were all
    skipped is left out of the event scores.
``re3d``
    re3d documents: ``labels.entities`` with character offsets
    (``start``, ``end``, ``type``).
``escwatch`` (project-native)
    ``{"id": str, "text": str, "published_at": str?, "labels": {"events":
    [{"type": PLOVER type?, "polarity": "escalation"|"de-escalation",
    "modality": "asserted"|"hypothetical"|"conditional"|"negated"|"future"?,
    "trigger": str?, "start": int?, "end": int?}],
    "entities": [{"start": int, "end": int, "type": "Person"|"Organisation"|
    "Nationality"|"Location"}]}}``. ``events: []`` marks a sentence with no
    signal (a negative); a record without ``events`` is not scored for
    events. Entity offsets index ``text`` as given (plain text, no markup).
    An event with ``start``/``end`` is labelled with its trigger span
    (``text[start:end] == trigger`` is checked on reading); records with
    such spans are also scored for trigger coverage and modality
    (``tests/data/modality.jsonl``).
``devnews``
    Ordinary news labelled for precision (``tests/data/devnews.jsonl``):
    ``labels.domain`` (one of :data:`NEWS_DOMAINS`), ``labels.should_alert``
    and ``labels.level`` (null or an alert level), optionally
    ``labels.hard_negative`` with ``labels.kind``, and a top-level ``split``.
    Scored: alert rate, alert precision and recall and critical rate per
    domain, the confusion of predicted and labelled level, hard negatives
    per kind, and the precision targets (:data:`NEWS_TARGETS`).

Definitions (the signal rules are tuned toward these; keep them stable):

* The *primary* predicted signal of a record is the first signal in text
  order; a tie on position goes to the longer trigger.
* Predicted polarity and type are the primary signal's. A record with no
  signal is a false negative for its gold polarity and gold type.
* Records with several gold events (PETRARCH, native) are scored as
  single-label: if the primary prediction equals one of the gold labels that
  label is the gold, otherwise the first gold event's label is.
* Per-label P/R/F1 count one decision per record; macro-F1 is the mean F1
  over the gold labels present (types), or over the polarities present.
* Triggers: a labelled trigger is *covered* when some predicted signal's
  ``start/end`` overlaps its span by at least one character; its predicted
  modality is that of the first overlapping signal in text order (the longer
  on a tie). *Trigger coverage* is covered / labelled triggers; *modality
  right* is, among covered triggers with a labelled modality, the share whose
  predicted modality equals the label (:data:`~streams.evaluation.metrics.MODALITY_TARGETS`).
* Spans: *exact* means equal offsets; *overlap* means a gold span is
  recalled when any predicted span overlaps it and a predicted span is
  correct when it overlaps any evaluated gold span. The overall figure is
  untyped over gold Person, Organisation, Nationality; per-type figures
  compare only predictions that can stand for that type; the ``+Location``
  variant also lets gold Location spans count (for country/government
  actors).
"""
