"""Build StudyFrames from arrays, for tests and simulations that need no training."""

from __future__ import annotations

import numpy as np
import pandas as pd

from bench.frames import CURVE_COLUMNS, RUN_COLUMNS, StudyFrames


def frames_from_arrays(
    loss: dict[str, np.ndarray],
    heldout_loss: dict[str, np.ndarray],
    heldout_accuracy: dict[str, np.ndarray],
    *,
    eval_every: int = 10,
    status: dict[tuple[str, int], str] | None = None,
) -> StudyFrames:
    """Return a study whose runs have the given curves.

    Parameters
    ----------
    loss : dict of str to numpy.ndarray
        Per variant, a (seeds x epochs) array of training loss; epochs count from 1.
    heldout_loss, heldout_accuracy : dict of str to numpy.ndarray
        Per variant, (seeds x evaluations) arrays; evaluation k is at epoch
        ``(k + 1) * eval_every``.
    eval_every : int, default 10
        Epochs between evaluations.
    status : dict of (variant, seed) to str, optional
        Status of selected runs. A "diverged" run keeps its curves up to the first non-finite
        training loss (exclusive), as the store does; a "failed" run has empty curves. Runs
        not listed are "ok".

    Returns
    -------
    StudyFrames
        With a minimal configuration (variants, epochs, eval_every, n_seeds) and an empty
        provenance.
    """
    status = status or {}
    variants = list(loss)
    n_seeds, n_epochs = np.asarray(loss[variants[0]]).shape

    runs, curves, heldout = [], [], []
    for variant in variants:
        for seed in range(n_seeds):
            state = status.get((variant, seed), "ok")
            runs.append((variant, seed, state, _error(state), 1.0))
            train = np.asarray(loss[variant][seed], dtype=float)
            held_loss = np.asarray(heldout_loss[variant][seed], dtype=float)
            held_acc = np.asarray(heldout_accuracy[variant][seed], dtype=float)
            length, held_length = _stored_lengths(state, train, eval_every, held_loss.size)

            epochs = np.arange(1, length + 1)
            curves.append(_rows(variant, seed, epochs, train[:length], np.full(length, 0.5)))
            held_epochs = eval_every * np.arange(1, held_length + 1)
            heldout.append(
                _rows(variant, seed, held_epochs, held_loss[:held_length], held_acc[:held_length])
            )

    config = {
        "variants": variants,
        "epochs": int(n_epochs),
        "eval_every": int(eval_every),
        "n_seeds": int(n_seeds),
    }
    return StudyFrames(
        config=config,
        config_hash="synthetic",
        provenance={},
        runs=pd.DataFrame(runs, columns=RUN_COLUMNS),
        curves=pd.concat(curves, ignore_index=True),
        heldout=pd.concat(heldout, ignore_index=True),
    )


def _stored_lengths(state: str, train: np.ndarray, eval_every: int, n_evaluations: int):
    if state == "failed":
        return 0, 0
    if state == "diverged":
        bad = np.flatnonzero(~np.isfinite(train))
        length = int(bad[0]) if bad.size else train.size
        return length, min(n_evaluations, length // eval_every)
    return train.size, n_evaluations


def _error(state: str) -> str | None:
    return "synthetic failure" if state == "failed" else None


def _rows(variant, seed, epochs, loss, accuracy) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "variant": variant,
            "seed": seed,
            "epoch": pd.Series(epochs, dtype="int64"),
            "loss": pd.Series(loss, dtype="float64"),
            "accuracy": pd.Series(accuracy, dtype="float64"),
        },
        columns=CURVE_COLUMNS,
    )


def simulate_frames(
    rng: np.random.Generator,
    speeds: dict[str, float],
    *,
    n_seeds: int = 10,
    n_epochs: int = 250,
    eval_every: int = 10,
    noise: float = 0.05,
) -> StudyFrames:
    """Return a study of exponentially decaying curves, one learning speed per variant.

    The loss of a run follows ``0.7 * exp(-speed * epoch / n_epochs) + 0.05`` times a per-seed
    factor shared by every variant (so seeds are blocks), plus independent noise. Held-out
    accuracy rises from 0.55 towards 1 as the held-out loss falls.
    """
    seed_factor = 1.0 + 0.2 * rng.standard_normal(n_seeds)[:, None]
    epochs = np.arange(1, n_epochs + 1) / n_epochs
    held = np.arange(eval_every, n_epochs + 1, eval_every) / n_epochs

    loss, held_loss, held_acc = {}, {}, {}
    for variant, speed in speeds.items():
        run_speed = speed * (1.0 + 0.1 * rng.standard_normal((n_seeds, 1)))
        base = 0.7 * np.exp(-run_speed * epochs) + 0.05
        loss[variant] = base * seed_factor + noise * rng.standard_normal((n_seeds, n_epochs))
        held_curve = (0.7 * np.exp(-run_speed * held) + 0.05) * seed_factor
        held_loss[variant] = held_curve
        held_acc[variant] = np.clip(1.0 - 0.45 * held_curve / 0.75, 0.0, 1.0)
    return frames_from_arrays(loss, held_loss, held_acc, eval_every=eval_every)
