"""End of a study session: exports, analysis, report, and the summary printed on stdout."""

from __future__ import annotations

import logging

from bench.exports import write_exports
from bench.runner import RunnerOutcome
from bench.store import StudyStore

logger = logging.getLogger(__name__)


def finish_study(store: StudyStore, outcome: RunnerOutcome) -> int:
    """Write every output of the study folder, print the summary and return the exit code."""
    from bench.run import EXIT_INCOMPLETE, EXIT_INTERRUPTED, EXIT_OK

    frames = write_exports(store.path)
    if not outcome.missing:
        store.mark_finished()

    print(interim_summary(frames))
    print(f"study folder: {store.path}")

    how_to_resume = f"complete with --resume --out {store.path}"
    if outcome.interrupted:
        print(f"interrupted: {len(outcome.missing)} runs missing; {how_to_resume}")
        return EXIT_INTERRUPTED
    if outcome.missing:
        print(f"incomplete: {len(outcome.missing)} runs missing; {how_to_resume}")
        return EXIT_INCOMPLETE
    return EXIT_OK


def interim_summary(frames) -> str:
    """Return a per-variant table of mean AULC and final accuracy with t-based 95% CIs."""
    import numpy as np
    from scipy import stats

    from bench.metrics import DEFAULT_TARGET, run_metrics

    metrics = run_metrics(frames, DEFAULT_TARGET)
    lines = [f"{'variant':<22} {'AULC (95% CI)':<28} {'final acc (95% CI)':<28} ok/div/fail"]
    for variant in frames.config["variants"]:
        rows = metrics[metrics["variant"] == variant]
        ok = rows[rows["status"] == "ok"]
        cells = []
        for column in ("aulc", "final_accuracy"):
            values = ok[column].dropna().to_numpy()
            if len(values) < 2:
                cells.append(f"{values.mean():.4f} (n<2, no CI)" if len(values) else "no runs")
                continue
            half = stats.t.ppf(0.975, len(values) - 1) * values.std(ddof=1) / np.sqrt(len(values))
            cells.append(
                f"{values.mean():.4f} ({values.mean() - half:.4f}, {values.mean() + half:.4f})"
            )
        counts = "/".join(
            str(int((rows["status"] == s).sum())) for s in ("ok", "diverged", "failed")
        )
        lines.append(f"{variant:<22} {cells[0]:<28} {cells[1]:<28} {counts}")
    return "\n".join(lines)
