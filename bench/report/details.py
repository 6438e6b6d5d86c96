"""Run details: configuration, engine, seeds, run counts, wall time and machine."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from bench.frames import StudyFrames
from bench.report.formatting import fmt_seconds, is_number
from bench.report.tables import Table
from bench.stats.results import StudyAnalysis

# Configuration keys in the order a reader looks for them, with their meaning.
CONFIG_LABELS = {
    "variants": "variants",
    "n_seeds": "seeds (replicates)",
    "root_seed": "root seed",
    "epochs": "epochs per run (one sequence each)",
    "n_timesteps": "time steps per sequence",
    "threshold_fraction": "target threshold, fraction of time steps",
    "units": "LSTM units per direction",
    "learning_rate": "Adam learning rate",
    "eval_every": "epochs between held-out evaluations",
    "eval_size": "held-out sequences",
    "engine": "training engine",
}

# Maximum length, in characters, of the error message shown per failed run.
MAX_ERROR_CHARS = 200

# Failed runs listed by name before the rest are only counted.
MAX_LISTED_FAILURES = 10


def config_table(analysis: StudyAnalysis) -> Table:
    """Return the study configuration as (setting, value) rows, known keys first."""
    config = analysis.config
    rows = [(CONFIG_LABELS[key], _value(config[key])) for key in CONFIG_LABELS if key in config]
    rows += [(key, _value(value)) for key, value in config.items() if key not in CONFIG_LABELS]
    rows.append(("configuration hash", analysis.config_hash or "not recorded"))
    return Table(("setting", "value"), tuple(rows))


def study_facts(analysis: StudyAnalysis, frames: StudyFrames) -> Table:
    """Return engine, seeds, counts, wall times and machine as (fact, value) rows."""
    provenance = analysis.provenance
    counts = analysis.run_counts
    ok = sum(c.n_ok for c in counts)
    diverged = sum(c.n_diverged for c in counts)
    failed = sum(c.n_failed for c in counts)
    expected = len(analysis.variants) * int(analysis.config.get("n_seeds", 0) or 0)
    stored = sum(c.n_runs for c in counts)

    rows = [
        ("engine", str(provenance.get("engine", analysis.config.get("engine", "not recorded")))),
        (
            "seeds",
            f"{analysis.config.get('n_seeds', 'not recorded')} "
            f"(root seed {analysis.config.get('root_seed', 'not recorded')})",
        ),
        ("runs stored", f"{stored} of {expected} planned" if expected else str(stored)),
        ("runs ok / diverged / failed", f"{ok} / {diverged} / {failed}"),
        ("study wall time (start to finish)", _elapsed(provenance)),
        ("training time, summed over runs", _summed_time(frames)),
        ("started", str(provenance.get("started_at") or "not recorded")),
        ("finished", str(provenance.get("finished_at") or "not recorded (study not finished)")),
        ("machine", _machine(provenance)),
    ]
    return Table(("fact", "value"), tuple(rows))


def wall_times(frames: StudyFrames) -> dict[str, float]:
    """Return the summed ``wall_time_s`` of the stored runs of each variant."""
    runs = frames.runs
    if runs.empty:
        return {}
    seconds = pd.to_numeric(runs["wall_time_s"], errors="coerce")
    totals = seconds.groupby(runs["variant"], sort=False).sum(min_count=1)
    return {str(k): float(v) for k, v in totals.items() if is_number(v)}


def failures(frames: StudyFrames) -> tuple[str, ...]:
    """Return one line per failed run: variant, seed and its error message, shortened."""
    runs = frames.runs
    failed = runs[runs["status"] == "failed"]
    lines = []
    for run in failed.head(MAX_LISTED_FAILURES).itertuples(index=False):
        error = str(run.error or "no error message stored").strip().splitlines()[0]
        if len(error) > MAX_ERROR_CHARS:
            error = error[: MAX_ERROR_CHARS - 3] + "..."
        lines.append(f"{run.variant}, seed {int(run.seed)}: {error}")
    if len(failed) > MAX_LISTED_FAILURES:
        lines.append(f"and {len(failed) - MAX_LISTED_FAILURES} more failed runs")
    return tuple(lines)


def _value(value) -> str:
    if isinstance(value, (list, tuple)):
        return ", ".join(str(item) for item in value)
    return str(value)


def _elapsed(provenance: dict) -> str:
    started = _parse_time(provenance.get("started_at"))
    finished = _parse_time(provenance.get("finished_at"))
    if started is None or finished is None:
        return "not computed: the study header lacks a start or finish time"
    return fmt_seconds((finished - started).total_seconds())


def _summed_time(frames: StudyFrames) -> str:
    seconds = pd.to_numeric(frames.runs["wall_time_s"], errors="coerce")
    if not seconds.notna().any():
        return "not computed: no run recorded its wall time"
    return fmt_seconds(float(seconds.sum()))


def _machine(provenance: dict) -> str:
    # The host name is left out: the report is meant to be shared.
    parts = []
    if provenance.get("platform"):
        parts.append(str(provenance["platform"]))
    if provenance.get("machine"):
        parts.append(str(provenance["machine"]))
    if provenance.get("cpu_count"):
        parts.append(f"{provenance['cpu_count']} CPUs")
    return ", ".join(parts) or "not recorded"


def _parse_time(text) -> dt.datetime | None:
    if not text:
        return None
    try:
        return dt.datetime.fromisoformat(str(text))
    except ValueError:
        return None
