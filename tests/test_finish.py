import numpy as np

from bench.finish import run_count_line
from bench.stats.synthetic import frames_from_arrays


def test_run_count_line_counts_statuses(rng):
    shape = (4, 20)
    loss = {"lstm_forw": rng.uniform(0.2, 0.7, size=shape), "bilstm_sum": np.full(shape, 0.3)}
    held = {name: np.full((4, 2), 0.4) for name in loss}
    acc = {name: np.full((4, 2), 0.8) for name in loss}
    status = {("lstm_forw", 1): "diverged", ("bilstm_sum", 3): "failed"}

    frames = frames_from_arrays(loss, held, acc, status=status)

    assert run_count_line(frames) == "runs: 6 ok, 1 diverged, 1 failed (of 8 planned)"
