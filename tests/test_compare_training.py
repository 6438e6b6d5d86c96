"""bench.compare on studies trained for real, one of them with a deliberately changed model."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bench.compare import main as compare_main

TESTS_DIR = Path(__file__).parent
ARGS = ["--seeds", "8", "--epochs", "120", "--eval-every", "10", "--eval-size", "100",
        "--variants", "lstm_forw,units_variant:build", "--n-jobs", "2", "--quiet"]  # fmt: skip


def _study(out: Path, *extra: str, units: str | None = None) -> Path:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(TESTS_DIR), *sys.path])}
    env.pop("BENCH_TEST_UNITS", None)
    if units is not None:
        env["BENCH_TEST_UNITS"] = units
    subprocess.run(
        [sys.executable, "-m", "bench.run", *ARGS, *extra, "--out", str(out)],
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
        timeout=600,
    )
    return out


@pytest.fixture(scope="module")
def baseline(tmp_path_factory) -> Path:
    return _study(tmp_path_factory.mktemp("baseline") / "study")


def _verdict_lines(output: str) -> dict[str, str]:
    """Map each variant to its verdict sentence, without the closing full stop."""
    sentences = output.split("Verdicts:")[-1].splitlines()
    verdicts = {}
    for line in (s.strip().rstrip(".") for s in sentences):
        for variant in ("lstm_forw", "units_variant:build"):
            if line.startswith((f"{variant}:", f"{variant} ")):
                verdicts[variant] = line
    return verdicts


def test_study_against_itself_unchanged(baseline, capsys):
    code = compare_main([str(baseline), str(baseline)])

    output = capsys.readouterr().out
    assert code == 0
    verdicts = _verdict_lines(output)
    assert verdicts["lstm_forw"].endswith("unchanged")
    assert verdicts["units_variant:build"].endswith("unchanged")


def test_narrowed_model_regressed_others_unchanged(baseline, tmp_path, capsys):
    current = _study(tmp_path / "narrow", units="2")

    code = compare_main([str(baseline), str(current)])

    verdicts = _verdict_lines(capsys.readouterr().out)
    assert code == 1
    assert verdicts["units_variant:build"].endswith("regressed")
    assert verdicts["lstm_forw"].endswith("unchanged")


def test_higher_learning_rate_improved(baseline, tmp_path, capsys):
    current = _study(tmp_path / "faster", "--learning-rate", "0.01")

    code = compare_main([str(baseline), str(current)])

    verdicts = _verdict_lines(capsys.readouterr().out)
    assert code == 0
    assert verdicts["lstm_forw"].endswith("improved")
