"""Turn a StudyAnalysis into the JSON-ready dict stored as ``summary.json``.

Values that could not be computed are JSON null next to a "note" that explains why. Curve bands and
Kaplan-Meier curves are left out to keep the file small; the report carries them.
"""

from __future__ import annotations

import math

from bench.stats.results import (
    Estimate,
    LogRankComparison,
    MetricAnalysis,
    OmnibusTest,
    PairwiseComparison,
    Ranking,
    StudyAnalysis,
    TimeToTargetAnalysis,
    TimeToTargetSummary,
    VariantSummary,
)

SUMMARY_SCHEMA_VERSION = 1
SUMMARY_FILE = "summary.json"


def summary_dict(analysis: StudyAnalysis) -> dict:
    """Return the JSON-ready summary of an analysis.

    Every float is finite or None, so ``json.dumps(..., allow_nan=False)`` accepts the result.

    Top-level keys: schema_version, config, config_hash, settings (metric, target, reference,
    tests), library_versions, study_provenance, run_counts, notes, metrics (per metric:
    direction, Friedman, Holm family, per-variant summaries, pairwise tests),
    time_to_target, ranking.
    """
    settings = analysis.settings
    summary = {
        "schema_version": SUMMARY_SCHEMA_VERSION,
        "config": analysis.config,
        "config_hash": analysis.config_hash,
        "settings": {
            "metric": settings.metric,
            "target": settings.target,
            "reference": settings.reference,
            "tests": vars(settings.tests).copy(),
        },
        "library_versions": analysis.library_versions,
        "study_provenance": analysis.provenance,
        "run_counts": [vars(count).copy() for count in analysis.run_counts],
        "notes": list(analysis.notes),
        "metrics": {result.spec.name: _metric(result) for result in analysis.metrics},
        "time_to_target": _time_to_target(analysis.time_to_target),
        "ranking": _ranking(analysis.ranking),
    }
    return _finite(summary)


def estimate_dict(estimate: Estimate) -> dict:
    """Return an Estimate as a dict with keys value, low, high, level, method and note."""
    return {
        "value": estimate.value,
        "low": estimate.low,
        "high": estimate.high,
        "level": estimate.level,
        "method": estimate.method,
        "note": estimate.note,
    }


def _metric(result: MetricAnalysis) -> dict:
    spec = result.spec
    return {
        "label": spec.label,
        "unit": spec.unit,
        "higher_is_better": spec.higher_is_better,
        "description": spec.description,
        "friedman": _friedman(result.friedman),
        "holm_family_size": result.family_size,
        "note": result.note,
        "summaries": [_variant_summary(summary) for summary in result.summaries],
        "pairwise": [_pair(pair) for pair in result.pairs],
    }


def _friedman(test: OmnibusTest) -> dict:
    return {
        "computed": test.computed,
        "statistic": test.statistic,
        "p_value": test.p_value,
        "n_blocks": test.n_blocks,
        "variants": list(test.variants),
        "note": test.note,
    }


def _variant_summary(summary: VariantSummary) -> dict:
    return {
        "variant": summary.variant,
        "n_used": summary.n_used,
        "n_excluded": summary.n_excluded,
        "mean": estimate_dict(summary.mean),
        "median": estimate_dict(summary.median),
        "std": summary.std,
        "min": summary.minimum,
        "max": summary.maximum,
        "note": summary.note,
    }


def _pair(pair: PairwiseComparison) -> dict:
    return {
        "variant_a": pair.variant_a,
        "variant_b": pair.variant_b,
        "n_pairs": pair.n_pairs,
        "n_zero_differences": pair.n_zero_differences,
        "tested": pair.tested,
        "method": pair.method,
        "statistic": pair.statistic,
        "p_value": pair.p_value,
        "p_holm": pair.p_holm,
        "significant": pair.significant,
        "median_difference": estimate_dict(pair.median_difference),
        "prob_improvement": estimate_dict(pair.prob_improvement),
        "better": pair.better,
        "verdict": pair.verdict,
        "note": pair.note,
    }


def _time_to_target(result: TimeToTargetAnalysis) -> dict:
    return {
        "target": result.target,
        "horizon": result.horizon,
        "order": list(result.order),
        "holm_family_size": result.family_size,
        "note": result.note,
        "variants": [_survival_summary(summary) for summary in result.summaries],
        "pairwise": [_logrank(pair) for pair in result.pairs],
    }


def _survival_summary(summary: TimeToTargetSummary) -> dict:
    return {
        "variant": summary.variant,
        "n_runs": summary.n_runs,
        "n_reached": summary.n_reached,
        "reached": summary.reached_label,
        "median": estimate_dict(summary.median),
        "restricted_mean": estimate_dict(summary.restricted_mean),
        "note": summary.note,
    }


def _logrank(pair: LogRankComparison) -> dict:
    return vars(pair).copy()


def _ranking(ranking: Ranking) -> dict:
    return {
        "metric": ranking.metric,
        "higher_is_better": ranking.higher_is_better,
        "n_seeds": ranking.n_seeds,
        "order": list(ranking.order),
        "groups": [list(group) for group in ranking.groups],
        "note": ranking.note,
        "entries": [
            {
                "position": entry.position,
                "variant": entry.variant,
                "mean_rank": estimate_dict(entry.mean_rank),
                "prob_first": entry.prob_first,
                "share_first": entry.share_first,
                "median_value": entry.median_value,
                "group": entry.group,
            }
            for entry in ranking.entries
        ],
    }


def _finite(value):
    """Replace NaN and infinities by None and NumPy scalars by Python ones, recursively."""
    if isinstance(value, dict):
        return {str(key): _finite(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_finite(item) for item in value]
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value
