"""Compare the per-run metrics of two studies variant by variant."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from bench.compare.errors import CompareInputError
from bench.compare.intervals import paired_difference, welch_difference
from bench.compare.load import OK_STATUS, StudyInput
from bench.compare.margins import METRIC_SPECS
from bench.compare.settings import (
    Pairing,
    SettingChange,
    changed_settings,
    check_task_settings,
    choose_pairing,
)
from bench.compare.verdicts import MetricVerdict, Verdict, combine, judge


@dataclass(frozen=True)
class RunCounts:
    """How many runs of a study were stored, and how many of them are compared.

    Attributes
    ----------
    expected : int
        Variants times seeds of the study's configuration.
    ok : int
        Stored runs with status "ok".
    excluded : dict of str to int
        Stored runs with another status, counted by status.
    """

    expected: int
    ok: int
    excluded: dict[str, int] = field(default_factory=dict)

    @property
    def missing(self) -> int:
        """Configured runs with no row in ``metrics.csv``."""
        return max(self.expected - self.ok - sum(self.excluded.values()), 0)


@dataclass(frozen=True)
class VariantComparison:
    """The judged metrics of one variant present in both studies."""

    variant: str
    metrics: tuple[MetricVerdict, ...]
    verdict: Verdict


@dataclass(frozen=True)
class StudyComparison:
    """Everything the table and the Markdown summary show.

    Attributes
    ----------
    baseline_folder, current_folder : pathlib.Path
        The study folders.
    pairing : Pairing
        Whether runs were paired by seed, and on which seeds.
    changes : tuple of SettingChange
        Settings that differ and are allowed to.
    margins : dict of str to float
        Margin of each judged metric, in the metric's unit.
    variants : tuple of VariantComparison
        Variants present in both studies, in the current study's order.
    only_in_baseline, only_in_current : tuple of str
        Variants present in one study only; they do not affect the result.
    baseline_runs, current_runs : RunCounts
        Stored, compared and excluded runs of each study.
    """

    baseline_folder: Path
    current_folder: Path
    pairing: Pairing
    changes: tuple[SettingChange, ...]
    margins: dict[str, float]
    variants: tuple[VariantComparison, ...]
    only_in_baseline: tuple[str, ...]
    only_in_current: tuple[str, ...]
    baseline_runs: RunCounts
    current_runs: RunCounts

    def variants_with(self, verdict: Verdict) -> list[str]:
        """Return the names of the variants whose overall verdict is ``verdict``."""
        return [item.variant for item in self.variants if item.verdict is verdict]

    @property
    def regressed(self) -> bool:
        """True when at least one variant regressed."""
        return bool(self.variants_with(Verdict.REGRESSED))


def compare_studies(
    baseline: StudyInput, current: StudyInput, margins: dict[str, float]
) -> StudyComparison:
    """Judge every metric of every variant present in both studies.

    Parameters
    ----------
    baseline, current : StudyInput
        The loaded studies.
    margins : dict of str to float
        The metrics to judge, in order, each with its margin.

    Raises
    ------
    CompareInputError
        If the task settings differ or the studies have no variant in common.
    """
    check_task_settings(baseline.config, current.config)
    pairing = choose_pairing(baseline.config, current.config)

    base_order = _variant_order(baseline)
    cur_order = _variant_order(current)
    common = [name for name in cur_order if name in base_order]
    if not common:
        raise CompareInputError(
            f"the studies have no variant in common: baseline has {', '.join(base_order)}; "
            f"current has {', '.join(cur_order)}"
        )

    variants = tuple(_compare_variant(baseline, current, name, pairing, margins) for name in common)
    return StudyComparison(
        baseline_folder=baseline.folder,
        current_folder=current.folder,
        pairing=pairing,
        changes=tuple(changed_settings(baseline.config, current.config)),
        margins=dict(margins),
        variants=variants,
        only_in_baseline=tuple(name for name in base_order if name not in cur_order),
        only_in_current=tuple(name for name in cur_order if name not in base_order),
        baseline_runs=_count_runs(baseline),
        current_runs=_count_runs(current),
    )


def _variant_order(study: StudyInput) -> list[str]:
    """Return the configured variants, then any variant found only in ``metrics.csv``."""
    order = [str(name) for name in study.config["variants"]]
    extra = [name for name in study.runs["variant"].unique() if name not in order]
    return order + extra


def _compare_variant(
    baseline: StudyInput,
    current: StudyInput,
    variant: str,
    pairing: Pairing,
    margins: dict[str, float],
) -> VariantComparison:
    base_runs = baseline.ok_runs[baseline.ok_runs["variant"] == variant]
    cur_runs = current.ok_runs[current.ok_runs["variant"] == variant]

    judged = []
    for metric, margin in margins.items():
        base_used, cur_used = _select_runs(base_runs, cur_runs, metric, pairing)
        estimate_difference = paired_difference if pairing.paired else welch_difference
        difference = estimate_difference(base_used[metric].to_numpy(), cur_used[metric].to_numpy())

        spec = METRIC_SPECS[metric]
        judged.append(
            MetricVerdict(
                metric=metric,
                margin=margin,
                lower_is_better=spec.lower_is_better,
                difference=difference,
                verdict=judge(difference, margin, spec.lower_is_better),
                note=_metric_note(metric, base_used, cur_used, baseline.config["epochs"]),
            )
        )
    return VariantComparison(variant, tuple(judged), combine(item.verdict for item in judged))


def _select_runs(
    base_runs: pd.DataFrame, cur_runs: pd.DataFrame, metric: str, pairing: Pairing
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Return the runs of each study that enter the comparison of ``metric``.

    Unpaired, these are all runs with a value. Paired, they are the runs of the common seeds
    that have a value in both studies, sorted by seed so that row i of both frames pairs up.
    """
    base = base_runs[base_runs[metric].notna()]
    cur = cur_runs[cur_runs[metric].notna()]
    if not pairing.paired:
        return base, cur

    seeds = set(pairing.common_seeds) & set(base["seed"]) & set(cur["seed"])
    base = base[base["seed"].isin(seeds)].sort_values("seed")
    cur = cur[cur["seed"].isin(seeds)].sort_values("seed")
    return base, cur


def _metric_note(
    metric: str, base_used: pd.DataFrame, cur_used: pd.DataFrame, epochs: int
) -> str | None:
    if metric != "epochs_to_target":
        return None
    base_reached = int(base_used["reached_target"].sum())
    cur_reached = int(cur_used["reached_target"].sum())
    return (
        f"reached the target in {base_reached} of {len(base_used)} baseline runs and "
        f"{cur_reached} of {len(cur_used)} current runs compared; a run that never reached "
        f"it counts as {epochs} epochs, so the means are restricted mean times to target"
    )


def _count_runs(study: StudyInput) -> RunCounts:
    statuses = study.runs["status"].astype(str)
    excluded = statuses[statuses != OK_STATUS].value_counts().sort_index()
    return RunCounts(
        expected=len(study.config["variants"]) * int(study.config["n_seeds"]),
        ok=int((statuses == OK_STATUS).sum()),
        excluded={str(status): int(count) for status, count in excluded.items()},
    )
