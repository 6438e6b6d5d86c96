"""Shared figure machinery: theme, deterministic encoding, axis labels with units.

Figures are built on ``matplotlib.figure.Figure`` objects with an Agg canvas, never through
pyplot, so rendering touches no global figure registry and needs no backend switch. A figure is
released as soon as its bytes are encoded.
"""

from __future__ import annotations

import contextlib
import io
import math
from collections.abc import Iterator
from dataclasses import dataclass

import matplotlib
import numpy as np
import seaborn as sns
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from bench.metrics import MetricSpec

# Pixel density of the PNG files: 8.5-inch-wide figures become about 1,000 pixels wide, readable
# in a browser column without scaling.
PNG_DPI = 120

# Fixed salt for the ids matplotlib writes into SVG files; without it ids are random and two
# renders of the same study differ.
SVG_HASH_SALT = "bench-report"

# Words that follow each metric unit on an axis.
UNIT_WORDS = {
    "loss": "nats",
    "accuracy": "fraction correct",
    "epochs": "epochs",
}

EPOCH_LABEL = "epoch (one training sequence per epoch)"

QUANTITY_LABELS = {
    "loss": "training loss (binary cross-entropy, nats)",
    "heldout_loss": "held-out loss (binary cross-entropy, nats)",
    "heldout_accuracy": "held-out accuracy (fraction of time steps correct)",
}

QUANTITY_NAMES = {
    "loss": "training loss",
    "heldout_loss": "held-out loss",
    "heldout_accuracy": "held-out accuracy",
}


@dataclass(frozen=True)
class FigureOutput:
    """One figure of the report, encoded, or the reason it was not drawn.

    Attributes
    ----------
    key : str
        File stem under ``figures/``, e.g. "loss_all".
    title : str
        Short title shown above the figure.
    caption : str
        What the figure shows and how to read it, including which runs were left out.
    png : bytes or None
        The PNG file; None when the figure was not drawn.
    svg : bytes or None
        The SVG file; None when not drawn or not requested.
    reason : str
        Why the figure was not drawn; empty when it was.
    """

    key: str
    title: str
    caption: str
    png: bytes | None
    svg: bytes | None = None
    reason: str = ""

    @property
    def drawn(self) -> bool:
        """True when the figure was drawn."""
        return self.png is not None


def theme_rc() -> dict:
    """Return the matplotlib settings of every report figure (seaborn "whitegrid" look)."""
    rc = {}
    rc.update(sns.axes_style("whitegrid"))
    rc.update(sns.plotting_context("notebook", font_scale=0.9))
    rc.update(
        {
            # DejaVu Sans ships with matplotlib, so every machine draws the same glyphs.
            "font.family": "sans-serif",
            "font.sans-serif": ["DejaVu Sans"],
            "svg.hashsalt": SVG_HASH_SALT,
            "svg.fonttype": "path",
            "legend.frameon": False,
            "axes.titleweight": "bold",
            "figure.dpi": PNG_DPI,
        }
    )
    return rc


@contextlib.contextmanager
def report_theme() -> Iterator[None]:
    """Apply the report's matplotlib settings inside a ``with`` block only."""
    with matplotlib.rc_context(theme_rc()):
        yield


def new_figure(width: float, height: float, **subplot_kw) -> Figure:
    """Return an empty figure with an Agg canvas and constrained layout."""
    figure = Figure(figsize=(width, height), layout="constrained", **subplot_kw)
    FigureCanvasAgg(figure)
    return figure


def encode(figure: Figure, svg: bool) -> tuple[bytes, bytes | None]:
    """Return the figure as PNG bytes, and SVG bytes when ``svg`` is True.

    No creation date, software name or random id enters either file, so the same figure always
    gives the same bytes.
    """
    png_buffer = io.BytesIO()
    figure.savefig(png_buffer, format="png", dpi=PNG_DPI, metadata={"Software": None})

    svg_bytes = None
    if svg:
        svg_buffer = io.BytesIO()
        figure.savefig(svg_buffer, format="svg", metadata={"Date": None, "Creator": None})
        svg_bytes = svg_buffer.getvalue()
    return png_buffer.getvalue(), svg_bytes


def metric_axis_label(spec: MetricSpec) -> str:
    """Return an axis label with the unit, e.g. "Held-out AULC (nats)"."""
    unit = UNIT_WORDS.get(spec.unit, spec.unit)
    return f"{spec.label} ({unit})"


def rotate_labels(axes, degrees: float = 25) -> None:
    """Tilt the x tick labels so long variant names do not overlap."""
    for label in axes.get_xticklabels():
        label.set_rotation(degrees)
        label.set_horizontalalignment("right")
        label.set_rotation_mode("anchor")


def panel_grid(figure: Figure, n_panels: int, n_columns: int = 3) -> list:
    """Add a grid of panels with shared axes and return the first ``n_panels`` of them.

    Panels past ``n_panels`` in the last row are hidden; the lowest visible panel of each
    column keeps its x tick labels.
    """
    n_columns = min(n_columns, n_panels)
    n_rows = math.ceil(n_panels / n_columns)
    grid = np.atleast_2d(
        figure.subplots(n_rows, n_columns, sharex=True, sharey=True, squeeze=False)
    )
    panels = list(grid.ravel())
    for index, axes in enumerate(panels):
        if index >= n_panels:
            axes.set_visible(False)
            above = index - n_columns
            if above >= 0:
                panels[above].xaxis.set_tick_params(labelbottom=True)
    return panels[:n_panels]


def header(figure: Figure, title: str, handles: list, n_columns: int = 3) -> None:
    """Put the title and a legend of ``handles`` above all panels of a figure.

    The title is the legend's title: with constrained layout, a suptitle and a legend outside
    the panels would overlap, but one legend box is laid out as a single block.
    """
    figure.legend(
        handles=handles,
        loc="outside upper center",
        ncols=n_columns,
        title=title,
        title_fontproperties={"weight": "bold", "size": "large"},
    )


def skipped(key: str, title: str, reason: str) -> FigureOutput:
    """Return the record of a figure that could not be drawn."""
    return FigureOutput(key=key, title=title, caption="", png=None, svg=None, reason=reason)
