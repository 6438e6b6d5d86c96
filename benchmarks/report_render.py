"""Measure how long the report takes to render for a large synthetic study.

Usage::

    python benchmarks/report_render.py [--seeds 50] [--epochs 1000] [--variants 8]
                                       [--resamples 9999] [--repeat 1]

Writes a synthetic study (no training) into a temporary folder, analyses it, then times
``bench.report.render.write_report`` alone: figures as PNG and SVG, Markdown and HTML. The
analysis time is printed separately, because it belongs to ``bench.stats``.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

from bench.frames import load_study
from bench.report.render import write_report
from bench.report.synthetic import DEFAULT_SPEEDS, write_synthetic_study
from bench.stats import DEFAULT_RESAMPLES, analyze


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print the timings; return 0."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=50, help="seeds per variant (default 50)")
    parser.add_argument("--epochs", type=int, default=1000, help="epochs per run (default 1000)")
    parser.add_argument(
        "--variants",
        type=int,
        default=len(DEFAULT_SPEEDS),
        help=f"built-in variants, 2 to {len(DEFAULT_SPEEDS)} (default {len(DEFAULT_SPEEDS)})",
    )
    parser.add_argument(
        "--resamples",
        type=int,
        default=DEFAULT_RESAMPLES,
        help=f"bootstrap resamples of the analysis (default {DEFAULT_RESAMPLES})",
    )
    parser.add_argument("--repeat", type=int, default=1, help="renders to time (default 1)")
    args = parser.parse_args(argv)
    if not 2 <= args.variants <= len(DEFAULT_SPEEDS):
        parser.error(f"--variants must be 2 to {len(DEFAULT_SPEEDS)}, got {args.variants}")

    variants = tuple(DEFAULT_SPEEDS)[: args.variants]
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch) / "study"
        start = time.perf_counter()
        write_synthetic_study(folder, variants=variants, n_seeds=args.seeds, epochs=args.epochs)
        frames = load_study(folder)
        loaded = time.perf_counter()
        analysis = analyze(frames, n_resamples=args.resamples)
        analysed = time.perf_counter()

        renders = []
        for _ in range(args.repeat):
            begin = time.perf_counter()
            write_report(folder, frames, analysis)
            renders.append(time.perf_counter() - begin)

    print(
        f"study: {args.seeds} seeds x {args.epochs} epochs x {len(variants)} variants "
        f"({len(frames.curves)} curve rows)"
    )
    print(f"machine: {platform.platform()}, {os.cpu_count()} CPUs, Python {sys.version.split()[0]}")
    print(f"write and load study: {loaded - start:.1f} s")
    print(f"analysis ({args.resamples} resamples): {analysed - loaded:.1f} s")
    print(f"report render and write: {', '.join(f'{t:.1f} s' for t in renders)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
