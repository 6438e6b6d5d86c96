"""Heatmap of pairwise effect sizes on the primary metric, marked by Holm-corrected significance."""

from __future__ import annotations

import numpy as np
import seaborn as sns

from bench.report.figures.common import (
    FigureOutput,
    encode,
    new_figure,
    report_theme,
    rotate_labels,
    skipped,
)
from bench.stats.results import StudyAnalysis

# Diverging and colour-blind safe (blue to red through white); 0.5 (no tendency) is white.
CMAP = "vlag_r"


def pairwise_heatmap_figure(
    analysis: StudyAnalysis,
    *,
    key: str,
    title: str,
    svg: bool,
) -> FigureOutput:
    """Draw P(row variant better than column variant on the same seed) for every pair.

    Rows and columns follow the ranking, best first. A cell whose Holm-adjusted Wilcoxon
    p-value is below alpha carries an asterisk. Cells of pairs that were not tested show a dash.
    """
    metric = analysis.metric(analysis.settings.metric)
    order = _order(analysis)
    if len(order) < 2:
        return skipped(key, title, "the study has fewer than two variants, so there is no pair")

    values, labels = _matrix(metric, order)
    with report_theme():
        size = 2.2 + 0.75 * len(order)
        figure = new_figure(size + 1.6, size)
        axes = figure.subplots()
        _draw_cells(figure, axes, values, order)
        _annotate(axes, values, labels)
        axes.set_xlabel("column variant")
        axes.set_ylabel("row variant")
        axes.set_title(title)
        rotate_labels(axes, 35)
        axes.tick_params(axis="y", rotation=0)
        png, svg_bytes = encode(figure, svg)

    alpha = analysis.settings.tests.alpha
    caption = (
        f"Each cell: probability that the row variant has a better {metric.spec.label} than the "
        f"column variant on the same seed ({metric.spec.better_word} is better; ties count one "
        "half). 0.5 means no tendency. An asterisk marks pairs whose Wilcoxon signed-rank test "
        f"is significant after Holm correction (adjusted p < {alpha:g}). Variants are ordered by "
        "the ranking, best first; a dash marks a pair that could not be tested."
    )
    return FigureOutput(key=key, title=title, caption=caption, png=png, svg=svg_bytes)


def _order(analysis: StudyAnalysis) -> list[str]:
    ranked = list(analysis.ranking.order)
    rest = [v for v in analysis.variants if v not in ranked]
    return ranked + rest


def _matrix(metric, order: list[str]) -> tuple[np.ndarray, list[list[str]]]:
    size = len(order)
    values = np.full((size, size), np.nan)
    labels = [[""] * size for _ in range(size)]
    for i, row in enumerate(order):
        for j, column in enumerate(order):
            if i == j:
                continue
            try:
                pair = metric.pair(row, column)
            except KeyError:
                labels[i][j] = "\u2013"
                continue
            probability = pair.prob_improvement.value
            if probability is None or not np.isfinite(probability):
                labels[i][j] = "\u2013"
                continue
            values[i, j] = probability
            labels[i][j] = f"{probability:.2f}" + ("*" if pair.significant else "")
    return values, labels


def _annotate(axes, values: np.ndarray, labels: list[list[str]]) -> None:
    for i, row in enumerate(labels):
        for j, text in enumerate(row):
            if not text:
                continue
            value = values[i, j]
            # Dark cells (far from 0.5) get white text so the number stays readable.
            dark = np.isfinite(value) and abs(value - 0.5) > 0.3
            axes.text(
                j + 0.5,
                i + 0.5,
                text,
                ha="center",
                va="center",
                fontsize="small",
                color="white" if dark else "black",
                fontweight="bold" if text.endswith("*") else "normal",
            )


def _draw_cells(figure, axes, values: np.ndarray, order: list[str]) -> None:
    # pcolormesh instead of seaborn.heatmap: seaborn 0.13.2 calls a colormap method that
    # matplotlib 3.11 deprecates, and the report's tests turn warnings into errors.
    cmap = sns.color_palette(CMAP, as_cmap=True).with_extremes(bad="0.92")
    size = len(order)
    mesh = axes.pcolormesh(
        np.ma.masked_invalid(values),
        cmap=cmap,
        vmin=0.0,
        vmax=1.0,
        edgecolors="white",
        linewidth=0.8,
    )
    axes.set_xlim(0, size)
    axes.set_ylim(size, 0)
    axes.set_aspect("equal")
    axes.set_xticks(np.arange(size) + 0.5, order)
    axes.set_yticks(np.arange(size) + 0.5, order)
    axes.grid(False)
    colorbar = figure.colorbar(mesh, ax=axes, shrink=0.8)
    colorbar.set_label("P(row better than column on the same seed)")
    colorbar.outline.set_visible(False)
