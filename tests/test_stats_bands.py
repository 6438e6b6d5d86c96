"""Tests of the pointwise and simultaneous bootstrap bands on mean curves."""

import numpy as np
import pytest

from bench.stats.bands import _row_quantile, band_of, curve_bands
from bench.stats.synthetic import frames_from_arrays


def _curves(rng, n_seeds=8, n_epochs=30, variants=("lstm_forw", "bilstm_sum")):
    loss = {name: 0.5 + 0.1 * rng.normal(size=(n_seeds, n_epochs)) for name in variants}
    held = {name: 0.5 + 0.1 * rng.normal(size=(n_seeds, 3)) for name in variants}
    acc = {name: np.full((n_seeds, 3), 0.9) for name in variants}
    return loss, held, acc


def test_row_quantile_matches_numpy(rng):
    rows = rng.normal(size=(5, 999))
    assert _row_quantile(rows, 0.95) == pytest.approx(np.quantile(rows, 0.95, axis=1))


def test_row_quantile_infinite_tail():
    rows = np.array([[0.0, 1.0, 2.0, np.inf, np.inf]])
    assert _row_quantile(rows, 0.95)[0] == np.inf


def test_band_one_seed_not_defined(rng):
    arrays = band_of(rng.normal(size=(1, 10)), rng, 999)
    assert arrays.pointwise is None
    assert arrays.note == "bands not defined: only one seed, and a bootstrap band needs three"


def test_band_two_seeds_not_defined(rng):
    arrays = band_of(rng.normal(size=(2, 10)), rng, 999)
    assert arrays.simultaneous is None
    assert arrays.note == "bands not defined: 2 seeds, and a bootstrap band needs 3"


def test_band_defined_when_one_seed_differs(rng):
    # Early held-out accuracy: 29 of 30 seeds predict the same classes, one differs. About a
    # third of resamples miss that seed; before regularisation their t* was infinite.
    matrix = np.full((30, 5), 0.52)
    matrix[:, 3:] = rng.uniform(0.8, 0.9, size=(30, 2))
    matrix[7, 0] = 0.61
    arrays = band_of(matrix, rng, 999)
    assert arrays.note == ""
    assert np.all(np.isfinite(arrays.simultaneous[0]))
    assert arrays.simultaneous[0][0] < 0.52 + 0.09 / 30 < arrays.simultaneous[1][0]


def test_loss_band_cut_at_zero(rng):
    # One seed with a huge loss makes the symmetric band reach below zero before the cut.
    loss = {name: np.abs(rng.normal(0.05, 0.01, size=(10, 6))) for name in ("lstm_forw",)}
    loss["lstm_forw"][0, 2] = 5.0
    held = {"lstm_forw": np.full((10, 3), 0.3)}
    acc = {"lstm_forw": np.full((10, 3), 0.9)}
    frames = frames_from_arrays(loss, held, acc)
    bands = curve_bands(
        {"curves": frames.curves, "heldout": frames.heldout},
        frames.runs,
        ("lstm_forw",),
        None,
        seed=1,
        n_resamples=999,
    )
    loss_band = next(b for b in bands if b.quantity == "loss")
    assert loss_band.simultaneous_low.min() == 0.0
    assert loss_band.pointwise_low.min() >= 0.0


def test_band_constant_epoch_zero_width(rng):
    matrix = rng.normal(size=(10, 4))
    matrix[:, 2] = 1.0
    low, high = band_of(matrix, rng, 999).simultaneous
    assert low[2] == high[2] == 1.0


def test_band_all_constant_zero_width(rng):
    low, high = band_of(np.ones((10, 4)), rng, 999).simultaneous
    assert np.all(low == high)


def test_simultaneous_band_contains_pointwise(rng):
    arrays = band_of(rng.normal(size=(20, 50)), rng, 999)
    assert np.all(arrays.simultaneous[0] <= arrays.pointwise[0])
    assert np.all(arrays.pointwise[1] <= arrays.simultaneous[1])


def test_band_centred_on_mean(rng):
    matrix = rng.normal(size=(10, 5))
    arrays = band_of(matrix, rng, 999)
    assert (arrays.simultaneous[0] + arrays.simultaneous[1]) / 2 == pytest.approx(matrix.mean(0))


@pytest.mark.parametrize("n_seeds", [10, 30])
def test_band_coverage_simulation(rng, n_seeds):
    # 400 simulated studies of 25 epochs with true mean 0 at every epoch and correlated epochs
    # (a random walk plus noise). The simultaneous band should contain the whole true curve
    # in about 95% of studies, and the pointwise band the true value at one epoch. The Monte
    # Carlo standard error of a rate near 0.95 is about 0.011; studentized bands run slightly
    # conservative at 10 seeds (0.99 whole-curve coverage in a trial run), hence the ranges.
    whole_curve, one_epoch = 0, 0
    for _ in range(400):
        walk = np.cumsum(rng.normal(scale=0.3, size=(n_seeds, 25)), axis=1)
        arrays = band_of(walk + rng.normal(size=(n_seeds, 25)), rng, 999)
        low, high = arrays.simultaneous
        whole_curve += bool(np.all((low <= 0) & (0 <= high)))
        one_epoch += bool(arrays.pointwise[0][12] <= 0 <= arrays.pointwise[1][12])
    assert 0.92 <= whole_curve / 400 <= 1.0
    assert 0.92 <= one_epoch / 400 <= 0.99


def test_curve_bands_mean_and_difference(rng):
    loss, held, acc = _curves(rng)
    frames = frames_from_arrays(loss, held, acc)
    bands = curve_bands(
        {"curves": frames.curves, "heldout": frames.heldout},
        frames.runs,
        ("lstm_forw", "bilstm_sum"),
        "lstm_forw",
        seed=1,
        n_resamples=999,
    )
    by_key = {(band.quantity, band.variant, band.reference): band for band in bands}
    difference = by_key[("loss", "bilstm_sum", "lstm_forw")]
    expected = loss["bilstm_sum"].mean(axis=0) - loss["lstm_forw"].mean(axis=0)
    assert difference.mean == pytest.approx(expected)
    assert by_key[("loss", "lstm_forw", None)].mean == pytest.approx(loss["lstm_forw"].mean(0))


def test_curve_bands_exclude_diverged(rng):
    loss, held, acc = _curves(rng)
    loss["bilstm_sum"][2, 15] = np.nan
    frames = frames_from_arrays(loss, held, acc, status={("bilstm_sum", 2): "diverged"})
    bands = curve_bands(
        {"curves": frames.curves, "heldout": frames.heldout},
        frames.runs,
        ("lstm_forw", "bilstm_sum"),
        None,
        seed=1,
        n_resamples=999,
    )
    band = next(band for band in bands if (band.quantity, band.variant) == ("loss", "bilstm_sum"))
    assert band.n_seeds == 7
    assert band.note == "1 diverged or failed runs left out"


def test_curve_bands_one_seed_note(rng):
    loss, held, acc = _curves(rng, n_seeds=1)
    frames = frames_from_arrays(loss, held, acc)
    bands = curve_bands(
        {"curves": frames.curves, "heldout": frames.heldout},
        frames.runs,
        ("lstm_forw", "bilstm_sum"),
        "lstm_forw",
        seed=1,
        n_resamples=999,
    )
    assert bands[0].pointwise_low is None
    assert bands[0].note == "bands not defined: only one seed, and a bootstrap band needs three"


def test_curve_bands_arrays_read_only(rng):
    loss, held, acc = _curves(rng)
    frames = frames_from_arrays(loss, held, acc)
    band = curve_bands(
        {"curves": frames.curves, "heldout": frames.heldout},
        frames.runs,
        ("lstm_forw",),
        None,
        seed=1,
        n_resamples=999,
    )[0]
    assert not band.mean.flags.writeable


def test_curve_bands_failed_variant_counted(rng):
    loss, held, acc = _curves(rng, n_seeds=3)
    status = {("bilstm_sum", seed): "failed" for seed in range(3)}
    frames = frames_from_arrays(loss, held, acc, status=status)
    bands = curve_bands(
        {"curves": frames.curves, "heldout": frames.heldout},
        frames.runs,
        ("lstm_forw", "bilstm_sum"),
        None,
        seed=1,
        n_resamples=999,
    )
    band = next(band for band in bands if (band.quantity, band.variant) == ("loss", "bilstm_sum"))
    assert (
        band.note
        == "not computed: no run with a complete curve; 3 diverged or failed runs left out"
    )
