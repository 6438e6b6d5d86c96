"""Provenance of a study: machine and package versions, read without importing TensorFlow."""

from __future__ import annotations

import os
import platform
from importlib import metadata

import bench

_PACKAGES = ("tensorflow", "keras", "numpy", "scipy", "pandas", "joblib")


def package_version(name: str) -> str:
    """Return an installed distribution's version, or ``"not installed"``."""
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "not installed"


def collect_provenance(engine: str) -> dict:
    """Return versions, engine and machine facts for a study header."""
    facts = {
        "bench": bench.__version__,
        "python": platform.python_version(),
        "engine": engine,
        "cpu_count": os.cpu_count(),
        "platform": platform.platform(),
        "machine": platform.machine(),
        "hostname": platform.node(),
    }
    facts.update({name: package_version(name) for name in _PACKAGES})
    if facts["tensorflow"] == "not installed":
        facts["tensorflow"] = package_version("tensorflow-cpu")
    return facts
