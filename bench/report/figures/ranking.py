"""Critical-difference style diagram of the ranking.

Variants hang from a mean-rank axis (1 = best). Each variant's marker sits at its mean rank
with the 95% bootstrap interval as a horizontal bar, and a thick black bar joins the variants of
each group that the Holm-corrected pairwise tests could not separate.
"""

from __future__ import annotations

from bench.report.figures.common import (
    FigureOutput,
    encode,
    new_figure,
    report_theme,
    skipped,
)
from bench.report.formatting import fmt_number, is_number
from bench.report.palette import VariantStyle
from bench.stats.results import StudyAnalysis

ROW_STEP = 1.0
GROUP_STEP = 0.35


def ranking_figure(
    analysis: StudyAnalysis,
    *,
    key: str,
    title: str,
    styles: dict[str, VariantStyle],
    svg: bool,
) -> FigureOutput:
    """Draw the ranking as a critical-difference style diagram.

    The better half of the variants is labelled on the left, the other half on the right, as
    in Demsar's (2006) critical-difference diagrams. Groups come from the analysis (variants
    with no significant pairwise difference), not from a Nemenyi critical difference.
    """
    ranking = analysis.ranking
    entries = [e for e in ranking.entries if is_number(e.mean_rank.value)]
    if len(entries) < 2:
        return skipped(key, title, "fewer than two variants have a mean rank")

    n_variants = len(ranking.entries)
    groups = [g for g in ranking.groups if len(g) > 1]
    with report_theme():
        left_count = (len(entries) + 1) // 2
        figure = new_figure(8.5, 1.5 + 0.45 * left_count + 0.2 * len(groups))
        axes = figure.subplots()
        _draw_axis(axes, n_variants)
        group_depth = _draw_groups(axes, groups, entries)
        _draw_variants(axes, entries, styles, n_variants, top=group_depth)
        axes.set_title(title, pad=28)
        png, svg_bytes = encode(figure, svg)

    caption = (
        f"Mean rank over {ranking.n_seeds} seeds on {ranking.metric} (1 = best on every seed; "
        "ties share the average rank), with the 95% bootstrap interval of the mean rank as a "
        "bar through each marker. Thick black bars join variants that no Holm-corrected "
        "Wilcoxon test separates."
    )
    if not groups:
        caption += " Every pair of variants differs significantly, so no bar is drawn."
    dropped = [e.variant for e in ranking.entries if not is_number(e.mean_rank.value)]
    if dropped:
        caption += f" Not drawn, because their mean rank was not computed: {', '.join(dropped)}."
    return FigureOutput(key=key, title=title, caption=caption, png=png, svg=svg_bytes)


def _draw_axis(axes, n_variants: int) -> None:
    axes.set_xlim(0.5 - 0.9, n_variants + 0.5 + 0.9)
    axes.hlines(0, 1, n_variants, color="black", linewidth=1.2)
    for rank in range(1, n_variants + 1):
        axes.vlines(rank, 0, 0.12, color="black", linewidth=1.0)
        axes.text(rank, 0.2, str(rank), ha="center", va="bottom", fontsize="small")
    axes.text(
        (1 + n_variants) / 2,
        0.55,
        "mean rank (1 = best)",
        ha="center",
        va="bottom",
        fontsize="small",
    )
    axes.axis("off")


def _draw_groups(axes, groups, entries) -> float:
    rank = {e.variant: e.mean_rank.value for e in entries}
    depth = 0.0
    for index, group in enumerate(groups):
        members = [rank[v] for v in group if v in rank]
        if len(members) < 2:
            continue
        depth = -GROUP_STEP * (index + 1)
        axes.hlines(
            depth, min(members) - 0.05, max(members) + 0.05, color="black", linewidth=4, zorder=4
        )
    return depth


def _draw_variants(axes, entries, styles, n_variants: int, top: float) -> None:
    left_count = (len(entries) + 1) // 2
    left_edge, right_edge = 0.5 - 0.3, n_variants + 0.5 + 0.3
    lowest = top
    for index, entry in enumerate(entries):
        on_left = index < left_count
        row = index if on_left else len(entries) - 1 - index
        y = top - ROW_STEP * (row + 0.8)
        lowest = min(lowest, y)
        x = entry.mean_rank.value
        edge = left_edge if on_left else right_edge
        style = styles[entry.variant]

        # Elbow from the axis down to the label row, then across to the label.
        axes.plot([x, x, edge], [0, y, y], color="0.35", linewidth=0.9, zorder=1)
        low, high = entry.mean_rank.low, entry.mean_rank.high
        if is_number(low) and is_number(high):
            axes.hlines(y, low, high, color=style.color, linewidth=3.2, alpha=0.75, zorder=2)
        axes.scatter(
            [x],
            [y],
            s=55,
            color=style.color,
            marker=style.marker,
            edgecolor="black",
            linewidth=0.6,
            zorder=3,
        )
        label = (
            f"{entry.variant}  {fmt_number(x, 3)}"
            if on_left
            else f"{fmt_number(x, 3)}  {entry.variant}"
        )
        axes.text(
            edge + (-0.08 if on_left else 0.08),
            y,
            label,
            va="center",
            ha="right" if on_left else "left",
            fontsize="small",
        )
    axes.set_ylim(lowest - 0.6, 1.0)
