"""Number formats shared by the text table and the Markdown summary."""

from __future__ import annotations

from bench.compare.intervals import Interval
from bench.compare.margins import METRIC_SPECS

_MAX_DECIMALS = 6


def format_value(
    metric: str, value: float | None, signed: bool = False, margin: float | None = None
) -> str:
    """Format a metric value; None becomes "not computed".

    The metric's usual decimals grow when rounding would make the value look equal to
    ``margin`` (or ``-margin``) although it is not, so a printed verdict never seems to
    contradict the printed numbers.
    """
    if value is None:
        return "not computed"
    decimals = _decimals(metric, [value], margin)
    return _fixed(value, decimals, signed)


def format_interval(metric: str, interval: Interval | None, margin: float | None = None) -> str:
    """Format an interval as ``low to high``; None becomes "not computed"."""
    if interval is None:
        return "not computed"
    decimals = _decimals(metric, [interval.low, interval.high], margin)
    return f"{_fixed(interval.low, decimals)} to {_fixed(interval.high, decimals)}"


def format_margin(metric: str, margin: float) -> str:
    """Format a margin with enough decimals to show a user-set value such as 0.0025."""
    decimals = METRIC_SPECS[metric].decimals
    text = f"{margin:.{decimals}f}"
    if float(text) != margin:
        text = f"{margin:g}"
    return text


def _decimals(metric: str, values: list[float], margin: float | None) -> int:
    decimals = METRIC_SPECS[metric].decimals
    if margin is None:
        return decimals
    while decimals < _MAX_DECIMALS and any(
        abs(value) != margin and round(abs(value), decimals) == round(margin, decimals)
        for value in values
    ):
        decimals += 1
    return decimals


def _fixed(value: float, decimals: int, signed: bool = False) -> str:
    # Round first and add 0.0 so that a tiny negative value does not print as "-0.000".
    value = round(value, decimals) + 0.0
    return f"{value:+.{decimals}f}" if signed else f"{value:.{decimals}f}"
