"""Mean learning curves with pointwise and simultaneous (max-t) bootstrap bands.

Seeds are resampled once per band with a count matrix, so all epochs and all resamples come
from one matrix product instead of a bootstrap call per epoch.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd

from bench.stats.bootstrap import child_rng, resample_counts
from bench.stats.results import CurveBand

# Quantity name -> (which frame of StudyFrames, which column).
QUANTITIES = {
    "loss": ("curves", "loss"),
    "heldout_loss": ("heldout", "loss"),
    "heldout_accuracy": ("heldout", "accuracy"),
}


def curve_matrix(
    table: pd.DataFrame, column: str, variant: str, ok_seeds: set[int]
) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    """Return (seeds, epochs, values, n_excluded) of one variant's complete curves.

    ``values`` has one row per seed whose run has status "ok" (``ok_seeds``) and a finite
    value at every epoch of the study; the other runs of the variant count as excluded.
    """
    rows = table[table["variant"] == variant]
    n_runs = rows["seed"].nunique()
    if rows.empty:
        return np.empty(0, int), np.empty(0), np.empty((0, 0)), 0

    wide = rows.pivot(index="seed", columns="epoch", values=column).sort_index()
    wide = wide.loc[[seed for seed in wide.index if int(seed) in ok_seeds]]
    values = wide.to_numpy(dtype=float)
    complete = np.all(np.isfinite(values), axis=1)

    seeds = wide.index.to_numpy(dtype=int)[complete]
    epochs = wide.columns.to_numpy(dtype=float)
    return seeds, epochs, values[complete], int(n_runs - complete.sum())


def band_of(
    matrix: np.ndarray,
    rng: np.random.Generator,
    n_resamples: int,
    level: float = 0.95,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray] | None:
    """Return (mean, pointwise low, pointwise high, simultaneous low, simultaneous high).

    Parameters
    ----------
    matrix : numpy.ndarray
        One row per seed, one column per epoch, all finite.
    rng : numpy.random.Generator
        Source of the resamples.
    n_resamples : int
        Bootstrap resamples.
    level : float, default 0.95
        Coverage of both bands.

    Returns
    -------
    tuple of numpy.ndarray, or None
        None when the matrix has fewer than 2 rows, because a bootstrap band needs at least
        two seeds.

    Notes
    -----
    The pointwise band holds the percentile interval of the resampled means at each epoch.
    The simultaneous band is mean +- c * se, where se = std(ddof=0) / sqrt(n) is the
    standard error of the mean under the bootstrap, and c is the ``level`` quantile over
    resamples of max over epochs of |resampled mean - mean| / se. Epochs with se = 0 (every
    seed equal) get a zero-width band and are left out of the maximum.
    """
    n_seeds = matrix.shape[0]
    mean = matrix.mean(axis=0)
    if n_seeds < 2:
        return None

    # Epochs as rows keep each epoch's resamples contiguous for the partition below.
    counts = resample_counts(rng, n_seeds, n_resamples)
    resampled = (matrix.T @ counts.T) / n_seeds
    pointwise_low, pointwise_high = _row_percentiles(resampled, level)

    se = matrix.std(axis=0) / np.sqrt(n_seeds)
    varying = se > 0
    if not np.any(varying):
        return mean, pointwise_low, pointwise_high, mean.copy(), mean.copy()

    deviations = resampled[varying]
    deviations -= mean[varying, None]
    np.abs(deviations, out=deviations)
    deviations /= se[varying, None]
    critical = float(np.quantile(deviations.max(axis=0), level))
    return mean, pointwise_low, pointwise_high, mean - critical * se, mean + critical * se


def _row_percentiles(rows: np.ndarray, level: float) -> tuple[np.ndarray, np.ndarray]:
    """Return the two-sided percentile interval of each row (NumPy's "linear" quantile).

    One partition call finds the four order statistics around both quantiles, which is several
    times faster than ``numpy.quantile`` on a wide array.
    """
    n = rows.shape[1]
    tail = (1.0 - level) / 2.0
    positions = (n - 1) * np.array([tail, 1.0 - tail])
    below = np.floor(positions).astype(int)
    above = np.minimum(below + 1, n - 1)

    ordered = np.partition(rows, sorted({*below.tolist(), *above.tolist()}), axis=1)
    fraction = positions - below
    low, high = (
        ordered[:, below[i]] + (ordered[:, above[i]] - ordered[:, below[i]]) * fraction[i]
        for i in range(2)
    )
    return low, high


def curve_bands(
    frames_tables: dict[str, pd.DataFrame],
    runs: pd.DataFrame,
    variants: tuple[str, ...],
    reference: str | None,
    *,
    seed: int,
    n_resamples: int,
    level: float = 0.95,
) -> tuple[CurveBand, ...]:
    """Compute mean bands of every variant and quantity, then difference bands to ``reference``.

    Parameters
    ----------
    frames_tables : dict of str to pandas.DataFrame
        ``{"curves": frames.curves, "heldout": frames.heldout}``.
    runs : pandas.DataFrame
        ``frames.runs``; only runs with status "ok" enter a band.
    variants : tuple of str
        Variants in study order.
    reference : str or None
        Reference variant of the difference bands; None skips them.
    seed, n_resamples, level
        Bootstrap seed, resamples and confidence level.
    """
    ok = runs[runs["status"] == "ok"]
    ok_seeds = {
        variant: set(ok.loc[ok["variant"] == variant, "seed"].astype(int)) for variant in variants
    }

    bands = []
    for quantity, (frame_name, column) in QUANTITIES.items():
        table = frames_tables[frame_name]
        curves = {
            variant: curve_matrix(table, column, variant, ok_seeds[variant]) for variant in variants
        }
        for variant in variants:
            bands.append(_mean_band(quantity, variant, curves[variant], seed, n_resamples, level))
        if reference is None or reference not in curves:
            continue
        for variant in variants:
            if variant != reference:
                bands.append(
                    _difference_band(quantity, variant, reference, curves, seed, n_resamples, level)
                )
    return tuple(bands)


def _mean_band(quantity, variant, curve, seed, n_resamples, level) -> CurveBand:
    seeds, epochs, matrix, n_excluded = curve
    rng = child_rng(seed, "band", quantity, variant)
    return _make_band(quantity, variant, None, epochs, matrix, n_excluded, rng, n_resamples, level)


def _difference_band(quantity, variant, reference, curves, seed, n_resamples, level) -> CurveBand:
    seeds, epochs, matrix, n_excluded = curves[variant]
    ref_seeds, ref_epochs, ref_matrix, ref_excluded = curves[reference]

    common = np.intersect1d(seeds, ref_seeds)
    if common.size == 0 or not np.array_equal(epochs, ref_epochs):
        differences = np.empty((0, epochs.size))
    else:
        rows = np.searchsorted(seeds, common)
        ref_rows = np.searchsorted(ref_seeds, common)
        differences = matrix[rows] - ref_matrix[ref_rows]

    n_unpaired = len(set(seeds.tolist()) ^ set(ref_seeds.tolist()))
    rng = child_rng(seed, "difference_band", quantity, variant, reference)
    band = _make_band(
        quantity, variant, reference, epochs, differences, n_excluded, rng, n_resamples, level
    )
    if n_unpaired:
        extra = f"{n_unpaired} seeds without a complete curve for both variants left out"
        note = "; ".join(part for part in (band.note, extra) if part)
        band = replace(band, note=note)
    return band


def _make_band(
    quantity, variant, reference, epochs, matrix, n_excluded, rng, n_resamples, level
) -> CurveBand:
    n_seeds = matrix.shape[0]
    notes = []
    if n_excluded:
        notes.append(f"{n_excluded} diverged or failed runs left out")

    if n_seeds == 0:
        notes.insert(0, "not computed: no run with a complete curve")
        empty = _frozen(np.empty(0))
        return CurveBand(
            quantity,
            variant,
            reference,
            empty,
            empty,
            None,
            None,
            None,
            None,
            0,
            n_excluded,
            "; ".join(notes),
        )

    result = band_of(matrix, rng, n_resamples, level)
    if result is None:
        notes.insert(0, "bands not defined: only one seed, and a bootstrap band needs two")
        return CurveBand(
            quantity,
            variant,
            reference,
            _frozen(epochs),
            _frozen(matrix.mean(axis=0)),
            None,
            None,
            None,
            None,
            n_seeds,
            n_excluded,
            "; ".join(notes),
        )

    mean, pw_low, pw_high, sim_low, sim_high = (_frozen(array) for array in result)
    return CurveBand(
        quantity,
        variant,
        reference,
        _frozen(epochs),
        mean,
        pw_low,
        pw_high,
        sim_low,
        sim_high,
        n_seeds,
        n_excluded,
        "; ".join(notes),
    )


def _frozen(array: np.ndarray) -> np.ndarray:
    array = np.array(array, dtype=float)
    array.setflags(write=False)
    return array
