"""Statistical benchmarking of sequence-model variants over many seeds."""

__version__ = "0.1.0"
