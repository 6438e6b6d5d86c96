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
    fmt_signed,
    is_number,
    not_computed,
    reason_text,
)
from bench.stats.results import Estimate, StudyAnalysis


@dataclass(frozen=True)
class Table:
    """A table of text cells.

    Attributes
    ----------
    columns : tuple of str
        Column headers.
    rows : tuple of tuple of str
        One tuple of cells per row, as many as ``columns``.
    notes : tuple of str
        Footnotes that cells refer to as "note 1", "note 2", ..., in that order.
    """

    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    notes: tuple[str, ...] = ()


class Footnotes:
    """Numbered notes of one table, so a reason repeated in many cells is printed once."""

    def __init__(self) -> None:
        self._texts: list[str] = []

    def mark(self, text: str) -> int:
        """Return the number of the note ``text``, adding it when new."""
        text = reason_text(text)
        if text not in self._texts:
            self._texts.append(text)
        return self._texts.index(text) + 1

    def estimate(self, estimate: Estimate, digits: int = 3, signed: bool = False) -> str:
        """Format an estimate; a missing interval's reason becomes a numbered note."""
        interval = is_number(estimate.low) and is_number(estimate.high)
        if is_number(estimate.value) and not interval and estimate.note.strip():
            number = fmt_signed if signed else fmt_number
            value = number(estimate.value, digits)
            mark = self.mark(estimate.note)
            if is_number(estimate.low):
                percent = round(estimate.level * 100)
                low = number(estimate.low, digits)
                return f"{value} ({percent}% CI from {low}, upper bound: note {mark})"
            return f"{value} (CI not computed, note {mark})"
        return fmt_estimate(estimate, digits=digits, signed=signed)

    @property
    def notes(self) -> tuple[str, ...]:
        """The notes in number order."""
        return tuple(self._texts)


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
    notes = Footnotes()
    rows = []
    for entry in ranked:
        rows.append(
            (
                str(entry.position),
                entry.variant,
                notes.estimate(entry.mean_rank),
                fmt_fraction(entry.prob_first),
                _metric_mean(primary, entry.variant, notes),
                _metric_mean(accuracy, entry.variant, notes),
                *_time_to_target(analysis, entry.variant, notes),
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
                    _metric_mean(primary, variant, notes),
                    _metric_mean(accuracy, variant, notes),
                    *_time_to_target(analysis, variant, notes),
                    "-",
                )
            )
    return Table(columns, tuple(rows), notes.notes)


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
    notes = Footnotes()
    rows = []
    for pair in metric.pairs:
        if position.get(pair.variant_b, 0) < position.get(pair.variant_a, 0):
            pair = pair.swapped()
        reason = f"not tested: {reason_text(pair.note)}" if pair.note else "not tested"
        rows.append(
            (
                pair.variant_a,
                pair.variant_b,
                str(pair.n_pairs),
                notes.estimate(pair.median_difference, signed=True),
                notes.estimate(pair.prob_improvement, digits=2),
                fmt_p(pair.p_value) if pair.tested else reason,
                fmt_p(pair.p_holm) if pair.tested else "-",
                _significance(pair),
            )
        )
    return Table(columns, tuple(rows), notes.notes)


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
    notes = Footnotes()
    rows = []
    for variant in ttt.order or tuple(s.variant for s in ttt.summaries):
        summary = ttt.summary(variant)
        rows.append(
            (
                variant,
                summary.reached_label,
                notes.estimate(summary.median, digits=4),
                notes.estimate(summary.restricted_mean, digits=4),
                summary.note.strip() or "-",
            )
        )
    return Table(columns, tuple(rows), notes.notes)


def logrank_table(analysis: StudyAnalysis) -> Table:
    """Return every log-rank comparison with raw and Holm-adjusted p-values."""
    columns = ("A", "B", "chi-square", "p (raw)", "p (Holm)", "faster")
    rows = []
    for pair in analysis.time_to_target.pairs:
        if not pair.tested:
            reason = f"not tested: {reason_text(pair.note)}" if pair.note else "not tested"
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


def _metric_mean(metric, variant: str, notes: Footnotes) -> str:
    if metric is None:
        return not_computed("the analysis has no such metric")
    try:
        summary = metric.summary(variant)
    except KeyError:
        return not_computed("the variant is not in the analysis of this metric")
    if summary.mean.value is None and summary.note:
        return not_computed(summary.note)
    return notes.estimate(summary.mean)


def _time_to_target(analysis, variant: str, notes: Footnotes) -> tuple[str, str]:
    try:
        summary = analysis.time_to_target.summary(variant)
    except KeyError:
        return not_computed("the variant is not in the time-to-target analysis"), "-"
    return notes.estimate(summary.median, digits=4), summary.reached_label


def _significance(pair) -> str:
    if not pair.tested:
        return "-"
    return f"yes, {pair.better} better" if pair.significant and pair.better else "no"
