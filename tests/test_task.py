import dataclasses

import numpy as np

from bench.config import StudyConfig
from bench.task import heldout_set, init_seed, make_sequences, training_stream

CONFIG = StudyConfig(epochs=40, eval_size=50, n_seeds=3)


def test_targets_follow_cumulative_sum_threshold():
    x = np.array([[0.9, 0.9, 0.1, 0.5, 0.0, 0.2, 0.3, 0.0, 0.1, 0.4]], dtype=np.float32)

    class Fixed:
        def random(self, shape, dtype):
            return x.astype(dtype).reshape(shape)

    _, y = make_sequences(Fixed(), 1, 10, 0.25)

    # Running sums 0.9, 1.8, 1.9, 2.4, 2.4, 2.6, ...: the limit 2.5 is first reached at step 5.
    assert y[0, :, 0].tolist() == [0, 0, 0, 0, 0, 1, 1, 1, 1, 1]


def test_shapes_and_dtypes():
    xs, ys = training_stream(CONFIG, 0)

    assert xs.shape == (40, 10, 1)
    assert ys.shape == (40, 10, 1)
    assert xs.dtype == np.float32
    assert set(np.unique(ys)) <= {0.0, 1.0}


def test_inputs_lie_in_unit_interval():
    xs, _ = training_stream(CONFIG, 1)

    assert xs.min() >= 0.0
    assert xs.max() < 1.0


def test_stream_repeats_for_same_seed():
    first, _ = training_stream(CONFIG, 2)
    again, _ = training_stream(CONFIG, 2)

    np.testing.assert_array_equal(first, again)


def test_stream_independent_of_other_settings():
    widened = dataclasses.replace(CONFIG, units=7, variants=("bilstm_sum",), n_seeds=9)

    np.testing.assert_array_equal(training_stream(CONFIG, 1)[0], training_stream(widened, 1)[0])


def test_replicates_draw_different_streams():
    assert not np.array_equal(training_stream(CONFIG, 0)[0], training_stream(CONFIG, 1)[0])


def test_root_seeds_share_no_sequence():
    other = dataclasses.replace(CONFIG, root_seed=CONFIG.root_seed + 1)
    ours = np.concatenate([training_stream(CONFIG, s)[0] for s in range(3)])[:, :, 0]
    theirs = np.concatenate([training_stream(other, s)[0] for s in range(3)])[:, :, 0]

    shared = {row.tobytes() for row in ours} & {row.tobytes() for row in theirs}

    assert not shared


def test_heldout_differs_from_training():
    x_heldout, _ = heldout_set(CONFIG)
    x_train, _ = training_stream(CONFIG, 0)

    assert x_heldout.shape == (50, 10, 1)
    assert not np.array_equal(x_heldout[:40], x_train)


def test_init_seed_stable_and_distinct():
    seeds = [init_seed(CONFIG, r) for r in range(5)]

    assert seeds == [init_seed(CONFIG, r) for r in range(5)]
    assert len(set(seeds)) == 5


def test_positive_fraction_near_expected():
    # With 10 uniform steps the sum reaches 2.5 after about 5 steps, so close to half the
    # targets are 1; a wrong threshold (e.g. n_timesteps / 2) would give about 1/20.
    _, ys = training_stream(dataclasses.replace(CONFIG, epochs=2000), 0)

    assert 0.45 < ys.mean() < 0.6
