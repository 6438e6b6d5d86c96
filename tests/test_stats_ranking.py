"""Tests of within-seed ranks, mean ranks, the probability of ranking first and groups."""

import numpy as np
import pandas as pd
import pytest

from bench.metrics import METRICS
from bench.stats.paired import compare_pairs
from bench.stats.ranking import rank_variants, significance_groups, within_seed_ranks
from bench.stats.results import Estimate, PairwiseComparison, TestSettings

LOSS = METRICS["heldout_aulc"]
SETTINGS = TestSettings(0.05, 0.95, 999, 3, "BCa", "wilcox", "rule", "two-sided")


def _ranking(wide: pd.DataFrame):
    pairs, _, _ = compare_pairs(wide, LOSS, SETTINGS)
    return rank_variants(wide, LOSS, pairs, seed=3, n_resamples=999)


def _pair(a: str, b: str, significant: bool) -> PairwiseComparison:
    missing = Estimate.missing("unused")
    return PairwiseComparison(
        "aulc", a, b, 10, 0, True, 1.0, 0.01, 0.01, significant, missing, missing, None, ""
    )


def test_ties_get_average_ranks():
    ranks = within_seed_ranks(np.array([[0.3, 0.1, 0.3, 0.5]]), higher_is_better=False)
    assert ranks.tolist() == [[2.5, 1.0, 2.5, 4.0]]


def test_higher_is_better_ranks_largest_first():
    ranks = within_seed_ranks(np.array([[0.8, 0.9]]), higher_is_better=True)
    assert ranks.tolist() == [[2.0, 1.0]]


def test_shuffled_variant_order_keeps_ranks(rng):
    values = np.round(rng.normal(size=(10, 4)), 1)
    wide = pd.DataFrame(values, columns=["a", "b", "c", "d"])
    original = {entry.variant: entry.mean_rank.value for entry in _ranking(wide).entries}
    shuffled = wide[["c", "a", "d", "b"]]
    again = {entry.variant: entry.mean_rank.value for entry in _ranking(shuffled).entries}
    assert again == original


def test_shuffled_variant_order_keeps_prob_first(rng):
    wide = pd.DataFrame(rng.normal(size=(10, 3)), columns=["a", "b", "c"])
    original = {entry.variant: entry.prob_first for entry in _ranking(wide).entries}
    again = {entry.variant: entry.prob_first for entry in _ranking(wide[["b", "c", "a"]]).entries}
    assert again == original


def test_ranking_order_by_mean_rank(rng):
    base = rng.normal(size=(12, 1))
    wide = pd.DataFrame(base + np.array([[2.0, 0.0, 1.0]]), columns=["slow", "fast", "middle"])
    assert _ranking(wide).order == ("fast", "middle", "slow")


def test_prob_first_sums_to_one(rng):
    wide = pd.DataFrame(rng.normal(size=(10, 3)), columns=["a", "b", "c"])
    assert sum(entry.prob_first for entry in _ranking(wide).entries) == pytest.approx(1.0)


def test_share_first_hand_computed():
    # Seed 0: a best; seed 1: a and b tie for best (half each); seed 2: b best.
    # a: (1 + 0.5 + 0) / 3 = 0.5, b: (0 + 0.5 + 1) / 3 = 0.5, c: 0.
    wide = pd.DataFrame({"a": [1.0, 1.0, 3.0], "b": [2.0, 1.0, 1.0], "c": [3.0, 3.0, 3.5]})
    shares = {entry.variant: entry.share_first for entry in _ranking(wide).entries}
    assert shares == pytest.approx({"a": 0.5, "b": 0.5, "c": 0.0})


def test_equal_variants_share_mean_rank(rng):
    values = rng.normal(size=10)
    wide = pd.DataFrame({"a": values, "b": values.copy()})
    ranking = _ranking(wide)
    assert [entry.mean_rank.value for entry in ranking.entries] == [1.5, 1.5]
    assert ranking.groups == (("a", "b"),)


def test_always_first_interval_not_defined(rng):
    base = rng.normal(size=(10, 1))
    wide = pd.DataFrame(base + np.array([[0.0, 1.0]]), columns=["fast", "slow"])
    entry = _ranking(wide).entries[0]
    assert entry.mean_rank.note == "not defined: the rank is 1 on all 10 seeds"


def test_groups_chain():
    # In the order a, b, c, d only a-c, a-d and b-d differ significantly, so the maximal runs
    # without a significant pair are (a, b), (b, c) and (c, d).
    pairs = (
        _pair("a", "c", True),
        _pair("a", "d", True),
        _pair("b", "d", True),
        _pair("a", "b", False),
    )
    assert significance_groups(["a", "b", "c", "d"], pairs) == (("a", "b"), ("b", "c"), ("c", "d"))


def test_groups_all_different():
    pairs = (_pair("a", "b", True), _pair("a", "c", True), _pair("b", "c", True))
    assert significance_groups(["a", "b", "c"], pairs) == (("a",), ("b",), ("c",))


def test_group_letters_in_entries(rng):
    base = rng.normal(size=(12, 1))
    wide = pd.DataFrame(base + np.array([[0.0, 5.0]]), columns=["fast", "slow"])
    assert [entry.group for entry in _ranking(wide).entries] == ["a", "b"]


def test_one_seed_descriptive():
    ranking = _ranking(pd.DataFrame({"a": [1.0], "b": [2.0]}))
    assert ranking.order == ("a", "b")
    assert ranking.note == "only one seed: ranks are descriptive and have no interval"


def test_seeds_with_missing_value_left_out(rng):
    wide = pd.DataFrame(rng.normal(size=(6, 2)), columns=["a", "b"])
    wide.loc[2, "b"] = np.nan
    ranking = _ranking(wide)
    assert ranking.n_seeds == 5
    assert ranking.note == "1 seeds without a value for every variant left out"


def test_variant_without_values_left_out(rng):
    wide = pd.DataFrame(rng.normal(size=(6, 2)), columns=["a", "b"])
    wide["c"] = np.nan
    ranking = _ranking(wide)
    assert set(ranking.order) == {"a", "b"}
    assert ranking.note == "left out for lack of any value: c"
