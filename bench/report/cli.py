"""Command line: re-render the report of a stored study without retraining.

Usage::

    python -m bench.report STUDY_DIR [--metric M] [--target T] [--reference V]
                                     [--resamples N] [--seed S] [--alpha A] [--no-svg]

The study is loaded from its folder, analysed again (the analysis is deterministic for the
same settings) and its ``report.md``, ``report.html`` and ``figures/`` are rewritten. Settings
not given on the command line are taken from the study's ``summary.json`` when it has one, so
the report matches the analysis of the original run, and from the analysis defaults otherwise.
Nothing here imports TensorFlow.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path

from bench.frames import STUDY_FILE, load_study
from bench.metrics import METRICS
from bench.stats import (
    DEFAULT_ALPHA,
    DEFAULT_METRIC,
    DEFAULT_REFERENCE,
    DEFAULT_RESAMPLES,
    DEFAULT_SEED,
    analyze,
)
from bench.stats.summary_json import SUMMARY_FILE

logger = logging.getLogger(__name__)

EXIT_OK = 0
EXIT_USAGE = 2


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser of ``python -m bench.report``."""
    parser = argparse.ArgumentParser(
        prog="python -m bench.report",
        description="Re-render report.md, report.html and figures/ of a stored study from "
        "its stored runs, without retraining.",
    )
    parser.add_argument("study_dir", metavar="STUDY_DIR", help="study folder (holds study.json)")
    parser.add_argument(
        "--metric",
        default=None,
        help=f"primary ranking metric, one of {', '.join(METRICS)} (default {DEFAULT_METRIC})",
    )
    parser.add_argument(
        "--target",
        type=float,
        default=None,
        help="held-out accuracy a run must reach, a fraction in (0, 1] "
        "(default: the analysis default)",
    )
    parser.add_argument(
        "--reference",
        default=None,
        help=f"variant the difference curves compare against (default {DEFAULT_REFERENCE})",
    )
    parser.add_argument(
        "--resamples",
        type=int,
        default=None,
        help=f"bootstrap resamples per interval and band (default {DEFAULT_RESAMPLES})",
    )
    parser.add_argument(
        "--seed", type=int, default=None, help=f"bootstrap seed (default {DEFAULT_SEED})"
    )
    parser.add_argument(
        "--alpha",
        type=float,
        default=None,
        help=f"family-wise error rate of the Holm correction (default {DEFAULT_ALPHA})",
    )
    parser.add_argument(
        "--no-svg", action="store_true", help="write PNG figures only (default: PNG and SVG)"
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress to stderr")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command line and return its exit code (0 on success, 2 on bad input)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )

    study_dir = Path(args.study_dir)
    if not (study_dir / STUDY_FILE).is_file():
        print(
            f"error: STUDY_DIR {study_dir} is not a study folder: {STUDY_FILE} not found; "
            "pass the folder that python -m bench.run wrote",
            file=sys.stderr,
        )
        return EXIT_USAGE

    # Imported here so that --help stays fast: the figure libraries take a second to import.
    from bench.report.render import write_report

    frames = load_study(study_dir)
    settings = resolve_settings(args, stored_settings(study_dir))
    try:
        analysis = analyze(frames, **settings)
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_USAGE

    paths = write_report(study_dir, frames, analysis, svg=not args.no_svg)
    print(paths.markdown)
    print(paths.html)
    return EXIT_OK


def stored_settings(study_dir: Path) -> dict:
    """Return the analysis settings recorded in the study's ``summary.json``, or {} if none.

    An unreadable file is logged and ignored, because the command can still render the report
    with the defaults.
    """
    path = study_dir / SUMMARY_FILE
    if not path.is_file():
        return {}
    try:
        recorded = json.loads(path.read_text())["settings"]
        tests = recorded.get("tests", {})
        found = {
            "metric": recorded.get("metric"),
            "target": recorded.get("target"),
            "reference": recorded.get("reference"),
            "n_resamples": tests.get("n_resamples"),
            "seed": tests.get("seed"),
            "alpha": tests.get("alpha"),
        }
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as error:
        logger.warning("Ignoring the settings of %s, which could not be read: %s", path, error)
        return {}
    return {name: value for name, value in found.items() if value is not None}


def resolve_settings(args: argparse.Namespace, stored: dict) -> dict:
    """Merge the analysis settings: command line first, then ``summary.json``, then defaults."""
    settings = {
        "metric": DEFAULT_METRIC,
        "target": None,
        "reference": DEFAULT_REFERENCE,
        "n_resamples": DEFAULT_RESAMPLES,
        "seed": DEFAULT_SEED,
        "alpha": DEFAULT_ALPHA,
    }
    settings.update(stored)
    given = {
        "metric": args.metric,
        "target": args.target,
        "reference": args.reference,
        "n_resamples": args.resamples,
        "seed": args.seed,
        "alpha": args.alpha,
    }
    settings.update({name: value for name, value in given.items() if value is not None})
    logger.info("Analysis settings: %s", settings)
    return settings
