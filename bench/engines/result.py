"""The outcome of one training run, as plain arrays."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

STATUSES = ("ok", "diverged", "failed")


@dataclass(frozen=True)
class RunResult:
    """Curves and status of one (variant, seed) run.

    Attributes
    ----------
    variant, seed : str, int
        Which run this is; ``seed`` is the replicate index.
    status : {"ok", "diverged", "failed"}
        ``diverged``: the training loss became NaN or infinite and the curves stop at the last
        finite epoch. ``failed``: the run raised, ``error`` contains the message and the curves are
        empty.
    loss, accuracy : numpy.ndarray
        Training loss and accuracy of epochs 1, 2, ...; each is measured on the epoch's sequence
        before that epoch's update, as ``model.fit`` reports it.
    heldout_epoch, heldout_loss, heldout_accuracy : numpy.ndarray
        Held-out evaluation after the listed epochs.
    wall_time_s : float
        Seconds spent in this run, excluding compilation shared with other runs.
    error : str or None
    """

    variant: str
    seed: int
    status: str
    loss: np.ndarray
    accuracy: np.ndarray
    heldout_epoch: np.ndarray
    heldout_loss: np.ndarray
    heldout_accuracy: np.ndarray
    wall_time_s: float
    error: str | None = None
    extra: dict = field(default_factory=dict)

    def to_record(self) -> dict:
        """Return a JSON-ready dict for the store."""
        return {
            "variant": self.variant,
            "seed": int(self.seed),
            "status": self.status,
            "error": self.error,
            "wall_time_s": float(self.wall_time_s),
            "loss": [float(v) for v in self.loss],
            "accuracy": [float(v) for v in self.accuracy],
            "heldout_epoch": [int(v) for v in self.heldout_epoch],
            "heldout_loss": [float(v) for v in self.heldout_loss],
            "heldout_accuracy": [float(v) for v in self.heldout_accuracy],
            **self.extra,
        }


def finished_result(variant, seed, loss, accuracy, heldout, wall_time_s) -> RunResult:
    """Build a result from full-length curves, cutting them at the first non-finite loss.

    ``heldout`` is a tuple ``(epochs, losses, accuracies)``.
    """
    loss = np.asarray(loss, dtype=np.float64)
    accuracy = np.asarray(accuracy, dtype=np.float64)
    epochs, h_loss, h_acc = (np.asarray(a) for a in heldout)

    bad = np.flatnonzero(~np.isfinite(loss))
    status = "ok"
    if bad.size:
        status = "diverged"
        last_good_epoch = int(bad[0])
        loss, accuracy = loss[:last_good_epoch], accuracy[:last_good_epoch]
        keep = (epochs <= last_good_epoch) & np.isfinite(h_loss)
        epochs, h_loss, h_acc = epochs[keep], h_loss[keep], h_acc[keep]

    return RunResult(
        variant=variant,
        seed=seed,
        status=status,
        loss=loss,
        accuracy=accuracy,
        heldout_epoch=epochs.astype(np.int64),
        heldout_loss=np.asarray(h_loss, dtype=np.float64),
        heldout_accuracy=np.asarray(h_acc, dtype=np.float64),
        wall_time_s=wall_time_s,
    )


def failed_result(variant, seed, error: str, wall_time_s: float) -> RunResult:
    """Build the result of a run that raised."""
    empty = np.zeros(0)
    return RunResult(
        variant,
        seed,
        "failed",
        empty,
        empty,
        empty.astype(np.int64),
        empty,
        empty,
        wall_time_s,
        error,
    )
