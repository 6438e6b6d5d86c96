"""Per-seed values of a metric for every variant, each seed's values joined across variants.

Seeds are the blocks of the paired design, so the thin grey lines show what the paired tests
see: whether one variant beats another on most seeds, not only on average.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.patches import Rectangle

from bench.metrics import METRICS
from bench.report.figures.common import (
    FigureOutput,
    encode,
    metric_axis_label,
    new_figure,
    report_theme,
    rotate_labels,
    skipped,
)
from bench.report.palette import VariantStyle
from bench.stats.results import StudyAnalysis

# Horizontal spread of the points of one variant; each seed keeps its offset in every column,
# so the line of a seed stays level when its values are equal.
SPREAD = 0.28

# Width of a box, in units of the distance between two variants.
BOX_WIDTH = 0.6


def distributions_figure(
    analysis: StudyAnalysis,
    *,
    key: str,
    title: str,
    metrics: tuple[str, ...],
    styles: dict[str, VariantStyle],
    svg: bool,
) -> FigureOutput:
    """Draw one panel per metric: box plot, per-seed points and lines joining each seed.

    Parameters
    ----------
    analysis : StudyAnalysis
        Source of the per-run metrics (``run_metrics``).
    key, title : str
        File stem and title of the figure.
    metrics : tuple of str
        Metric names, one panel each (keys of ``bench.metrics.METRICS``).
    styles : dict of str to VariantStyle
        Colour of each variant.
    svg : bool
        Also encode an SVG file.
    """
    table = analysis.run_metrics
    variants = tuple(analysis.variants)
    names = [name for name in dict.fromkeys(metrics) if name in table.columns]
    if table.empty or not names or not variants:
        return skipped(key, title, "no per-run metric was computed")

    seeds = sorted(int(seed) for seed in table["seed"].unique())
    offsets = _seed_offsets(seeds)
    with report_theme():
        figure = new_figure(8.5, 0.6 + 3.9 * len(names))
        panels = np.atleast_1d(figure.subplots(len(names), 1))
        for axes, name in zip(panels, names, strict=True):
            _draw_panel(axes, table, name, variants, styles, offsets)
        figure.suptitle(title, fontweight="bold")
        png, svg_bytes = encode(figure, svg)

    caption = _caption(table, names, variants)
    return FigureOutput(key=key, title=title, caption=caption, png=png, svg=svg_bytes)


def _seed_offsets(seeds: list[int]) -> dict[int, float]:
    if len(seeds) == 1:
        return {seeds[0]: 0.0}
    positions = np.linspace(-SPREAD / 2, SPREAD / 2, len(seeds))
    return {seed: float(position) for seed, position in zip(seeds, positions, strict=True)}


def _draw_panel(axes, table, metric, variants, styles, offsets) -> None:
    values = table[["variant", "seed", metric]].copy()
    values[metric] = pd.to_numeric(values[metric], errors="coerce").astype(float)
    values = values[np.isfinite(values[metric])]
    position = {variant: index for index, variant in enumerate(variants)}
    values = values[values["variant"].isin(position)]

    for variant in variants:
        column = values.loc[values["variant"] == variant, metric].to_numpy(dtype=float)
        if column.size:
            _draw_box(axes, position[variant], column, styles[variant].color)

    wide = values.pivot(index="seed", columns="variant", values=metric).reindex(
        columns=list(variants)
    )
    x_base = np.arange(len(variants), dtype=float)
    for seed, row in wide.iterrows():
        axes.plot(
            x_base + offsets[int(seed)],
            row.to_numpy(dtype=float),
            color="0.45",
            linewidth=0.6,
            alpha=0.45,
            zorder=1,
        )
    for variant in variants:
        column = wide[variant].dropna()
        x = position[variant] + np.array([offsets[int(seed)] for seed in column.index])
        axes.scatter(
            x,
            column.to_numpy(dtype=float),
            s=14,
            color=styles[variant].color,
            marker=styles[variant].marker,
            edgecolor="white",
            linewidth=0.4,
            zorder=3,
        )

    spec = METRICS[metric]
    axes.set_xticks(x_base, list(variants))
    axes.set_xlim(-0.6, len(variants) - 0.4)
    axes.set_xlabel("variant")
    axes.set_ylabel(metric_axis_label(spec))
    axes.set_title(f"{spec.label} ({spec.better_word} is better)", fontsize="medium")
    rotate_labels(axes)


def _caption(table: pd.DataFrame, metrics: list[str], variants) -> str:
    parts = [
        "Each point is one seed's run; a grey line joins the values of one seed (same training "
        "data) across variants. Boxes: median and quartiles; whiskers reach the most extreme "
        "run within 1.5 times the interquartile range."
    ]
    for metric in metrics:
        values = pd.to_numeric(table[metric], errors="coerce").astype(float)
        missing = table.loc[~np.isfinite(values)]
        if missing.empty:
            continue
        counts = missing.groupby("variant", sort=False).size()
        listed = ", ".join(
            f"{variant} {int(counts[variant])}" for variant in variants if variant in counts.index
        )
        parts.append(
            f"Runs without a {METRICS[metric].label} value (diverged or failed), "
            f"not drawn: {listed}."
        )
    return " ".join(parts)


def _draw_box(axes, x: float, values: np.ndarray, color: str) -> None:
    """Draw an open box plot: quartile box, median line, whiskers to the last value within
    1.5 interquartile ranges (Tukey's rule), and no outlier markers, since every point is drawn.
    """
    q1, median, q3 = np.percentile(values, [25, 50, 75])
    reach = 1.5 * (q3 - q1)
    low = values[values >= q1 - reach].min()
    high = values[values <= q3 + reach].max()
    half = BOX_WIDTH / 2
    style = {"color": color, "linewidth": 1.3, "zorder": 2}

    axes.add_patch(
        Rectangle(
            (x - half, q1), BOX_WIDTH, q3 - q1, fill=False, edgecolor=color, linewidth=1.3, zorder=2
        )
    )
    axes.plot([x - half, x + half], [median, median], **{**style, "linewidth": 2.2})
    axes.plot([x, x], [q3, high], **style)
    axes.plot([x, x], [low, q1], **style)
    axes.plot([x - half / 2, x + half / 2], [high, high], **style)
    axes.plot([x - half / 2, x + half / 2], [low, low], **style)
