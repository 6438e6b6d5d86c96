"""Number formats of the report: every value with its interval, never a bare NaN.

A value that the analysis could not compute is ``None`` (see ``bench.stats.results``); here it
becomes "not computed: <reason>". Every formatter also treats NaN and infinity as missing, as
a second line of defence for values read straight from the per-run metrics table.
"""

from __future__ import annotations

import math

from bench.stats.results import Estimate

NOT_COMPUTED = "not computed"


def is_number(value: object) -> bool:
    """Return True when ``value`` is a finite real number."""
    if value is None or isinstance(value, bool):
        return False
    try:
        return math.isfinite(float(value))
    except (TypeError, ValueError):
        return False


def fmt_number(value: float | None, digits: int = 3, reason: str = "") -> str:
    """Format a number with ``digits`` significant digits, or say it is not computed.

    Examples
    --------
    >>> fmt_number(0.041234)
    '0.0412'
    >>> fmt_number(float("nan"), reason="no run finished")
    'not computed: no run finished'
    """
    if not is_number(value):
        return not_computed(reason)
    value = float(value)
    if value == 0.0:
        return "0"
    text = f"{value:.{digits}g}"
    # Python switches to exponent notation for large values; epochs and ranks read better
    # rounded to whole numbers.
    if "e+" in text:
        text = f"{value:.0f}"
    return text


def fmt_signed(value: float | None, digits: int = 3, reason: str = "") -> str:
    """Format a difference with an explicit sign ("+0.012", "-0.034")."""
    text = fmt_number(value, digits, reason)
    if is_number(value) and float(value) > 0:
        return "+" + text
    return text


def fmt_estimate(estimate: Estimate, digits: int = 3, signed: bool = False) -> str:
    """Format an estimate as "0.412 (95% CI 0.398 to 0.431)".

    When the interval is missing, the reason from ``estimate.note`` follows the value; when
    the value is missing, the text is "not computed: <reason>".
    """
    number = fmt_signed if signed else fmt_number
    if not is_number(estimate.value):
        return not_computed(estimate.note)

    text = number(estimate.value, digits)
    if is_number(estimate.low) and is_number(estimate.high):
        percent = round(estimate.level * 100)
        low = number(estimate.low, digits)
        high = number(estimate.high, digits)
        return f"{text} ({percent}% CI {low} to {high})"

    reason = reason_text(estimate.note or "no interval was computed")
    if is_number(estimate.low):
        # One-sided: the upper bound is undefined, e.g. a median time whose upper band never
        # falls to one half.
        percent = round(estimate.level * 100)
        low = number(estimate.low, digits)
        return f"{text} ({percent}% CI from {low}, upper bound not computed: {reason})"
    return f"{text} (CI not computed: {reason})"


def fmt_p(p_value: float | None, reason: str = "") -> str:
    """Format a p-value with three decimals, two significant digits below 0.001.

    Values below 0.0001 become "< 0.0001".
    """
    if not is_number(p_value):
        return not_computed(reason)
    p_value = float(p_value)
    if p_value < 1e-4:
        return "< 0.0001"
    return f"{p_value:.2g}" if p_value < 0.001 else f"{p_value:.3f}".rstrip("0").rstrip(".")


def fmt_p_clause(p_value: float | None, name: str = "p", reason: str = "") -> str:
    """Format "p = 0.031" or "p < 0.0001", with ``name`` in place of "p"."""
    text = fmt_p(p_value, reason)
    if text.startswith("<"):
        return f"{name} {text}"
    if not is_number(p_value):
        return f"{name}: {text}"
    return f"{name} = {text}"


def fmt_fraction(value: float | None, reason: str = "") -> str:
    """Format a probability or share in [0, 1] with two decimals."""
    if not is_number(value):
        return not_computed(reason)
    return f"{float(value):.2f}"


def fmt_seconds(seconds: float | None, reason: str = "") -> str:
    """Format a duration: "42 s", "3.5 min" or "2.1 h"."""
    if not is_number(seconds):
        return not_computed(reason)
    seconds = float(seconds)
    if seconds < 120:
        return f"{seconds:.3g} s"
    if seconds < 7200:
        return f"{seconds / 60:.3g} min"
    return f"{seconds / 3600:.3g} h"


def not_computed(reason: str = "") -> str:
    """Return "not computed: <reason>", or "not computed" when no reason is known."""
    reason = reason_text(reason)
    return f"{NOT_COMPUTED}: {reason}" if reason else NOT_COMPUTED


def reason_text(text: str) -> str:
    """Return a note as a reason: without a final full stop or a leading "not computed: ".

    Notes are full sentences; inside a table cell or after a colon the final full stop and a
    leading "not computed" would repeat what the cell already says.
    """
    text = text.strip().rstrip(".")
    for prefix in ("not computed: ", "not computed, ", "not defined: ", "not tested: "):
        if text.lower().startswith(prefix):
            text = text[len(prefix) :]
    return text
