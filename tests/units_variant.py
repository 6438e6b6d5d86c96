"""A test-only forward LSTM whose width comes from BENCH_TEST_UNITS, standing in for edited model
code: two studies with the same settings but different environments train different models."""

import os

import keras


def build(config):
    """Forward LSTM with BENCH_TEST_UNITS units (default: the study's units)."""
    units = int(os.environ.get("BENCH_TEST_UNITS", config.units))
    inputs = keras.Input(shape=(config.n_timesteps, 1))
    hidden = keras.layers.LSTM(units, return_sequences=True)(inputs)
    return keras.Model(inputs, keras.layers.Dense(1, activation="sigmoid")(hidden))
