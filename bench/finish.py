"""End of a study session: exports, analysis, report, and the summary printed on stdout."""

from __future__ import annotations

import argparse
import logging

from bench.exports import write_exports
from bench.runner import RunnerOutcome
from bench.store import StudyStore

logger = logging.getLogger(__name__)


def finish_study(store: StudyStore, outcome: RunnerOutcome, args: argparse.Namespace) -> int:
    """Write every output of the study folder, print the ranking and return the exit code."""
    from bench.run import EXIT_INCOMPLETE, EXIT_INTERRUPTED, EXIT_OK

    # Record the end first, so the analysis and report read a finished header. A resumed study
    # that had nothing left to train keeps the end time it already had.
    if not outcome.missing:
        nothing_trained = outcome.planned == 0
        store.mark_finished(store.previous_finished_at if nothing_trained else None)
    frames = write_exports(store.path, target=args.target)

    if outcome.missing:
        print(
            f"note: the study is incomplete ({len(frames.runs)} of "
            f"{len(frames.config['variants']) * frames.config['n_seeds']} runs stored); "
            "the results below use the stored runs only"
        )
    if frames.runs.empty:
        print("no run is stored yet, so there is nothing to analyse")
    else:
        analyse_and_report(store, frames, args)
    print(f"study folder: {store.path}")

    how_to_resume = f"complete with --resume --out {store.path}"
    n_failed = int((frames.runs["status"] == "failed").sum()) if not frames.runs.empty else 0
    if outcome.interrupted:
        print(f"interrupted: {len(outcome.missing)} runs missing; {how_to_resume}")
        return EXIT_INTERRUPTED
    if outcome.missing:
        print(f"incomplete: {len(outcome.missing)} runs missing; {how_to_resume}")
        return EXIT_INCOMPLETE
    if n_failed:
        print(
            f"failed: {n_failed} runs raised an error; the messages are in the report's run "
            "details and in runs/<variant>/seed-NNNN.json"
        )
        return EXIT_INCOMPLETE
    return EXIT_OK


def run_count_line(frames) -> str:
    """Return "runs: 178 ok, 2 diverged, 0 failed (of 180 planned)" for the stored runs."""
    counts = frames.runs["status"].value_counts()
    planned = len(frames.config["variants"]) * frames.config["n_seeds"]
    parts = ", ".join(
        f"{int(counts.get(status, 0))} {status}" for status in ("ok", "diverged", "failed")
    )
    return f"runs: {parts} (of {planned} planned)"


def analyse_and_report(store: StudyStore, frames, args: argparse.Namespace) -> None:
    """Analyse the stored runs, write summary.json and the report, and print the ranking.

    Nothing here imports TensorFlow; ``python -m bench.report`` redoes it from the stored runs.
    """
    from bench.analyze import format_ranking_table, write_summary
    from bench.stats import analyze

    analysis = analyze(frames, metric=args.metric, target=args.target, reference=args.reference)
    summary = write_summary(store.path, analysis)
    logger.info("wrote %s", summary)

    from bench.report.render import write_report

    paths = write_report(store.path, frames, analysis)
    logger.info("wrote %s and %s", paths.markdown, paths.html)

    print(format_ranking_table(analysis))
    print(run_count_line(frames))
