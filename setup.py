"""Optional compiled build of the analysis core.

``pip install .`` installs pure Python. With ``ESCWATCH_MYPYC=1`` (and mypy in the
build environment: ``pip install --no-build-isolation``), the modules of
``streams/core`` are compiled to C extensions with mypyc, which makes the core
about a fifth faster with the same results; the Dockerfile does this.
"""

import os

from setuptools import setup

CORE = ["text", "model", "lexicon", "patterns", "vocabulary", "knowledge", "modality",
        "senses", "spans", "matches", "signals", "scoring", "analyze",
        "actors/_shared", "actors/gazetteer", "actors/names", "actors/persons",
        "actors/organisations", "actors/agents", "actors/coreference", "actors/extractor"]

ext_modules = []
if os.environ.get("ESCWATCH_MYPYC") == "1":
    from mypyc.build import mypycify

    ext_modules = mypycify([f"streams/core/{name}.py" for name in CORE], opt_level="3")

setup(ext_modules=ext_modules)
