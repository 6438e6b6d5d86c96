"""The reference engine: the tutorial's loop, one ``model.fit`` call per epoch."""

from __future__ import annotations

import time

import numpy as np

from bench.engines.common import build_seeded_model, evaluation_mask
from bench.engines.result import RunResult, finished_result


def _score(keras, model, x, y) -> tuple[float, float]:
    prob = model(x, training=False)
    loss = float(keras.losses.BinaryCrossentropy()(y, prob))
    accuracy = float(np.mean((np.asarray(prob) > 0.5).astype(np.float32) == y))
    return loss, accuracy


class ReferenceTrainer:
    """Train a variant with ``model.fit(x, y, epochs=1, batch_size=1, verbose=0)`` per epoch."""

    def __init__(self, config, variant):
        from bench.engines.tfsetup import start_tensorflow

        start_tensorflow()
        import keras

        self.keras = keras
        self.config = config
        self.variant = variant
        self.mask = evaluation_mask(config)

    def train(self, seed: int, xs, ys, x_heldout, y_heldout) -> RunResult:
        """Train from replicate ``seed``'s initial weights on the given stream."""
        keras = self.keras
        start = time.perf_counter()
        model = build_seeded_model(keras, self.variant, self.config, seed)
        model.compile(
            optimizer=keras.optimizers.Adam(learning_rate=self.config.learning_rate),
            loss="binary_crossentropy",
            metrics=["accuracy"],
        )

        losses, accuracies, heldout = [], [], []
        for epoch in range(self.config.epochs):
            history = model.fit(
                xs[epoch : epoch + 1], ys[epoch : epoch + 1], epochs=1, batch_size=1, verbose=0
            )
            losses.append(history.history["loss"][0])
            accuracies.append(history.history["accuracy"][0])
            if not np.isfinite(losses[-1]):
                break
            if self.mask[epoch]:
                heldout.append((epoch + 1, *_score(keras, model, x_heldout, y_heldout)))

        if heldout:
            epochs, h_loss, h_acc = (np.array(col) for col in zip(*heldout, strict=True))
        else:
            epochs, h_loss, h_acc = [], [], []
        elapsed = time.perf_counter() - start
        return finished_result(
            self.variant.name, seed, losses, accuracies, (epochs, h_loss, h_acc), elapsed
        )
