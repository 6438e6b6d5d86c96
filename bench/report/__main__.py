"""Entry point of ``python -m bench.report``."""

from bench.report.cli import main

raise SystemExit(main())
