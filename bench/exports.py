"""Tidy CSV exports of a stored study: curves, held-out evaluations and per-run metrics."""

from __future__ import annotations

import logging
from pathlib import Path

from bench.frames import StudyFrames, load_study
from bench.store import write_atomic

logger = logging.getLogger(__name__)


def write_exports(
    study_dir: str | Path, frames: StudyFrames | None = None, target: float | None = None
) -> StudyFrames:
    """Write ``curves.csv``, ``heldout.csv`` and ``metrics.csv`` and return the loaded frames.

    ``target`` is the held-out accuracy of ``epochs_to_target``; None uses the default.
    """
    from bench.metrics import DEFAULT_TARGET, run_metrics

    study_dir = Path(study_dir)
    frames = frames if frames is not None else load_study(study_dir)

    write_atomic(study_dir / "curves.csv", frames.curves.to_csv(index=False))
    write_atomic(study_dir / "heldout.csv", frames.heldout.to_csv(index=False))
    metrics = run_metrics(frames, DEFAULT_TARGET if target is None else target)
    write_atomic(study_dir / "metrics.csv", metrics.to_csv(index=False))

    logger.info("wrote curves.csv, heldout.csv and metrics.csv in %s", study_dir)
    return frames
