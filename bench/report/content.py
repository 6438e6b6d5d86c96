"""Everything the report says, gathered once and rendered by the Markdown and HTML writers."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bench.frames import StudyFrames
from bench.report.claims import ClaimVerdict, check_claims
from bench.report.details import config_table, failures, study_facts, wall_times
from bench.report.evidence import find_metric
from bench.report.figures import FigureOutput
from bench.report.formatting import fmt_number, fmt_p_clause
from bench.report.headline import headline
from bench.report.methods import methods_paragraphs
from bench.report.tables import (
    Table,
    logrank_table,
    pairwise_table,
    ranking_table,
    run_counts_table,
    time_to_target_table,
)
from bench.stats.results import StudyAnalysis

# Figures of the "Figures" section, grouped under their headings, in report order.
FIGURE_GROUPS = (
    ("Training loss", ("loss_directions", "loss_merge_modes", "loss_all")),
    ("Held-out curves", ("heldout_accuracy", "heldout_loss")),
    ("Paired differences against the reference", ("difference_loss", "difference_heldout_loss")),
    ("Per-seed distributions", ("distributions",)),
    ("Time to target", ("time_to_target",)),
    ("Pairwise effect sizes", ("pairwise_heatmap",)),
    ("Ranking diagram", ("ranking_diagram",)),
)


# Study notes of the analysis that the report's own caveats restate with more detail: counts of
# diverged or failed runs ("2 diverged runs are left out of ...") and the single-seed warning.
_RESTATED_NOTE = re.compile(r"^(\d+ (diverged|failed) runs? |only one seed)", re.IGNORECASE)


@dataclass(frozen=True)
class FigureGroup:
    """Figures under one heading of the report."""

    heading: str
    figures: tuple[FigureOutput, ...]


@dataclass(frozen=True)
class ReportContent:
    """The report's text, tables and figures, independent of the output format.

    Attributes
    ----------
    title : str
        Page title.
    headline : str
        The fastest learner and its evidence.
    caveats : tuple of str
        What limits the conclusions of this study (diverged runs, few seeds, skipped tests).
    ranking_intro : str
        The metric and the omnibus test above the ranking table.
    ranking : Table
        The ranking table.
    figure_groups : tuple of FigureGroup
        The figures, grouped under headings.
    pairwise_intro : str
        What the pairwise table compares.
    pairwise : Table
        Wilcoxon comparisons of every pair on the ranking metric.
    time_to_target : Table
        Kaplan-Meier summaries per variant.
    logrank : Table
        Log-rank comparisons of every pair.
    claims : tuple of ClaimVerdict
        The tutorial's claims with this study's verdicts.
    methods : tuple of str
        Methods paragraphs.
    facts : Table
        Engine, seeds, run counts, times and machine.
    run_counts : Table
        Run states per variant.
    failures : tuple of str
        Failed runs with their error messages.
    config : Table
        The study configuration.
    """

    title: str
    headline: str
    caveats: tuple[str, ...]
    ranking_intro: str
    ranking: Table
    figure_groups: tuple[FigureGroup, ...]
    pairwise_intro: str
    pairwise: Table
    time_to_target: Table
    logrank: Table
    claims: tuple[ClaimVerdict, ...]
    methods: tuple[str, ...]
    facts: Table
    run_counts: Table
    failures: tuple[str, ...]
    config: Table


def build_content(
    frames: StudyFrames, analysis: StudyAnalysis, figures: tuple[FigureOutput, ...]
) -> ReportContent:
    """Gather the report's text, tables and figures.

    Parameters
    ----------
    frames : StudyFrames
        The stored study (run states, errors and wall times).
    analysis : StudyAnalysis
        The analysis of the study.
    figures : tuple of FigureOutput
        The figures from ``bench.report.figures.build_figures``.
    """
    label = _metric_label(analysis)
    return ReportContent(
        title=f"Which variant learns fastest? Study {analysis.config_hash or ''}".strip(),
        headline=headline(analysis),
        caveats=caveats(analysis),
        ranking_intro=_ranking_intro(analysis),
        ranking=ranking_table(analysis),
        figure_groups=_group_figures(figures),
        pairwise_intro=_pairwise_intro(analysis, label),
        pairwise=pairwise_table(analysis, analysis.settings.metric),
        time_to_target=time_to_target_table(analysis),
        logrank=logrank_table(analysis),
        claims=check_claims(analysis),
        methods=methods_paragraphs(analysis),
        facts=study_facts(analysis, frames),
        run_counts=run_counts_table(analysis, wall_times(frames)),
        failures=failures(frames),
        config=config_table(analysis),
    )


def caveats(analysis: StudyAnalysis) -> tuple[str, ...]:
    """Return every limit of this study's conclusions, most important first, without repeats."""
    items = []
    planned = len(analysis.config["variants"]) * analysis.config["n_seeds"]
    stored = sum(c.n_runs for c in analysis.run_counts)
    if stored < planned:
        items.append(
            f"The study is incomplete: {stored} of {planned} planned runs are stored, and every "
            "result here uses the stored runs only. Complete it with bench.run --resume."
        )
    n_seeds = analysis.ranking.n_seeds
    if n_seeds < 2:
        items.append(
            f"Only {n_seeds} seed{'s' if n_seeds != 1 else ''} could be ranked: there is no "
            "paired test, no confidence interval over seeds and no band, so every number is "
            "descriptive."
        )
    if len(analysis.variants) == 2:
        items.append(
            "Only two variants: the Friedman test needs at least three and is skipped, and the "
            "ranking rests on one paired comparison."
        )
    diverged = sum(c.n_diverged for c in analysis.run_counts)
    failed = sum(c.n_failed for c in analysis.run_counts)
    if diverged:
        items.append(
            f"{_runs(diverged)} diverged ({_per_variant(analysis, 'n_diverged')}). "
            f"{_they(diverged)} left out of every metric that needs the whole curve and of the "
            "curve bands, and counted as not reaching the target."
        )
    if failed:
        items.append(
            f"{_runs(failed)} failed ({_per_variant(analysis, 'n_failed')}). "
            f"{_they(failed)} left out of every result; the errors are listed under Run details."
        )

    metric = find_metric(analysis, analysis.settings.metric)
    # The analysis states the diverged and failed counts too; the items above say the same
    # per variant, so those notes are left out.
    notes = [note for note in analysis.notes if not _RESTATED_NOTE.match(note.strip())]
    if metric is not None and not metric.friedman.computed:
        notes.append(_friedman_skipped(metric.friedman.note))
    if analysis.ranking.note:
        notes.append(f"Ranking: {analysis.ranking.note}")
    items += [_sentence(note) for note in notes if note and note.strip()]
    return tuple(dict.fromkeys(items))


def _ranking_intro(analysis: StudyAnalysis) -> str:
    metric = find_metric(analysis, analysis.settings.metric)
    label = _metric_label(analysis)
    description = metric.spec.description.strip().rstrip(".") if metric is not None else ""
    description = description[:1].lower() + description[1:]
    better = metric.spec.better_word if metric is not None else "lower"
    text = (
        f"Variants ranked by {label} ({description}; {better} is better), best first. "
        f"Ranks are computed within each seed ({_seeds(analysis.ranking.n_seeds)}) and "
        "averaged. "
        "Variants sharing a group letter are not separated by any Holm-corrected pairwise test."
    )
    if metric is not None:
        friedman = metric.friedman
        if friedman.computed:
            text += (
                f" Friedman test over all variants: chi-square = {fmt_number(friedman.statistic)}, "
                f"{fmt_p_clause(friedman.p_value)} ({friedman.n_blocks} seeds)."
            )
        else:
            text += " " + _friedman_skipped(friedman.note)
    return text


def _pairwise_intro(analysis: StudyAnalysis, label: str) -> str:
    text = (
        f"Every pair of variants on {label}, paired by seed. A is the better-ranked variant of "
        "the pair, so the differences show by how much it leads. Wilcoxon signed-rank tests, "
        "Holm-adjusted over all tested pairs."
    )
    metric = find_metric(analysis, analysis.settings.metric)
    if metric is not None and metric.note.strip():
        text += " " + _sentence(metric.note)
    return text


def _group_figures(figures: tuple[FigureOutput, ...]) -> tuple[FigureGroup, ...]:
    by_key = {figure.key: figure for figure in figures}
    groups = []
    for heading, keys in FIGURE_GROUPS:
        members = tuple(by_key[key] for key in keys if key in by_key)
        if members:
            groups.append(FigureGroup(heading, members))
    return tuple(groups)


def _per_variant(analysis: StudyAnalysis, field: str) -> str:
    return ", ".join(
        f"{c.variant} {getattr(c, field)}" for c in analysis.run_counts if getattr(c, field)
    )


def _friedman_skipped(note: str) -> str:
    # The analysis' note usually names the test itself ("Friedman test skipped: ...").
    note = note.strip()
    if note.lower().startswith("friedman"):
        return _sentence(note)
    return f"Friedman test over all variants not computed: {note.rstrip('.') or 'no reason'}."


def _seeds(count: int) -> str:
    return f"{count} seed{'s' if count != 1 else ''}"


def _runs(count: int) -> str:
    return f"{count} run{'s' if count != 1 else ''}"


def _they(count: int) -> str:
    return "It is" if count == 1 else "They are"


def _metric_label(analysis: StudyAnalysis) -> str:
    metric = find_metric(analysis, analysis.settings.metric)
    return metric.spec.label if metric is not None else analysis.settings.metric


def _sentence(text: str) -> str:
    text = text.strip()
    return text if text.endswith(".") else text + "."
