"""Shared fixtures. TensorFlow, when a test imports it, starts limited to one thread per pool."""

import numpy as np
import pytest

from bench.engines.tfsetup import set_thread_environment

set_thread_environment()


@pytest.fixture
def rng() -> np.random.Generator:
    """A seeded generator, so every test draws the same numbers on every run."""
    return np.random.default_rng(20261204)
