"""Every figure of the report, built from a study's analysis.

``build_figures`` returns encoded figures (bytes), so the Markdown and HTML writers and the file
writer all use the same images. Nothing here writes files.
"""

from __future__ import annotations

from bench.report.figures.common import FigureOutput, skipped
from bench.report.figures.curves import difference_figure, mean_curve_figure
from bench.report.figures.distributions import distributions_figure
from bench.report.figures.pairwise import pairwise_heatmap_figure
from bench.report.figures.ranking import ranking_figure
from bench.report.figures.survival import time_to_target_figure
from bench.report.palette import variant_styles
from bench.stats.results import StudyAnalysis

# The tutorial's two loss comparisons: directions (its backward model is lstm_back_unaligned,
# drawn when the study ran it), then the merge modes of the bidirectional LSTM.
DIRECTION_VARIANTS = ("lstm_forw", "lstm_back", "lstm_back_unaligned", "bilstm_concat")
MERGE_VARIANTS = ("bilstm_sum", "bilstm_mul", "bilstm_ave", "bilstm_concat")

FIGURE_KEYS = (
    "loss_directions",
    "loss_merge_modes",
    "loss_all",
    "heldout_accuracy",
    "heldout_loss",
    "difference_loss",
    "difference_heldout_loss",
    "distributions",
    "time_to_target",
    "pairwise_heatmap",
    "ranking_diagram",
)

__all__ = ["FIGURE_KEYS", "FigureOutput", "build_figures"]


def build_figures(analysis: StudyAnalysis, svg: bool = True) -> tuple[FigureOutput, ...]:
    """Draw every figure of the report, in report order.

    Parameters
    ----------
    analysis : StudyAnalysis
        The analysed study.
    svg : bool, default True
        Also encode each figure as SVG.

    Returns
    -------
    tuple of FigureOutput
        One per key of ``FIGURE_KEYS``, in that order; a figure that could not be drawn carries
        the reason instead of bytes.
    """
    styles = variant_styles(analysis.variants)
    variants = tuple(analysis.variants)
    reference = analysis.settings.reference or "the reference"
    primary = analysis.settings.metric
    target = analysis.time_to_target.target
    common = {"styles": styles, "svg": svg}

    return (
        _comparison(
            analysis,
            "loss_directions",
            "Training loss: forward, backward and bidirectional LSTM",
            DIRECTION_VARIANTS,
            common,
        ),
        _comparison(
            analysis,
            "loss_merge_modes",
            "Training loss: merge modes of the bidirectional LSTM",
            MERGE_VARIANTS,
            common,
        ),
        mean_curve_figure(
            analysis,
            key="loss_all",
            title="Training loss: every variant",
            quantity="loss",
            variants=variants,
            **common,
        ),
        mean_curve_figure(
            analysis,
            key="heldout_accuracy",
            title="Held-out accuracy",
            quantity="heldout_accuracy",
            variants=variants,
            target=target,
            **common,
        ),
        mean_curve_figure(
            analysis,
            key="heldout_loss",
            title="Held-out loss",
            quantity="heldout_loss",
            variants=variants,
            **common,
        ),
        difference_figure(
            analysis,
            key="difference_loss",
            title=f"Paired difference in training loss against {reference}",
            quantity="loss",
            **common,
        ),
        difference_figure(
            analysis,
            key="difference_heldout_loss",
            title=f"Paired difference in held-out loss against {reference}",
            quantity="heldout_loss",
            **common,
        ),
        distributions_figure(
            analysis,
            key="distributions",
            title="Per-seed results, each seed joined across variants",
            metrics=(primary, "final_accuracy"),
            **common,
        ),
        time_to_target_figure(
            analysis,
            key="time_to_target",
            title=f"Time to held-out accuracy {target:g} (Kaplan-Meier)",
            **common,
        ),
        pairwise_heatmap_figure(
            analysis,
            key="pairwise_heatmap",
            title=f"Pairwise effect sizes: {analysis.metric(primary).spec.label}",
            svg=svg,
        ),
        ranking_figure(
            analysis,
            key="ranking_diagram",
            title=f"Ranking by {analysis.metric(primary).spec.label}",
            **common,
        ),
    )


def _comparison(analysis, key, title, wanted, common) -> FigureOutput:
    present = tuple(v for v in wanted if v in analysis.variants)
    if len(present) < 2:
        absent = [v for v in wanted if v not in analysis.variants]
        reason = (
            f"the study ran fewer than two of the compared variants (missing: {', '.join(absent)})"
        )
        return skipped(key, title, reason)
    return mean_curve_figure(
        analysis, key=key, title=title, quantity="loss", variants=present, **common
    )
