"""Mean learning curves with bands, and paired difference curves against the reference.

The curves and bands come aggregated from the analysis (``CurveBand``), so drawing costs one
line and one filled polygon per variant whatever the number of seeds.
"""

from __future__ import annotations

from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from bench.report.figures.common import (
    EPOCH_LABEL,
    QUANTITY_LABELS,
    QUANTITY_NAMES,
    FigureOutput,
    encode,
    header,
    new_figure,
    panel_grid,
    report_theme,
    skipped,
)
from bench.report.palette import VariantStyle
from bench.stats.results import CurveBand, StudyAnalysis

# Up to this many variants share one panel; more get one panel each, because overlapping
# bands of more variants hide each other.
MAX_OVERLAID = 4

BAND_ALPHA = 0.22
CONTEXT_ALPHA = 0.45
SIMULTANEOUS_ALPHA = 0.15
POINTWISE_IN_DIFFERENCE_ALPHA = 0.35


def mean_curve_figure(
    analysis: StudyAnalysis,
    *,
    key: str,
    title: str,
    quantity: str,
    variants: tuple[str, ...],
    styles: dict[str, VariantStyle],
    svg: bool,
    target: float | None = None,
) -> FigureOutput:
    """Draw the mean curve of each variant with its pointwise 95% band.

    Up to ``MAX_OVERLAID`` variants share one panel. With more, each variant gets a panel with
    its band, and the other variants' mean curves are drawn thin and faded behind it for
    comparison.

    Parameters
    ----------
    analysis : StudyAnalysis
        Source of the bands.
    key, title : str
        File stem and title of the figure.
    quantity : {"loss", "heldout_loss", "heldout_accuracy"}
        Curve to draw.
    variants : tuple of str
        Variants to draw, in legend order.
    styles : dict of str to VariantStyle
        Colour of each variant.
    svg : bool
        Also encode an SVG file.
    target : float or None, default None
        Held-out accuracy target, drawn as a dashed line when given.

    Returns
    -------
    FigureOutput
        Not drawn, with the reason, when no variant has a curve.
    """
    bands, missing = _bands(analysis, quantity, variants)
    if not bands:
        return skipped(key, title, f"no {QUANTITY_NAMES[quantity]} curve was computed")

    with report_theme():
        if len(bands) <= MAX_OVERLAID:
            figure = _overlaid(bands, styles, quantity, title, target)
        else:
            figure = _small_multiples(bands, styles, quantity, title, target)
        png, svg_bytes = encode(figure, svg)

    caption = _mean_caption(quantity, bands, missing, analysis)
    return FigureOutput(key=key, title=title, caption=caption, png=png, svg=svg_bytes)


def difference_figure(
    analysis: StudyAnalysis,
    *,
    key: str,
    title: str,
    quantity: str,
    styles: dict[str, VariantStyle],
    svg: bool,
) -> FigureOutput:
    """Draw one panel per variant: its mean paired difference to the reference, with bands.

    The wide, light band is the simultaneous 95% band (it covers the whole curve at once), the
    narrow, darker band inside it the pointwise 95% band. A dashed line marks zero difference.
    """
    reference = analysis.settings.reference
    if reference is None:
        return skipped(key, title, "the study has no reference variant")
    order = {name: index for index, name in enumerate(analysis.variants)}
    bands = sorted(
        (
            b
            for b in analysis.bands
            if b.quantity == quantity and b.reference == reference and b.epochs.size
        ),
        key=lambda b: order.get(b.variant, len(order)),
    )
    if not bands:
        reason = (
            f"no paired difference of {QUANTITY_NAMES[quantity]} against {reference} "
            "was computed (the study needs a second variant with complete curves)"
        )
        return skipped(key, title, reason)

    with report_theme():
        figure = new_figure(8.5, 1.2 + 2.3 * _rows(len(bands)))
        panels = panel_grid(figure, len(bands))
        for axes, band in zip(panels, bands, strict=True):
            _draw_difference(axes, band, styles[band.variant])
        figure.supxlabel(EPOCH_LABEL, fontsize="medium")
        figure.supylabel(
            f"{QUANTITY_NAMES[quantity]}, variant minus {reference} ({_unit(quantity)})",
            fontsize="medium",
        )
        header(figure, title, _difference_legend())
        png, svg_bytes = encode(figure, svg)

    caption = _difference_caption(quantity, reference, bands)
    return FigureOutput(key=key, title=title, caption=caption, png=png, svg=svg_bytes)


def _overlaid(bands, styles, quantity, title, target):
    figure = new_figure(8.5, 4.6)
    axes = figure.subplots()
    # Bands first, then lines, so no band covers another variant's line.
    for band in bands:
        _draw_pointwise(axes, band, styles[band.variant])
    for band in bands:
        _draw_mean(axes, band, styles[band.variant], label=f"{band.variant} ({band.n_seeds})")
    if target is not None:
        axes.axhline(
            target, color="black", linestyle="--", linewidth=0.9, label=f"target {target:g}"
        )
    axes.set_xlabel(EPOCH_LABEL)
    axes.set_ylabel(QUANTITY_LABELS[quantity])
    axes.set_title(title)
    figure.legend(loc="outside right upper", title="variant (seeds)")
    return figure


def _small_multiples(bands, styles, quantity, title, target):
    figure = new_figure(8.5, 1.0 + 2.3 * _rows(len(bands)))
    panels = panel_grid(figure, len(bands))
    for axes, focus in zip(panels, bands, strict=True):
        for other in bands:
            if other is not focus:
                axes.plot(
                    other.epochs,
                    other.mean,
                    color=styles[other.variant].color,
                    linestyle=styles[other.variant].linestyle,
                    linewidth=0.7,
                    alpha=CONTEXT_ALPHA,
                )
        _draw_pointwise(axes, focus, styles[focus.variant])
        _draw_mean(axes, focus, styles[focus.variant], label=None, linewidth=1.8)
        if target is not None:
            axes.axhline(target, color="black", linestyle="--", linewidth=0.9)
        axes.set_title(
            f"{focus.variant} (n={focus.n_seeds})",
            fontsize="medium",
            color=styles[focus.variant].color,
        )
    figure.supxlabel(EPOCH_LABEL, fontsize="medium")
    figure.supylabel(QUANTITY_LABELS[quantity], fontsize="medium")
    has_band = any(band.pointwise_low is not None for band in bands)
    handles = _mean_legend(target, has_band)
    header(figure, title, handles, n_columns=2 if len(handles) == 4 else len(handles))
    return figure


def _rows(n_panels: int, n_columns: int = 3) -> int:
    return -(-n_panels // min(n_columns, n_panels))


def _bands(analysis, quantity, variants) -> tuple[list[CurveBand], list[str]]:
    bands, missing = [], []
    for variant in variants:
        try:
            band = analysis.band(quantity, variant)
        except KeyError:
            missing.append(variant)
            continue
        if band.epochs.size == 0:
            missing.append(variant)
            continue
        bands.append(band)
    return bands, missing


def _draw_pointwise(axes, band: CurveBand, style: VariantStyle) -> None:
    if band.pointwise_low is None or band.pointwise_high is None:
        return
    axes.fill_between(
        band.epochs,
        band.pointwise_low,
        band.pointwise_high,
        color=style.color,
        alpha=BAND_ALPHA,
        linewidth=0,
    )


def _draw_mean(axes, band, style: VariantStyle, label: str | None, linewidth=1.5) -> None:
    axes.plot(
        band.epochs,
        band.mean,
        color=style.color,
        linestyle=style.linestyle,
        linewidth=linewidth,
        label=label,
    )


def _draw_difference(axes, band: CurveBand, style: VariantStyle) -> None:
    if band.simultaneous_low is not None and band.simultaneous_high is not None:
        axes.fill_between(
            band.epochs,
            band.simultaneous_low,
            band.simultaneous_high,
            color=style.color,
            alpha=SIMULTANEOUS_ALPHA,
            linewidth=0,
        )
    if band.pointwise_low is not None and band.pointwise_high is not None:
        axes.fill_between(
            band.epochs,
            band.pointwise_low,
            band.pointwise_high,
            color=style.color,
            alpha=POINTWISE_IN_DIFFERENCE_ALPHA,
            linewidth=0,
        )
    axes.axhline(0.0, color="black", linestyle="--", linewidth=0.9)
    axes.plot(band.epochs, band.mean, color=style.color, linestyle=style.linestyle, linewidth=1.5)
    axes.set_title(f"{band.variant} (n={band.n_seeds})", fontsize="medium", color=style.color)


def _mean_legend(target: float | None, has_band: bool) -> list:
    handles = [Line2D([], [], color="0.2", linewidth=1.8, label="mean of the panel's variant")]
    if has_band:
        handles.append(Patch(facecolor="0.2", alpha=BAND_ALPHA, label="pointwise 95% band"))
    handles += [
        Line2D(
            [], [], color="0.2", linewidth=0.7, alpha=CONTEXT_ALPHA, label="other variants' means"
        ),
    ]
    if target is not None:
        handles.append(
            Line2D([], [], color="black", linestyle="--", linewidth=0.9, label=f"target {target:g}")
        )
    return handles


def _difference_legend() -> list:
    return [
        Line2D([], [], color="0.2", linewidth=1.5, label="mean paired difference"),
        Patch(facecolor="0.2", alpha=POINTWISE_IN_DIFFERENCE_ALPHA, label="pointwise 95% band"),
        Patch(facecolor="0.2", alpha=SIMULTANEOUS_ALPHA, label="simultaneous 95% band"),
    ]


def _unit(quantity: str) -> str:
    return "fraction of time steps" if quantity == "heldout_accuracy" else "nats"


def _mean_caption(quantity, bands, missing, analysis) -> str:
    tests = analysis.settings.tests
    parts = [f"Lines: mean {QUANTITY_NAMES[quantity]} over seeds."]
    if any(band.pointwise_low is not None for band in bands):
        parts.append(
            f"Shaded: pointwise {round(tests.confidence_level * 100)}% studentized bootstrap "
            f"band of the mean ({tests.n_resamples} resamples of seeds), valid at each epoch "
            "separately and cut to the range the quantity can take."
        )
    else:
        parts.append("No band is drawn, because no variant has a band (the reasons follow).")
    parts.append("n is the number of seeds with a complete curve.")
    if len(bands) > MAX_OVERLAID:
        parts.append(
            "Each panel shows one variant with its band; the thin faded lines are "
            "the other variants' means, in their colours."
        )
    parts += _left_out(bands)
    if missing:
        parts.append(f"Not drawn, because no curve was computed: {', '.join(missing)}.")
    return " ".join(parts)


def _difference_caption(quantity, reference, bands) -> str:
    better = "above" if quantity == "heldout_accuracy" else "below"
    parts = [
        f"Each panel: mean over seeds of the paired difference in {QUANTITY_NAMES[quantity]}, "
        f"variant minus {reference} on the same seed (same training data). {better.capitalize()} "
        f"the dashed zero line the variant does better than {reference}. Where the light "
        "simultaneous band leaves zero, the difference is significant at the 95% level jointly "
        "over all epochs shown."
    ]
    parts += _left_out(bands)
    return " ".join(parts)


def _left_out(bands: list[CurveBand]) -> list[str]:
    # The analysis' band notes say which runs each band left out and why.
    parts = []
    for band in bands:
        note = band.note.strip()
        if note:
            parts.append(f"{band.variant}: {note.rstrip('.')}.")
    return parts
