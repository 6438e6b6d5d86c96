"""Plain-text tables of an analysis for the terminal."""

from __future__ import annotations

from bench.metrics import METRICS
from bench.stats.paired import unreachable_significance_note
from bench.stats.results import Estimate, StudyAnalysis

COLUMNS = ("#", "variant", "group", "mean rank (95% CI)", "P(first)", "median", "reached")


def format_ranking_table(analysis: StudyAnalysis) -> str:
    """Return the ranking as an aligned text table with a heading and notes.

    The heading names the metric, its direction and the test settings. Columns: position,
    variant, group letters (variants sharing a letter do not differ significantly), mean rank
    with its 95% CI, bootstrap probability of ranking first, median metric value, and how many
    runs reached the accuracy target ("k/N").
    """
    ranking = analysis.ranking
    spec = METRICS[ranking.metric]
    tests = analysis.settings.tests
    reached = {
        summary.variant: summary.reached_label for summary in analysis.time_to_target.summaries
    }

    lines = [
        f"Ranking by {spec.label} ({spec.better_word} is better) over {ranking.n_seeds} seeds; "
        f"groups from Holm-adjusted Wilcoxon tests at alpha {tests.alpha:g}",
    ]
    rows = [
        (
            str(entry.position),
            entry.variant,
            entry.group,
            _interval(entry.mean_rank),
            f"{entry.prob_first:.2f}",
            "not computed" if entry.median_value is None else f"{entry.median_value:.4g}",
            reached.get(entry.variant, "0/0"),
        )
        for entry in ranking.entries
    ]
    lines.extend(_aligned([COLUMNS, *rows]))

    lines.append(
        f"Reached: runs with held-out accuracy >= {analysis.settings.target:g} by the last "
        "evaluation. Variants sharing a group letter do not differ significantly."
    )
    tested = [pair for pair in analysis.metric(ranking.metric).pairs if pair.tested]
    unreachable = unreachable_significance_note(
        [pair.n_pairs - pair.n_zero_differences for pair in tested], tests.alpha
    )
    for note in (ranking.note, unreachable, *analysis.notes):
        if note:
            lines.append(f"Note: {note}")
    return "\n".join(lines)


def _interval(estimate: Estimate) -> str:
    if estimate.value is None:
        return "not computed"
    if estimate.has_interval:
        return f"{estimate.value:.2f} ({estimate.low:.2f} to {estimate.high:.2f})"
    return f"{estimate.value:.2f} (CI not defined)"


def _aligned(rows: list[tuple[str, ...]]) -> list[str]:
    widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]))]
    return [
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        for row in rows
    ]
