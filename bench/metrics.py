"""Per-run learning-speed metrics, and the table of which direction is better for each.

Every metric is computed from one stored run. The table ``METRICS`` is the one place that says
what a metric measures, its unit and whether lower or higher values are better; the statistics,
the ranking and the report all read it from here.
"""

from __future__ import annotations

from dataclasses import dataclass

DEFAULT_TARGET = 0.9


@dataclass(frozen=True)
class MetricSpec:
    """Description of one per-run metric.

    Attributes
    ----------
    name : str
        Column name in ``metrics.csv`` and key used everywhere else.
    label : str
        Short human-readable name for tables and figure axes.
    unit : str
        Unit of the values ("loss", "accuracy" or "epochs").
    higher_is_better : bool
        True when a larger value means faster or better learning.
    needs_full_curve : bool
        True when the metric is undefined for a diverged run, whose curve stops early.
    description : str
        One sentence that defines the metric.
    """

    name: str
    label: str
    unit: str
    higher_is_better: bool
    needs_full_curve: bool
    description: str

    @property
    def better_word(self) -> str:
        """Return "higher" or "lower", the direction in which values are better."""
        return "higher" if self.higher_is_better else "lower"


METRICS: dict[str, MetricSpec] = {
    spec.name: spec
    for spec in (
        MetricSpec(
            name="aulc",
            label="AULC (training loss)",
            unit="loss",
            higher_is_better=False,
            needs_full_curve=True,
            description="Mean training loss over all epochs, the normalised area under the "
            "training loss curve.",
        ),
        MetricSpec(
            name="heldout_aulc",
            label="Held-out AULC",
            unit="loss",
            higher_is_better=False,
            needs_full_curve=True,
            description="Mean held-out loss over the evaluation points.",
        ),
        MetricSpec(
            name="epochs_to_target",
            label="Epochs to target accuracy",
            unit="epochs",
            higher_is_better=False,
            needs_full_curve=False,
            description="First evaluated epoch at which held-out accuracy reaches the target; "
            "right-censored at the last evaluated epoch when the run never reaches it.",
        ),
        MetricSpec(
            name="final_loss",
            label="Final training loss",
            unit="loss",
            higher_is_better=False,
            needs_full_curve=True,
            description="Mean training loss over the last 10% of epochs.",
        ),
        MetricSpec(
            name="final_accuracy",
            label="Final held-out accuracy",
            unit="accuracy",
            higher_is_better=True,
            needs_full_curve=True,
            description="Held-out accuracy at the last evaluation.",
        ),
    )
}
