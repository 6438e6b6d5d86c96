"""Golden curves: any silent change to data, initialisation, model or optimizer fails here."""

import json

import pytest
from golden import GOLDEN_FILE, TOLERANCE, first_difference

from bench.config import StudyConfig
from bench.engines import train_one

GOLDEN = json.loads(GOLDEN_FILE.read_text())
CONFIG = StudyConfig.from_dict(GOLDEN["config"])


@pytest.mark.parametrize(
    "curve", GOLDEN["curves"], ids=[f"{c['variant']}-seed{c['seed']}" for c in GOLDEN["curves"]]
)
def test_curve_reproduced(curve):
    result = train_one(CONFIG, curve["variant"], curve["seed"])

    problem = first_difference(curve["loss"], result.loss, TOLERANCE)

    assert problem is None, f"{curve['variant']} seed {curve['seed']}: {problem}"


def test_difference_names_first_epoch():
    message = first_difference([0.5, 0.4, 0.3], [0.5, 0.41, 0.2])

    assert message.startswith("first differs at epoch 2: golden 0.4, now 0.41")
    assert "2 of 3 epochs differ" in message


def test_no_difference_within_tolerance():
    assert first_difference([0.5, 0.4], [0.5 + 1e-6, 0.4]) is None


def test_length_change_reported():
    assert "has 1 epochs" in first_difference([0.5, 0.4], [0.5])
