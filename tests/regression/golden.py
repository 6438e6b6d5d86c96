"""Golden training curves: write them once, and compare a fresh training run against them.

``python tests/regression/golden.py`` rewrites ``golden_curves.json``; do that only on purpose,
after a change that is meant to alter training (and say so in the commit).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np

from bench.config import StudyConfig
from bench.provenance import collect_provenance

GOLDEN_FILE = Path(__file__).with_name("golden_curves.json")
TOLERANCE = 1e-5
CONFIG = StudyConfig(epochs=250, eval_every=50, eval_size=100)
PAIRS = (("lstm_forw", 0), ("lstm_back", 1), ("bilstm_mul", 2), ("bilstm_concat", 3))


def first_difference(expected, actual, tolerance: float = TOLERANCE) -> str | None:
    """Describe the first epoch where two curves differ by more than ``tolerance``, or None."""
    expected, actual = np.asarray(expected), np.asarray(actual)
    if expected.shape != actual.shape:
        return f"the curve has {actual.size} epochs, the golden curve {expected.size}"
    gaps = np.flatnonzero(~(np.abs(expected - actual) <= tolerance))
    if gaps.size == 0:
        return None
    epoch = int(gaps[0])
    return (
        f"first differs at epoch {epoch + 1}: golden {float(expected[epoch])!r}, "
        f"now {float(actual[epoch])!r} "
        f"(tolerance {tolerance:g}; {gaps.size} of {expected.size} epochs differ)"
    )


def write_golden() -> None:
    """Train every golden pair and write the curves with the settings and versions used."""
    from bench.engines import train_one

    curves = []
    for variant, seed in PAIRS:
        result = train_one(CONFIG, variant, seed)
        curves.append({"variant": variant, "seed": seed, "loss": result.loss.tolist()})

    record = {
        "config": CONFIG.to_dict(),
        "tolerance": TOLERANCE,
        "versions": collect_provenance(CONFIG.engine),
        "curves": curves,
    }
    GOLDEN_FILE.write_text(json.dumps(record, indent=1) + "\n")
    print(f"wrote {len(curves)} golden curves to {GOLDEN_FILE}")


if __name__ == "__main__":
    write_golden()
    sys.exit(0)
