"""End-to-end studies through the command line: determinism, interruption and resume."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import psutil
import pytest

from bench.frames import iter_run_files, load_study
from bench.run import EXIT_INTERRUPTED, main

ARGS = [
    "--seeds",
    "5",
    "--epochs",
    "40",
    "--eval-every",
    "10",
    "--eval-size",
    "50",
    "--variants",
    "lstm_forw,bilstm_sum",
    "--quiet",
]


@pytest.fixture(scope="module")
def serial_study(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("serial") / "study"
    assert main([*ARGS, "--n-jobs", "1", "--out", str(out)]) == 0
    return out


def _curves(study: Path) -> pd.DataFrame:
    return pd.read_csv(study / "curves.csv").sort_values(
        ["variant", "seed", "epoch"], ignore_index=True
    )


def _heldout(study: Path) -> pd.DataFrame:
    return pd.read_csv(study / "heldout.csv").sort_values(
        ["variant", "seed", "epoch"], ignore_index=True
    )


def test_study_stores_every_run(serial_study):
    frames = load_study(serial_study)

    assert len(frames.runs) == 10
    assert set(frames.runs["status"]) == {"ok"}
    assert len(frames.curves) == 10 * 40


def test_exports_written(serial_study):
    metrics = pd.read_csv(serial_study / "metrics.csv")

    assert list(pd.read_csv(serial_study / "curves.csv").columns) == [
        "variant",
        "seed",
        "epoch",
        "loss",
        "accuracy",
    ]
    assert len(metrics) == 10
    assert {"variant", "seed", "status", "aulc", "final_accuracy", "wall_time_s"} <= set(metrics)


def test_provenance_recorded(serial_study):
    provenance = load_study(serial_study).provenance

    for key in ("python", "tensorflow", "keras", "numpy", "scipy", "engine", "cpu_count"):
        assert provenance[key]
    assert provenance["finished_at"] >= provenance["started_at"]


def test_two_workers_store_identical_curves(serial_study, tmp_path):
    parallel = tmp_path / "parallel"

    assert main([*ARGS, "--n-jobs", "2", "--out", str(parallel)]) == 0

    pd.testing.assert_frame_equal(_curves(parallel), _curves(serial_study))
    pd.testing.assert_frame_equal(_heldout(parallel), _heldout(serial_study))


def _start_study(out: Path, n_jobs: int) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "bench.run", *ARGS, "--n-jobs", str(n_jobs), "--out", str(out)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )


def _wait_for_runs(out: Path, count: int, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 240
    while len(iter_run_files(out)) < count:
        assert process.poll() is None, f"study ended before {count} runs: {process.stderr.read()}"
        assert time.monotonic() < deadline, "no runs stored within 240 s"
        time.sleep(0.05)


@pytest.mark.parametrize(
    ("sent", "n_jobs", "expected_code"),
    [
        (signal.SIGINT, 2, EXIT_INTERRUPTED),
        (signal.SIGKILL, 1, -signal.SIGKILL),
        (signal.SIGKILL, 2, -signal.SIGKILL),
    ],
)
def test_stopped_study_resumes_to_same_curves(sent, n_jobs, expected_code, serial_study, tmp_path):
    out = tmp_path / "stopped"
    process = _start_study(out, n_jobs)
    _wait_for_runs(out, 3, process)
    workers = psutil.Process(process.pid).children(recursive=True)

    os.kill(process.pid, sent)
    # wait() rather than communicate(): workers inherit the stderr pipe, and communicate()
    # would also wait for them to close it.
    process.wait(timeout=120)
    process.stderr.close()
    stored = len(iter_run_files(out))
    # Workers end about 2 s after their main process (measured); 60 s leaves room for load.
    _, still_running = psutil.wait_procs(workers, timeout=60)

    assert process.returncode == expected_code
    assert still_running == []
    assert 3 <= stored < 10
    assert load_study(out).runs["status"].eq("ok").all()

    assert main([*ARGS, "--n-jobs", str(n_jobs), "--out", str(out), "--resume"]) == 0
    pd.testing.assert_frame_equal(_curves(out), _curves(serial_study))
    pd.testing.assert_frame_equal(_heldout(out), _heldout(serial_study))


def test_second_process_on_same_folder_rejected(tmp_path):
    out = tmp_path / "busy"
    first = _start_study(out, 1)
    try:
        _wait_for_runs(out, 1, first)
        second = subprocess.run(
            [sys.executable, "-m", "bench.run", *ARGS, "--out", str(out), "--resume"],
            capture_output=True,
            text=True,
            timeout=120,
        )
    finally:
        first.kill()
        first.communicate()

    assert second.returncode == 2
    assert f"is in use by process {first.pid}" in second.stderr
