"""``python -m streams.replay``: the same as ``escwatch replay`` (errors reported the same way)."""

import sys

from streams.cli import main

sys.exit(main(["replay", *sys.argv[1:]]))
