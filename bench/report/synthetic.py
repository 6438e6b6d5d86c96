"""Synthetic studies in the stored format, for tests, demonstrations and the render benchmark.

The curves only look like learning curves; no model is trained, and nothing here imports
TensorFlow. The folder layout and file contents follow the stored study format read by
``bench.frames.load_study``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path

import numpy as np

from bench.frames import RUNS_DIR, STUDY_FILE
from bench.store import run_path

# Learning speed per built-in variant: the loss falls as exp(-speed * epoch / 100). The values
# are invented so that bidirectional variants learn faster than one-directional ones.
DEFAULT_SPEEDS = {
    "lstm_forw": 1.0,
    "lstm_back": 1.0,
    "bilstm_sum": 2.2,
    "bilstm_mul": 1.4,
    "bilstm_ave": 1.8,
    "bilstm_concat": 2.1,
    "lstm_back_unaligned": 0.3,
    "lstm_forw_wide": 1.2,
}


def write_synthetic_study(
    study_dir: str | Path,
    *,
    variants: tuple[str, ...] = (
        "lstm_forw",
        "lstm_back",
        "bilstm_sum",
        "bilstm_mul",
        "bilstm_ave",
        "bilstm_concat",
    ),
    n_seeds: int = 5,
    epochs: int = 100,
    eval_every: int = 10,
    seed: int = 0,
    speeds: Mapping[str, float] | None = None,
    diverged: tuple[tuple[str, int], ...] = (),
    failed: tuple[tuple[str, int], ...] = (),
) -> Path:
    """Write a study folder with simulated runs and return its path.

    Parameters
    ----------
    study_dir : str or Path
        Folder to create; it may exist but must not hold a study already.
    variants : tuple of str
        Variant names in study order.
    n_seeds, epochs, eval_every : int
        Replicates, training epochs per run and epochs between held-out evaluations.
    seed : int, default 0
        Seed of the simulation; the same seed writes the same files.
    speeds : mapping of str to float, optional
        Learning speed per variant; ``DEFAULT_SPEEDS`` where absent, 1.0 for unknown names.
    diverged, failed : tuple of (variant, seed) pairs
        Runs stored as diverged (arrays cut at a third of the epochs) or failed (no arrays).

    Raises
    ------
    FileExistsError
        If ``study_dir`` already holds a ``study.json``.
    """
    folder = Path(study_dir)
    if (folder / STUDY_FILE).exists():
        raise FileExistsError(f"study_dir {folder} already holds a study; pass an empty folder")
    folder.mkdir(parents=True, exist_ok=True)
    (folder / RUNS_DIR).mkdir(exist_ok=True)

    config = {
        "n_timesteps": 10,
        "threshold_fraction": 0.25,
        "units": 20,
        "epochs": epochs,
        "learning_rate": 0.001,
        "eval_every": eval_every,
        "eval_size": 500,
        "engine": "compiled",
        "variants": list(variants),
        "n_seeds": n_seeds,
        "root_seed": seed,
    }
    header = {
        "schema_version": 1,
        "config": config,
        "config_hash": f"synthetic{seed:08d}",
        "provenance": _provenance(),
    }
    (folder / STUDY_FILE).write_text(json.dumps(header, indent=2))

    rng = np.random.default_rng(seed)
    seed_difficulty = 1.0 + 0.25 * rng.standard_normal(n_seeds)
    speed_of = {**DEFAULT_SPEEDS, **(speeds or {})}
    for variant in variants:
        for replicate in range(n_seeds):
            state = (
                "failed"
                if (variant, replicate) in failed
                else "diverged"
                if (variant, replicate) in diverged
                else "ok"
            )
            record = _run_record(
                rng,
                variant,
                replicate,
                state,
                speed_of.get(variant, 1.0),
                seed_difficulty[replicate],
                epochs,
                eval_every,
            )
            path = run_path(folder, variant, replicate)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(record))
    return folder


def _run_record(rng, variant, replicate, state, speed, difficulty, epochs, eval_every) -> dict:
    run_speed = max(speed * (1.0 + 0.15 * rng.standard_normal()) / max(difficulty, 0.3), 0.05)
    t = np.arange(1, epochs + 1)
    floor = 0.04 * max(difficulty, 0.3)
    expected = 0.69 * np.exp(-run_speed * t / 100.0) + floor
    loss = np.clip(expected * np.exp(0.35 * rng.standard_normal(epochs)), 1e-4, None)
    accuracy = np.clip(1.0 - 0.6 * expected + 0.08 * rng.standard_normal(epochs), 0.0, 1.0)

    heldout_epoch = np.arange(eval_every, epochs + 1, eval_every)
    heldout_expected = expected[heldout_epoch - 1]
    heldout_loss = heldout_expected * np.exp(0.03 * rng.standard_normal(heldout_epoch.size))
    heldout_accuracy = np.clip(
        1.0 - 0.62 * heldout_expected + 0.01 * rng.standard_normal(heldout_epoch.size), 0.0, 1.0
    )

    record = {
        "schema_version": 1,
        "variant": variant,
        "seed": replicate,
        "status": state,
        "error": None,
        "wall_time_s": round(0.02 * epochs * (1 + 0.1 * rng.random()), 4),
        "loss": loss.round(6).tolist(),
        "accuracy": accuracy.round(4).tolist(),
        "heldout_epoch": heldout_epoch.tolist(),
        "heldout_loss": heldout_loss.round(6).tolist(),
        "heldout_accuracy": heldout_accuracy.round(4).tolist(),
    }
    if state == "diverged":
        stop = max(1, epochs // 3)
        record["loss"], record["accuracy"] = record["loss"][:stop], record["accuracy"][:stop]
        kept = int(np.sum(heldout_epoch <= stop))
        for name in ("heldout_epoch", "heldout_loss", "heldout_accuracy"):
            record[name] = record[name][:kept]
    elif state == "failed":
        record["error"] = "RuntimeError: simulated failure"
        for name in ("loss", "accuracy", "heldout_epoch", "heldout_loss", "heldout_accuracy"):
            record[name] = []
    return record


def _provenance() -> dict:
    return {
        "bench": "0.1.0",
        "python": "3.11.2",
        "tensorflow": "2.21.0",
        "keras": "3.15.0",
        "numpy": "2.4.6",
        "scipy": "1.17.1",
        "pandas": "2.3.3",
        "joblib": "1.5.0",
        "engine": "compiled",
        "cpu_count": 2,
        "platform": "Linux-synthetic-x86_64",
        "machine": "x86_64",
        "started_at": "2026-01-01T00:00:00+00:00",
        "finished_at": "2026-01-01T00:10:00+00:00",
    }
