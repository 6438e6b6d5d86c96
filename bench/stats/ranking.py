"""Rank variants within each seed and combine the ranks into one ordered ranking."""

from __future__ import annotations

import string

import numpy as np
import pandas as pd
from scipy import stats

from bench.metrics import MetricSpec
from bench.stats.bootstrap import child_rng, percentile_interval, resample_counts
from bench.stats.results import Estimate, PairwiseComparison, Ranking, VariantRank


def within_seed_ranks(values: np.ndarray, higher_is_better: bool) -> np.ndarray:
    """Rank each row of a (seed x variant) array: 1 is best, ties get the average rank."""
    oriented = -values if higher_is_better else values
    return stats.rankdata(oriented, method="average", axis=1)


def rank_variants(
    wide: pd.DataFrame,
    spec: MetricSpec,
    comparisons: tuple[PairwiseComparison, ...],
    *,
    seed: int,
    n_resamples: int,
    level: float = 0.95,
) -> Ranking:
    """Order the variants (columns of ``wide``) by mean within-seed rank of one metric.

    Parameters
    ----------
    wide : pandas.DataFrame
        One row per seed, one column per variant, values of the metric (NaN when missing).
    spec : MetricSpec
        The ranking metric, for its direction.
    comparisons : tuple of PairwiseComparison
        Holm-adjusted pairwise tests of the same metric; they define the groups.
    seed, n_resamples, level
        Bootstrap seed, resamples and confidence level of the mean-rank intervals.

    Notes
    -----
    Only seeds with a value for every ranked variant are ranked, so each seed is a complete
    block. A variant without any value is left out of the ranking. Ties between variants in the
    order (equal mean rank) are broken by the median value, then by study order.
    """
    notes = []
    present = [name for name in wide.columns if wide[name].notna().any()]
    absent = [name for name in wide.columns if name not in present]
    if absent:
        notes.append(f"left out for lack of any value: {', '.join(absent)}")

    complete = wide[present].dropna(axis=0, how="any")
    n_dropped = len(wide) - len(complete)
    if n_dropped:
        notes.append(f"{n_dropped} seeds without a value for every variant left out")
    if len(complete) == 0 or not present:
        notes.insert(0, "ranking not computed: no seed has a value for every variant")
        return Ranking(spec.name, spec.higher_is_better, (), (), 0, "; ".join(notes))
    if len(complete) == 1:
        notes.insert(0, "only one seed: ranks are descriptive and have no interval")

    values = complete.to_numpy(dtype=float)
    ranks = within_seed_ranks(values, spec.higher_is_better)
    mean_ranks = _mean_rank_estimates(ranks, present, spec, seed, n_resamples, level)
    prob_first = _prob_first(ranks, present, spec, seed, n_resamples)
    share_first = _share_first(ranks)
    medians = np.median(values, axis=0)

    oriented_medians = -medians if spec.higher_is_better else medians
    order = sorted(
        range(len(present)),
        key=lambda i: (mean_ranks[i].value, oriented_medians[i], i),
    )
    ordered_names = [present[i] for i in order]
    groups = significance_groups(ordered_names, comparisons)
    letters = _group_letters(ordered_names, groups)

    entries = tuple(
        VariantRank(
            variant=present[i],
            position=position,
            mean_rank=mean_ranks[i],
            prob_first=float(prob_first[i]),
            share_first=float(share_first[i]),
            median_value=float(medians[i]),
            group=letters[present[i]],
        )
        for position, i in enumerate(order, start=1)
    )
    return Ranking(
        spec.name, spec.higher_is_better, entries, groups, len(complete), "; ".join(notes)
    )


def _mean_rank_estimates(ranks, names, spec, seed, n_resamples, level) -> list[Estimate]:
    n_seeds = ranks.shape[0]
    means = ranks.mean(axis=0)
    if n_seeds < 2:
        note = "not defined: only one seed"
        return [Estimate(float(value), None, None, "none", note, level) for value in means]

    rng = child_rng(seed, "mean_rank", spec.name, *sorted(names))
    resampled = resample_counts(rng, n_seeds, n_resamples) @ ranks / n_seeds
    low, high = percentile_interval(resampled, level)

    estimates = []
    for column, value in enumerate(means):
        if np.all(ranks[:, column] == ranks[0, column]):
            note = f"not defined: the rank is {ranks[0, column]:g} on all {n_seeds} seeds"
            estimates.append(Estimate(float(value), None, None, "none", note, level))
        else:
            estimates.append(
                Estimate(
                    float(value), float(low[column]), float(high[column]), "percentile", "", level
                )
            )
    return estimates


def _prob_first(ranks, names, spec, seed, n_resamples) -> np.ndarray:
    """Bootstrap probability that each variant has the best (lowest) mean rank."""
    n_seeds = ranks.shape[0]
    rng = child_rng(seed, "prob_first", spec.name, *sorted(names))
    # Rank sums are exact multiples of 0.5, so comparing them for equality is safe in floating
    # point, unlike comparing mean ranks after a division.
    rank_sums = resample_counts(rng, n_seeds, n_resamples) @ ranks
    best = rank_sums == rank_sums.min(axis=1, keepdims=True)
    shares = best / best.sum(axis=1, keepdims=True)
    return shares.mean(axis=0)


def _share_first(ranks: np.ndarray) -> np.ndarray:
    best = ranks == ranks.min(axis=1, keepdims=True)
    return (best / best.sum(axis=1, keepdims=True)).mean(axis=0)


def significance_groups(
    ordered: list[str], comparisons: tuple[PairwiseComparison, ...]
) -> tuple[tuple[str, ...], ...]:
    """Return maximal runs of consecutive variants in ``ordered`` with no significant pair.

    A pair that was not tested (for example, equal on every seed) counts as not significant.
    A run contained in an earlier one is not repeated.
    """
    significant = {
        frozenset((pair.variant_a, pair.variant_b)) for pair in comparisons if pair.significant
    }

    groups = []
    last_end = -1
    for start in range(len(ordered)):
        end = start
        while end + 1 < len(ordered) and not any(
            frozenset((ordered[member], ordered[end + 1])) in significant
            for member in range(start, end + 1)
        ):
            end += 1
        if end > last_end:
            groups.append(tuple(ordered[start : end + 1]))
            last_end = end
    return tuple(groups)


def _group_letters(ordered: list[str], groups) -> dict[str, str]:
    letters = {name: "" for name in ordered}
    for index, group in enumerate(groups):
        letter = _letter(index)
        for name in group:
            letters[name] += letter
    return letters


def _letter(index: int) -> str:
    alphabet = string.ascii_lowercase
    if index < len(alphabet):
        return alphabet[index]
    return _letter(index // len(alphabet) - 1) + alphabet[index % len(alphabet)]
