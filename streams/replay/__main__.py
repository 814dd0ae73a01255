"""``python -m streams.replay``: the same as ``escwatch replay`` (errors reported the same way)."""

import sys

from streams.cli import main

if __name__ == "__main__":
    sys.exit(main(["replay", *sys.argv[1:]]))
