"""Tests of the tutorial-claim verdicts, on analyses whose pairwise outcomes are set by hand."""

from dataclasses import replace

import pytest

from bench.frames import load_study
from bench.report.claims import (
    INCONCLUSIVE,
    NOT_CHECKED,
    NOT_SUPPORTED,
    PARTLY,
    SUPPORTED,
    best_merge_modes,
    bidirectional_faster,
    check_claims,
    forward_backward_alike,
    survives_wide_control,
)
from bench.report.synthetic import write_synthetic_study
from bench.stats import analyze
from bench.stats.results import Estimate, PairwiseComparison

ALL_VARIANTS = (
    "lstm_forw",
    "lstm_back",
    "bilstm_sum",
    "bilstm_mul",
    "bilstm_ave",
    "bilstm_concat",
    "lstm_forw_wide",
)


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    folder = write_synthetic_study(
        tmp_path_factory.mktemp("claims"), variants=ALL_VARIANTS, n_seeds=4, epochs=40
    )
    return analyze(load_study(folder), n_resamples=200)


def _pair(metric, variant_a, variant_b, better):
    # Lower is better for every metric these claims use. So a significant pair gets a
    # negative difference for the better variant, and a non-significant pair a small one.
    sign = -1.0 if better == variant_a else 1.0
    size = 0.1 if better else 0.01
    return PairwiseComparison(
        metric=metric,
        variant_a=variant_a,
        variant_b=variant_b,
        n_pairs=10,
        n_zero_differences=0,
        tested=True,
        statistic=1.0,
        p_value=0.001 if better else 0.4,
        p_holm=0.004 if better else 0.8,
        significant=better is not None,
        median_difference=Estimate(sign * size, sign * size - 0.02, sign * size + 0.02, "bca"),
        prob_improvement=Estimate(0.9 if better == variant_a else 0.4, 0.3, 1.0, "bca"),
        better=better,
        verdict="",
        method="exact",
    )


def _with_outcomes(analysis, outcomes):
    """Replace every pair of every metric; ``outcomes[metric][(a, b)]`` names the better one."""
    metrics = []
    for metric in analysis.metrics:
        wanted = outcomes.get(metric.spec.name, {})
        pairs = []
        for pair in metric.pairs:
            key = (pair.variant_a, pair.variant_b)
            better = wanted.get(key, wanted.get(key[::-1]))
            pairs.append(_pair(metric.spec.name, *key, better))
        metrics.append(replace(metric, pairs=tuple(pairs)))
    return replace(analysis, metrics=tuple(metrics))


def _without(analysis, variant):
    return replace(analysis, variants=tuple(v for v in analysis.variants if v != variant))


def test_forward_backward_no_difference(base):
    verdict = forward_backward_alike(_with_outcomes(base, {}))
    assert verdict.verdict == SUPPORTED
    assert "does not prove equality" in verdict.summary


def test_forward_backward_difference(base):
    analysis = _with_outcomes(base, {"heldout_aulc": {("lstm_forw", "lstm_back"): "lstm_forw"}})
    verdict = forward_backward_alike(analysis)
    assert verdict.verdict == NOT_SUPPORTED
    assert verdict.summary.startswith("lstm_forw has significantly lower Held-out AULC")


def test_bidirectional_sooner_and_lower(base):
    better = {
        ("bilstm_concat", "lstm_forw"): "bilstm_concat",
        ("bilstm_concat", "lstm_back"): "bilstm_concat",
    }
    analysis = _with_outcomes(base, {"aulc": better, "final_loss": better})
    assert bidirectional_faster(analysis).verdict == SUPPORTED


def test_bidirectional_only_sooner(base):
    better = {
        ("bilstm_concat", "lstm_forw"): "bilstm_concat",
        ("bilstm_concat", "lstm_back"): "bilstm_concat",
    }
    analysis = _with_outcomes(base, {"aulc": better})
    assert bidirectional_faster(analysis).verdict == PARTLY


def test_bidirectional_slower(base):
    analysis = _with_outcomes(base, {"aulc": {("bilstm_concat", "lstm_forw"): "lstm_forw"}})
    verdict = bidirectional_faster(analysis)
    assert verdict.verdict == NOT_SUPPORTED
    assert "lstm_forw has significantly lower" in verdict.summary


def test_merge_modes_supported(base):
    better = {
        (best, other): best
        for best in ("bilstm_sum", "bilstm_concat")
        for other in ("bilstm_mul", "bilstm_ave")
    }
    verdict = best_merge_modes(_with_outcomes(base, {"heldout_aulc": better}))
    assert verdict.verdict == SUPPORTED


def test_merge_modes_partly(base):
    better = {("bilstm_sum", "bilstm_mul"): "bilstm_sum"}
    verdict = best_merge_modes(_with_outcomes(base, {"heldout_aulc": better}))
    assert verdict.verdict == PARTLY
    assert "only bilstm_mul" in verdict.summary


def test_merge_modes_beaten(base):
    better = {("bilstm_sum", "bilstm_mul"): "bilstm_mul"}
    verdict = best_merge_modes(_with_outcomes(base, {"heldout_aulc": better}))
    assert verdict.verdict == NOT_SUPPORTED


def test_merge_modes_all_alike(base):
    verdict = best_merge_modes(_with_outcomes(base, {}))
    assert verdict.verdict == INCONCLUSIVE
    assert "Order of the merge modes by mean rank" in verdict.summary


def test_wide_control_survives(base):
    better = {("bilstm_concat", "lstm_forw_wide"): "bilstm_concat"}
    verdict = survives_wide_control(_with_outcomes(base, {"heldout_aulc": better}))
    assert verdict.verdict == SUPPORTED


def test_wide_control_not_separated(base):
    verdict = survives_wide_control(_with_outcomes(base, {}))
    assert verdict.verdict == NOT_SUPPORTED
    assert "larger parameter count" in verdict.summary


def test_wide_control_not_run(base):
    verdict = survives_wide_control(_without(base, "lstm_forw_wide"))
    assert verdict.verdict == NOT_CHECKED
    assert verdict.summary == "The study did not run lstm_forw_wide."


def test_merge_modes_need_sum_and_concat(base):
    verdict = best_merge_modes(_without(base, "bilstm_sum"))
    assert verdict.verdict == NOT_CHECKED
    assert "bilstm_sum" in verdict.summary


def test_all_claims_in_tutorial_order(base):
    verdicts = check_claims(_with_outcomes(base, {}))
    assert [v.claim.split()[0] for v in verdicts] == ["Do", "Does", "Are", "Does"]
    assert "parameter-matched" in verdicts[3].claim
