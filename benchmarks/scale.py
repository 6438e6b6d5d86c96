"""Measure how the main job's cost grows with the number of runs, on loky and on Dask.

Usage: ``python benchmarks/scale.py [--seeds 30,100,300] [--backends loky,dask] [--n-jobs 2]
[--json FILE]``

For every backend and seed count it runs ``python -m bench.run --seeds N --n-jobs J --backend B``
with the default variants and epochs in a fresh process and a fresh study folder, and records:

- wall time of the whole command, split into start-up (until the first run is stored: imports,
  cluster and TensorFlow start, first compilations), training (first to last stored run) and
  finishing (exports, analysis and report);
- peak memory: the largest sum of resident memory (RSS) over the command's process tree, sampled
  every ``--sample-every`` seconds, and the largest peak RSS of one worker process, which each
  worker reports with its runs;
- the machine's 1-minute load average before and after.

It then fits ``time = fixed + per_run * runs`` by least squares for each backend, over the whole
command and over the training phase, and prints a Markdown table.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import psutil

REPO = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Measurement:
    """One ``bench.run`` command, measured."""

    backend: str
    seeds: int
    runs: int
    wall_s: float
    startup_s: float
    training_s: float
    finishing_s: float
    peak_tree_rss_mb: float
    peak_worker_rss_mb: float
    load_before: float
    load_after: float
    exit_code: int


class TreeMemorySampler:
    """Sample the summed RSS of a process and its descendants in a background thread."""

    def __init__(self, pid: int, interval_s: float):
        self.root = psutil.Process(pid)
        self.interval_s = interval_s
        self.peak_bytes = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> TreeMemorySampler:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak_bytes = max(self.peak_bytes, self._tree_rss())
            self._stop.wait(self.interval_s)

    def _tree_rss(self) -> int:
        try:
            processes = [self.root, *self.root.children(recursive=True)]
        except psutil.NoSuchProcess:
            return 0
        total = 0
        for process in processes:
            try:
                total += process.memory_info().rss
            except psutil.NoSuchProcess:
                continue  # a worker that ended between listing and reading
        return total


def measure(backend: str, seeds: int, n_jobs: int, scratch: Path, interval_s: float) -> Measurement:
    """Run one study in a fresh process and measure it."""
    out = scratch / f"{backend}-{seeds}"
    command = [
        sys.executable,
        "-m",
        "bench.run",
        "--seeds",
        str(seeds),
        "--n-jobs",
        str(n_jobs),
        "--backend",
        backend,
        "--out",
        str(out),
        "--quiet",
    ]
    environment = {**os.environ, "PYTHONPATH": str(REPO)}
    load_before = os.getloadavg()[0]

    start_wall = time.time()
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=REPO, env=environment, stdout=subprocess.DEVNULL)
    with TreeMemorySampler(process.pid, interval_s) as sampler:
        exit_code = process.wait()
    wall = time.perf_counter() - start
    end_wall = start_wall + wall

    commit_times, worker_peaks = _read_runs(out)
    first, last = min(commit_times), max(commit_times)
    return Measurement(
        backend=backend,
        seeds=seeds,
        runs=len(commit_times),
        wall_s=wall,
        startup_s=first - start_wall,
        training_s=last - first,
        finishing_s=end_wall - last,
        peak_tree_rss_mb=sampler.peak_bytes / 2**20,
        peak_worker_rss_mb=max(worker_peaks),
        load_before=load_before,
        load_after=os.getloadavg()[0],
        exit_code=exit_code,
    )


def _read_runs(study: Path) -> tuple[list[float], list[float]]:
    """Return each stored run's commit time (file modification time) and worker peak RSS."""
    commit_times, worker_peaks = [], []
    for path in (study / "runs").rglob("seed-*.json"):
        record = json.loads(path.read_text())
        commit_times.append(path.stat().st_mtime)
        worker_peaks.append(record.get("worker_peak_rss_mb", 0.0))
    return commit_times, worker_peaks


def fit_linear(runs: list[int], seconds: list[float]) -> tuple[float, float]:
    """Return (fixed seconds, seconds per run) of the least-squares line through the points."""
    per_run, fixed = np.polyfit(np.asarray(runs, float), np.asarray(seconds, float), deg=1)
    return float(fixed), float(per_run)


def machine_facts() -> dict:
    """Return the facts that identify the machine and software of a measurement."""
    from importlib import metadata

    cpu_model = "unknown"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                cpu_model = line.split(":", 1)[1].strip()
                break
    return {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "cpu_model": cpu_model,
        "cpu_count": os.cpu_count(),
        "memory_gib": round(psutil.virtual_memory().total / 2**30, 1),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "versions": {
            name: metadata.version(name)
            for name in ("tensorflow", "keras", "joblib", "dask", "distributed")
        },
    }


def format_table(measurements: list[Measurement]) -> str:
    """Return the measurements and the linear fits as Markdown."""
    lines = [
        "| backend | seeds | runs | wall (s) | start-up (s) | training (s) | finishing (s) "
        "| peak memory, process tree (MiB) | peak memory, one worker (MiB) | load before/after |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for m in measurements:
        lines.append(
            f"| {m.backend} | {m.seeds} | {m.runs} | {m.wall_s:.1f} | {m.startup_s:.1f} "
            f"| {m.training_s:.1f} | {m.finishing_s:.1f} | {m.peak_tree_rss_mb:.0f} "
            f"| {m.peak_worker_rss_mb:.0f} | {m.load_before:.2f} / {m.load_after:.2f} |"
        )

    lines += ["", "| backend | phase | fixed cost (s) | per-run cost (ms) |", "|---|---|---:|---:|"]
    for backend in dict.fromkeys(m.backend for m in measurements):
        mine = [m for m in measurements if m.backend == backend]
        if len(mine) < 2:
            lines.append(f"| {backend} | no fit: fewer than 2 seed counts | - | - |")
            continue
        runs = [m.runs for m in mine]
        for phase, seconds in (
            ("whole command", [m.wall_s for m in mine]),
            ("training", [m.training_s for m in mine]),
        ):
            fixed, per_run = fit_linear(runs, seconds)
            lines.append(f"| {backend} | {phase} | {fixed:.1f} | {per_run * 1000:.1f} |")
    return "\n".join(lines)


def _int_list(text: str) -> list[int]:
    try:
        values = [int(part) for part in text.split(",")]
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"must be comma-separated whole numbers such as 30,100,300; got {text!r}"
        ) from None
    if not values or min(values) < 1:
        raise argparse.ArgumentTypeError(f"every seed count must be >= 1; got {text!r}")
    return values


def main(argv: list[str] | None = None) -> int:
    """Measure every backend and seed count, print the table, and return the exit code."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=_int_list, default=[30, 100, 300])
    parser.add_argument("--backends", default="loky,dask", help="comma-separated: loky, dask")
    parser.add_argument("--n-jobs", type=int, default=2, help="worker processes")
    parser.add_argument(
        "--sample-every", type=float, default=0.25, help="seconds between memory samples"
    )
    parser.add_argument("--json", type=Path, default=None, help="also write the figures here")
    args = parser.parse_args(argv)

    backends = args.backends.split(",")
    unknown = sorted(set(backends) - {"loky", "dask"})
    if unknown:
        parser.error(f"--backends: expected loky and/or dask; got {', '.join(unknown)}")

    facts = machine_facts()
    measurements = []
    with tempfile.TemporaryDirectory(prefix="bench-scale-") as scratch:
        for backend in backends:
            for seeds in args.seeds:
                result = measure(backend, seeds, args.n_jobs, Path(scratch), args.sample_every)
                print(
                    f"{backend} {seeds} seeds: {result.wall_s:.1f} s, exit code {result.exit_code}",
                    file=sys.stderr,
                )
                measurements.append(result)

    print(json.dumps(facts, indent=2))
    print(format_table(measurements))
    if args.json is not None:
        payload = {"machine": facts, "measurements": [asdict(m) for m in measurements]}
        args.json.write_text(json.dumps(payload, indent=2))
    return 0 if all(m.exit_code == 0 for m in measurements) else 1


if __name__ == "__main__":
    sys.exit(main())
