"""Crash-safe, resumable study store: one JSON file per finished run, written atomically.

Layout of a study folder::

    study.json                     schema version, configuration, its hash, provenance
    runs/<variant>/seed-NNNN.json  one finished run each
    curves.csv, heldout.csv, metrics.csv   tidy exports, rewritten at the end of a session

Every file is written to a temporary name in the same folder, flushed to disk and renamed, so a
reader (or a resumed study) reads a run either whole or not at all, even after ``kill -9``.
A study folder is used by one process at a time, enforced with an advisory lock file.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import json
import logging
import os
import re
from pathlib import Path

from bench.config import StudyConfig, differing_settings
from bench.engines.result import RunResult
from bench.frames import RUNS_DIR, STUDY_FILE, iter_run_files, read_study_header
from bench.provenance import collect_provenance

logger = logging.getLogger(__name__)

SCHEMA_VERSION = 1
LOCK_FILE = ".lock"


class StoreError(RuntimeError):
    """The study folder cannot be used as requested."""


def now_iso() -> str:
    """Return the current UTC time in ISO 8601 with seconds."""
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def write_atomic(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` so that readers see the old file or the new one, never a part."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(temporary, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except OSError:
        # A full disk or a folder turned read-only fails here. Remove the partial temporary file
        # if the folder still allows it; the original error is the one to report.
        with contextlib.suppress(OSError):
            temporary.unlink(missing_ok=True)
        raise

    directory = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)


def variant_folder(name: str) -> str:
    """Return a file-system-safe folder name for a variant (user variants contain ':')."""
    return re.sub(r"[^A-Za-z0-9_.-]", "_", name)


def run_path(study_dir: Path, variant: str, seed: int) -> Path:
    """Return where run (variant, seed) is stored."""
    return study_dir / RUNS_DIR / variant_folder(variant) / f"seed-{seed:04d}.json"


class StudyStore:
    """An open study folder, locked for this process.

    Use `StudyStore.create` for a new study and `StudyStore.resume` to complete one.
    """

    def __init__(self, path: Path, header: dict, lock_handle):
        self.path = path
        self.header = header
        self._lock_handle = lock_handle
        # End time of the previous session of a resumed study; None for a new one.
        self.previous_finished_at: str | None = None

    @classmethod
    def create(cls, path: str | Path, config: StudyConfig, run_settings: dict) -> StudyStore:
        """Create a new study folder; raise StoreError if it contains a study or other files."""
        path = Path(path)
        _check_writable_folder(path)
        if (path / STUDY_FILE).exists():
            raise StoreError(
                f"--out: {path} already contains a study; pass --resume to complete it, "
                "or choose another --out folder"
            )
        leftovers = [p.name for p in path.iterdir() if not p.name.startswith(".")]
        if leftovers:
            raise StoreError(
                f"--out: {path} is not empty ({', '.join(sorted(leftovers)[:5])}); "
                "choose an empty or new folder"
            )

        lock = _acquire_lock(path)
        provenance = collect_provenance(config.engine)
        provenance.update(run_settings, started_at=now_iso(), finished_at=None, sessions=1)
        header = {
            "schema_version": SCHEMA_VERSION,
            "config": config.to_dict(),
            "config_hash": config.hash(),
            "provenance": provenance,
        }
        store = cls(path, header, lock)
        store.write_header()
        return store

    @classmethod
    def resume(cls, path: str | Path, config: StudyConfig, run_settings: dict) -> StudyStore:
        """Open an existing study to complete it; refuse one stored with other settings."""
        path = Path(path)
        if not (path / STUDY_FILE).is_file():
            raise StoreError(f"--resume: no study found in {path} ({STUDY_FILE} is missing)")
        _check_writable_folder(path)

        # Check before taking the lock, so a rejected resume leaves every file as it was.
        _check_resumable(path, read_study_header(path), config)
        lock = _acquire_lock(path)
        header = read_study_header(path)

        previous_end = header["provenance"].get("finished_at")
        header["provenance"].update(run_settings, finished_at=None)
        header["provenance"]["sessions"] = header["provenance"].get("sessions", 1) + 1
        store = cls(path, header, lock)
        store.previous_finished_at = previous_end
        store.write_header()
        return store

    @property
    def config(self) -> StudyConfig:
        """The stored configuration."""
        return StudyConfig.from_dict(self.header["config"])

    def finished_runs(self) -> set[tuple[str, int]]:
        """Return the (variant, seed) pairs already stored."""
        done = set()
        for path in iter_run_files(self.path):
            record = json.loads(path.read_text())
            done.add((record["variant"], record["seed"]))
        return done

    def commit(self, result: RunResult) -> None:
        """Store one finished run atomically."""
        target = run_path(self.path, result.variant, result.seed)
        target.parent.mkdir(parents=True, exist_ok=True)
        record = {"schema_version": SCHEMA_VERSION, **result.to_record()}
        write_atomic(target, json.dumps(record))

    def write_header(self) -> None:
        """Rewrite ``study.json`` atomically."""
        write_atomic(self.path / STUDY_FILE, json.dumps(self.header, indent=2))

    def mark_finished(self, at: str | None = None) -> None:
        """Record the end time of the study: ``at``, or now."""
        self.header["provenance"]["finished_at"] = at or now_iso()
        self.write_header()

    def discard_if_empty(self) -> None:
        """Remove ``study.json`` and the lock of a study that stored no run, and the folder if
        nothing else is left, so that a failed start leaves no study behind."""
        if self.finished_runs():
            return
        (self.path / STUDY_FILE).unlink(missing_ok=True)
        self.close()
        (self.path / LOCK_FILE).unlink(missing_ok=True)
        runs = self.path / RUNS_DIR
        if runs.is_dir() and not any(runs.iterdir()):
            runs.rmdir()
        if not any(self.path.iterdir()):
            self.path.rmdir()

    def close(self) -> None:
        """Release the folder lock."""
        if self._lock_handle is not None:
            self._lock_handle.close()
            self._lock_handle = None


def _check_resumable(path: Path, header: dict, config: StudyConfig) -> None:
    if header.get("schema_version") != SCHEMA_VERSION:
        raise StoreError(
            f"--resume: {path} uses store schema {header.get('schema_version')!r}; "
            f"this version of bench reads schema {SCHEMA_VERSION}"
        )

    differences = differing_settings(header["config"], config.to_dict())
    if differences:
        raise StoreError(
            f"--resume: {path} was made with other settings; rerun with the stored values or "
            "choose another --out folder:\n  " + "\n  ".join(differences)
        )


def _check_writable_folder(path: Path) -> None:
    if path.exists() and not path.is_dir():
        raise StoreError(f"--out: {path} is a file, not a folder; choose a folder path")
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise StoreError(f"--out: cannot create folder {path}: {error.strerror}") from error
    if not os.access(path, os.W_OK | os.X_OK):
        raise StoreError(f"--out: folder {path} is not writable; choose a writable folder")


def _acquire_lock(path: Path):
    handle = open(path / LOCK_FILE, "a+", encoding="utf-8")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.seek(0)
        holder = handle.read().strip() or "another process"
        handle.close()
        raise StoreError(
            f"--out: {path} is in use by {holder}; wait for it to finish or stop it first"
        ) from None

    handle.seek(0)
    handle.truncate()
    handle.write(f"process {os.getpid()} on {os.uname().nodename} since {now_iso()}")
    handle.flush()
    return handle
