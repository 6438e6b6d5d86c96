"""Number formats shared by the text table and the Markdown summary."""

from __future__ import annotations

from bench.compare.intervals import Interval
from bench.compare.margins import METRIC_SPECS


def format_value(metric: str, value: float | None, signed: bool = False) -> str:
    """Format a metric value with the metric's decimals; None becomes "not computed"."""
    if value is None:
        return "not computed"
    decimals = METRIC_SPECS[metric].decimals
    # Round first so that a tiny negative value does not print as "-0.000".
    value = round(value, decimals) + 0.0
    return f"{value:+.{decimals}f}" if signed else f"{value:.{decimals}f}"


def format_interval(metric: str, interval: Interval | None) -> str:
    """Format an interval as ``low to high``; None becomes "not computed"."""
    if interval is None:
        return "not computed"
    return f"{format_value(metric, interval.low)} to {format_value(metric, interval.high)}"


def format_margin(metric: str, margin: float) -> str:
    """Format a margin with enough decimals to show a user-set value such as 0.0025."""
    decimals = METRIC_SPECS[metric].decimals
    text = f"{margin:.{decimals}f}"
    if float(text) != margin:
        text = f"{margin:g}"
    return text
