"""Tests of the --metrics and --margin parsing of bench.compare."""

import pytest

from bench.compare.errors import CompareInputError
from bench.compare.margins import (
    DEFAULT_METRICS,
    METRIC_SPECS,
    parse_margins,
    parse_metrics,
    resolve_margins,
)


def test_parse_metrics_keeps_order():
    assert parse_metrics("final_loss, aulc") == ("final_loss", "aulc")


def test_parse_metrics_drops_repeats():
    assert parse_metrics("aulc,aulc,final_loss") == ("aulc", "final_loss")


def test_parse_metrics_unknown_name():
    with pytest.raises(CompareInputError, match=r"--metrics got unknown metric 'loss'.*Accepted"):
        parse_metrics("aulc,loss")


def test_parse_metrics_empty():
    with pytest.raises(CompareInputError, match="--metrics must name at least one metric"):
        parse_metrics(" , ")


def test_parse_margins_values():
    assert parse_margins(["aulc=0.05", "epochs_to_target=20"]) == {
        "aulc": 0.05,
        "epochs_to_target": 20.0,
    }


@pytest.mark.parametrize(
    ("item", "message"),
    [
        ("aulc", "expects METRIC=VALUE"),
        ("loss=0.1", "unknown metric 'loss'"),
        ("aulc=0", r"greater than 0 \(in nats\); got 'aulc=0'"),
        ("aulc=-0.1", "greater than 0"),
        ("aulc=abc", "finite number"),
        ("aulc=nan", "finite number"),
        ("aulc=inf", "finite number"),
    ],
)
def test_parse_margins_invalid(item, message):
    with pytest.raises(CompareInputError, match=message):
        parse_margins([item])


def test_parse_margins_repeated_metric():
    with pytest.raises(CompareInputError, match="sets 'aulc' twice"):
        parse_margins(["aulc=0.1", "aulc=0.2"])


def test_resolve_margins_defaults_and_override():
    margins = resolve_margins(DEFAULT_METRICS, {"aulc": 0.05})

    assert margins["aulc"] == 0.05
    assert margins["heldout_aulc"] == METRIC_SPECS["heldout_aulc"].default_margin


def test_directions():
    assert METRIC_SPECS["final_accuracy"].lower_is_better is False
    assert all(
        METRIC_SPECS[name].lower_is_better
        for name in ("aulc", "heldout_aulc", "final_loss", "epochs_to_target")
    )
