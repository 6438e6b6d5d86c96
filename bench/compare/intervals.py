"""Confidence intervals of the difference current - baseline of a metric's mean.

Paired studies use the one-sample t-interval of the per-seed differences; unpaired studies
use Welch's t-interval of the difference of means, with Welch-Satterthwaite degrees of
freedom. The t-interval is exact for normal data, hand-checkable and free of resampling
noise; with few seeds and skewed metrics its coverage is only approximate.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import stats

# Two-sided levels: the 90 % interval is the two one-sided tests (TOST) at alpha 0.05, and
# the 95 % interval is the two-sided test of "no change" at alpha 0.05.
EQUIVALENCE_LEVEL = 0.90
CHANGE_LEVEL = 0.95


@dataclass(frozen=True)
class Interval:
    """A closed interval ``[low, high]``."""

    low: float
    high: float


@dataclass(frozen=True)
class DifferenceEstimate:
    """The difference current - baseline of a metric's mean, with its intervals.

    Attributes
    ----------
    paired : bool
        True for per-seed differences, False for Welch's two-sample interval.
    n_baseline, n_current : int
        Values used from each study (equal to the number of pairs when paired).
    baseline_mean, current_mean : float or None
        Means of the values used; None when a study has no value.
    estimate : float or None
        current_mean - baseline_mean; None when it cannot be computed.
    ci90, ci95 : Interval or None
        The 90 % and 95 % intervals; None when they cannot be computed.
    all_zero : bool
        True when every paired difference is exactly zero (identical results).
    reason : str or None
        Why the intervals are missing, in words; None when they exist.
    """

    paired: bool
    n_baseline: int
    n_current: int
    baseline_mean: float | None
    current_mean: float | None
    estimate: float | None
    ci90: Interval | None
    ci95: Interval | None
    all_zero: bool = False
    reason: str | None = None


def paired_difference(baseline: np.ndarray, current: np.ndarray) -> DifferenceEstimate:
    """Estimate the mean of the per-seed differences current - baseline.

    Parameters
    ----------
    baseline, current : numpy.ndarray
        Values of the same seeds in the same order, without NaN.

    Notes
    -----
    All differences zero gives the interval [0, 0] (identical results). Equal non-zero
    differences give a zero-width interval at that value, because a constant shift has no
    sampling spread. One pair with a non-zero difference gives no interval.
    """
    baseline = np.asarray(baseline, dtype=float)
    current = np.asarray(current, dtype=float)
    n = baseline.size
    if n == 0:
        return _without_interval(
            paired=True,
            n_baseline=0,
            n_current=0,
            baseline_mean=None,
            current_mean=None,
            reason="no seed has an ok run with this metric in both studies",
        )

    differences = current - baseline
    base_mean, cur_mean = float(baseline.mean()), float(current.mean())
    all_zero = bool(np.all(differences == 0))

    if not all_zero and n < 2:
        return _without_interval(
            paired=True,
            n_baseline=n,
            n_current=n,
            baseline_mean=base_mean,
            current_mean=cur_mean,
            reason="one pair gives no confidence interval; at least 2 paired seeds are needed",
        )

    # The mean of the differences equals cur_mean - base_mean up to rounding; taking it
    # from the differences keeps identical results at exactly zero.
    estimate = float(differences.mean())
    spread = float(differences.std(ddof=1)) if n >= 2 else 0.0
    standard_error = spread / math.sqrt(n)
    return DifferenceEstimate(
        paired=True,
        n_baseline=n,
        n_current=n,
        baseline_mean=base_mean,
        current_mean=cur_mean,
        estimate=estimate,
        ci90=_t_interval(estimate, standard_error, n - 1, EQUIVALENCE_LEVEL),
        ci95=_t_interval(estimate, standard_error, n - 1, CHANGE_LEVEL),
        all_zero=all_zero,
    )


def welch_difference(baseline: np.ndarray, current: np.ndarray) -> DifferenceEstimate:
    """Estimate mean(current) - mean(baseline) from independent samples (Welch).

    Parameters
    ----------
    baseline, current : numpy.ndarray
        Values of each study's ok runs, without NaN.

    Notes
    -----
    Each study needs at least 2 values. When both samples are constant the standard error is
    zero and the interval has zero width at the difference of means.
    """
    baseline = np.asarray(baseline, dtype=float)
    current = np.asarray(current, dtype=float)
    n_base, n_cur = baseline.size, current.size
    base_mean = float(baseline.mean()) if n_base else None
    cur_mean = float(current.mean()) if n_cur else None

    if n_base < 2 or n_cur < 2:
        return _without_interval(
            paired=False,
            n_baseline=n_base,
            n_current=n_cur,
            baseline_mean=base_mean,
            current_mean=cur_mean,
            reason=(
                f"Welch's interval needs at least 2 ok runs in each study; "
                f"got {n_base} in the baseline and {n_cur} in the current study"
            ),
        )

    estimate = cur_mean - base_mean
    var_base = float(baseline.var(ddof=1)) / n_base
    var_cur = float(current.var(ddof=1)) / n_cur
    standard_error = math.sqrt(var_base + var_cur)
    degrees = _welch_degrees(var_base, var_cur, n_base, n_cur)
    return DifferenceEstimate(
        paired=False,
        n_baseline=n_base,
        n_current=n_cur,
        baseline_mean=base_mean,
        current_mean=cur_mean,
        estimate=estimate,
        ci90=_t_interval(estimate, standard_error, degrees, EQUIVALENCE_LEVEL),
        ci95=_t_interval(estimate, standard_error, degrees, CHANGE_LEVEL),
    )


def _without_interval(
    *,
    paired: bool,
    n_baseline: int,
    n_current: int,
    baseline_mean: float | None,
    current_mean: float | None,
    reason: str,
) -> DifferenceEstimate:
    estimate = None
    if baseline_mean is not None and current_mean is not None:
        estimate = current_mean - baseline_mean
    return DifferenceEstimate(
        paired=paired,
        n_baseline=n_baseline,
        n_current=n_current,
        baseline_mean=baseline_mean,
        current_mean=current_mean,
        estimate=estimate,
        ci90=None,
        ci95=None,
        reason=reason,
    )


def _welch_degrees(var_base: float, var_cur: float, n_base: int, n_cur: int) -> float:
    """Welch-Satterthwaite degrees of freedom from the squared standard errors of each mean."""
    denominator = var_base**2 / (n_base - 1) + var_cur**2 / (n_cur - 1)
    if denominator == 0:
        # Both samples are constant; the interval has zero width whatever the degrees.
        return float(n_base + n_cur - 2)
    return (var_base + var_cur) ** 2 / denominator


def _t_interval(estimate: float, standard_error: float, degrees: float, level: float) -> Interval:
    if standard_error == 0:
        return Interval(estimate, estimate)
    half_width = float(stats.t.ppf(0.5 + level / 2, degrees)) * standard_error
    return Interval(estimate - half_width, estimate + half_width)
