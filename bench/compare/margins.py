"""The metrics a comparison can judge: direction, default margin and parsing of the options.

Default margins are the smallest change of each metric's mean that counts as a real change:

- ``aulc``, ``heldout_aulc``, ``final_loss``: 0.02 in binary cross-entropy (nats). That is
  2.9 % of ln 2 = 0.693, the loss of a model that predicts 0.5 at every step, which is where
  every curve of this task starts.
- ``final_accuracy``: 0.02, two percentage points of held-out accuracy. The default held-out
  set (500 sequences of 10 steps) resolves 1/5000, so the margin is a change of 100 step
  predictions, far above rounding.
- ``epochs_to_target``: 10 epochs, one evaluation interval at the default ``eval_every``,
  which is the resolution of that metric.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from bench.compare.errors import CompareInputError


@dataclass(frozen=True)
class MetricSpec:
    """Direction, default margin and display of one per-run metric.

    Attributes
    ----------
    name : str
        Column name in ``metrics.csv``.
    lower_is_better : bool
        True when a decrease is an improvement.
    default_margin : float
        Equivalence margin, in the metric's unit.
    unit : str
        Unit for messages ("nats", "accuracy", "epochs").
    decimals : int
        Decimals shown in tables and sentences.
    """

    name: str
    lower_is_better: bool
    default_margin: float
    unit: str
    decimals: int


METRIC_SPECS = {
    spec.name: spec
    for spec in (
        MetricSpec("heldout_aulc", True, 0.02, "nats", 3),
        MetricSpec("aulc", True, 0.02, "nats", 3),
        MetricSpec("final_accuracy", False, 0.02, "accuracy", 3),
        MetricSpec("final_loss", True, 0.02, "nats", 3),
        MetricSpec("epochs_to_target", True, 10.0, "epochs", 1),
    )
}
DEFAULT_METRICS = ("heldout_aulc", "aulc", "final_accuracy")


def parse_metrics(text: str) -> tuple[str, ...]:
    """Parse the ``--metrics`` option: comma-separated metric names, in the order given.

    Raises
    ------
    CompareInputError
        If the list is empty or names an unknown metric.
    """
    names = [part.strip() for part in text.split(",") if part.strip()]
    if not names:
        raise CompareInputError(
            f"--metrics must name at least one metric; got {text!r}. "
            f"Accepted: {', '.join(METRIC_SPECS)}"
        )

    unknown = [name for name in names if name not in METRIC_SPECS]
    if unknown:
        raise CompareInputError(
            f"--metrics got unknown metric {', '.join(map(repr, unknown))}. "
            f"Accepted: {', '.join(METRIC_SPECS)}"
        )

    # dict.fromkeys drops repeats and keeps the first position of each name.
    return tuple(dict.fromkeys(names))


def parse_margins(items: list[str]) -> dict[str, float]:
    """Parse repeated ``--margin METRIC=VALUE`` options into overrides of the defaults.

    Raises
    ------
    CompareInputError
        If an item lacks ``=``, names an unknown metric, gives a metric twice, or has a
        value that is not a finite number greater than 0.
    """
    margins: dict[str, float] = {}
    for item in items:
        name, sep, value_text = item.partition("=")
        name = name.strip()
        if not sep:
            raise CompareInputError(
                f"--margin expects METRIC=VALUE, for example heldout_aulc=0.03; got {item!r}"
            )
        if name not in METRIC_SPECS:
            raise CompareInputError(
                f"--margin got unknown metric {name!r} in {item!r}. "
                f"Accepted: {', '.join(METRIC_SPECS)}"
            )
        if name in margins:
            raise CompareInputError(f"--margin sets {name!r} twice; give each metric once")
        margins[name] = _parse_margin_value(name, value_text.strip(), item)
    return margins


def _parse_margin_value(name: str, value_text: str, item: str) -> float:
    try:
        value = float(value_text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or value <= 0:
        raise CompareInputError(
            f"--margin for {name} must be a finite number greater than 0 "
            f"(in {METRIC_SPECS[name].unit}); got {item!r}"
        )
    return value


def resolve_margins(metrics: tuple[str, ...], overrides: dict[str, float]) -> dict[str, float]:
    """Return the margin of each judged metric: the override if given, else the default."""
    return {name: overrides.get(name, METRIC_SPECS[name].default_margin) for name in metrics}
