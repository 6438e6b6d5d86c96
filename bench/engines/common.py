"""Pieces shared by both engines: seeded model construction and held-out scoring."""

from __future__ import annotations

import numpy as np

from bench.task import init_seed


def build_seeded_model(keras, variant, config, seed: int):
    """Build ``variant``'s model with weights drawn from replicate ``seed``'s init stream."""
    keras.utils.set_random_seed(init_seed(config, seed))
    model = variant.builder(config)
    if not isinstance(model, keras.Model):
        raise TypeError(
            f"variant {variant.name!r}: builder returned {type(model).__name__}, "
            "expected an uncompiled keras.Model"
        )
    expected = (None, config.n_timesteps, 1)
    if tuple(model.output_shape) != expected:
        raise ValueError(
            f"variant {variant.name!r}: model output shape is {model.output_shape}, "
            f"expected {expected} (one sigmoid per time step)"
        )
    return model


def evaluation_mask(config) -> np.ndarray:
    """Return a boolean array over epochs, true after each epoch that is evaluated."""
    mask = np.zeros(config.epochs, dtype=bool)
    mask[np.asarray(config.evaluation_epochs()) - 1] = True
    return mask
