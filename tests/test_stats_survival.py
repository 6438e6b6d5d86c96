"""Tests of Kaplan-Meier, log-rank, restricted mean and the time-to-target analysis."""

import numpy as np
import pandas as pd
import pytest

from bench.stats.survival import (
    curve_of,
    kaplan_meier,
    loglog_band,
    logrank,
    median_time,
    restricted_mean,
)
from bench.stats.time_to_target import analyze_time_to_target

# Remission times in weeks of the 6-MP leukaemia trial (Freireich et al., 1963), a standard
# worked example of survival analysis. Group 1 (6-MP) has 9 relapses and 12 censored times;
# group 2 (placebo) relapses in all 21.
SIX_MP_TIMES = np.array(
    [6, 6, 6, 6, 7, 9, 10, 10, 11, 13, 16, 17, 19, 20, 22, 23, 25, 32, 32, 34, 35], dtype=float
)
SIX_MP_EVENTS = np.array(
    [1, 1, 1, 0, 1, 0, 1, 0, 0, 1, 1, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0], dtype=bool
)
PLACEBO_TIMES = np.array(
    [1, 1, 2, 2, 3, 4, 4, 5, 5, 8, 8, 8, 8, 11, 11, 12, 12, 15, 17, 22, 23], dtype=float
)
PLACEBO_EVENTS = np.ones(21, dtype=bool)


def test_kaplan_meier_textbook_values():
    # Product-limit formula by hand (at risk n, relapses d): t = 6: n 21, d 3, S = 18/21 = 0.8571;
    # 7: n 17, d 1, S = 0.8067; 10: n 15, 0.7529; 13: n 12, 0.6902; 16: n 11, 0.6275;
    # 22: n 7, 0.5378; 23: n 6, 0.4482. lifelines 0.30.3 KaplanMeierFitter gives the same.
    fit = kaplan_meier(SIX_MP_TIMES, SIX_MP_EVENTS)
    assert fit.times.tolist() == [6, 7, 10, 13, 16, 22, 23]
    assert fit.survival == pytest.approx(
        [0.8571, 0.8067, 0.7529, 0.6902, 0.6275, 0.5378, 0.4482], abs=5e-5
    )


def test_kaplan_meier_band_matches_lifelines():
    # lifelines 0.30.3, KaplanMeierFitter().fit(SIX_MP_TIMES, SIX_MP_EVENTS).confidence_interval_
    # (log(-log) Greenwood band), rounded to 4 digits at the event times.
    low, high = loglog_band(kaplan_meier(SIX_MP_TIMES, SIX_MP_EVENTS))
    assert low == pytest.approx([0.6197, 0.5631, 0.5032, 0.4316, 0.3675, 0.2678, 0.1881], abs=5e-5)
    assert high == pytest.approx([0.9516, 0.9228, 0.8894, 0.8491, 0.8049, 0.7468, 0.6801], abs=5e-5)


def test_logrank_textbook_statistic():
    # lifelines 0.30.3 logrank_test(SIX_MP_TIMES, PLACEBO_TIMES, SIX_MP_EVENTS, PLACEBO_EVENTS)
    # gives a chi-square of 16.792940989216547, the 16.79 usually printed for this example.
    result = logrank(SIX_MP_TIMES, SIX_MP_EVENTS, PLACEBO_TIMES, PLACEBO_EVENTS)
    assert result.statistic == pytest.approx(16.79294, abs=1e-5)


def test_logrank_p_value_chi_square_one_df():
    # p = P(chi2 with 1 df > 16.7929) = 4.1688e-05 (scipy.stats.chi2.sf).
    result = logrank(SIX_MP_TIMES, SIX_MP_EVENTS, PLACEBO_TIMES, PLACEBO_EVENTS)
    assert result.p_value == pytest.approx(4.1688e-05, rel=1e-4)


def test_logrank_symmetric():
    forward = logrank(SIX_MP_TIMES, SIX_MP_EVENTS, PLACEBO_TIMES, PLACEBO_EVENTS)
    backward = logrank(PLACEBO_TIMES, PLACEBO_EVENTS, SIX_MP_TIMES, SIX_MP_EVENTS)
    assert forward.statistic == pytest.approx(backward.statistic)


def test_logrank_no_events_not_tested():
    result = logrank(np.full(3, 250.0), np.zeros(3, bool), np.full(3, 250.0), np.zeros(3, bool))
    assert result.statistic is None
    assert result.note == "not tested: no run of either variant reached the target"


def test_median_time_matches_lifelines():
    # lifelines 0.30.3: median_survival_time_ = 23.0 and median_survival_times of the
    # confidence interval give a lower bound of 13.0 and an infinite upper bound.
    estimate = median_time(kaplan_meier(SIX_MP_TIMES, SIX_MP_EVENTS))
    assert estimate.value == 23.0
    assert estimate.low == 13.0
    assert estimate.high is None
    assert estimate.note.startswith("upper bound not defined")


def test_median_time_not_reached():
    estimate = median_time(kaplan_meier(np.array([5.0, 9.0, 9.0]), np.array([1, 0, 0], bool)))
    assert estimate.value is None
    assert estimate.note == "not reached: fewer than half of the runs reached the target"


def test_restricted_mean_matches_lifelines():
    # lifelines 0.30.3 restricted_mean_survival_time(KaplanMeierFitter().fit(...), t=35)
    # gives 23.287394957983185.
    estimate = restricted_mean(kaplan_meier(SIX_MP_TIMES, SIX_MP_EVENTS), 35.0)
    assert estimate.value == pytest.approx(23.287394957983185)


def test_restricted_mean_hand_computed():
    # Times 2, 4, 4+, 6, 8+ (+ = censored), horizon 10. By hand: S = 0.8 after 2 (5 at risk),
    # 0.6 after 4 (4 at risk), 0.3 after 6 (2 at risk). Area: 2 * 1 + 2 * 0.8 + 2 * 0.6 +
    # 4 * 0.3 = 6.0. Areas after each event time: 4.0, 2.4, 1.2, so the variance
    # sum of A_j**2 d_j / (n_j (n_j - d_j)) is
    # 16 / (5 * 4) + 5.76 / (4 * 3) + 1.44 / (2 * 1) = 0.8 + 0.48 + 0.72 = 2.0, and the
    # 95% CI is 6 +- 1.9599640 * 1.4142136 = 6 +- 2.7718076, from 3.2281924 to 8.7718076.
    fit = kaplan_meier(np.array([2.0, 4.0, 4.0, 6.0, 8.0]), np.array([1, 1, 0, 1, 0], bool))
    estimate = restricted_mean(fit, 10.0)
    assert estimate.value == pytest.approx(6.0)
    assert estimate.low == pytest.approx(3.2281924, abs=1e-6)
    assert estimate.high == pytest.approx(8.7718076, abs=1e-6)


def test_restricted_mean_no_event_is_horizon():
    estimate = restricted_mean(kaplan_meier(np.full(4, 250.0), np.zeros(4, bool)), 250.0)
    assert estimate.value == 250.0
    assert estimate.note.startswith("not defined: no run reached the target")


def test_restricted_mean_same_epoch_not_defined():
    estimate = restricted_mean(kaplan_meier(np.full(4, 60.0), np.ones(4, bool)), 250.0)
    assert estimate.value == 60.0
    assert estimate.note == "not defined: every run reached the target at the same epoch"


def test_curve_spans_zero_to_horizon():
    curve = curve_of(kaplan_meier(np.array([20.0, 250.0]), np.array([1, 0], bool)), 250.0)
    assert curve.times.tolist() == [0.0, 20.0, 250.0]
    assert curve.survival.tolist() == [1.0, 0.5, 0.5]


def _censoring_table() -> pd.DataFrame:
    # Variant a reaches the target at epoch 20 in 3 of 10 seeds and never (censored at 250) in
    # 7; variant b reaches it at epoch 60 in all 10.
    rows = [("a", seed, 20 if seed < 3 else 250, seed < 3) for seed in range(10)]
    rows += [("b", seed, 60, True) for seed in range(10)]
    table = pd.DataFrame(rows, columns=["variant", "seed", "epochs_to_target", "reached_target"])
    table["status"] = "ok"
    table["epochs_to_target"] = table["epochs_to_target"].astype("Int64")
    table["reached_target"] = table["reached_target"].astype("boolean")
    return table


def test_censored_variant_ranks_slower():
    result = analyze_time_to_target(
        _censoring_table(), ("a", "b"), target=0.85, horizon=250.0, alpha=0.05
    )
    assert result.order == ("b", "a")


def test_censored_counts_shown():
    result = analyze_time_to_target(
        _censoring_table(), ("a", "b"), target=0.85, horizon=250.0, alpha=0.05
    )
    assert result.summary("a").reached_label == "3/10"
    assert result.summary("b").reached_label == "10/10"


def test_censored_restricted_means():
    # a: 20 * 1 + 230 * 0.7 = 181 epochs; b: 60 epochs.
    result = analyze_time_to_target(
        _censoring_table(), ("a", "b"), target=0.85, horizon=250.0, alpha=0.05
    )
    assert result.summary("a").restricted_mean.value == pytest.approx(181.0)
    assert result.summary("b").restricted_mean.value == pytest.approx(60.0)


def test_censored_logrank_names_faster():
    result = analyze_time_to_target(
        _censoring_table(), ("a", "b"), target=0.85, horizon=250.0, alpha=0.05
    )
    assert result.pairs[0].faster == "b"


def test_failed_runs_left_out_with_count():
    table = _censoring_table()
    table.loc[0, ["epochs_to_target", "reached_target"]] = pd.NA
    result = analyze_time_to_target(table, ("a", "b"), target=0.85, horizon=250.0, alpha=0.05)
    assert result.summary("a").reached_label == "2/9"
    assert result.summary("a").note == "1 failed runs left out"
