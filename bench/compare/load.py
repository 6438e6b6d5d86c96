"""Read the configuration and per-run metrics of a stored study for a comparison."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from bench.compare.errors import CompareInputError
from bench.compare.settings import REQUIRED_CONFIG_KEYS

logger = logging.getLogger(__name__)

STUDY_FILE = "study.json"
METRICS_FILE = "metrics.csv"
SUMMARY_FILE = "summary.json"
SUPPORTED_SCHEMA = 1
OK_STATUS = "ok"

# A file path given in place of the folder must be one of the files a study folder contains.
_STUDY_FILE_NAMES = (SUMMARY_FILE, STUDY_FILE, METRICS_FILE)


@dataclass(frozen=True)
class StudyInput:
    """One side of a comparison.

    Attributes
    ----------
    folder : pathlib.Path
        The study folder.
    config : dict
        The ``config`` object of ``study.json``.
    runs : pandas.DataFrame
        Every row of ``metrics.csv``, whatever its status. Unreached ``epochs_to_target``
        values that were stored empty are set to the censoring epoch, ``config["epochs"]``.
    """

    folder: Path
    config: dict
    runs: pd.DataFrame

    @property
    def ok_runs(self) -> pd.DataFrame:
        """The runs with status "ok", the only ones compared."""
        return self.runs[self.runs["status"] == OK_STATUS]


def resolve_study_folder(path: str | Path, role: str) -> Path:
    """Return the study folder named by a folder path or by a file inside it.

    Parameters
    ----------
    path : str or pathlib.Path
        A study folder, or its ``summary.json`` (``study.json`` and ``metrics.csv`` work too).
    role : str
        "BASELINE" or "CURRENT", the argument named in errors.
    """
    path = Path(path)
    if path.is_dir():
        return path
    if path.is_file():
        if path.name not in _STUDY_FILE_NAMES:
            raise CompareInputError(
                f"{role} must be a study folder or its {SUMMARY_FILE}; got the file {path}"
            )
        return path.parent
    raise CompareInputError(f"{role} not found: {path} is neither a folder nor a file")


def load_study_input(path: str | Path, role: str, metrics: tuple[str, ...]) -> StudyInput:
    """Read ``study.json`` and ``metrics.csv`` of a study and check the columns needed.

    Parameters
    ----------
    path : str or pathlib.Path
        Study folder or a file inside it, see `resolve_study_folder`.
    role : str
        "BASELINE" or "CURRENT", the argument named in errors.
    metrics : tuple of str
        Metric columns that must be present.

    Raises
    ------
    CompareInputError
        If a file is missing or unreadable, the schema version is not supported, a config
        key or a column is missing, or a (variant, seed) pair appears twice.
    """
    folder = resolve_study_folder(path, role)
    logger.info("reading %s study from %s", role.lower(), folder)

    config = _read_config(folder, role)
    runs = _read_metrics(folder, role, metrics)
    runs = _fill_censored_epochs(runs, config["epochs"])
    return StudyInput(folder=folder, config=config, runs=runs)


def _read_config(folder: Path, role: str) -> dict:
    path = folder / STUDY_FILE
    if not path.is_file():
        raise CompareInputError(f"{role} {folder} is not a study folder: {STUDY_FILE} not found")
    try:
        header = json.loads(path.read_text())
    except (OSError, json.JSONDecodeError) as error:
        raise CompareInputError(f"{role}: cannot read {path}: {error}") from error

    version = header.get("schema_version")
    if version != SUPPORTED_SCHEMA:
        raise CompareInputError(
            f"{role}: {path} has schema_version {version!r}; this version of bench.compare "
            f"reads schema_version {SUPPORTED_SCHEMA}"
        )

    config = header.get("config")
    if not isinstance(config, dict):
        raise CompareInputError(f"{role}: {path} has no 'config' object")
    missing = [key for key in REQUIRED_CONFIG_KEYS if key not in config]
    if missing:
        raise CompareInputError(f"{role}: {path} config lacks {', '.join(missing)}")
    return config


def _read_metrics(folder: Path, role: str, metrics: tuple[str, ...]) -> pd.DataFrame:
    path = folder / METRICS_FILE
    if not path.is_file():
        raise CompareInputError(
            f"{role}: {path} not found; the study has no per-run metrics export yet"
        )
    try:
        runs = pd.read_csv(path)
    except (OSError, pd.errors.ParserError, pd.errors.EmptyDataError) as error:
        raise CompareInputError(f"{role}: cannot read {path}: {error}") from error

    needed = ["variant", "seed", "status", *metrics]
    if "epochs_to_target" in metrics:
        needed.append("reached_target")
    missing = [column for column in needed if column not in runs.columns]
    if missing:
        raise CompareInputError(f"{role}: {path} lacks the column(s) {', '.join(missing)}")

    duplicated = runs[runs.duplicated(["variant", "seed"], keep=False)]
    if not duplicated.empty:
        first = duplicated.iloc[0]
        raise CompareInputError(
            f"{role}: {path} has more than one row for variant {first['variant']!r} "
            f"seed {first['seed']}"
        )

    for column in metrics:
        try:
            runs[column] = pd.to_numeric(runs[column]).astype("float64")
        except (ValueError, TypeError) as error:
            raise CompareInputError(
                f"{role}: column {column} of {path} is not numeric: {error}"
            ) from error
    runs["variant"] = runs["variant"].astype(str)
    try:
        runs["seed"] = runs["seed"].astype("int64")
    except (ValueError, TypeError) as error:
        raise CompareInputError(
            f"{role}: column seed of {path} must hold whole numbers: {error}"
        ) from error
    return runs


def _fill_censored_epochs(runs: pd.DataFrame, epochs: int) -> pd.DataFrame:
    """Set an empty ``epochs_to_target`` of a run that never reached the target to ``epochs``.

    A run that never reaches the target is right-censored at its last evaluated epoch, which
    for a finished run is the last epoch. Comparing means of the censored values then compares
    restricted mean times to target, capped at the same epoch in both studies.
    """
    if "epochs_to_target" not in runs.columns:
        return runs

    reached = runs["reached_target"].map(_as_bool)
    censored = runs["epochs_to_target"].isna() & ~reached
    if censored.any():
        runs = runs.copy()
        runs.loc[censored, "epochs_to_target"] = float(epochs)
    runs["reached_target"] = reached
    return runs


def _as_bool(value: object) -> bool:
    # CSV round trips store booleans as True/False, true/false or 1/0.
    if isinstance(value, str):
        return value.strip().lower() in ("true", "1", "yes")
    if pd.isna(value):
        return False
    return bool(value)
