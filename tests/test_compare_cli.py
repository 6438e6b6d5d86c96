"""End-to-end tests of ``python -m bench.compare`` on synthetic study folders.

Each synthetic study stores, per variant and seed, a held-out AULC made of a variant level,
a seed effect and a small run-level noise. The seed effect stands for the training data of
seed r: studies that share a root seed share it, so their paired differences are small,
while the seed effect spreads values across seeds ten times more than the noise does. The
other metrics are fixed functions of the held-out AULC.
"""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import bench
from bench.compare import Verdict, compare_studies, load_study_input, main
from bench.compare.margins import DEFAULT_METRICS, resolve_margins

VARIANTS = ("lstm_forw", "lstm_back", "bilstm_concat")
LEVELS = {"lstm_forw": 0.40, "lstm_back": 0.42, "bilstm_concat": 0.30}
SEED_SPREAD = 0.03
NOISE = 0.003
MAX_SEEDS = 20
BASE_CONFIG = {
    "n_timesteps": 10,
    "threshold_fraction": 0.25,
    "units": 20,
    "epochs": 250,
    "learning_rate": 0.001,
    "eval_every": 10,
    "eval_size": 500,
    "engine": "compiled",
    "variants": list(VARIANTS),
    "n_seeds": 10,
    "root_seed": 7,
}


@pytest.fixture
def rng():
    return np.random.default_rng(20260101)


@pytest.fixture
def seed_effects(rng):
    """Seed effects for two root seeds, 7 and 8, indexed [root_seed][variant][seed]."""
    return {
        root: {variant: rng.normal(0.0, SEED_SPREAD, MAX_SEEDS) for variant in VARIANTS}
        for root in (7, 8)
    }


def heldout_values(seed_effects, rng, config, shifts=None):
    """Return each variant's held-out AULC per seed, with fresh run-level noise."""
    shifts = shifts or {}
    values = {}
    for variant in config["variants"]:
        effect = seed_effects[config["root_seed"]][variant][: config["n_seeds"]]
        noise = rng.normal(0.0, NOISE, config["n_seeds"])
        values[variant] = LEVELS[variant] + effect + noise + shifts.get(variant, 0.0)
    return values


def write_study(folder, config, values, statuses=None):
    """Write study.json and metrics.csv the way the store exports them."""
    statuses = statuses or {}
    folder.mkdir(parents=True)
    header = {"schema_version": 1, "config": config, "config_hash": "0" * 16, "provenance": {}}
    (folder / "study.json").write_text(json.dumps(header))

    rows = []
    for variant, heldout in values.items():
        for seed, value in enumerate(heldout):
            status = statuses.get((variant, seed), "ok")
            epochs_to_target = round(value * 650)
            rows.append(
                {
                    "variant": variant,
                    "seed": seed,
                    "status": status,
                    "aulc": value + 0.05 if status == "ok" else np.nan,
                    "heldout_aulc": value if status == "ok" else np.nan,
                    "epochs_to_target": epochs_to_target if epochs_to_target < 250 else np.nan,
                    "reached_target": bool(epochs_to_target < 250),
                    "final_loss": value / 2,
                    "final_accuracy": 1.0 - value / 2,
                    "wall_time_s": 1.0,
                }
            )
    pd.DataFrame(rows).to_csv(folder / "metrics.csv", index=False)
    return folder


def config_with(**changes):
    return {**BASE_CONFIG, **changes}


@pytest.fixture
def baseline(tmp_path, seed_effects, rng):
    config = config_with()
    return write_study(tmp_path / "baseline", config, heldout_values(seed_effects, rng, config))


def run_main(capsys, *args):
    code = main([str(arg) for arg in args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def verdicts_of(baseline, current, metrics=DEFAULT_METRICS, overrides=None):
    """Return {variant: verdict} from the library call, bypassing the command line."""
    base = load_study_input(baseline, "BASELINE", metrics)
    cur = load_study_input(current, "CURRENT", metrics)
    comparison = compare_studies(base, cur, resolve_margins(metrics, overrides or {}))
    return {item.variant: item.verdict for item in comparison.variants}


def test_study_against_itself_unchanged(capsys, baseline):
    code, out, _ = run_main(capsys, baseline, baseline)

    assert code == 0
    assert verdicts_of(baseline, baseline) == dict.fromkeys(VARIANTS, Verdict.UNCHANGED)
    assert "lstm_forw: every metric within its margin" in out
    assert "heldout_aulc identical on 10 paired seeds" in out
    assert "Result: no variant regressed." in out


def test_identical_copy_unchanged(capsys, tmp_path, baseline):
    copy = tmp_path / "copy"
    copy.mkdir()
    for name in ("study.json", "metrics.csv"):
        (copy / name).write_bytes((baseline / name).read_bytes())

    code, out, _ = run_main(capsys, baseline, copy)

    assert code == 0
    assert "3 unchanged (lstm_forw, lstm_back, bilstm_concat)" in out


def test_rerun_with_same_seeds_unchanged(capsys, tmp_path, baseline, seed_effects, rng):
    config = config_with()
    current = write_study(tmp_path / "current", config, heldout_values(seed_effects, rng, config))

    code, _, _ = run_main(capsys, baseline, current)

    assert code == 0
    assert verdicts_of(baseline, current) == dict.fromkeys(VARIANTS, Verdict.UNCHANGED)


def test_worse_variant_regressed(capsys, tmp_path, baseline, seed_effects, rng):
    # A changed learning rate that slows bilstm_concat by 0.05 nats of held-out loss.
    config = config_with(learning_rate=0.0005)
    values = heldout_values(seed_effects, rng, config, shifts={"bilstm_concat": 0.05})
    current = write_study(tmp_path / "current", config, values)

    code, out, _ = run_main(capsys, baseline, current)

    assert code == 1
    assert verdicts_of(baseline, current) == {
        "lstm_forw": Verdict.UNCHANGED,
        "lstm_back": Verdict.UNCHANGED,
        "bilstm_concat": Verdict.REGRESSED,
    }
    assert re.search(r"bilstm_concat heldout_aulc rose 0\.0[45]\d \(95% CI 0\.0\d\d to", out)
    assert "more than the margin 0.020" in out
    assert "learning_rate: baseline 0.001, current 0.0005" in out
    assert "Result: a regression was found." in out


def test_better_variant_improved(capsys, tmp_path, baseline, seed_effects, rng):
    config = config_with(units=40)
    values = heldout_values(seed_effects, rng, config, shifts={"lstm_back": -0.05})
    current = write_study(tmp_path / "current", config, values)

    code, out, _ = run_main(capsys, baseline, current)

    assert code == 0
    assert verdicts_of(baseline, current) == {
        "lstm_forw": Verdict.UNCHANGED,
        "lstm_back": Verdict.IMPROVED,
        "bilstm_concat": Verdict.UNCHANGED,
    }
    assert re.search(r"lstm_back heldout_aulc fell 0\.0[45]\d \(95% CI -0\.0\d\d to", out)
    assert "units: baseline 20, current 40" in out


def test_wider_margin_accepts_shift(capsys, tmp_path, baseline, seed_effects, rng):
    config = config_with()
    values = heldout_values(seed_effects, rng, config, shifts={"bilstm_concat": 0.05})
    current = write_study(tmp_path / "current", config, values)
    margins = ["heldout_aulc=0.1", "aulc=0.1", "final_accuracy=0.1"]

    code, out, _ = run_main(capsys, baseline, current, *(f"--margin={m}" for m in margins))

    assert code == 0
    assert "margins:" in out
    assert "heldout_aulc 0.100 nats" in out


def test_hand_computed_case_sentence(capsys, tmp_path):
    # Paired differences 0.01, 0.03, 0.02, 0.04, 0.05: mean 0.03 and 95 % CI 0.0104 to
    # 0.0496, computed by hand in test_compare_verdicts.py.
    config = config_with(variants=["lstm_forw"], n_seeds=5)
    base_values = np.array([0.40, 0.42, 0.38, 0.41, 0.39])
    cur_values = base_values + np.array([0.01, 0.03, 0.02, 0.04, 0.05])
    baseline = write_study(tmp_path / "baseline", config, {"lstm_forw": base_values})
    current = write_study(tmp_path / "current", config, {"lstm_forw": cur_values})

    code, out, _ = run_main(capsys, baseline, current, "--metrics=heldout_aulc")

    expected = (
        "lstm_forw heldout_aulc rose 0.030 (95% CI 0.010 to 0.050), "
        "more than the margin 0.020: regressed."
    )
    assert code == 1
    assert expected in out


def test_task_setting_mismatch_exits_2(capsys, tmp_path, baseline, seed_effects, rng):
    config = config_with(n_timesteps=12)
    current = write_study(tmp_path / "current", config, heldout_values(seed_effects, rng, config))

    code, out, err = run_main(capsys, baseline, current)

    assert code == 2
    assert "n_timesteps: baseline 10, current 12" in err
    assert out == ""


def test_every_task_difference_named(capsys, tmp_path, baseline, seed_effects, rng):
    config = config_with(epochs=300, eval_size=200, threshold_fraction=0.3)
    current = write_study(tmp_path / "current", config, heldout_values(seed_effects, rng, config))

    code, _, err = run_main(capsys, baseline, current)

    assert code == 2
    assert "epochs: baseline 250, current 300" in err
    assert "eval_size: baseline 500, current 200" in err
    assert "threshold_fraction: baseline 0.25, current 0.3" in err


def test_fewer_baseline_seeds_compares_common(capsys, tmp_path, seed_effects, rng):
    base_config = config_with(n_seeds=5)
    baseline = write_study(
        tmp_path / "baseline", base_config, heldout_values(seed_effects, rng, base_config)
    )
    config = config_with(n_seeds=10)
    current = write_study(tmp_path / "current", config, heldout_values(seed_effects, rng, config))

    code, out, _ = run_main(capsys, baseline, current)

    assert code == 0
    assert "paired on 5 seeds" in out
    assert "The baseline has fewer seeds (5 against 10)" in out
    assert "uses the common seeds 0 to 4 and leaves out the current study's seeds 5 to 9" in out
    assert "5 pairs" in out
    assert "n_seeds: baseline 5, current 10" in out


def test_root_seeds_differ_unpaired(capsys, tmp_path, baseline, seed_effects, rng):
    config = config_with(root_seed=8)
    current = write_study(tmp_path / "current", config, heldout_values(seed_effects, rng, config))

    code, out, _ = run_main(capsys, baseline, current)

    assert code == 0
    assert "unpaired (root seeds differ: baseline 7, current 8)" in out
    assert "10 vs 10" in out
    assert "root_seed: baseline 7, current 8" in out


def test_non_ok_runs_left_out_and_counted(capsys, tmp_path, baseline, seed_effects, rng):
    config = config_with()
    statuses = {("lstm_forw", 3): "diverged", ("lstm_back", 0): "failed"}
    values = heldout_values(seed_effects, rng, config)
    current = write_study(tmp_path / "current", config, values, statuses=statuses)

    code, out, _ = run_main(capsys, baseline, current)

    assert code == 0
    assert "current 28 ok of 30 configured (1 diverged, 1 failed; left out" in out
    assert "9 pairs" in out


def test_missing_runs_counted(capsys, tmp_path, baseline):
    current = tmp_path / "current"
    current.mkdir()
    (current / "study.json").write_bytes((baseline / "study.json").read_bytes())
    runs = pd.read_csv(baseline / "metrics.csv")
    runs[runs["seed"] < 8].to_csv(current / "metrics.csv", index=False)

    code, out, _ = run_main(capsys, baseline, current)

    assert code == 0
    assert "current 24 ok of 30 configured (6 not stored" in out


def test_variants_in_one_study_listed(capsys, tmp_path, baseline, seed_effects, rng):
    config = config_with(variants=["lstm_forw", "lstm_back", "bilstm_sum"])
    values = heldout_values(seed_effects, rng, config_with())
    values["bilstm_sum"] = values.pop("bilstm_concat") + 0.2
    current = write_study(tmp_path / "current", config, values)

    code, out, _ = run_main(capsys, baseline, current)

    assert code == 0
    assert "only in baseline (not judged): bilstm_concat" in out
    assert "only in current (not judged): bilstm_sum" in out


def test_no_common_variant_exits_2(capsys, tmp_path, baseline, seed_effects, rng):
    config = config_with(variants=["lstm_forw"])
    values = {"lstm_forw": heldout_values(seed_effects, rng, config)["lstm_forw"]}
    current = write_study(tmp_path / "current", config_with(variants=["other"]), values)
    runs = pd.read_csv(current / "metrics.csv")
    runs["variant"] = "other"
    runs.to_csv(current / "metrics.csv", index=False)

    code, _, err = run_main(capsys, baseline, current)

    assert code == 2
    assert "no variant in common" in err


def test_summary_json_path_accepted(capsys, baseline):
    summary = baseline / "summary.json"
    summary.write_text("{}")

    code, _, _ = run_main(capsys, summary, baseline)

    assert code == 0


def test_other_file_path_rejected(capsys, baseline):
    other = baseline / "notes.txt"
    other.write_text("")

    code, _, err = run_main(capsys, other, baseline)

    assert code == 2
    assert "BASELINE must be a study folder or its summary.json" in err


def test_missing_folder_exits_2(capsys, tmp_path, baseline):
    code, _, err = run_main(capsys, baseline, tmp_path / "absent")

    assert code == 2
    assert "CURRENT not found" in err
    assert "absent" in err


def test_folder_without_study_json(capsys, tmp_path, baseline):
    empty = tmp_path / "empty"
    empty.mkdir()

    code, _, err = run_main(capsys, empty, baseline)

    assert code == 2
    assert "is not a study folder: study.json not found" in err


def test_folder_without_metrics_csv(capsys, tmp_path, baseline):
    current = tmp_path / "current"
    current.mkdir()
    (current / "study.json").write_bytes((baseline / "study.json").read_bytes())

    code, _, err = run_main(capsys, baseline, current)

    assert code == 2
    assert "metrics.csv not found" in err


def test_missing_metric_column(capsys, tmp_path, baseline):
    current = tmp_path / "current"
    current.mkdir()
    (current / "study.json").write_bytes((baseline / "study.json").read_bytes())
    pd.read_csv(baseline / "metrics.csv").drop(columns="aulc").to_csv(
        current / "metrics.csv", index=False
    )

    code, _, err = run_main(capsys, baseline, current)

    assert code == 2
    assert "lacks the column(s) aulc" in err


def test_invalid_seed_column(capsys, tmp_path, baseline):
    current = tmp_path / "current"
    current.mkdir()
    (current / "study.json").write_bytes((baseline / "study.json").read_bytes())
    runs = pd.read_csv(baseline / "metrics.csv")
    runs.loc[0, "seed"] = np.nan
    runs.to_csv(current / "metrics.csv", index=False)

    code, _, err = run_main(capsys, baseline, current)

    assert code == 2
    assert "column seed of" in err


def test_duplicate_run_rows(capsys, tmp_path, baseline):
    current = tmp_path / "current"
    current.mkdir()
    (current / "study.json").write_bytes((baseline / "study.json").read_bytes())
    runs = pd.read_csv(baseline / "metrics.csv")
    pd.concat([runs, runs.iloc[[0]]]).to_csv(current / "metrics.csv", index=False)

    code, _, err = run_main(capsys, baseline, current)

    assert code == 2
    assert "more than one row for variant 'lstm_forw' seed 0" in err


def test_unsupported_schema_version(capsys, tmp_path, baseline):
    header = json.loads((baseline / "study.json").read_text())
    header["schema_version"] = 2
    (baseline / "study.json").write_text(json.dumps(header))

    code, _, err = run_main(capsys, baseline, baseline)

    assert code == 2
    assert "schema_version 2" in err


@pytest.mark.parametrize(
    ("option", "message"),
    [
        ("--margin=aulc=0", "--margin for aulc must be a finite number greater than 0"),
        ("--margin=aulc=-1", "got 'aulc=-1'"),
        ("--margin=accuracy=0.1", "unknown metric 'accuracy'"),
        ("--metrics=aulc,speed", "--metrics got unknown metric 'speed'"),
    ],
)
def test_invalid_options_exit_2(capsys, baseline, option, message):
    code, _, err = run_main(capsys, baseline, baseline, option)

    assert code == 2
    assert message in err


def test_margin_for_unjudged_metric_warns(capsys, caplog, baseline):
    code, _, _ = run_main(capsys, baseline, baseline, "--margin=final_loss=0.05")

    assert code == 0
    assert "final_loss is not judged" in caplog.text


def test_epochs_to_target_censoring_note(capsys, baseline):
    code, out, _ = run_main(capsys, baseline, baseline, "--metrics=epochs_to_target")

    runs = pd.read_csv(baseline / "metrics.csv")
    reached = int(runs[runs["variant"] == "lstm_forw"]["reached_target"].sum())
    assert code == 0
    expected = f"reached the target in {reached} of 10 baseline runs and {reached} of 10 current"
    assert expected in out
    assert "counts as 250 epochs" in out


def test_censored_epochs_filled_with_epochs(baseline):
    study = load_study_input(baseline, "BASELINE", ("epochs_to_target",))

    unreached = study.runs[~study.runs["reached_target"]]
    assert not unreached.empty
    assert (unreached["epochs_to_target"] == 250).all()


def test_markdown_summary_written(capsys, tmp_path, baseline, seed_effects, rng):
    config = config_with()
    values = heldout_values(seed_effects, rng, config, shifts={"bilstm_concat": 0.05})
    current = write_study(tmp_path / "current", config, values)
    summary = tmp_path / "summary.md"

    code, _, _ = run_main(capsys, baseline, current, "--markdown", summary)

    text = summary.read_text()
    assert code == 1
    assert text.startswith("# Regression comparison")
    assert "| variant | metric | n |" in text
    assert "| bilstm_concat | heldout_aulc | 10 pairs |" in text
    assert "- bilstm_concat heldout_aulc rose" in text


def test_markdown_unwritable_exits_2(capsys, tmp_path, baseline):
    code, _, err = run_main(capsys, baseline, baseline, "--markdown", tmp_path / "no" / "x.md")

    assert code == 2
    assert "--markdown cannot write" in err


def test_fail_on_inconclusive(capsys, tmp_path, baseline, seed_effects, rng):
    # An unpaired comparison with a seed spread of 0.03 over 10 runs gives 90 % intervals
    # wider than the margin 0.02, so at least one variant is inconclusive.
    config = config_with(root_seed=8)
    current = write_study(tmp_path / "current", config, heldout_values(seed_effects, rng, config))
    assert Verdict.INCONCLUSIVE in verdicts_of(baseline, current).values()

    code, _, _ = run_main(capsys, baseline, current, "--fail-on-inconclusive")

    assert code == 1


def test_module_entry_point_without_tensorflow(baseline):
    # A fresh interpreter shows what `python -m bench.compare` imports and returns.
    script = (
        "import sys, runpy\n"
        "sys.argv = ['bench.compare', sys.argv[1], sys.argv[1]]\n"
        "try:\n"
        "    runpy.run_module('bench.compare', run_name='__main__')\n"
        "except SystemExit as exit_request:\n"
        "    code = exit_request.code\n"
        "assert 'tensorflow' not in sys.modules, 'tensorflow was imported'\n"
        "sys.exit(code)\n"
    )
    env = {**os.environ, "PYTHONPATH": str(Path(bench.__file__).parent.parent)}
    result = subprocess.run(
        [sys.executable, "-c", script, str(baseline)], capture_output=True, text=True, env=env
    )

    assert result.returncode == 0, result.stderr
    assert "Result: no variant regressed." in result.stdout


def test_help_exits_0(capsys):
    code, out, _ = run_main(capsys, "--help")

    assert code == 0
    assert "verdict rule" in out
    assert "exit codes" in out


def test_missing_argument_exits_2(capsys):
    code, _, err = run_main(capsys)

    assert code == 2
    assert "BASELINE" in err
