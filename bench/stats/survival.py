"""Censored time to target: Kaplan-Meier curves, log-rank tests and restricted mean time.

The "event" is reaching the target accuracy, and a run that never reaches it is right-censored
at its last evaluated epoch. The estimators are the standard ones: Kaplan-Meier with Greenwood's
variance and a log(-log) pointwise band, the two-sample log-rank test, and the restricted mean
with its Greenwood-type variance. The tests check them against lifelines and hand computations.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats

from bench.stats.results import Estimate, KaplanMeierCurve


@dataclass(frozen=True)
class KaplanMeierFit:
    """Kaplan-Meier estimate at each distinct event time, with its ingredients.

    Attributes
    ----------
    times : numpy.ndarray
        Distinct event times, ascending.
    at_risk : numpy.ndarray
        Runs still at risk just before each time.
    events : numpy.ndarray
        Runs that reached the target at each time.
    survival : numpy.ndarray
        Kaplan-Meier estimate right after each time.
    greenwood : numpy.ndarray
        Greenwood sum, sum of d / (n (n - d)) up to each time, so that
        Var(S) = S**2 * greenwood.
    """

    times: np.ndarray
    at_risk: np.ndarray
    events: np.ndarray
    survival: np.ndarray
    greenwood: np.ndarray


def kaplan_meier(durations: np.ndarray, reached: np.ndarray) -> KaplanMeierFit:
    """Fit the Kaplan-Meier estimator to times with an event indicator."""
    durations = np.asarray(durations, dtype=float)
    reached = np.asarray(reached, dtype=bool)

    times = np.unique(durations[reached])
    at_risk = np.array([np.count_nonzero(durations >= t) for t in times], dtype=float)
    events = np.array([np.count_nonzero(reached & (durations == t)) for t in times], dtype=float)
    survival = np.cumprod(1.0 - events / at_risk)

    # Greenwood's term is infinite once everyone at risk has the event; S is 0 from there on,
    # so its variance is 0, and the term is set to 0 rather than divided by zero.
    survivors = at_risk - events
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(survivors > 0, events / (at_risk * survivors), 0.0)
    greenwood = np.cumsum(terms)
    return KaplanMeierFit(times, at_risk, events, survival, greenwood)


def loglog_band(fit: KaplanMeierFit, level: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Return the pointwise log(-log) confidence band of a Kaplan-Meier fit.

    Where S is 0 or 1 the transformation is undefined, and both bounds equal the estimate.
    """
    z = stats.norm.ppf(0.5 + level / 2.0)
    survival = fit.survival
    low = survival.copy()
    high = survival.copy()

    inside = (survival > 0) & (survival < 1)
    log_s = np.log(survival[inside])
    theta = np.log(-log_s)
    se_theta = np.sqrt(fit.greenwood[inside]) / np.abs(log_s)
    # A larger log(-log S) means a smaller S, so the upper theta bound gives the lower S bound.
    low[inside] = np.exp(-np.exp(theta + z * se_theta))
    high[inside] = np.exp(-np.exp(theta - z * se_theta))
    return low, high


def curve_of(fit: KaplanMeierFit, horizon: float, level: float = 0.95) -> KaplanMeierCurve:
    """Return the step curve from time 0 to ``horizon`` with its pointwise band."""
    low, high = loglog_band(fit, level)
    times = np.concatenate([[0.0], fit.times])
    survival = np.concatenate([[1.0], fit.survival])
    low = np.concatenate([[1.0], low])
    high = np.concatenate([[1.0], high])
    if horizon > times[-1]:
        times = np.append(times, horizon)
        survival = np.append(survival, survival[-1])
        low = np.append(low, low[-1])
        high = np.append(high, high[-1])
    for array in (times, survival, low, high):
        array.setflags(write=False)
    return KaplanMeierCurve(times=times, survival=survival, low=low, high=high)


def median_time(fit: KaplanMeierFit, level: float = 0.95) -> Estimate:
    """Return the Kaplan-Meier median time to target with a band-crossing CI.

    The median is the first time at which S <= 0.5. Its interval runs from the first time the
    lower band reaches 0.5 to the first time the upper band does; lifelines'
    ``median_survival_times`` applied to the log(-log) band gives the same bounds.
    """
    below = np.flatnonzero(fit.survival <= 0.5)
    if below.size == 0:
        return Estimate.missing(
            "not reached: fewer than half of the runs reached the target", method="km-band"
        )
    value = float(fit.times[below[0]])

    low_band, high_band = loglog_band(fit, level)
    lower = np.flatnonzero(low_band <= 0.5)
    upper = np.flatnonzero(high_band <= 0.5)
    low = float(fit.times[lower[0]])
    if upper.size == 0:
        note = "upper bound not defined: the upper band never falls to 0.5 within the study"
        return Estimate(value, low, None, "km-band", note, level)
    high = float(fit.times[upper[0]])
    return Estimate(value, low, high, "km-band", "", level)


def restricted_mean(fit: KaplanMeierFit, horizon: float, level: float = 0.95) -> Estimate:
    """Return the restricted mean time to target up to ``horizon`` with a normal CI.

    The restricted mean is the area under the Kaplan-Meier curve from 0 to ``horizon``: the
    expected number of epochs, capped at the horizon, before a run reaches the target. Its
    variance is sum over event times t_j <= horizon of A_j**2 d_j / (n_j (n_j - d_j)), where
    A_j is the area under the curve from t_j to the horizon.
    """
    keep = fit.times <= horizon
    times = fit.times[keep]
    survival = fit.survival[keep]
    at_risk = fit.at_risk[keep]
    events = fit.events[keep]

    # The curve is 1 before the first event and survival[j] from times[j] to the next time.
    edges = np.concatenate([[0.0], times, [horizon]])
    heights = np.concatenate([[1.0], survival])
    pieces = heights * np.diff(edges)
    value = float(pieces.sum())

    # Area after each event time: the sum of the pieces to its right.
    area_after = np.cumsum(pieces[::-1])[::-1][1:]
    survivors = at_risk - events
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(survivors > 0, area_after**2 * events / (at_risk * survivors), 0.0)
    variance = float(terms.sum())

    if variance <= 0:
        note = "not defined: the variance estimate is zero"
        if times.size == 0:
            note = "not defined: no run reached the target, so the restricted mean is the horizon"
        elif survivors[-1] == 0 and times.size == 1:
            note = "not defined: every run reached the target at the same epoch"
        return Estimate(value, None, None, "normal", note, level)

    z = stats.norm.ppf(0.5 + level / 2.0)
    half = float(z * np.sqrt(variance))
    return Estimate(value, value - half, value + half, "normal", "", level)


@dataclass(frozen=True)
class LogRank:
    """Result of a two-sample log-rank test; ``statistic`` is None when not defined."""

    statistic: float | None
    p_value: float | None
    note: str = ""


def logrank(
    durations_a: np.ndarray,
    reached_a: np.ndarray,
    durations_b: np.ndarray,
    reached_b: np.ndarray,
) -> LogRank:
    """Test equal time-to-target distributions of two groups (chi-square, 1 degree of freedom).

    At each distinct event time of the pooled sample, the observed events of group a are
    compared with their expectation under the null. The variance uses the hypergeometric
    formula, which allows tied event times.
    """
    durations_a = np.asarray(durations_a, dtype=float)
    durations_b = np.asarray(durations_b, dtype=float)
    reached_a = np.asarray(reached_a, dtype=bool)
    reached_b = np.asarray(reached_b, dtype=bool)
    if durations_a.size == 0 or durations_b.size == 0:
        return LogRank(None, None, "not tested: a variant has no runs")

    times = np.unique(np.concatenate([durations_a[reached_a], durations_b[reached_b]]))
    if times.size == 0:
        return LogRank(None, None, "not tested: no run of either variant reached the target")

    at_risk_a = (durations_a[None, :] >= times[:, None]).sum(axis=1).astype(float)
    at_risk_b = (durations_b[None, :] >= times[:, None]).sum(axis=1).astype(float)
    events_a = (reached_a[None, :] & (durations_a[None, :] == times[:, None])).sum(axis=1)
    events_b = (reached_b[None, :] & (durations_b[None, :] == times[:, None])).sum(axis=1)

    at_risk = at_risk_a + at_risk_b
    events = events_a + events_b
    expected_a = events * at_risk_a / at_risk
    with np.errstate(divide="ignore", invalid="ignore"):
        variance_terms = np.where(
            at_risk > 1,
            events
            * (at_risk_a / at_risk)
            * (1 - at_risk_a / at_risk)
            * (at_risk - events)
            / (at_risk - 1),
            0.0,
        )
    variance = float(variance_terms.sum())
    if variance <= 0:
        return LogRank(None, None, "not tested: the log-rank variance is zero")

    statistic = float((events_a.sum() - expected_a.sum()) ** 2 / variance)
    return LogRank(statistic, float(stats.chi2.sf(statistic, df=1)))
