import dataclasses
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from bench.config import StudyConfig
from bench.engines import train_one
from bench.engines.result import finished_result

CONFIG = StudyConfig(epochs=40, eval_every=10, eval_size=100, n_seeds=4)
TESTS_DIR = Path(__file__).parent


@pytest.mark.parametrize("variant", ["lstm_forw", "lstm_back", "bilstm_mul"])
def test_compiled_matches_reference(variant):
    compiled = train_one(CONFIG, variant, seed=1)
    reference = train_one(dataclasses.replace(CONFIG, engine="reference"), variant, seed=1)

    assert compiled.status == "ok"
    assert reference.status == "ok"
    np.testing.assert_allclose(compiled.loss, reference.loss, rtol=0, atol=1e-5)
    np.testing.assert_allclose(compiled.heldout_loss, reference.heldout_loss, rtol=0, atol=1e-5)
    np.testing.assert_array_equal(compiled.heldout_epoch, reference.heldout_epoch)


def test_accuracy_matches_reference():
    compiled = train_one(CONFIG, "lstm_forw", seed=2)
    reference = train_one(dataclasses.replace(CONFIG, engine="reference"), "lstm_forw", seed=2)

    np.testing.assert_allclose(compiled.accuracy, reference.accuracy, atol=1e-6)


def test_result_lengths():
    result = train_one(CONFIG, "bilstm_sum", seed=0)

    assert len(result.loss) == 40
    assert len(result.accuracy) == 40
    assert result.heldout_epoch.tolist() == [10, 20, 30, 40]
    assert np.all((result.heldout_accuracy >= 0) & (result.heldout_accuracy <= 1))


def test_loss_falls_with_training():
    config = dataclasses.replace(CONFIG, epochs=250, eval_every=50)
    result = train_one(config, "bilstm_concat", seed=0)

    assert result.loss[-50:].mean() < result.loss[:50].mean() - 0.1
    assert result.heldout_accuracy[-1] > 0.8


_FRESH_RUN = """
import json, sys
from bench.config import StudyConfig
from bench.engines import train_one
config = StudyConfig.from_dict(json.loads(sys.argv[1]))
result = train_one(config, sys.argv[2], int(sys.argv[3]))
print(json.dumps(result.to_record()))
"""


def _fresh_process_run(config, variant, seed) -> dict:
    output = subprocess.run(
        [sys.executable, "-c", _FRESH_RUN, json.dumps(config.to_dict()), variant, str(seed)],
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    return json.loads(output.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("learning_rate", [0.001, 0.01])
def test_reused_trainer_equals_fresh_process(learning_rate):
    config = dataclasses.replace(CONFIG, learning_rate=learning_rate)
    for seed in (0, 1, 2):
        reused = train_one(config, "lstm_forw", seed)

    fresh = _fresh_process_run(config, "lstm_forw", 2)

    assert reused.loss.tolist() == fresh["loss"]
    assert reused.heldout_loss.tolist() == fresh["heldout_loss"]


def test_learning_rate_kept_after_reinitialise():
    from bench.engines.worker import _trainer

    config = dataclasses.replace(CONFIG, learning_rate=0.01)
    train_one(config, "lstm_forw", 0)
    trainer = _trainer(config, "lstm_forw")
    trainer.reinitialise(1)

    assert float(trainer.optimizer.learning_rate) == pytest.approx(0.01)
    assert int(trainer.optimizer.iterations) == 0


def test_learning_rate_changes_curves():
    slow = train_one(CONFIG, "lstm_forw", 3)
    fast = train_one(dataclasses.replace(CONFIG, learning_rate=0.01), "lstm_forw", 3)

    assert slow.loss[0] == pytest.approx(fast.loss[0], abs=1e-7)
    assert not np.allclose(slow.loss[5:], fast.loss[5:])


@pytest.mark.parametrize("engine", ["compiled", "reference"])
def test_nan_loss_stored_as_diverged(engine, monkeypatch):
    monkeypatch.syspath_prepend(str(TESTS_DIR))
    config = dataclasses.replace(
        CONFIG, engine=engine, variants=("diverging_variant:build",), epochs=20, eval_every=2
    )

    result = train_one(config, "diverging_variant:build", seed=0)

    assert result.status == "diverged"
    assert len(result.loss) == 5
    assert np.all(np.isfinite(result.loss))
    assert result.heldout_epoch.tolist() == [2, 4]


def test_broken_builder_stored_as_failed(tmp_path, monkeypatch):
    (tmp_path / "broken_variant.py").write_text(
        "def build(config):\n    raise RuntimeError('boom')\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))

    result = train_one(CONFIG, "broken_variant:build", seed=0)

    assert result.status == "failed"
    assert "boom" in result.error
    assert len(result.loss) == 0


def test_finished_result_cuts_at_first_nan():
    loss = [0.7, 0.6, np.nan, 0.5]
    heldout = (np.array([1, 2, 3, 4]), np.array([0.7, 0.6, 0.5, 0.4]), np.array([0.5] * 4))

    result = finished_result("v", 0, loss, [0.5] * 4, heldout, 1.0)

    assert result.status == "diverged"
    assert result.loss.tolist() == [0.7, 0.6]
    assert result.heldout_epoch.tolist() == [1, 2]
