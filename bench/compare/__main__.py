"""Entry point of ``python -m bench.compare``."""

import sys

from bench.compare.cli import main

if __name__ == "__main__":
    sys.exit(main())
