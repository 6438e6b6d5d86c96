"""Read a stored study into tidy pandas DataFrames, without importing TensorFlow."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

STUDY_FILE = "study.json"
RUNS_DIR = "runs"

RUN_COLUMNS = ["variant", "seed", "status", "error", "wall_time_s"]
CURVE_COLUMNS = ["variant", "seed", "epoch", "loss", "accuracy"]


@dataclass(frozen=True)
class StudyFrames:
    """A stored study as tidy tables.

    Attributes
    ----------
    config : dict
        The study configuration as stored (`StudyConfig` fields).
    config_hash : str
        Stable hash of the settings that change results.
    provenance : dict
        Library versions, engine, CPU count, start and end times.
    runs : pandas.DataFrame
        One row per stored run: variant, seed, status, error, wall_time_s.
    curves : pandas.DataFrame
        Training curve, one row per run and epoch (epochs count from 1).
    heldout : pandas.DataFrame
        Held-out evaluation, one row per run and evaluated epoch.
    """

    config: dict
    config_hash: str
    provenance: dict
    runs: pd.DataFrame
    curves: pd.DataFrame
    heldout: pd.DataFrame


def read_study_header(study_dir: str | Path) -> dict:
    """Read ``study.json`` of a study folder.

    Raises
    ------
    FileNotFoundError
        If the folder contains no ``study.json``.
    """
    path = Path(study_dir) / STUDY_FILE
    if not path.is_file():
        raise FileNotFoundError(f"{study_dir} is not a study folder: {STUDY_FILE} not found")
    return json.loads(path.read_text())


def iter_run_files(study_dir: str | Path) -> list[Path]:
    """List the stored run files of a study, sorted by path."""
    return sorted((Path(study_dir) / RUNS_DIR).glob("*/seed-*.json"))


def load_study(study_dir: str | Path) -> StudyFrames:
    """Load every stored run of a study folder into tidy DataFrames.

    Runs appear in (variant order of the configuration, seed) order, so the
    frames are the same whatever order the runs finished in.
    """
    header = read_study_header(study_dir)
    records = [json.loads(path.read_text()) for path in iter_run_files(study_dir)]

    order = {name: i for i, name in enumerate(header["config"]["variants"])}
    records.sort(key=lambda r: (order.get(r["variant"], len(order)), r["variant"], r["seed"]))

    runs = pd.DataFrame([{k: r[k] for k in RUN_COLUMNS} for r in records], columns=RUN_COLUMNS)
    curves = _long_table(records, "epoch", "loss", "accuracy")
    heldout = _long_table(records, "heldout_epoch", "heldout_loss", "heldout_accuracy")

    return StudyFrames(
        config=header["config"],
        config_hash=header["config_hash"],
        provenance=header["provenance"],
        runs=runs,
        curves=curves,
        heldout=heldout,
    )


def _long_table(records: list[dict], epoch_key: str, loss_key: str, acc_key: str) -> pd.DataFrame:
    frames = []
    for record in records:
        losses = record[loss_key]
        epochs = record[epoch_key] if epoch_key in record else list(range(1, len(losses) + 1))
        frames.append(
            pd.DataFrame(
                {
                    "variant": record["variant"],
                    "seed": record["seed"],
                    "epoch": pd.Series(epochs, dtype="int64"),
                    "loss": pd.Series(losses, dtype="float64"),
                    "accuracy": pd.Series(record[acc_key], dtype="float64"),
                }
            )
        )
    if not frames:
        return pd.DataFrame(columns=CURVE_COLUMNS)
    return pd.concat(frames, ignore_index=True)
