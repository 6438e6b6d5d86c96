"""The compiled engine: a whole training run as one XLA-compiled TensorFlow function.

A `CompiledTrainer` builds its variant's model and optimizer once, and traces and compiles the
run function once. Each later run copies in weights from a freshly seeded build and zeroes the
optimizer's slots and iteration counter, keeping the learning rate. Per epoch it does what the
reference loop's ``model.fit(x, y, epochs=1, batch_size=1)`` does: a forward pass on one sequence,
binary cross-entropy averaged over time steps, one Adam update, and accuracy with the sigmoid
thresholded at 0.5, both measured before the update.
"""

from __future__ import annotations

import time

import numpy as np

from bench.engines.common import build_seeded_model, evaluation_mask
from bench.engines.result import RunResult, finished_result


def _accuracy(tf, y_true, y_prob):
    hits = tf.cast(tf.cast(y_prob > 0.5, y_true.dtype) == y_true, tf.float32)
    return tf.reduce_mean(hits)


class CompiledTrainer:
    """Train one variant for any number of seeds with a single compilation."""

    def __init__(self, config, variant):
        from bench.engines.tfsetup import start_tensorflow

        self.tf = start_tensorflow()
        import keras

        self.keras = keras
        self.config = config
        self.variant = variant

        self.model = build_seeded_model(keras, variant, config, seed=0)
        self.optimizer = keras.optimizers.Adam(learning_rate=config.learning_rate)
        self.optimizer.build(self.model.trainable_variables)
        self.loss_fn = keras.losses.BinaryCrossentropy()
        self.mask = evaluation_mask(config)
        self.run_function = self.tf.function(self._run_epochs, jit_compile=True)

    def _run_epochs(self, xs, ys, x_heldout, y_heldout, mask):
        tf = self.tf
        n_epochs = tf.shape(xs)[0]
        variables = self.model.trainable_variables
        arrays = [tf.TensorArray(tf.float32, size=n_epochs) for _ in range(4)]
        loss_out, acc_out, h_loss_out, h_acc_out = arrays

        for i in tf.range(n_epochs):
            # xs[i][None] rather than xs[i:i+1]: XLA on CPU runs the strided slice about 100
            # times slower (measured with TensorFlow 2.21).
            x, y = xs[i][None], ys[i][None]
            with tf.GradientTape() as tape:
                prob = self.model(x, training=True)
                loss = self.loss_fn(y, prob)
            grads = tape.gradient(loss, variables)
            self.optimizer.apply(grads, variables)
            loss_out = loss_out.write(i, loss)
            acc_out = acc_out.write(i, _accuracy(tf, y, prob))

            if mask[i]:
                prob_h = self.model(x_heldout, training=False)
                h_loss_out = h_loss_out.write(i, self.loss_fn(y_heldout, prob_h))
                h_acc_out = h_acc_out.write(i, _accuracy(tf, y_heldout, prob_h))
            else:
                h_loss_out = h_loss_out.write(i, 0.0)
                h_acc_out = h_acc_out.write(i, 0.0)

        return loss_out.stack(), acc_out.stack(), h_loss_out.stack(), h_acc_out.stack()

    def reinitialise(self, seed: int) -> None:
        """Load replicate ``seed``'s initial weights and reset the optimizer state."""
        fresh = build_seeded_model(self.keras, self.variant, self.config, seed)
        for target, source in zip(self.model.weights, fresh.weights, strict=True):
            target.assign(source)

        for variable in self.optimizer.variables:
            if variable is self.optimizer._learning_rate:
                continue
            variable.assign(np.zeros(variable.shape, dtype=variable.dtype))

    def train(self, seed: int, xs, ys, x_heldout, y_heldout) -> RunResult:
        """Train from replicate ``seed``'s initial weights on the given stream."""
        start = time.perf_counter()
        self.reinitialise(seed)
        outputs = self.run_function(xs, ys, x_heldout, y_heldout, self.mask)
        loss, acc, h_loss, h_acc = (o.numpy() for o in outputs)

        epochs = np.flatnonzero(self.mask) + 1
        heldout = (epochs, h_loss[self.mask], h_acc[self.mask])
        elapsed = time.perf_counter() - start
        return finished_result(self.variant.name, seed, loss, acc, heldout, elapsed)
