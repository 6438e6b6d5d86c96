"""Tests of the number formats of bench.compare."""

from bench.compare.formatting import format_interval, format_margin, format_value
from bench.compare.intervals import Interval


def test_value_uses_metric_decimals():
    assert format_value("heldout_aulc", 0.03125) == "0.031"


def test_epochs_use_one_decimal():
    assert format_value("epochs_to_target", 31.84, signed=True) == "+31.8"


def test_negative_zero_printed_as_zero():
    assert format_value("aulc", -0.0000004, signed=True) == "+0.000"


def test_missing_value_in_words():
    assert format_value("aulc", None) == "not computed"


def test_missing_interval_in_words():
    assert format_interval("aulc", None) == "not computed"


def test_interval_near_margin_gets_more_decimals():
    # 0.01994 rounds to 0.020 at three decimals and would look equal to the margin 0.02.
    assert format_interval("aulc", Interval(0.0104, 0.01994), margin=0.02) == "0.0104 to 0.0199"


def test_interval_away_from_margin_keeps_decimals():
    assert format_interval("aulc", Interval(0.0104, 0.0151), margin=0.02) == "0.010 to 0.015"


def test_margin_keeps_user_precision():
    assert format_margin("aulc", 0.0025) == "0.0025"


def test_margin_default_precision():
    assert format_margin("epochs_to_target", 10.0) == "10.0"
