"""Tests of the per-run metrics and of the metrics.csv table."""

import numpy as np
import pandas as pd
import pytest

from bench.metrics import (
    DEFAULT_TARGET,
    METRIC_COLUMNS,
    METRICS,
    aulc,
    epochs_to_target,
    final_accuracy,
    final_loss,
    heldout_aulc,
    run_metrics,
)
from bench.stats.synthetic import frames_from_arrays


def _tiny_study(status=None):
    # Two variants, two seeds, 20 epochs, evaluations at epochs 10 and 20.
    loss = {
        "a": np.array([np.linspace(1.0, 0.05, 20), np.linspace(0.9, 0.1, 20)]),
        "b": np.array([np.full(20, 0.5), np.r_[np.full(12, 0.5), np.nan, np.full(7, 0.5)]]),
    }
    heldout_loss = {"a": np.array([[0.6, 0.2], [0.7, 0.3]]), "b": np.array([[0.5, 0.5]] * 2)}
    heldout_accuracy = {"a": np.array([[0.8, 0.95], [0.92, 0.97]]), "b": np.array([[0.6, 0.6]] * 2)}
    return frames_from_arrays(loss, heldout_loss, heldout_accuracy, status=status)


def test_aulc_is_mean_loss():
    assert aulc(np.array([1.0, 0.5, 0.0])) == pytest.approx(0.5)


def test_aulc_nonfinite_gives_nan():
    assert np.isnan(aulc(np.array([1.0, np.nan])))


def test_heldout_aulc_is_mean_heldout_loss():
    assert heldout_aulc(np.array([0.6, 0.2])) == pytest.approx(0.4)


def test_final_loss_uses_last_tenth():
    # 20 epochs: the last 10% are the last 2 epochs, (18 + 19) / 2 = 18.5.
    assert final_loss(np.arange(20, dtype=float)) == pytest.approx(18.5)


def test_final_loss_short_curve_uses_one_epoch():
    assert final_loss(np.array([3.0, 2.0, 1.0])) == pytest.approx(1.0)


def test_final_accuracy_is_last_evaluation():
    assert final_accuracy(np.array([0.5, 0.7, 0.9])) == pytest.approx(0.9)


def test_epochs_to_target_first_hit():
    assert epochs_to_target(np.array([10, 20, 30]), np.array([0.5, 0.9, 0.95]), 0.9) == (
        20.0,
        True,
    )


def test_epochs_to_target_censored_at_last_epoch():
    assert epochs_to_target(np.array([10, 20, 30]), np.array([0.5, 0.6, 0.7]), 0.9) == (
        30.0,
        False,
    )


def test_epochs_to_target_censored_at_horizon():
    assert epochs_to_target(np.array([10]), np.array([0.5]), 0.9, horizon=250) == (250.0, False)


def test_epochs_to_target_ignores_nan():
    assert epochs_to_target(np.array([10, 20]), np.array([np.nan, 0.95]), 0.9) == (20.0, True)


def test_direction_table_lower_is_better_for_losses():
    assert not any(
        METRICS[name].higher_is_better for name in ("aulc", "heldout_aulc", "final_loss")
    )


def test_direction_table_higher_is_better_for_accuracy():
    assert METRICS["final_accuracy"].higher_is_better


def test_direction_table_lower_is_better_for_time():
    assert not METRICS["epochs_to_target"].higher_is_better


def test_default_target_in_range():
    assert 0.5 < DEFAULT_TARGET <= 1.0


def test_run_metrics_columns():
    assert list(run_metrics(_tiny_study(), 0.9).columns) == METRIC_COLUMNS


def test_run_metrics_row_order_follows_runs():
    frames = _tiny_study()
    table = run_metrics(frames, 0.9)
    assert (
        table[["variant", "seed"]].values.tolist()
        == frames.runs[["variant", "seed"]].values.tolist()
    )


def test_run_metrics_values_of_one_run():
    table = run_metrics(_tiny_study(), 0.9).set_index(["variant", "seed"])
    row = table.loc[("a", 0)]
    assert row["aulc"] == pytest.approx(np.linspace(1.0, 0.05, 20).mean())
    assert row["heldout_aulc"] == pytest.approx(0.4)
    assert row["epochs_to_target"] == 20
    assert bool(row["reached_target"])
    assert row["final_accuracy"] == pytest.approx(0.95)


def test_run_metrics_censored_run():
    table = run_metrics(_tiny_study(), 0.9).set_index(["variant", "seed"])
    assert table.loc[("b", 0), "epochs_to_target"] == 20
    assert not bool(table.loc[("b", 0), "reached_target"])


def test_run_metrics_diverged_run_has_no_curve_metrics():
    table = run_metrics(_tiny_study({("b", 1): "diverged"}), 0.9).set_index(["variant", "seed"])
    row = table.loc[("b", 1)]
    assert pd.isna(row["aulc"])
    assert pd.isna(row["final_loss"])
    assert pd.isna(row["final_accuracy"])


def test_run_metrics_diverged_run_censored_at_study_horizon():
    # The diverged run stops after epoch 12 (one evaluation at 10) and is censored at 20.
    table = run_metrics(_tiny_study({("b", 1): "diverged"}), 0.9).set_index(["variant", "seed"])
    assert table.loc[("b", 1), "epochs_to_target"] == 20
    assert not bool(table.loc[("b", 1), "reached_target"])


def test_run_metrics_failed_run_all_missing():
    table = run_metrics(_tiny_study({("a", 1): "failed"}), 0.9).set_index(["variant", "seed"])
    row = table.loc[("a", 1)]
    assert pd.isna(row["aulc"])
    assert pd.isna(row["epochs_to_target"])
    assert pd.isna(row["reached_target"])


def test_run_metrics_rejects_target_above_one():
    with pytest.raises(
        ValueError, match=r"target must be a held-out accuracy in \(0, 1\], got 1.5"
    ):
        run_metrics(_tiny_study(), 1.5)


def test_run_metrics_rejects_zero_target():
    with pytest.raises(ValueError, match="got 0"):
        run_metrics(_tiny_study(), 0)
