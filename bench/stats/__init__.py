"""Statistical analysis of a stored study: paired tests, bootstrap CIs, bands and ranking.

The public entry point is :func:`analyze`; its result is a :class:`StudyAnalysis` built from the
frozen dataclasses of :mod:`bench.stats.results`. Nothing here imports TensorFlow.
"""

from __future__ import annotations

from bench.frames import StudyFrames
from bench.metrics import DEFAULT_TARGET
from bench.stats.analysis import DEFAULT_REFERENCE, analyze_study
from bench.stats.results import (
    AnalysisSettings,
    CurveBand,
    Estimate,
    KaplanMeierCurve,
    LogRankComparison,
    MetricAnalysis,
    OmnibusTest,
    PairwiseComparison,
    Ranking,
    RunCounts,
    StudyAnalysis,
    TestSettings,
    TimeToTargetAnalysis,
    TimeToTargetSummary,
    VariantRank,
    VariantSummary,
)

DEFAULT_METRIC = "heldout_aulc"
DEFAULT_RESAMPLES = 9999
DEFAULT_SEED = 12345
DEFAULT_ALPHA = 0.05

__all__ = [
    "DEFAULT_ALPHA",
    "DEFAULT_METRIC",
    "DEFAULT_REFERENCE",
    "DEFAULT_RESAMPLES",
    "DEFAULT_SEED",
    "AnalysisSettings",
    "CurveBand",
    "Estimate",
    "KaplanMeierCurve",
    "LogRankComparison",
    "MetricAnalysis",
    "OmnibusTest",
    "PairwiseComparison",
    "Ranking",
    "RunCounts",
    "StudyAnalysis",
    "TestSettings",
    "TimeToTargetAnalysis",
    "TimeToTargetSummary",
    "VariantRank",
    "VariantSummary",
    "analyze",
]


def analyze(
    frames: StudyFrames,
    *,
    metric: str = DEFAULT_METRIC,
    target: float | None = None,
    reference: str = DEFAULT_REFERENCE,
    n_resamples: int = DEFAULT_RESAMPLES,
    seed: int = DEFAULT_SEED,
    alpha: float = DEFAULT_ALPHA,
) -> StudyAnalysis:
    """Analyse a stored study: summaries, paired tests, time to target, bands and ranking.

    Parameters
    ----------
    frames : StudyFrames
        The study as loaded by ``bench.frames.load_study``.
    metric : str, default "heldout_aulc"
        Primary metric of the ranking; a key of ``bench.metrics.METRICS``.
    target : float or None, default None
        Held-out accuracy target of ``epochs_to_target``, in (0, 1]. None uses
        ``bench.metrics.DEFAULT_TARGET``.
    reference : str, default "lstm_forw"
        Variant that the difference bands compare every other variant against. When the study
        has no variant of the default name, the first variant of the study is used and a note
        states this.
    n_resamples : int, default 9999
        Bootstrap resamples per interval and band.
    seed : int, default 12345
        Seed of every bootstrap; the same seed gives the same analysis.
    alpha : float, default 0.05
        Family-wise error rate of the Holm correction.

    Returns
    -------
    StudyAnalysis

    Raises
    ------
    ValueError
        If ``metric`` is unknown, ``target`` is outside (0, 1], ``reference`` is not a variant
        of the study (except the default, which falls back as described above),
        ``n_resamples`` is below 100 or ``alpha`` is outside (0, 1). The message names the
        argument, the value and what is accepted.
    """
    return analyze_study(
        frames,
        metric=metric,
        target=DEFAULT_TARGET if target is None else target,
        reference=reference,
        n_resamples=n_resamples,
        seed=seed,
        alpha=alpha,
    )
