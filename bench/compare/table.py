"""The plain-text report printed to stdout: settings, a table of metrics and the verdicts."""

from __future__ import annotations

from bench.compare.comparison import StudyComparison
from bench.compare.formatting import format_interval, format_margin, format_value
from bench.compare.sentences import (
    header_items,
    one_sided_variants,
    result_sentence,
    variant_sentence,
)
from bench.compare.verdicts import MetricVerdict

COLUMNS = (
    "variant",
    "metric",
    "n",
    "baseline",
    "current",
    "difference",
    "90% CI",
    "95% CI",
    "margin",
    "verdict",
)


def table_rows(comparison: StudyComparison) -> list[tuple[str, ...]]:
    """Return one row of cells per variant and metric, in `COLUMNS` order."""
    return [_row(item.variant, metric) for item in comparison.variants for metric in item.metrics]


def metric_notes(comparison: StudyComparison) -> list[str]:
    """Return the notes attached to single metrics, each prefixed with variant and metric."""
    return [
        f"{item.variant} {metric.metric}: {metric.note}"
        for item in comparison.variants
        for metric in item.metrics
        if metric.note
    ]


def render_text(comparison: StudyComparison) -> str:
    """Render the whole comparison as aligned plain text."""
    lines = ["Regression comparison (current - baseline)"]
    width = max(len(label) for label, _ in header_items(comparison))
    lines += [f"  {label + ':':<{width + 1}} {text}" for label, text in header_items(comparison)]

    lines += ["", *_aligned([COLUMNS, *table_rows(comparison)])]

    notes = metric_notes(comparison)
    if notes:
        lines += ["", "Notes:", *(f"  {note}" for note in notes)]

    lines += ["", "Verdicts:"]
    lines += [f"  {variant_sentence(item)}." for item in comparison.variants]
    lines += [f"  {line}" for line in one_sided_variants(comparison)]
    lines += ["", result_sentence(comparison)]
    return "\n".join(lines) + "\n"


def _row(variant: str, item: MetricVerdict) -> tuple[str, ...]:
    difference = item.difference
    if difference.paired:
        count = f"{difference.n_baseline} pairs"
    else:
        count = f"{difference.n_baseline} vs {difference.n_current}"
    return (
        variant,
        item.metric,
        count,
        format_value(item.metric, difference.baseline_mean),
        format_value(item.metric, difference.current_mean),
        format_value(item.metric, difference.estimate, signed=True, margin=item.margin),
        format_interval(item.metric, difference.ci90, item.margin),
        format_interval(item.metric, difference.ci95, item.margin),
        format_margin(item.metric, item.margin),
        str(item.verdict),
    )


def _aligned(rows: list[tuple[str, ...]]) -> list[str]:
    widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]))]
    lines = []
    for row in rows:
        cells = [cell.ljust(width) for cell, width in zip(row, widths, strict=True)]
        lines.append("  ".join(cells).rstrip())
    return lines
