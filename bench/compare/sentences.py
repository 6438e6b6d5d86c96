"""Sentences that state each variant's verdict and the settings behind the comparison."""

from __future__ import annotations

from bench.compare.comparison import RunCounts, StudyComparison, VariantComparison
from bench.compare.formatting import format_interval, format_margin, format_value
from bench.compare.margins import METRIC_SPECS
from bench.compare.verdicts import MetricVerdict, Verdict

RULE_SUMMARY = (
    "unchanged when the 90% CI of current - baseline lies inside (-margin, margin) (TOST at "
    "alpha 0.05) or all paired differences are zero; regressed (improved) when the 95% CI "
    "lies entirely on the worse (better) side of 0 and the difference passes the margin; "
    "inconclusive otherwise. CIs are paired or Welch t-intervals."
)


def header_items(comparison: StudyComparison) -> list[tuple[str, str]]:
    """Return (label, text) lines that describe what was compared and how."""
    items = [
        ("baseline", str(comparison.baseline_folder)),
        ("current", str(comparison.current_folder)),
        ("pairing", comparison.pairing.description),
    ]
    if comparison.pairing.seed_note:
        items.append(("seeds", comparison.pairing.seed_note))

    changes = "; ".join(change.describe() for change in comparison.changes) or "none"
    items.append(("changed settings", changes))
    items.append(("runs", _runs_text(comparison.baseline_runs, comparison.current_runs)))

    margins = ", ".join(
        f"{metric} {format_margin(metric, margin)} {METRIC_SPECS[metric].unit}"
        for metric, margin in comparison.margins.items()
    )
    items.append(("margins", margins))
    items.append(("rule", RULE_SUMMARY))
    return items


def variant_sentence(item: VariantComparison) -> str:
    """State a variant's overall verdict and the metrics that decided it."""
    if item.verdict is Verdict.UNCHANGED:
        parts = [_within_margin(metric) for metric in item.metrics]
        return f"{item.variant}: every metric within its margin ({'; '.join(parts)}): unchanged"

    if item.verdict in (Verdict.REGRESSED, Verdict.IMPROVED):
        deciding = [metric for metric in item.metrics if metric.verdict is item.verdict]
        parts = [_beyond_margin(metric) for metric in deciding]
        return f"{item.variant} {'; '.join(parts)}: {item.verdict}"

    undecided = [metric for metric in item.metrics if metric.verdict is not Verdict.UNCHANGED]
    parts = [_undecided(metric) for metric in undecided]
    return f"{item.variant} {'; '.join(parts)}: inconclusive"


def result_sentence(comparison: StudyComparison) -> str:
    """Summarise the verdicts of all common variants in one sentence."""
    total = len(comparison.variants)
    counts = []
    for verdict in Verdict:
        names = comparison.variants_with(verdict)
        if names:
            counts.append(f"{len(names)} {verdict} ({', '.join(names)})")
    outcome = "a regression was found" if comparison.regressed else "no variant regressed"
    return f"{total} variants compared: {'; '.join(counts)}. Result: {outcome}."


def one_sided_variants(comparison: StudyComparison) -> list[str]:
    """Return lines naming the variants present in one study only."""
    lines = []
    if comparison.only_in_baseline:
        lines.append(f"only in baseline (not judged): {', '.join(comparison.only_in_baseline)}")
    if comparison.only_in_current:
        lines.append(f"only in current (not judged): {', '.join(comparison.only_in_current)}")
    return lines


def _within_margin(item: MetricVerdict) -> str:
    difference = item.difference
    if difference.all_zero:
        return f"{item.metric} identical on {difference.n_baseline} paired seeds"
    return (
        f"{item.metric} 90% CI {format_interval(item.metric, difference.ci90, item.margin)} "
        f"within ±{format_margin(item.metric, item.margin)}"
    )


def _beyond_margin(item: MetricVerdict) -> str:
    difference = item.difference
    verb = "rose" if difference.estimate > 0 else "fell"
    size = format_value(item.metric, abs(difference.estimate), margin=item.margin)
    interval = format_interval(item.metric, difference.ci95, item.margin)
    return (
        f"{item.metric} {verb} {size} (95% CI {interval}), "
        f"more than the margin {format_margin(item.metric, item.margin)}"
    )


def _undecided(item: MetricVerdict) -> str:
    difference = item.difference
    if difference.ci90 is None:
        return f"{item.metric} has no interval because {difference.reason}"
    change = format_value(item.metric, difference.estimate, signed=True, margin=item.margin)
    interval = format_interval(item.metric, difference.ci90, item.margin)
    return (
        f"{item.metric} changed by {change} (90% CI {interval}), neither within "
        f"±{format_margin(item.metric, item.margin)} nor a clear change beyond it"
    )


def _runs_text(baseline: RunCounts, current: RunCounts) -> str:
    return f"baseline {_study_runs(baseline)}; current {_study_runs(current)}"


def _study_runs(counts: RunCounts) -> str:
    text = f"{counts.ok} ok of {counts.expected} configured"
    excluded = [f"{count} {status}" for status, count in counts.excluded.items()]
    if counts.missing:
        excluded.append(f"{counts.missing} not stored")
    if excluded:
        text += f" ({', '.join(excluded)}; left out of the comparison)"
    return text
