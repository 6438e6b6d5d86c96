"""Assemble the full analysis of a stored study from the per-concern modules."""

from __future__ import annotations

from bench.frames import StudyFrames
from bench.stats.results import StudyAnalysis


def analyze_study(
    frames: StudyFrames,
    *,
    metric: str,
    target: float,
    reference: str,
    n_resamples: int,
    seed: int,
    alpha: float,
) -> StudyAnalysis:
    """Run every part of the analysis; see ``bench.stats.analyze`` for the parameters."""
    raise NotImplementedError("the analysis is being implemented")
