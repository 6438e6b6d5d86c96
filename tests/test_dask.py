"""Studies on Dask: a scheduler and two workers in separate processes on loopback, against loky."""

import json
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import psutil
import pytest

import bench.backends
from bench.backends import BackendError, choose_backend
from bench.engines.tfsetup import THREAD_ENV
from bench.frames import load_study
from bench.run import EXIT_USAGE, main

REPO = Path(__file__).resolve().parents[1]
DASK = Path(sys.executable).with_name("dask")

ARGS = [
    "--seeds",
    "4",
    "--epochs",
    "30",
    "--eval-every",
    "10",
    "--eval-size",
    "50",
    "--variants",
    "lstm_forw,bilstm_sum",
    "--quiet",
]


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="module")
def dask_cluster(tmp_path_factory):
    """Start ``dask scheduler`` and two ``dask worker`` processes on 127.0.0.1; stop them after."""
    from distributed import Client

    folder = tmp_path_factory.mktemp("cluster")
    scheduler_file = folder / "scheduler.json"
    environment = {**os.environ, **THREAD_ENV, "PYTHONPATH": str(REPO)}
    loopback = ["--host", "127.0.0.1", "--dashboard-address", "127.0.0.1:0", "--no-dashboard"]

    processes = [
        subprocess.Popen(
            [str(DASK), "scheduler", *loopback, "--port", "0", "--scheduler-file", scheduler_file],
            env=environment,
            cwd=folder,
            stderr=subprocess.DEVNULL,
        )
    ]
    try:
        deadline = time.monotonic() + 60
        while not scheduler_file.exists():
            assert time.monotonic() < deadline, "the Dask scheduler wrote no address in 60 s"
            time.sleep(0.1)
        time.sleep(0.2)
        address = json.loads(scheduler_file.read_text())["address"]

        for _ in range(2):
            worker = [str(DASK), "worker", address, *loopback, "--nthreads", "1", "--nworkers", "1"]
            processes.append(
                subprocess.Popen(worker, env=environment, cwd=folder, stderr=subprocess.DEVNULL)
            )
        with Client(address, timeout=30) as client:
            client.wait_for_workers(2, timeout=120)

        yield address, processes
    finally:
        for process in reversed(processes):
            _stop(process)


@pytest.fixture(scope="module")
def loky_study(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("loky") / "study"
    assert main([*ARGS, "--n-jobs", "2", "--backend", "loky", "--out", str(out)]) == 0
    return out


def _table(study: Path, name: str) -> pd.DataFrame:
    return pd.read_csv(study / name).sort_values(["variant", "seed", "epoch"], ignore_index=True)


def test_cluster_listens_on_loopback_only(dask_cluster):
    _, processes = dask_cluster
    tree = [psutil.Process(p.pid) for p in processes]
    tree += [child for process in tree for child in process.children(recursive=True)]

    listening = [
        connection.laddr.ip
        for process in tree
        for connection in process.net_connections(kind="inet")
        if connection.status == psutil.CONN_LISTEN
    ]

    assert len(listening) >= 5  # scheduler, its HTTP server, two nannies, two workers
    assert set(listening) == {"127.0.0.1"}


def test_scheduler_study_matches_loky(dask_cluster, loky_study, tmp_path):
    address, _ = dask_cluster
    out = tmp_path / "dask"

    code = main([*ARGS, "--scheduler", address, "--out", str(out)])

    frames = load_study(out)
    workers = {json.loads(p.read_text())["worker_pid"] for p in (out / "runs").rglob("*.json")}
    assert code == 0
    assert frames.provenance["backend"] == "dask"
    assert frames.provenance["scheduler"] == address
    assert len(workers) == 2
    assert frames.runs["status"].eq("ok").all()
    for name in ("curves.csv", "heldout.csv"):
        pd.testing.assert_frame_equal(_table(out, name), _table(loky_study, name), check_exact=True)


def test_scheduler_study_resumes_loky_study(dask_cluster, loky_study, tmp_path):
    address, _ = dask_cluster
    out = tmp_path / "mixed"
    shutil.copytree(loky_study, out)
    removed = sorted((out / "runs" / "bilstm_sum").glob("seed-*.json"))[1:3]
    for path in removed:
        path.unlink()

    code = main([*ARGS, "--scheduler", address, "--out", str(out), "--resume"])

    assert code == 0
    assert all(path.exists() for path in removed)
    for name in ("curves.csv", "heldout.csv"):
        pd.testing.assert_frame_equal(_table(out, name), _table(loky_study, name), check_exact=True)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (
            ["--scheduler", "localhost"],
            "--scheduler: must be a Dask scheduler address HOST:PORT, optionally after tcp:// or "
            "tls://, such as tcp://127.0.0.1:8786; got 'localhost'",
        ),
        (["--backend", "ray"], "--backend: invalid choice: 'ray'"),
    ],
)
def test_bad_backend_option_rejected(options, message, tmp_path, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main([*ARGS, *options, "--out", str(tmp_path / "study")])

    assert exit_info.value.code == EXIT_USAGE
    assert message in capsys.readouterr().err
    assert not (tmp_path / "study").exists()


def test_scheduler_with_loky_rejected(tmp_path, capsys):
    code = main(
        [*ARGS, "--backend", "loky", "--scheduler", "tcp://127.0.0.1:8786", "--out", str(tmp_path)]
    )

    assert code == EXIT_USAGE
    assert (
        "error: --scheduler: a Dask scheduler address needs --backend dask; got --backend loky"
        in capsys.readouterr().err
    )


def test_scheduler_alone_means_dask():
    choice = choose_backend(None, "tcp://127.0.0.1:8786", 2)

    assert choice.name == "dask"
    assert choice.scheduler == "tcp://127.0.0.1:8786"


def test_no_backend_means_loky():
    assert choose_backend(None, None, 3).name == "loky"


def test_unknown_backend_name_rejected():
    with pytest.raises(BackendError, match="--backend: expected one of loky, dask; got 'mpi'"):
        choose_backend("mpi", None, 2)


def test_unreachable_scheduler_rejected(tmp_path, monkeypatch, capsys):
    # A port that was free a moment ago: nothing listens there.
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setattr(bench.backends, "CONNECT_TIMEOUT_S", 2)
    address = f"tcp://127.0.0.1:{port}"

    code = main([*ARGS, "--scheduler", address, "--out", str(tmp_path / "study")])

    error = capsys.readouterr().err
    assert code == EXIT_USAGE
    assert f"--scheduler: cannot connect to the Dask scheduler at {address} within 2 s" in error
    assert "check that it runs and that the address is right" in error
