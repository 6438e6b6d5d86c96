"""A test-only variant whose output turns NaN from the sixth training step on."""

import keras


class NaNAfterFiveSteps(keras.layers.Layer):
    """Passes its input through, but returns NaN once it has run five training steps."""

    def build(self, input_shape):
        self.steps = self.add_weight(shape=(), initializer="zeros", trainable=False, name="steps")

    def call(self, inputs, training=False):
        if training:
            self.steps.assign(self.steps + 1.0)
        poison = keras.ops.where(self.steps > 5.0, float("nan"), 0.0)
        return inputs + poison


def build(config):
    """Forward LSTM whose output becomes NaN after five training steps."""
    inputs = keras.Input(shape=(config.n_timesteps, 1))
    hidden = keras.layers.LSTM(4, return_sequences=True)(inputs)
    outputs = keras.layers.Dense(1, activation="sigmoid")(hidden)
    return keras.Model(inputs, NaNAfterFiveSteps()(outputs))
