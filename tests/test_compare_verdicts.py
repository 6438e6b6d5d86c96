"""Tests of the intervals and the verdict rule of bench.compare, against hand computations."""

import numpy as np
import pytest
from scipy import stats

from bench.compare.intervals import paired_difference, welch_difference
from bench.compare.verdicts import Verdict, combine, judge

# Hand-computed case: five paired differences 0.01, 0.03, 0.02, 0.04, 0.05.
# mean = 0.15 / 5 = 0.03; squared deviations 4e-4, 0, 1e-4, 1e-4, 4e-4 sum to 1e-3, so the
# sample variance is 1e-3 / 4 = 2.5e-4, the standard deviation 0.0158114 and the standard
# error 0.0158114 / sqrt(5) = 0.0070711. Student t quantiles with 4 degrees of freedom from a
# printed t table: t(0.95) = 2.1318, t(0.975) = 2.7764.
# 90 % CI: 0.03 -+ 2.131847 * 0.0070711 = 0.014926 to 0.045074.
# 95 % CI: 0.03 -+ 2.776445 * 0.0070711 = 0.010368 to 0.049632.
HAND_BASELINE = np.array([0.40, 0.42, 0.38, 0.41, 0.39])
HAND_CURRENT = HAND_BASELINE + np.array([0.01, 0.03, 0.02, 0.04, 0.05])


@pytest.fixture
def rng():
    return np.random.default_rng(20260101)


def test_paired_interval_hand_computed():
    difference = paired_difference(HAND_BASELINE, HAND_CURRENT)

    assert difference.estimate == pytest.approx(0.03, abs=1e-12)
    assert difference.ci90.low == pytest.approx(0.014926, abs=2e-6)
    assert difference.ci90.high == pytest.approx(0.045074, abs=2e-6)
    assert difference.ci95.low == pytest.approx(0.010368, abs=2e-6)
    assert difference.ci95.high == pytest.approx(0.049632, abs=2e-6)
    assert difference.n_baseline == 5


def test_paired_interval_matches_scipy_ttest_rel(rng):
    # Reference: scipy.stats.ttest_rel(...).confidence_interval, a separate implementation.
    baseline = rng.normal(0.4, 0.03, size=12)
    current = baseline + rng.normal(0.01, 0.005, size=12)
    reference = stats.ttest_rel(current, baseline)

    difference = paired_difference(baseline, current)

    expected90 = reference.confidence_interval(0.90)
    expected95 = reference.confidence_interval(0.95)
    assert difference.ci90.low == pytest.approx(expected90.low, rel=1e-10)
    assert difference.ci90.high == pytest.approx(expected90.high, rel=1e-10)
    assert difference.ci95.low == pytest.approx(expected95.low, rel=1e-10)
    assert difference.ci95.high == pytest.approx(expected95.high, rel=1e-10)


def test_welch_interval_hand_computed():
    # baseline 1, 2, 3, 4: mean 2.5, variance 5/3; current 2, 4, 6: mean 4, variance 4.
    # Squared standard errors 5/12 = 0.416667 and 4/3 = 1.333333 sum to 1.75, so the
    # standard error is 1.322876. Welch-Satterthwaite degrees of freedom:
    # 1.75^2 / (0.416667^2 / 3 + 1.333333^2 / 2) = 3.0625 / 0.946759 = 3.234719.
    # The t quantile at 3.2347 degrees of freedom is not in printed tables, so the interval
    # is checked against scipy.stats.ttest_ind(equal_var=False), computed once:
    # 90 % CI -1.523237 to 4.523237, 95 % CI -2.542328 to 5.542328.
    difference = welch_difference(np.array([1.0, 2.0, 3.0, 4.0]), np.array([2.0, 4.0, 6.0]))

    assert difference.estimate == pytest.approx(1.5)
    assert difference.ci90.low == pytest.approx(-1.523237, abs=1e-6)
    assert difference.ci90.high == pytest.approx(4.523237, abs=1e-6)
    assert difference.ci95.low == pytest.approx(-2.542328, abs=1e-6)
    assert difference.ci95.high == pytest.approx(5.542328, abs=1e-6)


def test_welch_interval_matches_scipy_ttest_ind(rng):
    baseline = rng.normal(0.4, 0.03, size=8)
    current = rng.normal(0.45, 0.05, size=15)
    reference = stats.ttest_ind(current, baseline, equal_var=False).confidence_interval(0.95)

    difference = welch_difference(baseline, current)

    assert difference.ci95.low == pytest.approx(reference.low, rel=1e-10)
    assert difference.ci95.high == pytest.approx(reference.high, rel=1e-10)
    assert difference.paired is False


def test_identical_values_interval_is_zero():
    difference = paired_difference(HAND_BASELINE, HAND_BASELINE.copy())

    assert difference.all_zero
    assert difference.estimate == 0.0
    assert (difference.ci90.low, difference.ci90.high) == (0.0, 0.0)


def test_one_identical_pair_is_all_zero():
    difference = paired_difference(np.array([0.3]), np.array([0.3]))

    assert difference.all_zero
    assert judge(difference, 0.02, lower_is_better=True) is Verdict.UNCHANGED


def test_one_differing_pair_has_no_interval():
    difference = paired_difference(np.array([0.3]), np.array([0.4]))

    assert difference.ci90 is None
    assert "at least 2 paired seeds" in difference.reason
    assert judge(difference, 0.02, lower_is_better=True) is Verdict.INCONCLUSIVE


def test_no_pairs_has_no_interval():
    difference = paired_difference(np.array([]), np.array([]))

    assert difference.estimate is None
    assert "no seed has an ok run" in difference.reason


def test_constant_shift_has_zero_width_interval():
    difference = paired_difference(HAND_BASELINE, HAND_BASELINE + 0.05)

    assert difference.ci95.high - difference.ci95.low == pytest.approx(0.0, abs=1e-12)
    assert judge(difference, 0.02, lower_is_better=True) is Verdict.REGRESSED


def test_welch_needs_two_runs_each():
    difference = welch_difference(np.array([0.4]), np.array([0.4, 0.5, 0.6]))

    assert difference.ci90 is None
    assert "at least 2 ok runs in each study" in difference.reason
    assert difference.estimate == pytest.approx(0.1)


def test_welch_constant_samples():
    difference = welch_difference(np.full(4, 250.0), np.full(6, 250.0))

    assert (difference.ci90.low, difference.ci90.high) == (0.0, 0.0)
    assert judge(difference, 10.0, lower_is_better=True) is Verdict.UNCHANGED


@pytest.mark.parametrize(
    ("margin", "lower_is_better", "expected"),
    [
        # 95 % CI 0.0104 to 0.0496 lies above 0 and the estimate 0.03 exceeds the margin.
        (0.02, True, Verdict.REGRESSED),
        # The same rise of an accuracy is an improvement.
        (0.02, False, Verdict.IMPROVED),
        # 90 % CI upper end 0.0451 > 0.04, and the estimate 0.03 < 0.04: neither rule holds.
        (0.04, True, Verdict.INCONCLUSIVE),
        # 90 % CI 0.0149 to 0.0451 lies inside (-0.05, 0.05).
        (0.05, True, Verdict.UNCHANGED),
    ],
)
def test_judge_hand_computed(margin, lower_is_better, expected):
    difference = paired_difference(HAND_BASELINE, HAND_CURRENT)

    assert judge(difference, margin, lower_is_better) is expected


def test_judge_improvement_of_a_loss():
    difference = paired_difference(HAND_CURRENT, HAND_BASELINE)

    assert judge(difference, 0.02, lower_is_better=True) is Verdict.IMPROVED


def test_judge_significant_change_below_margin_is_unchanged():
    # Differences 0.001 to 0.005: mean 0.003, 90 % CI 0.0015 to 0.0045 (a tenth of the hand
    # case), significant but inside the margin 0.02.
    small_change = (HAND_CURRENT - HAND_BASELINE) / 10
    difference = paired_difference(HAND_BASELINE, HAND_BASELINE + small_change)

    assert difference.ci95.low > 0
    assert judge(difference, 0.02, lower_is_better=True) is Verdict.UNCHANGED


@pytest.mark.parametrize(
    ("verdicts", "expected"),
    [
        ([Verdict.UNCHANGED, Verdict.UNCHANGED], Verdict.UNCHANGED),
        ([Verdict.UNCHANGED, Verdict.REGRESSED, Verdict.IMPROVED], Verdict.REGRESSED),
        ([Verdict.IMPROVED, Verdict.INCONCLUSIVE], Verdict.IMPROVED),
        ([Verdict.UNCHANGED, Verdict.INCONCLUSIVE], Verdict.INCONCLUSIVE),
        ([], Verdict.INCONCLUSIVE),
    ],
)
def test_combine_variant_verdict(verdicts, expected):
    assert combine(verdicts) is expected
