"""Assemble the full analysis of a stored study from the per-concern modules."""

from __future__ import annotations

import logging
import platform

import numpy as np
import pandas as pd
import scipy

import bench
from bench.frames import StudyFrames
from bench.metrics import METRICS, MetricSpec, run_metrics, validate_target
from bench.stats.bands import curve_bands
from bench.stats.bootstrap import bootstrap_estimate, child_rng
from bench.stats.paired import ALTERNATIVE, METHOD_RULE, ZERO_METHOD, compare_pairs, friedman
from bench.stats.ranking import rank_variants
from bench.stats.results import (
    AnalysisSettings,
    MetricAnalysis,
    RunCounts,
    StudyAnalysis,
    TestSettings,
    VariantSummary,
)
from bench.stats.time_to_target import analyze_time_to_target

logger = logging.getLogger(__name__)

CONFIDENCE_LEVEL = 0.95
MIN_RESAMPLES = 100
DEFAULT_REFERENCE = "lstm_forw"


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
    variants = study_variants(frames)
    validate_arguments(metric, target, n_resamples, alpha)
    reference, notes = resolve_reference(reference, variants)

    tests = TestSettings(
        alpha=alpha,
        confidence_level=CONFIDENCE_LEVEL,
        n_resamples=n_resamples,
        seed=seed,
        bootstrap_method="BCa, percentile where BCa is not defined",
        wilcoxon_zero_method=ZERO_METHOD,
        wilcoxon_method=METHOD_RULE,
        wilcoxon_alternative=ALTERNATIVE,
    )
    settings = AnalysisSettings(metric=metric, target=target, reference=reference, tests=tests)

    logger.info("Analysing %s runs of %s variants", len(frames.runs), len(variants))
    table = run_metrics(frames, target)
    counts = tuple(_run_counts(table, variant) for variant in variants)
    notes.extend(_study_notes(table, counts))

    metric_results = tuple(
        _analyze_metric(table, spec, variants, tests) for spec in METRICS.values()
    )
    by_name = {result.spec.name: result for result in metric_results}

    logger.info("Fitting time to target %s", target)
    time_to_target = analyze_time_to_target(
        table,
        variants,
        target=target,
        horizon=_horizon(frames),
        alpha=alpha,
        level=CONFIDENCE_LEVEL,
    )

    logger.info("Bootstrapping curve bands with %s resamples", n_resamples)
    bands = curve_bands(
        {"curves": frames.curves, "heldout": frames.heldout},
        frames.runs,
        variants,
        reference,
        seed=seed,
        n_resamples=n_resamples,
        level=CONFIDENCE_LEVEL,
    )

    ranking = rank_variants(
        metric_table(table, metric, variants),
        METRICS[metric],
        by_name[metric].pairs,
        seed=seed,
        n_resamples=n_resamples,
        level=CONFIDENCE_LEVEL,
    )
    return StudyAnalysis(
        settings=settings,
        config=frames.config,
        config_hash=frames.config_hash,
        provenance=frames.provenance,
        library_versions=library_versions(),
        variants=variants,
        run_counts=counts,
        run_metrics=table,
        metrics=metric_results,
        time_to_target=time_to_target,
        bands=bands,
        ranking=ranking,
        notes=tuple(notes),
    )


def study_variants(frames: StudyFrames) -> tuple[str, ...]:
    """Return the variants of a study: configured order, then any others with stored runs."""
    configured = list(frames.config.get("variants", []))
    stored = [name for name in pd.unique(frames.runs["variant"]) if name not in configured]
    return tuple(configured + sorted(stored))


def validate_arguments(metric: str, target: float, n_resamples: int, alpha: float) -> None:
    """Raise ValueError naming the argument, the value and what is accepted."""
    if metric not in METRICS:
        raise ValueError(f"metric must be one of {', '.join(METRICS)}, got {metric!r}")
    validate_target(target)
    if isinstance(n_resamples, bool) or not isinstance(n_resamples, int):
        raise ValueError(f"n_resamples must be an integer >= {MIN_RESAMPLES}, got {n_resamples!r}")
    if n_resamples < MIN_RESAMPLES:
        raise ValueError(f"n_resamples must be an integer >= {MIN_RESAMPLES}, got {n_resamples!r}")
    if not isinstance(alpha, (int, float)) or not 0.0 < alpha < 1.0:
        raise ValueError(f"alpha must be a number in (0, 1), got {alpha!r}")


def resolve_reference(reference: str, variants: tuple[str, ...]) -> tuple[str | None, list[str]]:
    """Return the reference variant to use and a note list explaining any fallback.

    The default reference falls back to the first variant when the study lacks it; any other
    unknown name raises ValueError.
    """
    if reference in variants:
        return reference, []
    if reference != DEFAULT_REFERENCE:
        raise ValueError(
            f"reference must be a variant of the study ({', '.join(variants) or 'none stored'}), "
            f"got {reference!r}"
        )
    if not variants:
        return None, ["No variants in the study, so there are no difference curves."]
    fallback = variants[0]
    note = f"The study has no {DEFAULT_REFERENCE!r}; difference curves use {fallback!r} instead."
    return fallback, [note]


def metric_table(table: pd.DataFrame, metric: str, variants: tuple[str, ...]) -> pd.DataFrame:
    """Return a (seed x variant) table of one metric, NaN where a run has no value."""
    values = table[["variant", "seed", metric]].copy()
    values[metric] = pd.to_numeric(values[metric], errors="coerce").astype("float64")
    wide = values.pivot(index="seed", columns="variant", values=metric)
    return wide.reindex(columns=list(variants)).sort_index()


def library_versions() -> dict:
    """Return the versions of the libraries that computed the analysis."""
    return {
        "bench": bench.__version__,
        "python": platform.python_version(),
        "numpy": np.__version__,
        "scipy": scipy.__version__,
        "pandas": pd.__version__,
    }


def _analyze_metric(table, spec: MetricSpec, variants, tests: TestSettings) -> MetricAnalysis:
    wide = metric_table(table, spec.name, variants)
    summaries = tuple(_summarize(table, wide, spec, variant, tests) for variant in variants)
    omnibus = friedman(wide, spec.name)
    pairs, family_size, note = compare_pairs(wide, spec, tests)
    return MetricAnalysis(spec, summaries, omnibus, pairs, family_size, note)


def _summarize(table, wide, spec, variant, tests: TestSettings) -> VariantSummary:
    column = wide[variant].dropna()
    values = column.to_numpy(dtype=float)
    runs = table[table["variant"] == variant]
    n_excluded = len(runs) - values.size

    def estimate(statistic: str):
        rng = child_rng(tests.seed, "summary", statistic, spec.name, variant)
        return bootstrap_estimate(
            values,
            statistic,
            rng=rng,
            n_resamples=tests.n_resamples,
            level=tests.confidence_level,
        )

    return VariantSummary(
        variant=variant,
        metric=spec.name,
        n_used=int(values.size),
        n_excluded=int(n_excluded),
        values=tuple(float(value) for value in values),
        seeds=tuple(int(seed) for seed in column.index),
        mean=estimate("mean"),
        median=estimate("median"),
        std=float(np.std(values, ddof=1)) if values.size >= 2 else None,
        minimum=float(values.min()) if values.size else None,
        maximum=float(values.max()) if values.size else None,
        note=_summary_note(runs, spec, values.size),
    )


def _summary_note(runs: pd.DataFrame, spec: MetricSpec, n_used: int) -> str:
    parts = []
    n_failed = int((runs["status"] == "failed").sum())
    n_diverged = int((runs["status"] == "diverged").sum()) if spec.needs_full_curve else 0
    n_other = len(runs) - n_used - n_failed - n_diverged
    if n_diverged:
        parts.append(f"{n_diverged} diverged runs left out")
    if n_failed:
        parts.append(f"{n_failed} failed runs left out")
    if n_other > 0:
        parts.append(f"{n_other} runs with non-finite values left out")
    if spec.name == "epochs_to_target":
        n_censored = int(runs["reached_target"].eq(False).sum())
        if n_censored:
            parts.append(
                f"{n_censored} runs never reached the target and enter at their censoring epoch, "
                "so mean and median understate the time; see the time-to-target analysis"
            )
    if n_used == 0:
        parts.insert(0, "no run has a value")
    return "; ".join(parts)


def _run_counts(table: pd.DataFrame, variant: str) -> RunCounts:
    status = table.loc[table["variant"] == variant, "status"]
    return RunCounts(
        variant=variant,
        n_runs=int(status.size),
        n_ok=int((status == "ok").sum()),
        n_diverged=int((status == "diverged").sum()),
        n_failed=int((status == "failed").sum()),
    )


def _study_notes(table: pd.DataFrame, counts: tuple[RunCounts, ...]) -> list[str]:
    notes = []
    n_seeds = table["seed"].nunique()
    if n_seeds == 0:
        notes.append("The study has no stored runs, so nothing could be computed.")
    elif n_seeds == 1:
        notes.append(
            "Only one seed: descriptive output only. Tests, confidence intervals and bands "
            "need at least two seeds."
        )
    n_diverged = sum(count.n_diverged for count in counts)
    n_failed = sum(count.n_failed for count in counts)
    if n_diverged:
        notes.append(
            f"{n_diverged} diverged runs are left out of the metrics that need the full curve."
        )
    if n_failed:
        notes.append(f"{n_failed} failed runs are left out of every metric.")
    return notes


def _horizon(frames: StudyFrames) -> float:
    """Return the last evaluated epoch of the study, the horizon of the restricted mean."""
    if not frames.heldout.empty:
        return float(frames.heldout["epoch"].max())
    return float(frames.config.get("epochs", 0))
