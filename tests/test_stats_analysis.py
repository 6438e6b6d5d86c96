"""End-to-end tests of bench.stats.analyze on awkward synthetic studies."""

import json
from dataclasses import replace

import numpy as np
import pytest

from bench.stats import analyze
from bench.stats.summary_json import summary_dict
from bench.stats.synthetic import frames_from_arrays, simulate_frames

FAST = {"n_resamples": 999, "seed": 11}


def _study(rng, variants, n_seeds=10, n_epochs=40, eval_every=10, status=None, offsets=None):
    """Return a study whose variants differ by a constant loss offset per variant."""
    offsets = offsets or {}
    base_loss = 0.6 + 0.05 * rng.normal(size=(n_seeds, n_epochs))
    base_held = 0.5 + 0.05 * rng.normal(size=(n_seeds, n_epochs // eval_every))
    loss = {name: base_loss + offsets.get(name, 0.0) for name in variants}
    held = {name: base_held + offsets.get(name, 0.0) for name in variants}
    accuracy = {name: np.clip(1.2 - held[name], 0, 1) for name in variants}
    return frames_from_arrays(loss, held, accuracy, eval_every=eval_every, status=status)


def _json_text(analysis) -> str:
    return json.dumps(summary_dict(analysis), allow_nan=False)


@pytest.mark.parametrize("n_seeds", [10, 20])
def test_equal_variants_no_difference(rng, n_seeds):
    frames = _study(rng, ["lstm_forw", "twin", "slow"], n_seeds=n_seeds, offsets={"slow": 0.2})
    result = analyze(frames, **FAST).metric("heldout_aulc")
    pair = result.pair("lstm_forw", "twin")
    assert not pair.tested
    assert pair.verdict.startswith("No difference in Held-out AULC")
    assert result.family_size == 2
    assert result.note.startswith("Holm family of 2 tested pairs; 1 of 3 pairs could not")


def test_equal_variants_same_group(rng):
    frames = _study(rng, ["lstm_forw", "twin", "slow"], offsets={"slow": 0.2})
    ranking = analyze(frames, **FAST).ranking
    entries = {entry.variant: entry for entry in ranking.entries}
    assert entries["lstm_forw"].group == entries["twin"].group


def test_constant_metric_interval_not_defined(rng):
    frames = _study(rng, ["lstm_forw", "perfect"], offsets={"perfect": -0.5})
    summary = analyze(frames, **FAST).metric("final_accuracy").summary("perfect")
    assert summary.mean.value == 1.0
    assert summary.mean.low is None
    assert summary.mean.note.startswith("not defined: all 10 values equal 1")


def test_two_variants_skip_friedman(rng):
    frames = _study(rng, ["lstm_forw", "slow"], offsets={"slow": 0.1})
    friedman = analyze(frames, **FAST).metric("aulc").friedman
    assert not friedman.computed
    assert friedman.note.startswith("Friedman test skipped: it needs at least 3 variants")


def test_one_seed_descriptive_only(rng):
    frames = _study(rng, ["lstm_forw", "slow", "slower"], n_seeds=1, offsets={"slower": 0.2})
    analysis = analyze(frames, **FAST)
    assert analysis.notes[0].startswith("Only one seed: descriptive output only")
    assert not analysis.metric("aulc").pairs[0].tested
    assert analysis.ranking.order[-1] == "slower"


def test_one_seed_summary_json_has_no_nan(rng):
    frames = _study(rng, ["lstm_forw", "slow", "slower"], n_seeds=1, offsets={"slower": 0.2})
    assert "NaN" not in _json_text(analyze(frames, **FAST))


def test_shuffled_variant_order_same_ranks(rng):
    frames = _study(rng, ["lstm_forw", "b", "c"], offsets={"b": 0.0, "c": 0.01})
    shuffled_config = {**frames.config, "variants": ["c", "lstm_forw", "b"]}
    shuffled = replace(frames, config=shuffled_config)
    first = {e.variant: e.mean_rank.value for e in analyze(frames, **FAST).ranking.entries}
    second = {e.variant: e.mean_rank.value for e in analyze(shuffled, **FAST).ranking.entries}
    assert first == second


def test_ties_across_variants_average_ranks(rng):
    frames = _study(rng, ["lstm_forw", "b", "c"], offsets={"c": 0.3})
    entries = {e.variant: e for e in analyze(frames, **FAST).ranking.entries}
    assert entries["lstm_forw"].mean_rank.value == 1.5
    assert entries["b"].mean_rank.value == 1.5


def _censoring_study():
    # Variant a reaches held-out accuracy 0.85 at epoch 20 in 3 of 10 seeds and never in the
    # other 7; variant b reaches it at epoch 60 in all 10. 250 epochs, evaluation every 10.
    n_seeds, n_epochs, n_evals = 10, 250, 25
    evaluation = np.arange(10, 251, 10)
    accuracy_a = np.full((n_seeds, n_evals), 0.7)
    accuracy_a[:3, evaluation >= 20] = 0.9
    accuracy_b = np.where(evaluation >= 60, 0.9, 0.7) * np.ones((n_seeds, 1))
    loss = {"a": np.full((n_seeds, n_epochs), 0.5), "b": np.full((n_seeds, n_epochs), 0.5)}
    held = {"a": 1 - accuracy_a, "b": 1 - accuracy_b}
    return frames_from_arrays(loss, held, {"a": accuracy_a, "b": accuracy_b})


def test_censoring_faster_variant_ranks_first():
    analysis = analyze(_censoring_study(), metric="epochs_to_target", target=0.85, **FAST)
    assert analysis.ranking.order == ("b", "a")
    assert analysis.time_to_target.order == ("b", "a")


def test_censoring_counts_reported():
    time_to_target = analyze(_censoring_study(), target=0.85, **FAST).time_to_target
    assert time_to_target.summary("a").reached_label == "3/10"
    assert time_to_target.summary("b").reached_label == "10/10"


def test_reference_falls_back_with_note(rng):
    analysis = analyze(_study(rng, ["a", "b"]), **FAST)
    assert analysis.settings.reference == "a"
    assert "The study has no 'lstm_forw'; difference curves use 'a' instead." in analysis.notes


def test_unknown_reference_rejected(rng):
    with pytest.raises(
        ValueError, match=r"reference must be a variant of the study \(a, b\), got 'x'"
    ):
        analyze(_study(rng, ["a", "b"]), reference="x", **FAST)


def test_unknown_metric_rejected(rng):
    with pytest.raises(
        ValueError, match="metric must be one of aulc, heldout_aulc, .* got 'speed'"
    ):
        analyze(_study(rng, ["a", "b"]), metric="speed", **FAST)


def test_too_few_resamples_rejected(rng):
    with pytest.raises(ValueError, match="n_resamples must be an integer >= 100, got 10"):
        analyze(_study(rng, ["a", "b"]), n_resamples=10)


def test_diverged_run_left_out_with_count(rng):
    frames = _study(rng, ["lstm_forw", "b"], status={("b", 3): "diverged"}, offsets={"b": 0.1})
    analysis = analyze(frames, **FAST)
    summary = analysis.metric("aulc").summary("b")
    assert summary.n_used == 9
    assert summary.note == "1 diverged runs left out"
    assert analysis.run_counts[1].n_diverged == 1


def test_diverged_curve_nan_not_in_json(rng):
    status = {("b", 3): "diverged"}
    frames = _study(rng, ["lstm_forw", "b"], status=status, offsets={"b": 0.1})
    assert "NaN" not in _json_text(analyze(frames, **FAST))


def test_failed_run_left_out_everywhere(rng):
    frames = _study(rng, ["lstm_forw", "b"], status={("b", 0): "failed"}, offsets={"b": 0.1})
    analysis = analyze(frames, **FAST)
    assert analysis.metric("heldout_aulc").summary("b").note == "1 failed runs left out"
    assert analysis.time_to_target.summary("b").n_runs == 9
    assert "1 failed runs are left out of every metric." in analysis.notes


def test_same_seed_same_summary(rng):
    frames = simulate_frames(rng, {"lstm_forw": 2.0, "bilstm_sum": 3.0, "x": 2.5}, n_seeds=6)
    assert _json_text(analyze(frames, **FAST)) == _json_text(analyze(frames, **FAST))


def test_clear_ordering_recovered(rng):
    speeds = {"lstm_forw": 1.0, "bilstm_sum": 4.0, "bilstm_concat": 2.5}
    frames = simulate_frames(rng, speeds, n_seeds=12, n_epochs=100)
    analysis = analyze(frames, **FAST)
    assert analysis.ranking.order == ("bilstm_sum", "bilstm_concat", "lstm_forw")
    assert analysis.metric("heldout_aulc").friedman.p_value < 0.001
