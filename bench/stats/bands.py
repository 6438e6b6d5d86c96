"""Mean learning curves with pointwise and simultaneous (max-t) studentized bootstrap bands.

Seeds are resampled once per band with a count matrix, so all epochs and all resamples come
from one matrix product instead of a bootstrap call per epoch.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from bench.stats.bootstrap import child_rng, resample_counts
from bench.stats.results import CurveBand

MIN_BAND_SEEDS = 3

# Quantity name -> (which frame of StudyFrames, which column).
QUANTITIES = {
    "loss": ("curves", "loss"),
    "heldout_loss": ("heldout", "loss"),
    "heldout_accuracy": ("heldout", "accuracy"),
}

# Values a mean (first pair) or a paired difference of means (second pair) can take. A band is
# cut to this range: the true mean lies inside it, so the cut band covers it as often as before.
RANGES = {
    "loss": ((0.0, np.inf), (-np.inf, np.inf)),
    "heldout_loss": ((0.0, np.inf), (-np.inf, np.inf)),
    "heldout_accuracy": ((0.0, 1.0), (-1.0, 1.0)),
}


def curve_matrix(
    table: pd.DataFrame, column: str, variant: str, ok_seeds: set[int], n_runs: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    """Return (seeds, epochs, values, n_excluded) of one variant's complete curves.

    ``values`` has one row per seed whose run has status "ok" (``ok_seeds``) and a finite
    value at every epoch of the study. The other of the variant's ``n_runs`` stored runs count
    as excluded.
    """
    rows = table[table["variant"] == variant]
    if rows.empty:
        return np.empty(0, int), np.empty(0), np.empty((0, 0)), n_runs

    wide = rows.pivot(index="seed", columns="epoch", values=column).sort_index()
    wide = wide.loc[[seed for seed in wide.index if int(seed) in ok_seeds]]
    values = wide.to_numpy(dtype=float)
    complete = np.all(np.isfinite(values), axis=1)

    seeds = wide.index.to_numpy(dtype=int)[complete]
    epochs = wide.columns.to_numpy(dtype=float)
    return seeds, epochs, values[complete], int(n_runs - complete.sum())


@dataclass(frozen=True)
class BandArrays:
    """Mean curve and band bounds; a band is None when it is not defined (see ``note``)."""

    mean: np.ndarray
    pointwise: tuple[np.ndarray, np.ndarray] | None
    simultaneous: tuple[np.ndarray, np.ndarray] | None
    note: str = ""


def band_of(
    matrix: np.ndarray,
    rng: np.random.Generator,
    n_resamples: int,
    level: float = 0.95,
) -> BandArrays:
    """Compute the mean curve with pointwise and simultaneous studentized bootstrap bands.

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
    BandArrays
        Bands are None, with a note, for fewer than 2 seeds, or when the studentized quantile
        is still infinite (possible only when one seed carries all the variation).

    Notes
    -----
    For resample b and epoch t, ``t*[b, t] = |mean*[b, t] - mean[t]| / se*[b, t]``, where se* is
    the standard error (ddof=1) of the resample itself, its variance increased by the sample
    variance over n so that a resample that misses the only differing seeds stays finite.
    The pointwise band is
    mean +- q[t] * se[t] with q[t] the ``level`` quantile of t*[:, t]; the simultaneous band
    uses the ``level`` quantile of max over t of t*[b, t] instead (max-t), so it contains the
    pointwise band. Studentizing keeps coverage near ``level`` with few seeds, where a fixed
    standard error undercovers badly (about 65% for a nominal 95% at 10 seeds and 25 epochs
    in a simulation with random-walk curves). Epochs where every seed has the same value get
    a zero-width band and are left out of the maximum.
    """
    n_seeds = matrix.shape[0]
    mean = matrix.mean(axis=0)
    if n_seeds == 1:
        return BandArrays(
            mean, None, None, "bands not defined: only one seed, and a bootstrap band needs three"
        )
    if n_seeds < MIN_BAND_SEEDS:
        # Half of all resamples of two seeds repeat one seed: the bootstrap has nothing to say.
        note = f"bands not defined: {n_seeds} seeds, and a bootstrap band needs {MIN_BAND_SEEDS}"
        return BandArrays(mean, None, None, note)

    se = matrix.std(axis=0, ddof=1) / np.sqrt(n_seeds)
    varying = se > 0
    half_pointwise = np.zeros_like(mean)
    critical = 0.0
    if np.any(varying):
        t_star = _studentized(matrix[:, varying] - mean[varying], rng, n_resamples)
        half_pointwise[varying] = _row_quantile(t_star, level) * se[varying]
        critical = float(_row_quantile(t_star.max(axis=0)[None, :], level)[0])

    if not (np.all(np.isfinite(half_pointwise)) and np.isfinite(critical)):
        note = (
            f"bands not defined: with {n_seeds} seeds too many bootstrap resamples repeat a "
            "single seed, so the studentized quantile is infinite"
        )
        return BandArrays(mean, None, None, note)

    pointwise = (mean - half_pointwise, mean + half_pointwise)
    simultaneous = (mean - critical * se, mean + critical * se)
    return BandArrays(mean, pointwise, simultaneous)


def _studentized(centered: np.ndarray, rng: np.random.Generator, n_resamples: int) -> np.ndarray:
    """Return |mean* - mean| / se* as an (epochs x resamples) array.

    Columns of ``centered`` are centred on their mean, which keeps the resampled variance
    free of the cancellation that raw second moments would suffer.
    """
    n_seeds = centered.shape[0]
    counts = resample_counts(rng, n_seeds, n_resamples).T
    # Epochs as rows keep each epoch's resamples contiguous for the partition in _row_quantile.
    shift = (centered.T @ counts) / n_seeds
    spread = ((centered**2).T @ counts) / n_seeds

    # se*^2 = (second moment - shift^2) / (n - 1), so t*^2 = (n - 1) shift^2 / (second - shift^2).
    # The steps run in place because the arrays are large (epochs x resamples).
    np.multiply(shift, shift, out=shift)
    spread -= shift
    np.maximum(spread, 0.0, out=spread)
    # Regularise each resample's variance with one seed's share of the sample variance. Without
    # it, an epoch where all but one or two seeds share a value (held-out accuracy early in
    # training) gives se* = 0 in every resample that misses them, an infinite t* and no band;
    # with 30 seeds the added term changes a typical se* by under 2%.
    spread += ((centered**2).mean(axis=0) / n_seeds)[:, None]
    shift *= n_seeds - 1
    with np.errstate(divide="ignore", invalid="ignore"):
        np.divide(shift, spread, out=shift)
    # A resample of one repeated seed has se* = 0. Its t* is infinite (x / 0) unless it sits
    # exactly on the mean (0 / 0), where it is 0.
    np.nan_to_num(shift, copy=False, nan=0.0, posinf=np.inf)
    return np.sqrt(shift, out=shift)


def _row_quantile(rows: np.ndarray, level: float) -> np.ndarray:
    """Return the ``level`` quantile of each row (NumPy's "linear" method).

    One partition call finds the two order statistics around the quantile, which is several
    times faster than ``numpy.quantile`` on a wide array.
    """
    n = rows.shape[1]
    position = (n - 1) * level
    below = int(np.floor(position))
    above = min(below + 1, n - 1)
    ordered = np.partition(rows, sorted({below, above}), axis=1)
    low, high = ordered[:, below], ordered[:, above]
    fraction = position - below
    if fraction == 0:
        return low
    with np.errstate(invalid="ignore"):
        value = low + (high - low) * fraction
    # inf - inf is NaN, but an infinite upper order statistic makes the quantile infinite.
    return np.where(np.isinf(high), np.inf, value)


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
    n_runs = {variant: int((runs["variant"] == variant).sum()) for variant in variants}

    bands = []
    for quantity, (frame_name, column) in QUANTITIES.items():
        table = frames_tables[frame_name]
        curves = {
            variant: curve_matrix(table, column, variant, ok_seeds[variant], n_runs[variant])
            for variant in variants
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
    notes = [f"{n_excluded} diverged or failed runs left out"] if n_excluded else []

    if n_seeds == 0:
        notes.insert(0, "not computed: no run with a complete curve")
        empty = _frozen(np.empty(0))
        return CurveBand(
            quantity=quantity,
            variant=variant,
            reference=reference,
            epochs=empty,
            mean=empty,
            pointwise_low=None,
            pointwise_high=None,
            simultaneous_low=None,
            simultaneous_high=None,
            n_seeds=0,
            n_excluded=n_excluded,
            note="; ".join(notes),
        )

    arrays = band_of(matrix, rng, n_resamples, level)
    if arrays.note:
        notes.insert(0, arrays.note)
    low, high = RANGES[quantity][0 if reference is None else 1]
    pointwise = _clipped(arrays.pointwise, low, high)
    simultaneous = _clipped(arrays.simultaneous, low, high)
    return CurveBand(
        quantity=quantity,
        variant=variant,
        reference=reference,
        epochs=_frozen(epochs),
        mean=_frozen(arrays.mean),
        pointwise_low=_frozen_or_none(pointwise[0]),
        pointwise_high=_frozen_or_none(pointwise[1]),
        simultaneous_low=_frozen_or_none(simultaneous[0]),
        simultaneous_high=_frozen_or_none(simultaneous[1]),
        n_seeds=n_seeds,
        n_excluded=n_excluded,
        note="; ".join(notes),
    )


def _clipped(band, low: float, high: float) -> tuple:
    if band is None:
        return (None, None)
    return tuple(np.clip(bound, low, high) for bound in band)


def _frozen_or_none(array: np.ndarray | None) -> np.ndarray | None:
    return None if array is None else _frozen(array)


def _frozen(array: np.ndarray) -> np.ndarray:
    array = np.array(array, dtype=float)
    array.setflags(write=False)
    return array
