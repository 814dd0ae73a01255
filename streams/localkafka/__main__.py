"""``python -m streams.localkafka up|status|down``: same as ``escwatch kafka``."""

import sys

from streams.localkafka.command import main

if __name__ == "__main__":
    sys.exit(main())
