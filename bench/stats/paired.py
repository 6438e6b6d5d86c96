"""Paired tests across variants with seeds as blocks: Friedman, Wilcoxon, Holm, effect sizes."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from bench.metrics import MetricSpec
from bench.stats.bootstrap import bootstrap_estimate, child_rng
from bench.stats.results import (
    Estimate,
    OmnibusTest,
    PairwiseComparison,
    TestSettings,
    finite_or_none,
)

ZERO_METHOD = "wilcox"
ALTERNATIVE = "two-sided"
METHOD_RULE = (
    "exact when no difference is zero or tied and n <= 50; exact permutation over all 2^n sign "
    "flips when n <= 13 otherwise; else asymptotic normal without continuity correction"
)
# Up to 2**13 = 8192 sign patterns, fewer than the 9999 resamples of
# scipy.stats.PermutationMethod, so SciPy enumerates them all and the p-value is exact.
MAX_PERMUTATION_N = 13
MAX_EXACT_N = 50


def holm(p_values: np.ndarray) -> np.ndarray:
    """Return Holm step-down adjusted p-values, in the input order.

    The i-th smallest of m p-values is multiplied by (m - i + 1), a running maximum keeps the
    adjusted values monotone, and results are capped at 1.
    """
    p_values = np.asarray(p_values, dtype=float)
    m = p_values.size
    if m == 0:
        return p_values.copy()

    order = np.argsort(p_values, kind="stable")
    scaled = p_values[order] * (m - np.arange(m))
    adjusted_sorted = np.minimum(np.maximum.accumulate(scaled), 1.0)

    adjusted = np.empty(m)
    adjusted[order] = adjusted_sorted
    return adjusted


def friedman(wide: pd.DataFrame, metric: str) -> OmnibusTest:
    """Run the Friedman test on a (seed x variant) table of one metric.

    Seeds with a missing value for any variant are left out, and the note gives how many.
    The test is skipped, with the reason, for fewer than 3 variants, fewer than 2 complete
    seeds, or when every seed ranks all variants equally.
    """
    variants = tuple(wide.columns)
    complete = wide.dropna(axis=0, how="any")
    n_dropped = len(wide) - len(complete)
    dropped_note = f"{n_dropped} seeds with a missing value left out" if n_dropped else ""

    def skipped(reason: str) -> OmnibusTest:
        note = "; ".join(part for part in (reason, dropped_note) if part)
        return OmnibusTest(metric, False, None, None, len(complete), variants, note)

    if len(variants) < 3:
        return skipped(
            f"Friedman test skipped: it needs at least 3 variants and {len(variants)} were "
            "compared, so the pairwise test is the whole comparison"
        )
    if len(complete) < 2:
        return skipped(
            f"Friedman test skipped: it needs at least 2 seeds with every variant present, "
            f"and {len(complete)} were available"
        )
    values = complete.to_numpy(dtype=float)
    if np.all(values == values[:, :1]):
        return skipped("Friedman test not defined: every seed gives all variants the same value")

    statistic, p_value = stats.friedmanchisquare(*values.T)
    return OmnibusTest(
        metric,
        True,
        finite_or_none(statistic),
        finite_or_none(p_value),
        len(complete),
        variants,
        dropped_note,
    )


@dataclass(frozen=True)
class _Wilcoxon:
    tested: bool
    statistic: float | None
    p_value: float | None
    method: str
    note: str
    all_equal: bool = False


def wilcoxon_signed_rank(differences: np.ndarray) -> _Wilcoxon:
    """Run the two-sided Wilcoxon signed-rank test on paired differences.

    Zero differences are dropped first (Wilcoxon's treatment, ``zero_method="wilcox"``), then
    the method follows ``METHOD_RULE``. Returns ``tested=False`` with a reason when no
    non-zero difference remains.
    """
    differences = np.asarray(differences, dtype=float)
    nonzero = differences[differences != 0]
    n_zero = differences.size - nonzero.size

    if differences.size < 2:
        note = f"not tested: {differences.size} paired seeds, at least 2 are needed"
        return _Wilcoxon(False, None, None, "none", note)
    if nonzero.size == 0:
        note = (
            f"not tested: the two variants are equal on all {differences.size} paired seeds, "
            "so there is no difference to test"
        )
        return _Wilcoxon(False, None, None, "none", note, all_equal=True)

    method, method_name = _choose_method(nonzero)
    result = stats.wilcoxon(
        nonzero,
        zero_method=ZERO_METHOD,
        correction=False,
        alternative=ALTERNATIVE,
        method=method,
    )
    note = f"{n_zero} seeds with zero difference dropped" if n_zero else ""
    return _Wilcoxon(
        True, finite_or_none(result.statistic), finite_or_none(result.pvalue), method_name, note
    )


def _choose_method(nonzero: np.ndarray):
    magnitudes = np.abs(nonzero)
    has_ties = np.unique(magnitudes).size < magnitudes.size
    if not has_ties and nonzero.size <= MAX_EXACT_N:
        return "exact", "exact"
    if nonzero.size <= MAX_PERMUTATION_N:
        return stats.PermutationMethod(), "permutation"
    return "asymptotic", "asymptotic"


def _pairs(count: int) -> str:
    return "1 pair" if count == 1 else f"{count} pairs"


def win_indicators(differences: np.ndarray, higher_is_better: bool) -> np.ndarray:
    """Return 1 where variant a is better on a seed, 0.5 for a tie and 0 where it is worse."""
    differences = np.asarray(differences, dtype=float)
    better = differences > 0 if higher_is_better else differences < 0
    return np.where(differences == 0, 0.5, better.astype(float))


def compare_pairs(
    wide: pd.DataFrame,
    spec: MetricSpec,
    settings: TestSettings,
) -> tuple[tuple[PairwiseComparison, ...], int, str]:
    """Compare every pair of variants (columns of ``wide``) on one metric.

    Returns the comparisons, the Holm family size, and a note on pairs left out of the family.
    """
    variants = list(wide.columns)
    pairs = [(a, b) for i, a in enumerate(variants) for b in variants[i + 1 :]]
    raw = [_compare_one(wide, spec, settings, a, b) for a, b in pairs]

    tested = [index for index, item in enumerate(raw) if item[0].tested]
    adjusted = holm(np.array([raw[index][0].p_value for index in tested]))
    p_holm = dict(zip(tested, adjusted, strict=True))

    comparisons = tuple(
        _finish(spec, settings, a, b, *raw[index], p_holm.get(index))
        for index, (a, b) in enumerate(pairs)
    )
    n_untested = len(pairs) - len(tested)
    note = (
        f"Holm family of {len(tested)} tested pairs; {n_untested} of {len(pairs)} pairs could "
        "not be tested and were left out of it"
        if n_untested
        else f"Holm family of {len(tested)} pairs"
    )
    n_nonzero = [
        comparisons[index].n_pairs - comparisons[index].n_zero_differences for index in tested
    ]
    power_note = unreachable_significance_note(n_nonzero, settings.alpha)
    if power_note:
        note = f"{note}. {power_note}"
    return comparisons, len(tested), note


def unreachable_significance_note(n_nonzero: list[int], alpha: float) -> str:
    """Return a warning when no pair of the family can reach significance, else "".

    A signed-rank test on n non-zero differences cannot give a two-sided p-value below
    2 / 2**n (all signs equal). Holm multiplies the smallest p-value by the family size m, so
    when m * 2 / 2**n >= alpha for the largest n, no pair can be significant however large
    the differences are.
    """
    if not n_nonzero:
        return ""
    family_size = len(n_nonzero)
    largest = max(n_nonzero)
    if family_size * 2.0 / 2.0**largest < alpha:
        return ""

    needed = largest
    while family_size * 2.0 / 2.0**needed >= alpha:
        needed += 1
    return (
        f"With {largest} paired seeds the smallest possible Wilcoxon p-value is "
        f"{2.0 / 2.0**largest:.3g}, so after Holm over {_pairs(family_size)} no pair can reach "
        f"alpha {alpha:g}; at least {needed} seeds are needed"
    )


def _compare_one(wide, spec, settings, variant_a, variant_b):
    both = wide[[variant_a, variant_b]].dropna(axis=0, how="any")
    differences = (both[variant_a] - both[variant_b]).to_numpy(dtype=float)
    n_missing = len(wide) - len(both)

    test = wilcoxon_signed_rank(differences)
    n_zero = int(np.count_nonzero(differences == 0))

    rng_median = child_rng(settings.seed, "median_difference", spec.name, variant_a, variant_b)
    median_difference = _quiet_estimate(differences, "median", rng_median, settings)
    rng_win = child_rng(settings.seed, "prob_improvement", spec.name, variant_a, variant_b)
    wins = win_indicators(differences, spec.higher_is_better)
    prob_improvement = _probability_of_improvement(wins, rng_win, settings)

    notes = [test.note]
    if n_missing:
        notes.append(f"{n_missing} seeds without a value for both variants left out")
    note = "; ".join(part for part in notes if part)
    return test, len(both), n_zero, median_difference, prob_improvement, note


def _probability_of_improvement(wins: np.ndarray, rng, settings) -> Estimate:
    """Estimate P(A better than B) from per-seed win indicators (1, 0, or 0.5 for a tie).

    When one variant wins on every seed, the bootstrap has no spread, so the exact
    (Clopper-Pearson) binomial interval of the win count is used instead. It stays valid when
    the estimate is later complemented for the reversed pair.
    """
    unanimous = wins.size >= 2 and np.all(wins == wins[0]) and wins[0] in (0.0, 1.0)
    if not unanimous:
        return _quiet_estimate(wins, "mean", rng, settings)

    won = int(wins.sum())
    interval = stats.binomtest(won, wins.size).proportion_ci(
        confidence_level=settings.confidence_level, method="exact"
    )
    note = (
        f"the same variant was better on all {wins.size} seeds, so the bootstrap has no "
        "spread; exact binomial interval"
    )
    return Estimate(
        won / wins.size, interval.low, interval.high, "clopper-pearson", note,
        settings.confidence_level,
    )  # fmt: skip


def _quiet_estimate(values, statistic, rng, settings) -> Estimate:
    if values.size == 0:
        return Estimate.missing("not computed: no seed has a value for both variants")
    return bootstrap_estimate(
        values,
        statistic,
        rng=rng,
        n_resamples=settings.n_resamples,
        level=settings.confidence_level,
    )


def _finish(spec, settings, variant_a, variant_b, test, n_pairs, n_zero, median, prob, note, p):
    significant = p is not None and p < settings.alpha
    better = _better_variant(spec, variant_a, variant_b, median, prob) if significant else None
    verdict = _verdict(spec, variant_a, variant_b, test, median, p, better)
    return PairwiseComparison(
        metric=spec.name,
        variant_a=variant_a,
        variant_b=variant_b,
        n_pairs=n_pairs,
        n_zero_differences=n_zero,
        tested=test.tested,
        statistic=test.statistic,
        p_value=test.p_value,
        p_holm=None if p is None else float(p),
        significant=significant,
        median_difference=median,
        prob_improvement=prob,
        better=better,
        verdict=verdict,
        note=note,
        method=test.method,
    )


def _better_variant(spec, variant_a, variant_b, median, prob) -> str | None:
    # The median difference decides; when it is exactly zero the share of wins decides.
    if median.value is not None and median.value != 0:
        a_better = (median.value > 0) == spec.higher_is_better
    elif prob.value is not None and prob.value != 0.5:
        a_better = prob.value > 0.5
    else:
        return None
    return variant_a if a_better else variant_b


def _verdict(spec, variant_a, variant_b, test, median, p_holm, better) -> str:
    if not test.tested:
        if test.all_equal:
            return (
                f"No difference in {spec.label}: {variant_a} and {variant_b} are equal on "
                "every paired seed."
            )
        return f"{variant_a} versus {variant_b} on {spec.label}: {test.note}."

    if better is None:
        effect = f"median of {variant_a} - {variant_b} {median.format()}; Holm p = {p_holm:.3g}"
        return (
            f"No significant difference in {spec.label} between {variant_a} and {variant_b} "
            f"({effect})."
        )

    worse = variant_b if better == variant_a else variant_a
    oriented = median if better == variant_a else median.negated()
    effect = f"median of {better} - {worse} {oriented.format()}; Holm p = {p_holm:.3g}"
    return f"{better} has {spec.better_word} {spec.label} than {worse} ({effect})."
