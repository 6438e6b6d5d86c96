"""Sentences that state the evidence of one paired comparison, for the headline and the claims."""

from __future__ import annotations

from bench.report.formatting import fmt_estimate, fmt_p_clause, reason_text
from bench.stats.results import MetricAnalysis, PairwiseComparison, StudyAnalysis


def find_metric(analysis: StudyAnalysis, name: str) -> MetricAnalysis | None:
    """Return the analysis of metric ``name``, or None when the analysis has none."""
    try:
        return analysis.metric(name)
    except KeyError:
        return None


def find_pair(metric: MetricAnalysis | None, variant_a: str, variant_b: str):
    """Return the comparison of ``variant_a`` against ``variant_b``, or None when absent."""
    if metric is None:
        return None
    try:
        return metric.pair(variant_a, variant_b)
    except KeyError:
        return None


def pair_evidence(pair: PairwiseComparison, metric: MetricAnalysis) -> str:
    """Describe a comparison's numbers in one clause.

    Examples
    --------
    "held-out AULC, bilstm_sum minus lstm_forw: median paired difference -0.031 (95% CI -0.040
    to -0.022), P(bilstm_sum better) 0.93 (95% CI 0.83 to 1), Holm p = 0.0004, 30 paired seeds"
    """
    label = metric.spec.label
    head = f"{label}, {pair.variant_a} minus {pair.variant_b}"
    effect = f"median paired difference {fmt_estimate(pair.median_difference, signed=True)}"
    probability = f"P({pair.variant_a} better) {fmt_estimate(pair.prob_improvement, digits=2)}"
    if pair.tested:
        test = f"{fmt_p_clause(pair.p_holm, 'Holm p')} ({fmt_p_clause(pair.p_value, 'raw p')})"
    else:
        test = f"not tested: {reason_text(pair.note)}" if pair.note else "not tested"
    return f"{head}: {effect}, {probability}, {test}, {pair.n_pairs} paired seeds"


def direction_phrase(pair: PairwiseComparison, metric: MetricAnalysis) -> str:
    """Say which variant is significantly better, or that neither is."""
    if not pair.tested:
        return f"{pair.variant_a} and {pair.variant_b} could not be compared"
    if pair.better is None:
        return f"{pair.variant_a} and {pair.variant_b} do not differ significantly"
    worse = pair.variant_b if pair.better == pair.variant_a else pair.variant_a
    return (
        f"{pair.better} has significantly {metric.spec.better_word} {metric.spec.label} "
        f"than {worse}"
    )
