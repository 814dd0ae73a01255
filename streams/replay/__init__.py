"""Replays: the same input, the same alerts, in an isolated run (``escwatch replay``).

Modules: :mod:`~streams.replay.command` (the command line),
:mod:`~streams.replay.files` (no Kafka), :mod:`~streams.replay.kafka` (a
worker on an isolated run), :mod:`~streams.replay.topic` (topic ranges),
:mod:`~streams.replay.inputs` (inputs and run ids),
:mod:`~streams.replay.progress`; the backtest on top of them:
:mod:`~streams.replay.backtest`, :mod:`~streams.replay.scoring` and
:mod:`~streams.replay.report`.

Three ways to replay, all through :func:`streams.pipeline.route` (the worker's
own function), so a replay exercises the production path:

* **Files to files** (``--out DIR``, no Kafka at all): JSONL archives, ``.txt``
  articles or folders of them are routed in order and written to
  ``analyzed.jsonl``, ``alerts.jsonl``, ``deadletter.jsonl`` plus a
  ``run.json`` manifest (counts, knowledge version, input and output digests).
* **Files through Kafka**: the input lines are published to a run-private
  input topic ``<ESCWATCH_TOPIC_RAW>.<run_id>`` and a real ``escwatch worker``
  runs for the run.
* **A range of the articles topic through Kafka**: the range ``[start, end)``
  (offsets, or timestamps resolved per partition with
  ``KafkaConsumer.offsets_for_times``) is *copied* into the run-private input
  topic and the run's worker consumes that copy.

Why copy instead of resetting the run's consumer group on the live topic and
stopping the worker at the end bound: a Faust worker cannot be told to stop at
an offset, and stopping it "when the lag reaches the bound" races with the
records after the bound that it has already fetched. The copy holds exactly
the selected records, so nothing past the end bound can be processed, and the
run's consumer group (``<app id>-replay-<run id>``, new for every run) simply
starts at the beginning of the copy; no offset reset on a shared topic is
needed. The copy keeps key, value, headers, partition and timestamp.

* **In place** (``--topic --reset-offsets`` with a start bound only): no copy.
  The run's consumer group offsets are reset (committed) to the start, found
  by time or given as offsets, before its worker starts on the topic itself;
  the run ends when every record up to the end offsets seen at start has its
  output. It takes no end bound, for the race described above.

Isolation: a Kafka run uses :meth:`Settings.for_run`: its own Faust app id and
consumer group and outputs suffixed with the run id
(``monitoring.alerts.<run_id>``), never the production topics. The run is over
when every copied input has produced its one analysis or dead letter; then the
worker is stopped with SIGTERM (Faust flushes its producer on stop).

Run ids: ``--run-id`` or, by default, ``r`` plus 12 hex digits of a SHA-256
over the input digests (file contents, or topic and range), the knowledge
version and the alert threshold, so the same file replay always gets the same
id and byte-identical outputs. Kafka runs add four random hex digits
(``r<digest>-<rand>``) because topics and consumer groups outlive the run: a
second run of the same input must not reuse the first one's group offsets.

Event time: alert times are the article's ``published_at`` and alert bodies
carry no run id, so alerts are byte-identical across runs (see
:func:`comparable_alerts`). Dead-letter records carry the wall-clock time of
rejection by design and are excluded from that claim.
"""
