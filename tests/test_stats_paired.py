"""Tests of Holm, Friedman, Wilcoxon and the paired effect sizes."""

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from bench.metrics import METRICS
from bench.stats.paired import (
    compare_pairs,
    friedman,
    holm,
    unreachable_significance_note,
    wilcoxon_signed_rank,
    win_indicators,
)
from bench.stats.results import TestSettings

SETTINGS = TestSettings(
    alpha=0.05,
    confidence_level=0.95,
    n_resamples=999,
    seed=3,
    bootstrap_method="BCa",
    wilcoxon_zero_method="wilcox",
    wilcoxon_method="rule",
    wilcoxon_alternative="two-sided",
)
LOSS = METRICS["heldout_aulc"]
ACCURACY = METRICS["final_accuracy"]


def _wide(columns: dict[str, np.ndarray]) -> pd.DataFrame:
    frame = pd.DataFrame(columns)
    frame.index.name = "seed"
    return frame


def test_holm_hand_computed():
    # Holm by hand: sorted p = 0.005, 0.01, 0.03, 0.04 times 4, 3, 2, 1 gives
    # 0.02, 0.03, 0.06, 0.04; the running maximum makes the last 0.06. In input order:
    # 0.01 -> 0.03, 0.04 -> 0.06, 0.03 -> 0.06, 0.005 -> 0.02.
    adjusted = holm(np.array([0.01, 0.04, 0.03, 0.005]))
    assert adjusted == pytest.approx([0.03, 0.06, 0.06, 0.02])


def test_holm_caps_at_one():
    assert holm(np.array([0.6, 0.9])) == pytest.approx([1.0, 1.0])


def test_holm_single_p_unchanged():
    assert holm(np.array([0.02])) == pytest.approx([0.02])


def test_holm_empty_family():
    assert holm(np.array([])).size == 0


def test_friedman_hand_computed():
    # 4 seeds that all rank the variants 1, 2, 3: rank sums 4, 8, 12, so
    # chi2 = 12 / (4 * 3 * 4) * (16 + 64 + 144) - 3 * 4 * 4 = 8, and with 2 degrees of freedom
    # p = exp(-8 / 2) = 0.0183.
    wide = _wide({"a": [1.0, 2.0, 3.0, 4.0], "b": [2.0, 3.0, 4.0, 5.0], "c": [3.0, 5.0, 6.0, 9.0]})
    result = friedman(wide, "aulc")
    assert result.statistic == pytest.approx(8.0)
    assert result.p_value == pytest.approx(np.exp(-4.0))


def test_friedman_skipped_for_two_variants():
    result = friedman(_wide({"a": [1.0, 2.0], "b": [2.0, 3.0]}), "aulc")
    assert not result.computed
    assert result.note.startswith("Friedman test skipped: it needs at least 3 variants and 2")


def test_friedman_skipped_for_one_seed():
    result = friedman(_wide({"a": [1.0], "b": [2.0], "c": [3.0]}), "aulc")
    assert "it needs at least 2 seeds" in result.note


def test_friedman_all_ties_not_defined():
    result = friedman(_wide({"a": [1.0, 2.0], "b": [1.0, 2.0], "c": [1.0, 2.0]}), "aulc")
    assert result.note == "Friedman test not defined: every seed gives all variants the same value"


def test_friedman_counts_dropped_seeds():
    wide = _wide({"a": [1.0, 2.0, 3.0], "b": [2.0, np.nan, 4.0], "c": [3.0, 4.0, 6.0]})
    assert friedman(wide, "aulc").note == "1 seeds with a missing value left out"


def test_wilcoxon_exact_all_positive():
    # All 10 differences positive with distinct sizes: the exact two-sided p-value is
    # 2 / 2**10 = 0.001953125 (only the all-positive and all-negative sign patterns are as
    # extreme).
    result = wilcoxon_signed_rank(np.arange(1.0, 11.0))
    assert result.p_value == pytest.approx(2 / 1024)
    assert result.method == "exact"


def test_wilcoxon_drops_zeros_and_says_so():
    result = wilcoxon_signed_rank(np.r_[np.zeros(3), np.arange(1.0, 8.0)])
    assert result.note == "3 seeds with zero difference dropped"


def test_wilcoxon_ties_use_permutation():
    assert wilcoxon_signed_rank(np.array([1.0, 1.0, 2.0, -3.0, 4.0])).method == "permutation"


def test_wilcoxon_large_sample_with_ties_asymptotic(rng):
    differences = np.round(rng.normal(size=30), 1)
    assert wilcoxon_signed_rank(differences).method == "asymptotic"


def test_wilcoxon_all_zero_not_tested():
    result = wilcoxon_signed_rank(np.zeros(10))
    assert not result.tested
    assert result.note.startswith("not tested: the two variants are equal on all 10")


def test_win_indicators_lower_is_better():
    assert win_indicators(np.array([-1.0, 0.0, 2.0]), False).tolist() == [1.0, 0.5, 0.0]


def test_win_indicators_higher_is_better():
    assert win_indicators(np.array([-1.0, 0.0, 2.0]), True).tolist() == [0.0, 0.5, 1.0]


def test_prob_improvement_hand_computed():
    # Differences a - b of a loss: a wins where the difference is negative (3 seeds), ties on
    # one seed and loses on one, so P(a better) = (3 + 0.5) / 5 = 0.7.
    wide = _wide({"a": [1.0, 2.0, 3.0, 4.0, 5.0], "b": [2.0, 4.0, 3.0, 1.0, 6.0]})
    pairs, _, _ = compare_pairs(wide, LOSS, SETTINGS)
    assert pairs[0].prob_improvement.value == pytest.approx(0.7)


def test_median_difference_hand_computed():
    # Differences a - b: -1, -2, 0, 3, -1; their median is -1.
    wide = _wide({"a": [1.0, 2.0, 3.0, 4.0, 5.0], "b": [2.0, 4.0, 3.0, 1.0, 6.0]})
    pairs, _, _ = compare_pairs(wide, LOSS, SETTINGS)
    assert pairs[0].median_difference.value == pytest.approx(-1.0)


@pytest.mark.parametrize("n_seeds", [10, 20])
def test_equal_variants_no_difference(rng, n_seeds):
    values = rng.normal(size=n_seeds)
    wide = _wide({"a": values, "b": values.copy(), "c": values + 1.0})
    pairs, family_size, note = compare_pairs(wide, LOSS, SETTINGS)
    equal = pairs[0]
    assert not equal.tested
    assert not equal.significant
    assert equal.better is None
    assert equal.verdict.startswith("No difference in Held-out AULC: a and b are equal")
    assert family_size == 2
    assert note == (
        "Holm family of 2 tested pairs; 1 of 3 pairs could not be tested and were left out of it"
    )


def test_equal_variants_prob_improvement_half(rng):
    values = rng.normal(size=10)
    pairs, _, _ = compare_pairs(_wide({"a": values, "b": values.copy()}), LOSS, SETTINGS)
    assert pairs[0].prob_improvement.value == 0.5


def test_clear_winner_named_better(rng):
    base = rng.normal(size=12)
    wide = _wide({"slow": base + 1.0 + 0.1 * rng.normal(size=12), "fast": base})
    pairs, _, _ = compare_pairs(wide, LOSS, SETTINGS)
    assert pairs[0].better == "fast"
    assert pairs[0].verdict.startswith("fast has lower Held-out AULC than slow")


def test_higher_is_better_direction(rng):
    base = rng.uniform(0.8, 0.9, size=12)
    wide = _wide({"low": base, "high": base + 0.05})
    pairs, _, _ = compare_pairs(wide, ACCURACY, SETTINGS)
    assert pairs[0].better == "high"


def test_swapped_pair_flips_effects(rng):
    base = rng.normal(size=12)
    wide = _wide({"a": base + 1.0 + 0.1 * rng.normal(size=12), "b": base})
    pair = compare_pairs(wide, LOSS, SETTINGS)[0][0]
    swapped = pair.swapped()
    assert swapped.median_difference.value == pytest.approx(-pair.median_difference.value)
    assert swapped.prob_improvement.value == pytest.approx(1 - pair.prob_improvement.value)


def test_unanimous_wins_use_exact_binomial_interval():
    # Clopper-Pearson for 10 wins of 10 at 95%: lower bound 0.025 ** (1 / 10) = 0.69150.
    wide = _wide({"a": np.arange(10.0), "b": np.arange(10.0) + 1.0})
    pair = compare_pairs(wide, LOSS, SETTINGS)[0][0]
    assert pair.prob_improvement.value == 1.0
    assert pair.prob_improvement.method == "clopper-pearson"
    assert pair.prob_improvement.low == pytest.approx(0.69150, abs=1e-5)
    assert pair.prob_improvement.high == 1.0


def test_unanimous_wins_swapped_consistent():
    wide = _wide({"a": np.arange(10.0), "b": np.arange(10.0) + 1.0})
    swapped = compare_pairs(wide, LOSS, SETTINGS)[0][0].swapped().prob_improvement
    assert swapped.value == 0.0
    assert swapped.low == 0.0
    assert swapped.high == pytest.approx(1 - 0.69150, abs=1e-5)


def test_holm_family_type_one_error_at_most_alpha(rng):
    # 1,000 simulated studies of 3 variants x 10 seeds, all drawn from one distribution with a
    # shared seed effect: the chance that Holm rejects any of the 3 pairs must not exceed alpha.
    alpha = 0.05
    rejections = 0
    for _ in range(1000):
        values = rng.normal(size=(10, 1)) + rng.normal(size=(10, 3))
        p_values = [
            wilcoxon_signed_rank(values[:, i] - values[:, j]).p_value
            for i, j in ((0, 1), (0, 2), (1, 2))
        ]
        rejections += bool(np.any(holm(np.array(p_values)) < alpha))
    assert _consistent_with_at_most(rejections, 1000, alpha)


def test_two_variant_type_one_error_at_most_alpha(rng):
    alpha = 0.05
    rejections = 0
    for _ in range(1000):
        values = rng.normal(size=(20, 1)) + rng.normal(size=(20, 2))
        p_value = wilcoxon_signed_rank(values[:, 0] - values[:, 1]).p_value
        rejections += bool(holm(np.array([p_value]))[0] < alpha)
    assert _consistent_with_at_most(rejections, 1000, alpha)


def _consistent_with_at_most(rejections: int, n_studies: int, alpha: float) -> bool:
    # The observed rate estimates the true rate with a Monte Carlo error of about 0.007 at
    # 1,000 studies, so a true rate of exactly alpha can show 0.053. The check fails only when
    # the one-sided exact binomial test at level 0.01 rejects "rate <= alpha".
    return stats.binomtest(rejections, n_studies, alpha, alternative="greater").pvalue > 0.01


def test_unreachable_significance_five_seeds():
    # 5 seeds: smallest p = 2 / 32 = 0.0625; Holm over 15 pairs needs 15 * 2 / 2**n < 0.05,
    # first true at n = 10 (15 * 2 / 1024 = 0.029; n = 9 gives 0.059).
    note = unreachable_significance_note([5] * 15, 0.05)
    assert note == (
        "With 5 paired seeds the smallest possible Wilcoxon p-value is 0.0625, so after Holm "
        "over 15 pairs no pair can reach alpha 0.05; at least 10 seeds are needed"
    )


def test_unreachable_significance_enough_seeds():
    assert unreachable_significance_note([10] * 15, 0.05) == ""
