"""Kaplan-Meier curves of the time to reach the held-out accuracy target."""

from __future__ import annotations

import numpy as np
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from bench.report.figures.common import (
    EPOCH_LABEL,
    FigureOutput,
    encode,
    header,
    new_figure,
    panel_grid,
    report_theme,
    skipped,
)
from bench.report.palette import VariantStyle
from bench.stats.results import StudyAnalysis, TimeToTargetSummary

BAND_ALPHA = 0.2
CONTEXT_ALPHA = 0.45

# Up to this many variants share one panel; more get one panel each.
MAX_OVERLAID = 4


def time_to_target_figure(
    analysis: StudyAnalysis,
    *,
    key: str,
    title: str,
    styles: dict[str, VariantStyle],
    svg: bool,
) -> FigureOutput:
    """Draw, per variant, the Kaplan-Meier share of runs that reached the target by each epoch.

    The curve shown is one minus the Kaplan-Meier survival estimate, so it rises as runs reach
    the target, and the band is the pointwise 95% Greenwood band of the analysis. Runs that never
    reach the target are right-censored at their last evaluated epoch.
    """
    analysis_ttt = analysis.time_to_target
    summaries = [s for s in analysis_ttt.summaries if s.curve is not None and s.curve.times.size]
    if not summaries:
        return skipped(key, title, "no run entered the time-to-target analysis")

    horizon = float(analysis_ttt.horizon)
    y_label = f"share of runs at held-out accuracy \u2265 {analysis_ttt.target:g}"
    with report_theme():
        if len(summaries) <= MAX_OVERLAID:
            figure = new_figure(8.5, 4.6)
            axes = figure.subplots()
            for summary in summaries:
                _draw_band(axes, summary, styles[summary.variant], horizon)
            for summary in summaries:
                _draw_curve(
                    axes,
                    summary,
                    styles[summary.variant],
                    horizon,
                    label=f"{summary.variant} ({summary.reached_label})",
                )
            _finish_axes(axes, horizon)
            axes.set_xlabel(EPOCH_LABEL)
            axes.set_ylabel(y_label)
            axes.set_title(title)
            figure.legend(loc="outside right upper", title="variant (reached/runs)")
        else:
            figure = _small_multiples(summaries, styles, horizon, title, y_label)
        png, svg_bytes = encode(figure, svg)

    caption = (
        "Kaplan-Meier estimate of the share of runs whose held-out accuracy has reached "
        f"{analysis_ttt.target:g} by each evaluated epoch (one minus the survival curve), with "
        "pointwise 95% bands (Greenwood variance, log(-log) scale). A run that never reaches "
        f"the target is censored at epoch {horizon:g}; diverged runs are censored too, failed "
        "runs are left out. The legend gives reached/runs per variant. Curves that end below 1 "
        "mean some runs never reached the target."
    )
    return FigureOutput(key=key, title=title, caption=caption, png=png, svg=svg_bytes)


def _small_multiples(summaries, styles, horizon, title, y_label):
    figure = new_figure(8.5, 1.0 + 2.3 * -(-len(summaries) // 3))
    panels = panel_grid(figure, len(summaries))
    for axes, focus in zip(panels, summaries, strict=True):
        for other in summaries:
            if other is not focus:
                _draw_curve(
                    axes,
                    other,
                    styles[other.variant],
                    horizon,
                    label=None,
                    linewidth=0.7,
                    alpha=CONTEXT_ALPHA,
                )
        _draw_band(axes, focus, styles[focus.variant], horizon)
        _draw_curve(axes, focus, styles[focus.variant], horizon, label=None, linewidth=1.8)
        _finish_axes(axes, horizon)
        axes.set_title(focus.variant, fontsize="medium", color=styles[focus.variant].color)
        axes.text(
            0.03,
            0.95,
            f"{focus.reached_label} reached",
            transform=axes.transAxes,
            ha="left",
            va="top",
            fontsize="small",
        )
    figure.supxlabel(EPOCH_LABEL, fontsize="medium")
    figure.supylabel(y_label, fontsize="medium")
    handles = [
        Line2D([], [], color="0.2", linewidth=1.8, label="panel's variant"),
        Patch(facecolor="0.2", alpha=BAND_ALPHA, label="pointwise 95% band"),
        Line2D([], [], color="0.2", linewidth=0.7, alpha=CONTEXT_ALPHA, label="other variants"),
    ]
    header(figure, title, handles)
    return figure


def _finish_axes(axes, horizon: float) -> None:
    axes.set_xlim(0, horizon * 1.01 if horizon > 0 else 1)
    axes.set_ylim(-0.02, 1.02)


def _extended(summary: TimeToTargetSummary, horizon: float):
    curve = summary.curve
    times = np.append(curve.times, max(horizon, float(curve.times[-1])))
    reached = 1.0 - np.append(curve.survival, curve.survival[-1])
    # The band of "reached" is the survival band flipped: its low bound comes from the high one.
    low = 1.0 - np.append(curve.high, curve.high[-1])
    high = 1.0 - np.append(curve.low, curve.low[-1])
    return times, reached, low, high


def _draw_band(axes, summary, style: VariantStyle, horizon: float) -> None:
    times, _, low, high = _extended(summary, horizon)
    axes.fill_between(
        times, low, high, step="post", color=style.color, alpha=BAND_ALPHA, linewidth=0
    )


def _draw_curve(
    axes,
    summary,
    style: VariantStyle,
    horizon: float,
    label: str | None,
    linewidth: float = 1.6,
    alpha: float = 1.0,
) -> None:
    times, reached, _, _ = _extended(summary, horizon)
    axes.step(
        times,
        reached,
        where="post",
        color=style.color,
        linestyle=style.linestyle,
        linewidth=linewidth,
        alpha=alpha,
        label=label,
    )
