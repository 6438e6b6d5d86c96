"""Censored time-to-target analysis of every variant from the per-run metrics table."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from bench.stats.paired import holm
from bench.stats.results import (
    Estimate,
    LogRankComparison,
    TimeToTargetAnalysis,
    TimeToTargetSummary,
)
from bench.stats.survival import curve_of, kaplan_meier, logrank, median_time, restricted_mean

PAIRING_NOTE = (
    "The log-rank test treats the runs of two variants as independent samples and does not use "
    "the pairing by seed, which makes it conservative when seeds are positively correlated."
)


def analyze_time_to_target(
    run_metrics: pd.DataFrame,
    variants: tuple[str, ...],
    *,
    target: float,
    horizon: float,
    alpha: float,
    level: float = 0.95,
) -> TimeToTargetAnalysis:
    """Fit Kaplan-Meier curves, restricted means and pairwise log-rank tests (Holm).

    Parameters
    ----------
    run_metrics : pandas.DataFrame
        Output of ``bench.metrics.run_metrics``; rows with a missing ``epochs_to_target``
        (failed runs) are left out and counted.
    variants : tuple of str
        Variants in study order.
    target : float
        Accuracy target the times refer to (recorded in the result).
    horizon : float
        Restriction time of the restricted mean, in epochs.
    alpha : float
        Family-wise error rate of the Holm correction.
    level : float, default 0.95
        Confidence level.
    """
    samples = {variant: _sample(run_metrics, variant) for variant in variants}
    summaries = tuple(
        _summarize(variant, *samples[variant], horizon=horizon, level=level) for variant in variants
    )
    by_name = {summary.variant: summary for summary in summaries}
    pairs, family_size = _logrank_pairs(samples, variants, by_name, alpha)

    order = sorted(
        variants,
        key=lambda name: (
            _sort_value(by_name[name].restricted_mean),
            -by_name[name].n_reached,
            variants.index(name),
        ),
    )
    return TimeToTargetAnalysis(
        target=target,
        horizon=horizon,
        summaries=summaries,
        order=tuple(order),
        pairs=pairs,
        family_size=family_size,
        note=PAIRING_NOTE,
    )


def _sample(run_metrics: pd.DataFrame, variant: str):
    rows = run_metrics[run_metrics["variant"] == variant]
    usable = rows[rows["epochs_to_target"].notna()]
    durations = usable["epochs_to_target"].to_numpy(dtype=float)
    reached = usable["reached_target"].to_numpy(dtype=bool)
    return durations, reached, len(rows) - len(usable)


def _summarize(variant, durations, reached, n_excluded, *, horizon, level) -> TimeToTargetSummary:
    n_runs = int(durations.size)
    n_reached = int(np.count_nonzero(reached))
    note = f"{n_excluded} failed runs left out" if n_excluded else ""

    if n_runs == 0:
        missing = Estimate.missing("not computed: no run of this variant has a time to target")
        return TimeToTargetSummary(variant, 0, 0, "0/0", None, missing, missing, note)

    fit = kaplan_meier(durations, reached)
    return TimeToTargetSummary(
        variant=variant,
        n_runs=n_runs,
        n_reached=n_reached,
        reached_label=f"{n_reached}/{n_runs}",
        curve=curve_of(fit, horizon, level),
        median=median_time(fit, level),
        restricted_mean=restricted_mean(fit, horizon, level),
        note=note,
    )


def _logrank_pairs(samples, variants, by_name, alpha):
    pairs = [(a, b) for i, a in enumerate(variants) for b in variants[i + 1 :]]
    results = [
        logrank(samples[a][0], samples[a][1], samples[b][0], samples[b][1]) for a, b in pairs
    ]
    tested = [index for index, result in enumerate(results) if result.statistic is not None]
    adjusted = holm(np.array([results[index].p_value for index in tested]))
    p_holm = dict(zip(tested, adjusted, strict=True))

    comparisons = []
    for index, (a, b) in enumerate(pairs):
        result = results[index]
        p = p_holm.get(index)
        significant = p is not None and p < alpha
        faster = _faster(by_name[a], by_name[b]) if significant else None
        comparisons.append(
            LogRankComparison(
                variant_a=a,
                variant_b=b,
                tested=result.statistic is not None,
                statistic=result.statistic,
                p_value=result.p_value,
                p_holm=None if p is None else float(p),
                significant=significant,
                faster=faster,
                note=result.note,
            )
        )
    return tuple(comparisons), len(tested)


def _faster(summary_a: TimeToTargetSummary, summary_b: TimeToTargetSummary) -> str | None:
    value_a = _sort_value(summary_a.restricted_mean)
    value_b = _sort_value(summary_b.restricted_mean)
    if value_a == value_b:
        return None
    return summary_a.variant if value_a < value_b else summary_b.variant


def _sort_value(estimate: Estimate) -> float:
    return math.inf if estimate.value is None else estimate.value
