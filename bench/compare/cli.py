"""Command line of ``python -m bench.compare``: parse, compare, print, return an exit code."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from bench.compare.comparison import StudyComparison, compare_studies
from bench.compare.errors import CompareInputError
from bench.compare.load import load_study_input
from bench.compare.margins import (
    DEFAULT_METRICS,
    METRIC_SPECS,
    parse_margins,
    parse_metrics,
    resolve_margins,
)
from bench.compare.markdown import render_markdown
from bench.compare.table import render_text
from bench.compare.verdicts import Verdict

logger = logging.getLogger(__name__)

PROG = "python -m bench.compare"
EXIT_OK = 0
EXIT_REGRESSED = 1
EXIT_UNUSABLE = 2

_DESCRIPTION = """\
Compare a current study with a baseline study, variant by variant and metric by metric,
and give each variant a verdict: unchanged, improved, regressed or inconclusive.

Runs are paired by seed when both studies have the same root seed (seed r then trained on
the same data in both), on the seeds common to both; otherwise the comparison is unpaired.
Only runs with status "ok" are compared; the others are counted in the output."""

_EPILOG_TEMPLATE = """\
verdict rule, with D = mean(current) - mean(baseline) and margin m:
  unchanged     the 90%% CI of D lies inside (-m, m) (two one-sided tests at alpha 0.05),
                or every paired difference is exactly zero
  regressed     the 95%% CI of D lies entirely on the worse side of 0 and D is more than m
                towards worse
  improved      the mirror image of regressed
  inconclusive  anything else, including too few runs for an interval
  CIs are t-intervals: one-sample on per-seed differences when paired, Welch's otherwise.
  A variant regressed if any metric regressed, improved if any improved and none
  regressed, unchanged if all are unchanged, and inconclusive otherwise.

metrics (direction, default margin):
%(metrics)s

exit codes:
  0  no variant regressed
  1  at least one variant regressed (or, with --fail-on-inconclusive, was inconclusive)
  2  unusable input: missing files, invalid options, different task settings
     (n_timesteps, threshold_fraction, epochs, eval_every, eval_size) or no common variant"""


def build_parser() -> argparse.ArgumentParser:
    """Build the argument parser; the help text states the verdict rule and exit codes."""
    parser = argparse.ArgumentParser(
        prog=PROG,
        description=_DESCRIPTION,
        epilog=_EPILOG_TEMPLATE % {"metrics": _metric_help()},
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "baseline", metavar="BASELINE", help="baseline study folder, or its summary.json"
    )
    parser.add_argument(
        "current", metavar="CURRENT", help="current study folder, or its summary.json"
    )
    parser.add_argument(
        "--metrics",
        default=",".join(DEFAULT_METRICS),
        help=(
            "comma-separated metrics to judge, in output order "
            f"(default: {','.join(DEFAULT_METRICS)}; accepted: {', '.join(METRIC_SPECS)})"
        ),
    )
    parser.add_argument(
        "--margin",
        action="append",
        default=[],
        metavar="METRIC=VALUE",
        help="equivalence margin of one metric in its own unit, greater than 0; repeatable",
    )
    parser.add_argument(
        "--markdown", type=Path, metavar="FILE", help="also write a Markdown summary to FILE"
    )
    parser.add_argument(
        "--fail-on-inconclusive",
        action="store_true",
        help="exit 1 when a variant is inconclusive as well as when one regressed",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the comparison and return the exit code (0, 1 or 2, see ``--help``)."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s: %(message)s")
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_request:
        # argparse exits on --help (code 0) and on a usage error (code 2). Returning the code
        # lets callers such as tests get it without catching SystemExit.
        return int(exit_request.code or 0)

    try:
        comparison = _run(args)
    except CompareInputError as error:
        print(f"{PROG}: error: {error}", file=sys.stderr)
        return EXIT_UNUSABLE

    sys.stdout.write(render_text(comparison))
    if args.markdown is not None:
        try:
            args.markdown.write_text(render_markdown(comparison))
        except OSError as error:
            message = f"--markdown cannot write {args.markdown}: {error}"
            print(f"{PROG}: error: {message}", file=sys.stderr)
            return EXIT_UNUSABLE
    return exit_code(comparison, fail_on_inconclusive=args.fail_on_inconclusive)


def exit_code(comparison: StudyComparison, fail_on_inconclusive: bool = False) -> int:
    """Return 1 when a variant regressed (or was inconclusive, if asked), else 0."""
    if comparison.regressed:
        return EXIT_REGRESSED
    if fail_on_inconclusive and comparison.variants_with(Verdict.INCONCLUSIVE):
        return EXIT_REGRESSED
    return EXIT_OK


def _run(args: argparse.Namespace) -> StudyComparison:
    metrics = parse_metrics(args.metrics)
    overrides = parse_margins(args.margin)
    for name in overrides:
        if name not in metrics:
            logger.warning(
                "--margin sets %s, but %s is not judged; add it to --metrics to judge it",
                name,
                name,
            )
    margins = resolve_margins(metrics, overrides)

    baseline = load_study_input(args.baseline, "BASELINE", metrics)
    current = load_study_input(args.current, "CURRENT", metrics)
    return compare_studies(baseline, current, margins)


def _metric_help() -> str:
    lines = []
    for spec in METRIC_SPECS.values():
        direction = "lower is better" if spec.lower_is_better else "higher is better"
        lines.append(f"  {spec.name:<17} {direction}, {spec.default_margin:g} {spec.unit}")
    return "\n".join(lines)
