"""Faults during a study: dead workers, a killed main process on Dask, an unwritable folder.

The fast tests run the runner with a stand-in training function that needs no TensorFlow and
kills its own worker process with SIGKILL on chosen runs. The end-to-end tests train real models
through ``bench.run`` and kill a worker from outside. Stopping the main process of a loky study
and a second process on the same folder are tested in test_study.py.
"""

import errno
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import psutil
import pytest

from bench.config import StudyConfig
from bench.engines.result import finished_result
from bench.frames import iter_run_files, load_study
from bench.run import EXIT_INCOMPLETE, EXIT_STORE_FAILED, main
from bench.runner import StudyWriteError, run_study
from bench.store import StudyStore

REPO = Path(__file__).resolve().parents[1]

FAST_CONFIG = StudyConfig(epochs=5, eval_every=5, variants=("lstm_forw", "bilstm_sum"), n_seeds=6)


def stand_in_curve(variant: str, seed: int) -> list[float]:
    """Loss curve of the stand-in training: 1/(seed+1), plus 0.5 for bilstm_sum, each epoch."""
    offset = 0.5 if variant == "bilstm_sum" else 0.0
    return [1.0 / (seed + 1) + offset] * FAST_CONFIG.epochs


class KillingTrainer:
    """Stand-in for ``train_one`` that kills its worker process on the runs in ``victims``.

    With ``once`` a run kills its worker on its first attempt only: the first attempt leaves a
    marker file in ``marker_dir`` and later attempts train normally.
    """

    def __init__(self, victims, marker_dir: Path, once: bool):
        self.victims = set(victims)
        self.marker_dir = marker_dir
        self.once = once

    def __call__(self, config, variant, seed):
        if (variant, seed) in self.victims:
            marker = self.marker_dir / f"{variant}-{seed}"
            if not (self.once and marker.exists()):
                marker.touch()
                os.kill(os.getpid(), signal.SIGKILL)

        # Long enough that the other worker is still busy when a victim kills its worker.
        time.sleep(0.05)
        loss = stand_in_curve(variant, seed)
        accuracy = [0.5] * config.epochs
        heldout = ([config.epochs], [loss[-1]], [0.5])
        return finished_result(variant, seed, loss, accuracy, heldout, 0.05)


def _new_store(folder: Path) -> StudyStore:
    return StudyStore.create(folder, FAST_CONFIG, {"n_jobs": 2, "backend": "loky"})


def _stored_losses(folder: Path) -> dict[tuple[str, int], list[float]]:
    stored = {}
    for path in iter_run_files(folder):
        record = json.loads(path.read_text())
        stored[(record["variant"], record["seed"])] = record["loss"]
    return stored


def _all_runs() -> list[tuple[str, int]]:
    return [(v, s) for v in FAST_CONFIG.variants for s in range(FAST_CONFIG.n_seeds)]


def test_killed_worker_run_retried(tmp_path, caplog):
    store = _new_store(tmp_path / "study")
    trainer = KillingTrainer({("bilstm_sum", 2)}, tmp_path, once=True)

    try:
        outcome = run_study(store, n_jobs=2, retries=2, show_progress=False, train=trainer)
    finally:
        store.close()

    assert outcome.missing == ()
    assert ("bilstm_sum", 2) in outcome.lost
    # Three rounds: all runs, then the lost runs one at a time, then the runs not yet tried.
    # The third is skipped when the other worker finished them all before the victim died.
    assert outcome.attempts in (2, 3)
    assert outcome.completed == len(_all_runs())
    assert "runs in flight were lost" in caplog.text
    assert "bilstm_sum seed 2" in caplog.text
    assert _stored_losses(tmp_path / "study") == {run: stand_in_curve(*run) for run in _all_runs()}


def test_retries_bounded_per_run(tmp_path, caplog):
    store = _new_store(tmp_path / "study")
    victim = ("lstm_forw", 1)
    trainer = KillingTrainer({victim}, tmp_path, once=False)

    try:
        outcome = run_study(store, n_jobs=2, retries=1, show_progress=False, train=trainer)
    finally:
        store.close()

    stored = _stored_losses(tmp_path / "study")
    assert outcome.lost.count(victim) == 2
    assert victim in outcome.missing
    # Only runs that were lost can be missing; every other run of the study is stored.
    assert set(outcome.missing) <= set(outcome.lost)
    assert set(stored) == set(_all_runs()) - set(outcome.missing)
    assert "giving up on lstm_forw seed 1: lost more than --retries 1 times" in caplog.text


def test_lost_runs_completed_on_resume(tmp_path):
    folder = tmp_path / "study"
    store = _new_store(folder)
    trainer = KillingTrainer({("lstm_forw", 4)}, tmp_path, once=True)
    try:
        first = run_study(store, n_jobs=2, retries=0, show_progress=False, train=trainer)
    finally:
        store.close()
    stored_before = _stored_losses(folder)

    store = StudyStore.resume(folder, FAST_CONFIG, {"n_jobs": 2, "backend": "loky"})
    try:
        second = run_study(store, n_jobs=2, retries=0, show_progress=False, train=trainer)
    finally:
        store.close()

    assert ("lstm_forw", 4) in first.missing
    # Rounds: all runs until the loss; the runs not yet tried (lost runs are not retried).
    assert first.attempts == 2
    assert set(first.missing) == set(first.lost)
    assert stored_before == {run: stand_in_curve(*run) for run in stored_before}
    assert second.missing == ()
    assert second.lost == ()
    assert _stored_losses(folder) == {run: stand_in_curve(*run) for run in _all_runs()}


def _fail_run_writes_after(monkeypatch, folder: Path, allowed: int) -> None:
    """Make renames into ``folder/runs`` fail with EROFS after ``allowed`` of them.

    Running as root, a read-only mode on the folder would not stop writes, so the test fails the
    rename that commits a run file, as a file system remounted read-only does.
    """
    real_replace = os.replace
    calls = {"runs": 0}

    def replace(source, target):
        if str(target).startswith(str(folder / "runs")):
            calls["runs"] += 1
            if calls["runs"] > allowed:
                raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(target))
        return real_replace(source, target)

    monkeypatch.setattr(os, "replace", replace)


def test_unwritable_folder_stops_study(tmp_path, monkeypatch):
    folder = tmp_path / "study"
    store = _new_store(folder)
    _fail_run_writes_after(monkeypatch, folder, allowed=3)
    trainer = KillingTrainer(set(), tmp_path, once=True)

    with pytest.raises(StudyWriteError) as error_info:
        try:
            run_study(store, n_jobs=2, show_progress=False, train=trainer)
        finally:
            store.close()

    message = str(error_info.value)
    stored = _stored_losses(folder)
    leftovers = [p.name for p in (folder / "runs").rglob("*") if p.is_file()]
    assert f"into the study folder {folder}" in message
    assert "Read-only file system" in message
    assert f"--resume --out {folder}" in message
    assert len(stored) == 3
    assert stored == {run: stand_in_curve(*run) for run in stored}
    assert sorted(leftovers) == sorted(p.name for p in iter_run_files(folder))


# End-to-end: real training through the command line.

E2E_ARGS = [
    "--seeds",
    "6",
    "--epochs",
    "30",
    "--eval-every",
    "10",
    "--eval-size",
    "50",
    "--variants",
    "lstm_forw,bilstm_sum",
    "--n-jobs",
    "2",
    "--quiet",
]


@pytest.fixture(scope="module")
def reference_study(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("reference") / "study"
    assert main([*E2E_ARGS, "--out", str(out)]) == 0
    return out


def _curves(study: Path, name: str = "curves.csv") -> pd.DataFrame:
    return pd.read_csv(study / name).sort_values(["variant", "seed", "epoch"], ignore_index=True)


def _assert_same_study(study: Path, reference: Path) -> None:
    for name in ("curves.csv", "heldout.csv"):
        pd.testing.assert_frame_equal(
            _curves(study, name), _curves(reference, name), check_exact=True
        )


def _start_study(out: Path, *options: str) -> subprocess.Popen:
    environment = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.Popen(
        [sys.executable, "-m", "bench.run", *E2E_ARGS, "--out", str(out), *options],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=environment,
        cwd=REPO,
    )


def _kill_worker_after_first_run(out: Path, process: subprocess.Popen) -> None:
    """Wait for the first stored run, then SIGKILL the worker process that trained it."""
    deadline = time.monotonic() + 240
    while not iter_run_files(out):
        assert process.poll() is None, f"study ended before any run: {process.stderr.read()}"
        assert time.monotonic() < deadline, "no run stored within 240 s"
        time.sleep(0.02)

    first = json.loads(iter_run_files(out)[0].read_text())
    worker = first["worker_pid"]
    assert worker != process.pid
    os.kill(worker, signal.SIGKILL)


@pytest.mark.parametrize("backend", ["loky", "dask"])
def test_killed_worker_study_completes(backend, reference_study, tmp_path):
    out = tmp_path / "study"
    process = _start_study(out, "--backend", backend)

    _kill_worker_after_first_run(out, process)
    stdout, stderr = process.communicate(timeout=600)

    assert process.returncode == 0, stderr
    assert "runs in flight were lost:" in stderr
    assert "were trained again and stored" in stderr
    assert load_study(out).runs["status"].eq("ok").all()
    _assert_same_study(out, reference_study)


def test_killed_worker_without_retries_then_resume(reference_study, tmp_path):
    out = tmp_path / "study"
    process = _start_study(out, "--retries", "0")

    _kill_worker_after_first_run(out, process)
    stdout, stderr = process.communicate(timeout=600)
    stored_before = {p.relative_to(out): p.read_bytes() for p in iter_run_files(out)}

    assert process.returncode == EXIT_INCOMPLETE, stderr
    assert "runs in flight were lost:" in stderr
    assert "runs lost with dead workers are still missing:" in stderr
    assert f"runs missing; complete with --resume --out {out}" in stdout
    assert 1 <= len(stored_before) < 12

    assert main([*E2E_ARGS, "--out", str(out), "--resume"]) == 0
    assert {name: (out / name).read_bytes() for name in stored_before} == stored_before
    _assert_same_study(out, reference_study)


def test_killed_main_process_with_dask_cluster(reference_study, tmp_path):
    out = tmp_path / "study"
    process = _start_study(out, "--backend", "dask")
    deadline = time.monotonic() + 240
    while len(iter_run_files(out)) < 3:
        assert process.poll() is None, f"study ended before 3 runs: {process.stderr.read()}"
        assert time.monotonic() < deadline, "3 runs not stored within 240 s"
        time.sleep(0.02)
    children = psutil.Process(process.pid).children(recursive=True)

    os.kill(process.pid, signal.SIGKILL)
    process.communicate(timeout=60)
    _, alive = psutil.wait_procs(children, timeout=60)

    assert process.returncode == -signal.SIGKILL
    assert children
    assert alive == []
    assert load_study(out).runs["status"].eq("ok").all()
    assert main([*E2E_ARGS, "--backend", "dask", "--out", str(out), "--resume"]) == 0
    _assert_same_study(out, reference_study)


def test_unwritable_folder_exits_with_error(tmp_path, monkeypatch, capsys):
    out = tmp_path / "study"
    _fail_run_writes_after(monkeypatch, out, allowed=2)

    code = main([*E2E_ARGS, "--n-jobs", "1", "--out", str(out)])

    error = capsys.readouterr().err
    assert code == EXIT_STORE_FAILED
    assert f"error: cannot write run lstm_forw seed 2 into the study folder {out}" in error
    assert "[Errno 30] Read-only file system" in error
    assert len(iter_run_files(out)) == 2
    assert load_study(out).runs["status"].eq("ok").all()
    assert not np.isnan(load_study(out).curves["loss"]).any()
