"""Command line: analyse a stored study, write ``summary.json`` and print the ranking.

Usage::

    python -m bench.analyze STUDY_DIR [--metric M] [--target T] [--reference V]
                                      [--resamples N] [--seed S]
"""

from __future__ import annotations

import argparse
import json
import logging
import math
import sys
from pathlib import Path

from bench.frames import STUDY_FILE, load_study
from bench.metrics import DEFAULT_TARGET, METRICS
from bench.stats import (
    DEFAULT_METRIC,
    DEFAULT_REFERENCE,
    DEFAULT_RESAMPLES,
    DEFAULT_SEED,
    StudyAnalysis,
    analyze,
)
from bench.stats.analysis import MIN_RESAMPLES, study_variants
from bench.stats.summary_json import SUMMARY_FILE, summary_dict
from bench.stats.tables import format_ranking_table

__all__ = ["format_ranking_table", "main", "run_analysis", "write_summary"]

logger = logging.getLogger(__name__)


class UsageError(ValueError):
    """An option or argument has a value the command does not accept."""


def write_summary(study_dir: str | Path, analysis: StudyAnalysis) -> Path:
    """Write ``summary.json`` into the study folder and return its path.

    The file is written to a temporary name first and renamed, so a reader never sees a
    partial file.
    """
    path = Path(study_dir) / SUMMARY_FILE
    text = json.dumps(summary_dict(analysis), indent=2, allow_nan=False) + "\n"
    partial = path.with_name(path.name + ".partial")
    partial.write_text(text)
    partial.replace(path)
    return path


def run_analysis(
    study_dir: str | Path,
    *,
    metric: str = DEFAULT_METRIC,
    target: float | None = None,
    reference: str = DEFAULT_REFERENCE,
    n_resamples: int = DEFAULT_RESAMPLES,
    seed: int = DEFAULT_SEED,
) -> StudyAnalysis:
    """Load a study folder, analyse it and write its ``summary.json``.

    See ``bench.stats.analyze`` for the parameters. Raises FileNotFoundError when the folder
    contains no study and ValueError for an invalid setting.
    """
    frames = load_study(study_dir)
    analysis = analyze(
        frames,
        metric=metric,
        target=target,
        reference=reference,
        n_resamples=n_resamples,
        seed=seed,
    )
    path = write_summary(study_dir, analysis)
    logger.info("Wrote %s", path)
    return analysis


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser of ``python -m bench.analyze``."""
    parser = argparse.ArgumentParser(
        prog="python -m bench.analyze",
        description="Analyse a stored study: write summary.json into the study folder and "
        "print the ranking of the variants.",
    )
    parser.add_argument("study_dir", metavar="STUDY_DIR", help="study folder (contains study.json)")
    parser.add_argument(
        "--metric",
        default=DEFAULT_METRIC,
        help=f"primary ranking metric, one of {', '.join(METRICS)} (default {DEFAULT_METRIC})",
    )
    parser.add_argument(
        "--target",
        default=None,
        help="held-out accuracy target of epochs_to_target, a fraction in (0, 1] "
        f"(default {DEFAULT_TARGET})",
    )
    parser.add_argument(
        "--reference",
        default=DEFAULT_REFERENCE,
        help="variant the difference curves compare against "
        f"(default {DEFAULT_REFERENCE}, or the first variant when the study lacks it)",
    )
    parser.add_argument(
        "--resamples",
        default=str(DEFAULT_RESAMPLES),
        help=f"bootstrap resamples per interval and band, at least {MIN_RESAMPLES} "
        f"(default {DEFAULT_RESAMPLES})",
    )
    parser.add_argument(
        "--seed",
        default=str(DEFAULT_SEED),
        help=f"seed of every bootstrap, an integer (default {DEFAULT_SEED})",
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return 0 on success and 2 for invalid input."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_request:
        return int(exit_request.code or 0)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")

    try:
        options = _validated_options(args)
        frames = load_study(args.study_dir)
        _check_reference(args.reference, study_variants(frames))
    except UsageError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2

    analysis = analyze(frames, **options)
    path = write_summary(args.study_dir, analysis)
    logger.info("Wrote %s", path)
    print(format_ranking_table(analysis))
    return 0


def _validated_options(args: argparse.Namespace) -> dict:
    study_dir = Path(args.study_dir)
    if not study_dir.is_dir():
        raise UsageError(f"STUDY_DIR {str(study_dir)!r} is not an existing folder")
    if not (study_dir / STUDY_FILE).is_file():
        raise UsageError(
            f"STUDY_DIR {str(study_dir)!r} contains no {STUDY_FILE}; "
            "give a folder written by python -m bench.run"
        )
    if args.metric not in METRICS:
        raise UsageError(
            f"--metric {args.metric!r} is not a known metric; accepted: {', '.join(METRICS)}"
        )
    return {
        "metric": args.metric,
        "target": _target(args.target),
        "reference": args.reference,
        "n_resamples": _integer("--resamples", args.resamples, minimum=MIN_RESAMPLES),
        "seed": _integer("--seed", args.seed, minimum=0),
    }


def _target(text: str | None) -> float | None:
    if text is None:
        return None
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not 0.0 < value <= 1.0:
        raise UsageError(
            f"--target {text!r} is not a held-out accuracy in (0, 1]; "
            f"give a fraction such as {DEFAULT_TARGET}"
        )
    return value


def _integer(option: str, text: str, *, minimum: int) -> int:
    try:
        value = int(text)
    except ValueError:
        value = minimum - 1
    if value < minimum:
        raise UsageError(f"{option} {text!r} is not an integer >= {minimum}")
    return value


def _check_reference(reference: str, variants: tuple[str, ...]) -> None:
    if reference in variants or reference == DEFAULT_REFERENCE:
        return
    raise UsageError(
        f"--reference {reference!r} is not a variant of this study; "
        f"accepted: {', '.join(variants) or 'none (the study has no runs)'}"
    )


if __name__ == "__main__":
    sys.exit(main())
