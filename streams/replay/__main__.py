"""``python -m streams.replay``: the same as ``escwatch replay``."""

import sys

from streams.replay.command import main

sys.exit(main(sys.argv[1:]))
