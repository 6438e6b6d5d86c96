"""Tests of ``python -m bench.report``: re-rendering a stored study without TensorFlow."""

import argparse
import json
import subprocess
import sys
from pathlib import Path

import pytest

from bench.report.cli import main, resolve_settings, stored_settings
from bench.report.synthetic import write_synthetic_study

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture
def study(tmp_path):
    return write_synthetic_study(
        tmp_path / "study",
        n_seeds=3,
        epochs=40,
        variants=("lstm_forw", "lstm_back", "bilstm_concat"),
    )


def test_module_renders_without_tensorflow(study):
    # A fresh interpreter, so modules imported by other tests cannot hide a TensorFlow import.
    code = (
        "import sys\n"
        "from bench.report.cli import main, resolve_settings, stored_settings\n"
        f"code = main([{str(study)!r}, '--resamples', '200', '--no-svg'])\n"
        "assert code == 0, code\n"
        "assert 'tensorflow' not in sys.modules\n"
        "assert 'keras' not in sys.modules\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr
    assert (study / "report.md").is_file()
    assert (study / "report.html").is_file()
    assert (study / "figures" / "loss_directions.png").is_file()


def test_python_dash_m_entry_point(study):
    result = subprocess.run(
        [sys.executable, "-m", "bench.report", str(study), "--resamples", "200", "--no-svg"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [str(study / "report.md"), str(study / "report.html")]


def test_missing_study_is_a_usage_error(tmp_path, capsys):
    code = main([str(tmp_path)])
    assert code == 2
    assert "STUDY_DIR" in capsys.readouterr().err


def test_unknown_metric_is_a_usage_error(study, capsys):
    code = main([str(study), "--metric", "speed", "--resamples", "200"])
    assert code == 2
    assert "speed" in capsys.readouterr().err


def test_no_svg_writes_png_only(study):
    assert main([str(study), "--resamples", "200", "--no-svg"]) == 0
    assert list((study / "figures").glob("*.svg")) == []


def _args(**given):
    names = ("metric", "target", "reference", "resamples", "seed", "alpha")
    return argparse.Namespace(**{name: given.get(name) for name in names})


def test_settings_from_summary_json(study):
    summary = {
        "settings": {
            "metric": "aulc",
            "target": 0.8,
            "reference": "lstm_back",
            "tests": {"n_resamples": 500, "seed": 7, "alpha": 0.01},
        }
    }
    (study / "summary.json").write_text(json.dumps(summary))
    settings = resolve_settings(_args(), stored_settings(study))
    assert settings == {
        "metric": "aulc",
        "target": 0.8,
        "reference": "lstm_back",
        "n_resamples": 500,
        "seed": 7,
        "alpha": 0.01,
    }


def test_command_line_overrides_summary_json(study):
    (study / "summary.json").write_text(json.dumps({"settings": {"metric": "aulc"}}))
    settings = resolve_settings(_args(metric="final_loss"), stored_settings(study))
    assert settings["metric"] == "final_loss"


def test_unreadable_summary_json_ignored(study):
    (study / "summary.json").write_text("{not json")
    assert stored_settings(study) == {}
