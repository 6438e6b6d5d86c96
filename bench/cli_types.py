"""argparse value types whose errors name the value received and the accepted range."""

from __future__ import annotations

import argparse


def whole_number(minimum: int):
    """Return a parser for whole numbers >= ``minimum``."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"must be a whole number >= {minimum}; got {text!r}"
            ) from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"must be a whole number >= {minimum}; got {text!r}")
        return value

    return parse


def fraction(low: float, high: float, *, include_high: bool = True):
    """Return a parser for floats in (low, high] (or (low, high) without ``include_high``)."""
    closing = "]" if include_high else ")"

    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            value = None
        inside = (
            value is not None and low < value and (value <= high if include_high else value < high)
        )
        if not inside:
            raise argparse.ArgumentTypeError(
                f"must be a number in ({low:g}, {high:g}{closing}; got {text!r}"
            )
        return value

    return parse
