"""The report's tables as rows of text, ready for the Markdown and HTML writers."""

from __future__ import annotations

from dataclasses import dataclass

from bench.report.evidence import find_metric
from bench.report.formatting import (
    fmt_estimate,
    fmt_fraction,
    fmt_number,
    fmt_p,
    fmt_seconds,
    not_computed,
)
from bench.stats.results import StudyAnalysis


@dataclass(frozen=True)
class Table:
    """A table of text cells.

    Attributes
    ----------
    columns : tuple of str
        Column headers.
    rows : tuple of tuple of str
        One tuple of cells per row, as many as ``columns``.
    """

    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


def ranking_table(analysis: StudyAnalysis) -> Table:
    """Return the ranking: position, mean rank, P(best), metric values, time to target, group."""
    primary = find_metric(analysis, analysis.settings.metric)
    accuracy = find_metric(analysis, "final_accuracy")
    label = primary.spec.label if primary is not None else analysis.settings.metric
    target = analysis.time_to_target.target
    columns = (
        "rank",
        "variant",
        "mean rank (95% CI)",
        "P(best)",
        f"{label}, mean (95% CI)",
        "final held-out accuracy, mean (95% CI)",
        f"median epochs to accuracy {target:g}, Kaplan-Meier (95% CI)",
        "reached target",
        "group",
    )

    ranked = list(analysis.ranking.entries)
    names = [entry.variant for entry in ranked]
    rows = []
    for entry in ranked:
        rows.append(
            (
                str(entry.position),
                entry.variant,
                fmt_estimate(entry.mean_rank),
                fmt_fraction(entry.prob_first),
                _metric_mean(primary, entry.variant),
                _metric_mean(accuracy, entry.variant),
                *_time_to_target(analysis, entry.variant),
                entry.group or "-",
            )
        )
    for variant in analysis.variants:
        if variant not in names:
            reason = analysis.ranking.note or "the variant has no value of the ranking metric"
            rows.append(
                (
                    "-",
                    variant,
                    not_computed(reason),
                    "-",
                    _metric_mean(primary, variant),
                    _metric_mean(accuracy, variant),
                    *_time_to_target(analysis, variant),
                    "-",
                )
            )
    return Table(columns, tuple(rows))


def pairwise_table(analysis: StudyAnalysis, metric_name: str) -> Table:
    """Return every pair of one metric, the better-ranked variant first.

    Columns: the pair, paired seeds, median paired difference with CI, P(A better) with CI,
    raw and Holm-adjusted p-values, and whether the difference is significant.
    """
    metric = find_metric(analysis, metric_name)
    unit = metric.spec.unit if metric is not None else ""
    columns = (
        "A",
        "B",
        "paired seeds",
        f"median difference A - B ({unit}, 95% CI)",
        "P(A better) (95% CI)",
        "p (raw)",
        "p (Holm)",
        "significant",
    )
    if metric is None:
        return Table(columns, ())

    position = {name: index for index, name in enumerate(analysis.ranking.order)}
    rows = []
    for pair in metric.pairs:
        if position.get(pair.variant_b, 0) < position.get(pair.variant_a, 0):
            pair = pair.swapped()
        reason = f"not tested: {pair.note.rstrip('.')}" if pair.note else "not tested"
        rows.append(
            (
                pair.variant_a,
                pair.variant_b,
                str(pair.n_pairs),
                fmt_estimate(pair.median_difference, signed=True),
                fmt_estimate(pair.prob_improvement, digits=2),
                fmt_p(pair.p_value) if pair.tested else reason,
                fmt_p(pair.p_holm) if pair.tested else "-",
                _significance(pair),
            )
        )
    return Table(columns, tuple(rows))


def time_to_target_table(analysis: StudyAnalysis) -> Table:
    """Return per variant: runs reached, Kaplan-Meier median and restricted mean time."""
    ttt = analysis.time_to_target
    columns = (
        "variant",
        "reached target",
        "median epochs (95% CI)",
        f"restricted mean epochs up to {ttt.horizon:g} (95% CI)",
        "note",
    )
    rows = []
    for variant in ttt.order or tuple(s.variant for s in ttt.summaries):
        summary = ttt.summary(variant)
        rows.append(
            (
                variant,
                summary.reached_label,
                fmt_estimate(summary.median),
                fmt_estimate(summary.restricted_mean),
                summary.note.strip() or "-",
            )
        )
    return Table(columns, tuple(rows))


def logrank_table(analysis: StudyAnalysis) -> Table:
    """Return every log-rank comparison with raw and Holm-adjusted p-values."""
    columns = ("A", "B", "chi-square", "p (raw)", "p (Holm)", "faster")
    rows = []
    for pair in analysis.time_to_target.pairs:
        if not pair.tested:
            reason = f"not tested: {pair.note.rstrip('.')}" if pair.note else "not tested"
            rows.append((pair.variant_a, pair.variant_b, reason, "-", "-", "-"))
            continue
        faster = pair.faster if pair.significant and pair.faster else "no significant difference"
        rows.append(
            (
                pair.variant_a,
                pair.variant_b,
                fmt_number(pair.statistic),
                fmt_p(pair.p_value),
                fmt_p(pair.p_holm),
                faster,
            )
        )
    return Table(columns, tuple(rows))


def run_counts_table(analysis: StudyAnalysis, wall_times: dict[str, float]) -> Table:
    """Return per variant: stored runs, ok, diverged, failed and summed training time."""
    columns = ("variant", "runs", "ok", "diverged", "failed", "training time (sum over runs)")
    rows = tuple(
        (
            counts.variant,
            str(counts.n_runs),
            str(counts.n_ok),
            str(counts.n_diverged),
            str(counts.n_failed),
            fmt_seconds(wall_times.get(counts.variant), "no run recorded its time"),
        )
        for counts in analysis.run_counts
    )
    return Table(columns, rows)


def _metric_mean(metric, variant: str) -> str:
    if metric is None:
        return not_computed("the analysis has no such metric")
    try:
        summary = metric.summary(variant)
    except KeyError:
        return not_computed("the variant is not in the analysis of this metric")
    if summary.mean.value is None and summary.note:
        return not_computed(summary.note)
    return fmt_estimate(summary.mean)


def _time_to_target(analysis: StudyAnalysis, variant: str) -> tuple[str, str]:
    try:
        summary = analysis.time_to_target.summary(variant)
    except KeyError:
        return not_computed("the variant is not in the time-to-target analysis"), "-"
    return fmt_estimate(summary.median, digits=4), summary.reached_label


def _significance(pair) -> str:
    if not pair.tested:
        return "-"
    return f"yes, {pair.better} better" if pair.significant and pair.better else "no"
