"""Escalation Watch: a Kafka-native early-warning service for geopolitical escalation.

Layout, in layers; imports go one way, tools -> runtime -> core, with no cycle
(``tests/unit/test_layering.py`` checks it):

* **core** (``streams/core/``): the analysis itself, pure, no I/O; imports nothing
  else of the project.
* **runtime**, the worker (top-level modules): ``app`` (the Faust app),
  ``pipeline`` (routing of one message, :func:`~streams.pipeline.build_analyzer`,
  the dead-letter record), ``codec``, ``config``, ``sources``, ``clients``,
  ``metrics``, ``errors``, ``topics``, and the helpers the worker uses: ``health``,
  ``logs``, ``poison``, ``fitting``, ``reconnect``, ``topology``, ``processes``;
  ``knowledge/`` loads the core's knowledge files. They stay at the top level: they
  are one layer, and each is small.
* **tools** users run beside the worker, one subpackage each: ``replay/``
  (``escwatch replay`` and ``escwatch backtest`` with its report), ``evaluation/``
  (``escwatch eval`` and its baselines), ``bench/`` (``escwatch bench``),
  ``dashboard/`` (``escwatch dashboard``), and the local development broker
  (``escwatch kafka``).
* **entry**: ``cli`` (the ``escwatch`` command) hands each sub-command to the module
  that runs it.
"""

__version__ = "0.1.0"
