"""Training engines: one interface, ``train(config, variant_name, seed) -> RunResult``."""

from bench.engines.result import RunResult
from bench.engines.worker import train_one

__all__ = ["RunResult", "train_one"]
