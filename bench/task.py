"""The cumulative-sum sequence task with seeded, paired random streams.

A sequence holds ``n_timesteps`` values drawn uniformly from [0, 1). The target at step t is 1
once the cumulative sum up to and including step t reaches ``threshold_fraction * n_timesteps``.

Replicate ``r`` of a study draws its training stream from ``SeedSequence(root_seed,
spawn_key=(0, r))``, whatever the variant, so every variant of a replicate trains on the same
sequences. The held-out set comes from ``spawn_key=(1,)`` and model initialisation from
``spawn_key=(2, r)``, so no stream overlaps another.
"""

from __future__ import annotations

import numpy as np

_TRAIN_KEY = 0
_HELDOUT_KEY = 1
_INIT_KEY = 2


def make_sequences(
    rng: np.random.Generator, n_sequences: int, n_timesteps: int, threshold_fraction: float
) -> tuple[np.ndarray, np.ndarray]:
    """Draw sequences and their targets.

    Returns
    -------
    x, y : numpy.ndarray of float32, shape (n_sequences, n_timesteps, 1)
    """
    x = rng.random((n_sequences, n_timesteps), dtype=np.float64)
    limit = threshold_fraction * n_timesteps
    y = (np.cumsum(x, axis=1) >= limit).astype(np.float32)
    return x.astype(np.float32)[..., None], y[..., None]


def training_stream(config, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Return replicate ``seed``'s training sequences, one per epoch."""
    rng = np.random.default_rng(
        np.random.SeedSequence(config.root_seed, spawn_key=(_TRAIN_KEY, seed))
    )
    return make_sequences(rng, config.epochs, config.n_timesteps, config.threshold_fraction)


def heldout_set(config) -> tuple[np.ndarray, np.ndarray]:
    """Return the study's held-out sequences, shared by every run."""
    rng = np.random.default_rng(np.random.SeedSequence(config.root_seed, spawn_key=(_HELDOUT_KEY,)))
    return make_sequences(rng, config.eval_size, config.n_timesteps, config.threshold_fraction)


def init_seed(config, seed: int) -> int:
    """Return the integer that seeds Keras weight initialisation for replicate ``seed``."""
    sequence = np.random.SeedSequence(config.root_seed, spawn_key=(_INIT_KEY, seed))
    return int(sequence.generate_state(1, dtype=np.uint32)[0] % (2**31 - 1))
