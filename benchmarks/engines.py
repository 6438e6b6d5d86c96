"""Measure the training engines and the main job, and print the figures.

Usage: ``python benchmarks/engines.py [--seeds 30] [--epochs-reference 100] [--json FILE]``

It measures, in one run on this machine:

1. warm milliseconds per epoch of the reference and compiled engines for the same variant, seed
   and data, and their ratio (evaluation excluded: one held-out evaluation at the last epoch);
2. the wall time of ``python -m bench.run --seeds N`` with default settings in a fresh process,
   TensorFlow start-up and compilation included;
3. the peak resident memory of each worker process of that study.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def time_engines(variant: str, reference_epochs: int, compiled_epochs: int) -> dict:
    """Return warm ms per epoch of both engines for ``variant``."""
    import dataclasses

    from bench.config import StudyConfig
    from bench.engines import train_one

    base = StudyConfig(eval_every=10_000, variants=(variant,))

    # Warm-up: start TensorFlow and compile once, then time a second run of the same length.
    compiled = dataclasses.replace(base, epochs=compiled_epochs)
    train_one(compiled, variant, 0)
    compiled_ms = train_one(compiled, variant, 1).wall_time_s * 1000 / compiled_epochs

    reference = dataclasses.replace(base, epochs=reference_epochs, engine="reference")
    train_one(dataclasses.replace(reference, epochs=5), variant, 0)
    reference_ms = train_one(reference, variant, 1).wall_time_s * 1000 / reference_epochs

    return {
        "variant": variant,
        "reference_ms_per_epoch": reference_ms,
        "compiled_ms_per_epoch": compiled_ms,
        "ratio": reference_ms / compiled_ms,
    }


def time_main_job(n_seeds: int, n_jobs: int) -> dict:
    """Run the main job with defaults in a fresh process; return wall time and worker memory."""
    with tempfile.TemporaryDirectory() as scratch:
        out = Path(scratch) / "study"
        command = [
            sys.executable,
            "-m",
            "bench.run",
            "--seeds",
            str(n_seeds),
            "--n-jobs",
            str(n_jobs),
            "--out",
            str(out),
            "--quiet",
        ]
        start = time.perf_counter()
        subprocess.run(command, check=True, cwd=REPO, stdout=subprocess.DEVNULL)
        wall = time.perf_counter() - start

        peaks: dict[int, float] = {}
        for path in (out / "runs").rglob("seed-*.json"):
            record = json.loads(path.read_text())
            pid = record.get("worker_pid")
            peaks[pid] = max(peaks.get(pid, 0.0), record.get("worker_peak_rss_mb", 0.0))

    return {
        "command": " ".join(["python -m bench.run", *command[3:-3], "--quiet"]),
        "n_seeds": n_seeds,
        "n_jobs": n_jobs,
        "wall_time_s": wall,
        "worker_peak_rss_mb": sorted(peaks.values()),
    }


def machine() -> dict:
    """Describe this machine."""
    from bench.provenance import collect_provenance

    facts = collect_provenance("compiled")
    facts["processor"] = platform.processor() or platform.machine()
    return facts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=30, help="seeds of the timed main job")
    parser.add_argument(
        "--n-jobs", type=int, default=os.cpu_count(), help="workers of the main job"
    )
    parser.add_argument(
        "--epochs-reference",
        type=int,
        default=100,
        help="epochs timed with the reference engine (about 50 ms each)",
    )
    parser.add_argument(
        "--epochs-compiled", type=int, default=1000, help="epochs timed with the compiled engine"
    )
    parser.add_argument("--skip-main-job", action="store_true", help="time the engines only")
    parser.add_argument("--json", type=Path, help="also write the figures to this JSON file")
    parser.add_argument(
        "--check",
        type=Path,
        help="performance record (JSON written by --json) to compare ratios with",
    )
    parser.add_argument(
        "--max-drop",
        type=float,
        default=0.5,
        help="with --check: fail when a ratio falls by more than this fraction",
    )
    args = parser.parse_args(argv)

    from bench.engines.tfsetup import set_thread_environment

    set_thread_environment()
    figures = {"date": time.strftime("%Y-%m-%d"), "machine": machine(), "engines": []}
    for variant in ("lstm_forw", "bilstm_concat"):
        row = time_engines(variant, args.epochs_reference, args.epochs_compiled)
        figures["engines"].append(row)
        print(
            f"{variant:<14} reference {row['reference_ms_per_epoch']:7.2f} ms/epoch  "
            f"compiled {row['compiled_ms_per_epoch']:6.3f} ms/epoch  ratio {row['ratio']:6.0f}x"
        )

    if not args.skip_main_job:
        job = time_main_job(args.seeds, args.n_jobs)
        figures["main_job"] = job
        memory = ", ".join(f"{m:.0f}" for m in job["worker_peak_rss_mb"])
        print(
            f"main job ({job['command']}): {job['wall_time_s']:.1f} s wall, "
            f"worker peak memory {memory} MiB"
        )

    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n")
    if args.check:
        return check_ratios(figures, json.loads(args.check.read_text()), args.max_drop)
    return 0


def check_ratios(figures: dict, record: dict, max_drop: float) -> int:
    """Compare each engine ratio with the record; return 1 when one fell by more than max_drop.

    The ratio (reference time over compiled time, both measured in this run) is compared rather
    than either time, because it mostly cancels the speed of the machine.
    """
    recorded = {row["variant"]: row["ratio"] for row in record["engines"]}
    failed = False
    for row in figures["engines"]:
        floor = recorded[row["variant"]] * (1 - max_drop)
        verdict = "ok" if row["ratio"] >= floor else "FELL"
        failed |= verdict != "ok"
        print(
            f"{row['variant']:<14} ratio {row['ratio']:.0f}x, record "
            f"{recorded[row['variant']]:.0f}x, floor {floor:.0f}x: {verdict}"
        )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
