"""Seeded bootstrap confidence intervals over seeds, with a stated fallback where BCa fails.

Every interval resamples seeds. A paired quantity (a difference or a win indicator per seed) is
computed per seed first, so resampling it resamples both variants of a seed together.
"""

from __future__ import annotations

import warnings
import zlib
from collections.abc import Callable

import numpy as np
from scipy import stats

from bench.stats.results import Estimate

STATISTICS: dict[str, Callable[..., np.ndarray]] = {"mean": np.mean, "median": np.median}


def child_rng(seed: int, *key: str) -> np.random.Generator:
    """Return a Generator for one named quantity, derived from the analysis seed.

    The stream depends only on ``seed`` and ``key`` (e.g. "summary", "aulc", "lstm_forw"), so
    reordering variants or skipping one leaves every other interval unchanged.
    """
    words = [zlib.crc32(part.encode("utf-8")) for part in key]
    return np.random.default_rng(np.random.SeedSequence(entropy=seed, spawn_key=words))


def resample_counts(rng: np.random.Generator, n_items: int, n_resamples: int) -> np.ndarray:
    """Draw bootstrap resamples of ``n_items`` seeds as a (n_resamples, n_items) count matrix.

    Row ``b`` counts how often each seed appears in resample ``b``, so a resampled mean of a
    (n_items, k) table ``x`` is ``counts @ x / n_items`` for all resamples at once.
    """
    # Indices plus a per-row offset make one bincount count every row at once; this is several
    # times faster than Generator.multinomial, which draws row by row.
    indices = rng.integers(0, n_items, size=(n_resamples, n_items))
    indices += n_items * np.arange(n_resamples)[:, None]
    counts = np.bincount(indices.ravel(), minlength=n_resamples * n_items)
    return counts.reshape(n_resamples, n_items).astype(float)


def bootstrap_estimate(
    values: np.ndarray,
    statistic: str,
    *,
    rng: np.random.Generator,
    n_resamples: int,
    level: float = 0.95,
) -> Estimate:
    """Estimate the mean or median of ``values`` with a bootstrap confidence interval.

    Parameters
    ----------
    values : numpy.ndarray
        One finite value per seed.
    statistic : {"mean", "median"}
        Statistic to estimate.
    rng : numpy.random.Generator
        Source of the resamples.
    n_resamples : int
        Bootstrap resamples.
    level : float, default 0.95
        Confidence level.

    Returns
    -------
    Estimate
        Method "bca" when the BCa interval is defined. Otherwise method "percentile" with a
        note saying why BCa was not used, or no interval (method "none") with a note when
        there are fewer than two values or all values are equal.

    Notes
    -----
    BCa is not defined when every jackknife value is equal (zero acceleration denominator) or
    when the bootstrap distribution lies entirely on one side of the estimate. SciPy then warns
    and returns NaN, which this function turns into the percentile fallback.
    """
    values = np.asarray(values, dtype=float)
    function = STATISTICS[statistic]
    if values.size == 0:
        return Estimate.missing("not computed: no values")

    point = float(function(values))
    if values.size == 1:
        return Estimate(point, None, None, "none", "not defined: only one value", level)
    if np.all(values == values[0]):
        note = (
            f"not defined: all {values.size} values equal {values[0]:.4g}, "
            "so every bootstrap resample gives the same value"
        )
        return Estimate(point, None, None, "none", note, level)

    low, high = _scipy_interval(values, function, "BCa", rng, n_resamples, level)
    if low is not None:
        return Estimate(point, low, high, "bca", "", level)

    low, high = _scipy_interval(values, function, "percentile", rng, n_resamples, level)
    note = "BCa interval not defined for these values (degenerate jackknife or bootstrap "
    note += "distribution), so the percentile interval is given"
    if low is None:
        return Estimate(point, None, None, "none", "not defined: " + note, level)
    return Estimate(point, low, high, "percentile", note, level)


def _scipy_interval(values, function, method, rng, n_resamples, level):
    # SciPy signals an undefined BCa interval with a warning and NaN bounds. The caller turns
    # NaN bounds into a fallback with a note, so the warning is recorded here and dropped.
    with warnings.catch_warnings(record=True):
        warnings.simplefilter("always")
        result = stats.bootstrap(
            (values,),
            function,
            n_resamples=n_resamples,
            confidence_level=level,
            method=method,
            rng=rng,
            vectorized=True,
        )
    low = float(result.confidence_interval.low)
    high = float(result.confidence_interval.high)
    if not (np.isfinite(low) and np.isfinite(high)):
        return None, None
    return low, high


def percentile_interval(
    resampled: np.ndarray, level: float = 0.95
) -> tuple[np.ndarray, np.ndarray]:
    """Return the percentile interval of resampled statistics along axis 0."""
    tail = (1.0 - level) / 2.0
    low, high = np.quantile(resampled, [tail, 1.0 - tail], axis=0)
    return low, high
