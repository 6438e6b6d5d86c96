"""Tests of the task-setting check and the pairing decision of bench.compare."""

import pytest

from bench.compare.errors import CompareInputError
from bench.compare.settings import changed_settings, check_task_settings, choose_pairing

CONFIG = {
    "n_timesteps": 10,
    "threshold_fraction": 0.25,
    "units": 20,
    "epochs": 250,
    "learning_rate": 0.001,
    "eval_every": 10,
    "eval_size": 500,
    "engine": "compiled",
    "variants": ["lstm_forw", "lstm_back"],
    "n_seeds": 10,
    "root_seed": 7,
}


def with_changes(**changes):
    return {**CONFIG, **changes}


def test_equal_task_settings_pass():
    check_task_settings(CONFIG, with_changes(units=40, learning_rate=0.01, root_seed=9))


def test_eval_every_mismatch_named():
    with pytest.raises(CompareInputError, match="eval_every: baseline 10, current 5"):
        check_task_settings(CONFIG, with_changes(eval_every=5))


def test_changed_settings_listed():
    changes = changed_settings(CONFIG, with_changes(engine="reference", variants=["lstm_forw"]))

    described = [change.describe() for change in changes]
    assert described == [
        "engine: baseline 'compiled', current 'reference'",
        "variants: baseline [lstm_forw, lstm_back], current [lstm_forw]",
    ]


def test_same_root_seed_paired():
    pairing = choose_pairing(CONFIG, CONFIG)

    assert pairing.paired
    assert pairing.common_seeds == tuple(range(10))
    assert pairing.seed_note is None


def test_fewer_current_seeds_paired_on_common():
    pairing = choose_pairing(CONFIG, with_changes(n_seeds=9))

    assert pairing.common_seeds == tuple(range(9))
    assert "The current study has fewer seeds (9 against 10)" in pairing.seed_note
    assert "leaves out the baseline's seed 9." in pairing.seed_note


def test_different_root_seed_unpaired():
    pairing = choose_pairing(CONFIG, with_changes(root_seed=8, n_seeds=20))

    assert not pairing.paired
    assert pairing.description.startswith("unpaired (root seeds differ: baseline 7, current 8)")
    assert pairing.seed_note == "The baseline has 10 seeds and the current study 20."
