"""``escwatch bench``: throughput, latency and memory, beside the targets and the peers.

Sub-benchmarks, each printing a table and writing JSON (``--json PATH``, default
``<results dir>/<name>.json``; the corpus and results folders are explicit, see
:mod:`streams.bench.paths`):

* ``core`` — :meth:`Analyzer.analyze` on one pinned core over real-length articles
  (``<corpus dir>/news600.jsonl``) and the re3d documents, with, over the same texts,
  the tokenisation floor (spaCy's blank English tokenizer), the naive anchor (the
  keyword regex of :mod:`streams.evaluation.baselines`) and, when installed, the peer (spaCy
  ``en_core_web_sm`` NER). ``--profile`` writes a pyinstrument profile.
* ``e2e`` — one real ``escwatch worker`` on private topics of the broker: sustained
  throughput over pre-loaded articles, ingest-to-output latency at a fixed offered rate,
  and the worker's peak RSS.
* ``scale`` — 1 and 2 workers × 1 and 4 partitions side by side on one corpus:
  articles/s, ingest-to-analysis p50/p99, peak RSS per worker, beside the core's
  articles/s on that corpus; the overhead ratio (one worker / core, target 0.8) and the
  two-worker speed-up (target 1.6) pass or fail.
* ``replay`` — the file-replay path over 100,000 articles.
* ``worst`` — 1 MB articles of the worst shapes: time, peak RSS, output size.
* ``all`` — all of them in turn.

A tool beside the worker: it times the core from outside and is never imported by it.
In a source checkout the corpus is built by ``bench/build_corpus.py`` (run on demand
when missing). Modules: :mod:`~streams.bench.command` (the command line),
:mod:`~streams.bench.paths`, :mod:`~streams.bench.common`, and one per benchmark:
:mod:`~streams.bench.core`, :mod:`~streams.bench.e2e`,
:mod:`~streams.bench.file_replay`, :mod:`~streams.bench.worst`, :mod:`~streams.bench.scale`.
"""
