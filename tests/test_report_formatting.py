"""Tests of the report's number formats: values with intervals, never a bare NaN."""

import math

from bench.report.formatting import (
    fmt_estimate,
    fmt_fraction,
    fmt_number,
    fmt_p,
    fmt_p_clause,
    fmt_seconds,
    fmt_signed,
    reason_text,
)
from bench.stats.results import Estimate


def test_number_significant_digits():
    assert fmt_number(0.0412345) == "0.0412"
    assert fmt_number(123.456) == "123"


def test_large_number_not_in_exponent_form():
    assert fmt_number(12345.6) == "12346"


def test_nan_and_none_become_not_computed():
    assert fmt_number(math.nan, reason="no run finished") == "not computed: no run finished"
    assert fmt_number(None) == "not computed"
    assert fmt_number(math.inf) == "not computed"


def test_signed_number():
    assert fmt_signed(0.0125) == "+0.0125"
    assert fmt_signed(-0.0125) == "-0.0125"


def test_estimate_with_interval():
    estimate = Estimate(value=0.412, low=0.398, high=0.431, method="bca")
    assert fmt_estimate(estimate) == "0.412 (95% CI 0.398 to 0.431)"


def test_estimate_interval_at_other_level():
    estimate = Estimate(value=1.0, low=0.5, high=1.5, method="bca", level=0.9)
    assert fmt_estimate(estimate) == "1 (90% CI 0.5 to 1.5)"


def test_estimate_without_interval_gives_reason():
    estimate = Estimate(
        value=4.0,
        low=None,
        high=None,
        method="none",
        note="not defined: the rank is 4 on all 8 seeds.",
    )
    assert fmt_estimate(estimate) == "4 (CI not computed: the rank is 4 on all 8 seeds)"


def test_one_sided_estimate():
    estimate = Estimate(
        value=120.0,
        low=90.0,
        high=None,
        method="brookmeyer-crowley",
        note="the upper band never falls to 0.5.",
    )
    assert fmt_estimate(estimate) == (
        "120 (95% CI from 90, upper bound not computed: the upper band never falls to 0.5)"
    )


def test_missing_estimate_gives_reason():
    estimate = Estimate.missing("fewer than half of the runs reached the target")
    assert fmt_estimate(estimate) == (
        "not computed: fewer than half of the runs reached the target"
    )


def test_estimate_with_nan_value_is_not_printed():
    estimate = Estimate(value=math.nan, low=None, high=None, method="none", note="no data")
    assert fmt_estimate(estimate) == "not computed: no data"


def test_p_values():
    assert fmt_p(0.0456) == "0.046"
    assert fmt_p(0.5) == "0.5"
    assert fmt_p(1.0) == "1"
    assert fmt_p(0.00042) == "0.00042"
    assert fmt_p(0.00001) == "< 0.0001"


def test_p_clause():
    assert fmt_p_clause(0.031) == "p = 0.031"
    assert fmt_p_clause(1e-6, "Holm p") == "Holm p < 0.0001"
    assert fmt_p_clause(None, reason="not tested") == "p: not computed: not tested"


def test_fraction_and_seconds():
    assert fmt_fraction(0.7149) == "0.71"
    assert fmt_seconds(42.0) == "42 s"
    assert fmt_seconds(210.0) == "3.5 min"
    assert fmt_seconds(9000.0) == "2.5 h"


def test_reason_text_strips_prefix_and_stop():
    assert reason_text("Not tested: 1 paired seeds.") == "1 paired seeds"
