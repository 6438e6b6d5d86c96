"""The report's opening sentence: the fastest learner and the evidence for it."""

from __future__ import annotations

from bench.report.evidence import find_metric, find_pair
from bench.report.formatting import fmt_estimate, fmt_p_clause, reason_text
from bench.stats.results import StudyAnalysis


def headline(analysis: StudyAnalysis) -> str:
    """Return one or two sentences that name the fastest learner and its evidence.

    The evidence is the number of seeds, the mean rank with its interval, and the paired
    comparison with the runner-up: the median paired difference with its interval and the
    Holm-adjusted p-value. When the best and the runner-up do not differ significantly, the
    sentence says that the study cannot single out one fastest learner.
    """
    ranking = analysis.ranking
    metric = find_metric(analysis, ranking.metric)
    label = metric.spec.label if metric is not None else ranking.metric
    if not ranking.entries:
        reason = ranking.note or "no variant has a value of the ranking metric"
        return f"No variant could be ranked by {label}: {reason.rstrip('.')}."

    best = ranking.entries[0]
    seeds = f"{ranking.n_seeds} seed{'s' if ranking.n_seeds != 1 else ''}"
    rank = fmt_estimate(best.mean_rank)
    if len(ranking.entries) == 1:
        return (
            f"Only one variant, {best.variant}, was ranked, so the study names no fastest "
            f"learner ({label}, {seeds})."
        )

    runner_up = ranking.entries[1]
    pair = find_pair(metric, best.variant, runner_up.variant)
    rank_clause = (
        f"over {seeds} it has the best mean rank on {label}, {rank} of "
        f"{len(ranking.entries)} variants"
    )
    if pair is None or not pair.tested:
        reason = reason_text(pair.note) if pair is not None and pair.note else "not computed"
        return (
            f"{best.variant} ranks first, but its comparison with the runner-up "
            f"{runner_up.variant} could not be tested ({reason}), so the ranking is "
            f"descriptive only: {rank_clause}."
        )

    evidence = (
        f"median paired difference {fmt_estimate(pair.median_difference, signed=True)}, "
        f"Wilcoxon signed-rank test, {fmt_p_clause(pair.p_holm, 'Holm-adjusted p')}"
    )
    if pair.better == best.variant:
        return (
            f"Fastest learner: {best.variant}. {rank_clause[0].upper()}{rank_clause[1:]}, and it "
            f"is significantly better than the runner-up {runner_up.variant}: {evidence}."
        )
    return (
        f"No single fastest learner: {best.variant} ranks first ({rank_clause}), but it is not "
        f"significantly better than the runner-up {runner_up.variant}: {evidence}. "
        f"Not separated from the first: {_first_group(analysis)}."
    )


def _first_group(analysis: StudyAnalysis) -> str:
    best = analysis.ranking.entries[0].variant
    for group in analysis.ranking.groups:
        if best in group:
            return ", ".join(group)
    return best
