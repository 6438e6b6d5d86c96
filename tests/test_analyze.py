"""Tests of the bench.analyze command line, summary.json and the ranking table."""

import json

import pytest

from bench.analyze import format_ranking_table, main, run_analysis
from bench.stats import analyze
from bench.stats.summary_json import SUMMARY_SCHEMA_VERSION, summary_dict
from bench.stats.synthetic import simulate_frames

SPEEDS = {"lstm_forw": 1.0, "bilstm_sum": 4.0, "bilstm_concat": 2.5}


def _write_study(folder, frames, statuses=None):
    """Write ``frames`` in the stored study format (study.json and one file per run)."""
    statuses = statuses or {}
    folder.mkdir(parents=True, exist_ok=True)
    header = {
        "schema_version": 1,
        "config": frames.config,
        "config_hash": "test",
        "provenance": {"engine": "synthetic"},
    }
    (folder / "study.json").write_text(json.dumps(header))
    for run in frames.runs.itertuples(index=False):
        curve = frames.curves[
            (frames.curves["variant"] == run.variant) & (frames.curves["seed"] == run.seed)
        ]
        held = frames.heldout[
            (frames.heldout["variant"] == run.variant) & (frames.heldout["seed"] == run.seed)
        ]
        record = {
            "schema_version": 1,
            "variant": run.variant,
            "seed": int(run.seed),
            "status": statuses.get((run.variant, int(run.seed)), "ok"),
            "error": None,
            "wall_time_s": 1.0,
            "loss": curve["loss"].tolist(),
            "accuracy": curve["accuracy"].tolist(),
            "heldout_epoch": held["epoch"].tolist(),
            "heldout_loss": held["loss"].tolist(),
            "heldout_accuracy": held["accuracy"].tolist(),
        }
        run_dir = folder / "runs" / run.variant
        run_dir.mkdir(parents=True, exist_ok=True)
        (run_dir / f"seed-{int(run.seed):04d}.json").write_text(json.dumps(record))
    return folder


@pytest.fixture
def study_dir(tmp_path, rng):
    frames = simulate_frames(rng, SPEEDS, n_seeds=6, n_epochs=60)
    return _write_study(tmp_path / "study", frames)


def test_main_writes_summary(study_dir):
    assert main([str(study_dir), "--resamples", "200"]) == 0
    summary = json.loads((study_dir / "summary.json").read_text())
    assert summary["schema_version"] == SUMMARY_SCHEMA_VERSION
    assert summary["ranking"]["order"][0] == "bilstm_sum"


def test_main_prints_ranking(study_dir, capsys):
    main([str(study_dir), "--resamples", "200"])
    output = capsys.readouterr().out
    assert output.startswith("Ranking by Held-out AULC (lower is better) over 6 seeds")


def test_main_metric_option(study_dir):
    main([str(study_dir), "--resamples", "200", "--metric", "final_accuracy"])
    summary = json.loads((study_dir / "summary.json").read_text())
    assert summary["settings"]["metric"] == "final_accuracy"


def test_main_target_option(study_dir):
    main([str(study_dir), "--resamples", "200", "--target", "0.7"])
    summary = json.loads((study_dir / "summary.json").read_text())
    assert summary["time_to_target"]["target"] == 0.7


def test_missing_folder_exit_2(tmp_path, capsys):
    assert main([str(tmp_path / "absent")]) == 2
    assert "STUDY_DIR" in capsys.readouterr().err


def test_missing_folder_message(tmp_path, capsys):
    main([str(tmp_path / "absent")])
    error = capsys.readouterr().err
    assert error == f"error: STUDY_DIR '{tmp_path / 'absent'}' is not an existing folder\n"


def test_folder_without_study_message(tmp_path, capsys):
    assert main([str(tmp_path)]) == 2
    assert "contains no study.json; give a folder written by python -m bench.run" in (
        capsys.readouterr().err
    )


def test_unknown_metric_message(study_dir, capsys):
    assert main([str(study_dir), "--metric", "speed"]) == 2
    assert capsys.readouterr().err == (
        "error: --metric 'speed' is not a known metric; accepted: aulc, heldout_aulc, "
        "epochs_to_target, final_loss, final_accuracy\n"
    )


@pytest.mark.parametrize("value", ["1.5", "0", "-0.2", "abc", "nan"])
def test_bad_target_message(study_dir, capsys, value):
    assert main([str(study_dir), "--target", value]) == 2
    assert capsys.readouterr().err == (
        f"error: --target '{value}' is not a held-out accuracy in (0, 1]; "
        "give a fraction such as 0.85\n"
    )


def test_unknown_reference_message(study_dir, capsys):
    assert main([str(study_dir), "--reference", "gru"]) == 2
    assert capsys.readouterr().err == (
        "error: --reference 'gru' is not a variant of this study; "
        "accepted: lstm_forw, bilstm_sum, bilstm_concat\n"
    )


def test_bad_resamples_message(study_dir, capsys):
    assert main([str(study_dir), "--resamples", "10"]) == 2
    assert capsys.readouterr().err == "error: --resamples '10' is not an integer >= 100\n"


def test_bad_seed_message(study_dir, capsys):
    assert main([str(study_dir), "--seed", "x"]) == 2
    assert capsys.readouterr().err == "error: --seed 'x' is not an integer >= 0\n"


def test_missing_argument_exit_2():
    assert main([]) == 2


def test_run_analysis_writes_summary(study_dir):
    analysis = run_analysis(study_dir, n_resamples=200)
    assert (study_dir / "summary.json").is_file()
    assert analysis.ranking.order[0] == "bilstm_sum"


def test_summary_json_diverged_run_no_nan(tmp_path, rng):
    frames = simulate_frames(rng, SPEEDS, n_seeds=4, n_epochs=60)
    folder = _write_study(tmp_path / "study", frames)
    # Cut one run short with a non-finite tail, as the store writes a diverged run.
    run_file = folder / "runs" / "bilstm_sum" / "seed-0001.json"
    record = json.loads(run_file.read_text())
    record.update(
        status="diverged",
        loss=record["loss"][:25],
        accuracy=record["accuracy"][:25],
        heldout_epoch=record["heldout_epoch"][:2],
        heldout_loss=record["heldout_loss"][:2],
        heldout_accuracy=record["heldout_accuracy"][:2],
    )
    run_file.write_text(json.dumps(record))
    assert main([str(folder), "--resamples", "200"]) == 0
    text = (folder / "summary.json").read_text()
    assert "NaN" not in text
    assert json.loads(text)["run_counts"][1]["n_diverged"] == 1


def test_summary_dict_sections(rng):
    frames = simulate_frames(rng, SPEEDS, n_seeds=5, n_epochs=60)
    summary = summary_dict(analyze(frames, n_resamples=200))
    assert set(summary) == {
        "schema_version",
        "config",
        "config_hash",
        "settings",
        "library_versions",
        "study_provenance",
        "run_counts",
        "notes",
        "metrics",
        "time_to_target",
        "ranking",
    }


def test_summary_dict_records_test_settings(rng):
    frames = simulate_frames(rng, SPEEDS, n_seeds=5, n_epochs=60)
    tests = summary_dict(analyze(frames, n_resamples=200))["settings"]["tests"]
    assert tests["wilcoxon_zero_method"] == "wilcox"
    assert tests["wilcoxon_alternative"] == "two-sided"
    assert tests["wilcoxon_method"].startswith("exact when no difference is zero or tied")
    assert tests["n_resamples"] == 200


def test_summary_dict_library_versions(rng):
    frames = simulate_frames(rng, SPEEDS, n_seeds=5, n_epochs=60)
    versions = summary_dict(analyze(frames, n_resamples=200))["library_versions"]
    assert set(versions) == {"bench", "python", "numpy", "scipy", "pandas"}


def test_ranking_table_rows(rng):
    frames = simulate_frames(rng, SPEEDS, n_seeds=5, n_epochs=60)
    lines = format_ranking_table(analyze(frames, n_resamples=200)).splitlines()
    assert lines[1].split()[:3] == ["#", "variant", "group"]
    assert lines[2].split()[:2] == ["1", "bilstm_sum"]


def test_ranking_table_reached_column(rng):
    frames = simulate_frames(rng, SPEEDS, n_seeds=5, n_epochs=60)
    table = format_ranking_table(analyze(frames, n_resamples=200, target=0.5))
    assert table.splitlines()[2].endswith("5/5")


def test_ranking_table_never_nan(rng):
    frames = simulate_frames(rng, SPEEDS, n_seeds=1, n_epochs=60)
    assert "nan" not in format_ranking_table(analyze(frames, n_resamples=200)).lower()
