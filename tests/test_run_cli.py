import hashlib
import json
import os
import re
from pathlib import Path

import pytest

from bench.config import StudyConfig
from bench.frames import read_study_header
from bench.run import EXIT_USAGE, main
from bench.store import StudyStore

SMALL = [
    "--seeds",
    "2",
    "--epochs",
    "12",
    "--eval-every",
    "6",
    "--eval-size",
    "20",
    "--variants",
    "lstm_forw",
    "--n-jobs",
    "1",
    "--quiet",
]


def _folder_digest(folder: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            digest.update(str(path.relative_to(folder)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


@pytest.fixture(scope="module")
def stored_study(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("stored") / "study"
    assert main([*SMALL, "--out", str(out)]) == 0
    return out


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("--seeds", "0", r"--seeds: must be a whole number >= 1; got '0'"),
        ("--seeds", "-3", r"--seeds: must be a whole number >= 1; got '-3'"),
        ("--seeds", "ten", r"--seeds: must be a whole number >= 1; got 'ten'"),
        ("--epochs", "0", r"--epochs: must be a whole number >= 1; got '0'"),
        ("--timesteps", "1", r"--timesteps: must be a whole number >= 2; got '1'"),
        ("--n-jobs", "0", r"--n-jobs: must be a whole number >= 1; got '0'"),
        ("--learning-rate", "-1", r"--learning-rate: must be a number in \(0, 1\]; got '-1'"),
        ("--engine", "fast", r"--engine: invalid choice: 'fast'"),
        ("--target", "1.5", r"--target: must be a number in \(0, 1\]; got '1.5'"),
        ("--metric", "speed", r"--metric: invalid choice: 'speed'"),
    ],
)
def test_bad_number_rejected(option, value, message, stored_study, capsys):
    before = _folder_digest(stored_study)

    with pytest.raises(SystemExit) as exit_info:
        main([*SMALL, option, value, "--out", str(stored_study), "--resume"])

    assert exit_info.value.code == EXIT_USAGE
    assert re.search(message, capsys.readouterr().err)
    assert _folder_digest(stored_study) == before


def test_unknown_variant_rejected(stored_study, capsys):
    before = _folder_digest(stored_study)

    code = main([*SMALL, "--variants", "lstm_forw,lstm_sideways", "--out", str(stored_study)])

    error = capsys.readouterr().err
    assert code == EXIT_USAGE
    assert "unknown variant 'lstm_sideways'" in error
    assert "bilstm_concat" in error
    assert _folder_digest(stored_study) == before


def test_unknown_reference_rejected(stored_study, capsys):
    code = main([*SMALL, "--reference", "bilstm_sum", "--out", str(stored_study), "--resume"])

    assert code == EXIT_USAGE
    assert "--reference: 'bilstm_sum' is not a variant of this study" in capsys.readouterr().err


def test_out_is_file_rejected(tmp_path, capsys):
    target = tmp_path / "notes.txt"
    target.write_text("keep me")

    code = main([*SMALL, "--out", str(target)])

    assert code == EXIT_USAGE
    assert f"--out: {target} is a file" in capsys.readouterr().err
    assert target.read_text() == "keep me"


def test_out_not_creatable_rejected(tmp_path, capsys):
    blocker = tmp_path / "plain-file"
    blocker.write_text("")

    code = main([*SMALL, "--out", str(blocker / "study")])

    assert code == EXIT_USAGE
    assert "--out: cannot create folder" in capsys.readouterr().err


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write into a read-only folder")
def test_out_not_writable_rejected(tmp_path, capsys):
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o555)

    code = main([*SMALL, "--out", str(locked)])

    assert code == EXIT_USAGE
    assert "is not writable" in capsys.readouterr().err


def test_existing_study_needs_resume(stored_study, capsys):
    before = _folder_digest(stored_study)

    code = main([*SMALL, "--out", str(stored_study)])

    assert code == EXIT_USAGE
    assert "already contains a study; pass --resume" in capsys.readouterr().err
    assert _folder_digest(stored_study) == before


def test_resume_with_other_settings_names_each(stored_study, capsys):
    before = _folder_digest(stored_study)

    code = main([*SMALL, "--units", "8", "--epochs", "14", "--out", str(stored_study), "--resume"])

    error = capsys.readouterr().err
    assert code == EXIT_USAGE
    assert "units: stored 20, requested 8" in error
    assert "epochs: stored 12, requested 14" in error
    assert _folder_digest(stored_study) == before


def test_resume_of_missing_study_rejected(tmp_path, capsys):
    code = main([*SMALL, "--out", str(tmp_path / "nothing"), "--resume"])

    assert code == EXIT_USAGE
    assert "--resume: no study found" in capsys.readouterr().err


def test_resume_of_complete_study_trains_nothing(stored_study, capsys):
    runs_before = sorted(p.name for p in (stored_study / "runs").rglob("seed-*.json"))
    finished_before = read_study_header(stored_study)["provenance"]["finished_at"]

    code = main([*SMALL, "--out", str(stored_study), "--resume"])

    assert code == 0
    assert sorted(p.name for p in (stored_study / "runs").rglob("seed-*.json")) == runs_before
    assert read_study_header(stored_study)["provenance"]["finished_at"] == finished_before


def test_summary_records_finish_time(stored_study):
    summary = json.loads((stored_study / "summary.json").read_text())

    assert summary["study_provenance"]["finished_at"] is not None


def test_discarded_empty_study_leaves_no_folder(tmp_path):
    store = StudyStore.create(tmp_path / "fresh", StudyConfig(n_seeds=2), {"n_jobs": 1})

    store.discard_if_empty()

    assert not (tmp_path / "fresh").exists()


def test_help_lists_units_and_defaults(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["--help"])

    text = capsys.readouterr().out
    assert exit_info.value.code == 0
    for option in ("--seeds", "--epochs", "--eval-every", "--n-jobs", "--resume", "--out"):
        assert option in text
    assert "default: 250" in text
