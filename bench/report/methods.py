"""The methods paragraphs: how the numbers of the report were computed, in plain words."""

from __future__ import annotations

from importlib import metadata

from bench.report.evidence import find_metric
from bench.report.formatting import fmt_number, fmt_p_clause
from bench.stats.results import StudyAnalysis

# Libraries whose versions the report names, besides those the analysis records itself.
FIGURE_LIBRARIES = ("matplotlib", "seaborn", "jinja2")


def methods_paragraphs(analysis: StudyAnalysis) -> tuple[str, ...]:
    """Return the methods section as paragraphs of plain text.

    The paragraphs cover the paired design, the metric, the tests and their settings, the
    correction, the intervals and bands, the time-to-target analysis and the library versions.
    """
    return (
        _design(analysis),
        _tests(analysis),
        _intervals(analysis),
        _time_to_target(analysis),
        _versions(analysis),
    )


def _design(analysis: StudyAnalysis) -> str:
    config = analysis.config
    metric = find_metric(analysis, analysis.settings.metric)
    n_seeds = config.get("n_seeds", "an unknown number of")
    return (
        f"Every variant was trained once per seed, for {n_seeds} seeds. Seed r gives every "
        "variant the same training sequences, so the variants are compared in pairs on each "
        "seed and the seeds are the blocks of the design. Each epoch is one update on one new "
        f"sequence. The ranking metric is {_label(analysis)}: {_description(metric)}. "
        f"{metric.spec.better_word.capitalize() if metric else 'Lower'} values mean faster "
        "learning. Runs that diverged are left out of every metric that needs the whole curve "
        "and count as not reaching the target; runs that failed are left out entirely."
    )


def _tests(analysis: StudyAnalysis) -> str:
    tests = analysis.settings.tests
    metric = find_metric(analysis, analysis.settings.metric)
    friedman = metric.friedman if metric is not None else None
    if friedman is not None and friedman.computed:
        omnibus = (
            f"Over the {friedman.n_blocks} seeds with a value for every variant, the Friedman "
            f"test (scipy.stats.friedmanchisquare) gives chi-square = "
            f"{fmt_number(friedman.statistic)}, {fmt_p_clause(friedman.p_value)}."
        )
    else:
        reason = friedman.note.rstrip(".") if friedman is not None and friedman.note else ""
        omnibus = f"The Friedman test over all variants was not computed: {reason or 'no data'}."
    correction = (
        "Holm's step-down correction"
        if tests.correction.lower() == "holm"
        else f"the {tests.correction} correction"
    )
    return (
        f"{omnibus} Each pair of variants is compared with the Wilcoxon signed-rank test on "
        "the per-seed differences (scipy.stats.wilcoxon with "
        f"zero_method={tests.wilcoxon_zero_method!r} and "
        f"alternative={tests.wilcoxon_alternative!r}; p-values: "
        f"{tests.wilcoxon_method.rstrip('.')}). The p-values of all tested pairs of one "
        f"metric form one family and are adjusted with {correction} at a family-wise error "
        f"rate of {tests.alpha:g}. Effect sizes "
        "are the median paired difference and the probability that one variant beats the "
        "other on the same seed (ties count one half). Ranks are computed within each seed "
        "(1 = best, ties share the average rank) and averaged over seeds; P(best) is the "
        "bootstrap probability that a variant has the best mean rank, and variants that share "
        "a group letter are not separated by any significant pairwise test."
    )


def _intervals(analysis: StudyAnalysis) -> str:
    tests = analysis.settings.tests
    percent = round(tests.confidence_level * 100)
    return (
        f"Confidence intervals are {percent}% bootstrap intervals over seeds "
        f"(scipy.stats.bootstrap; method: {tests.bootstrap_method.rstrip('.')}), with "
        f"{tests.n_resamples} resamples and seed {tests.seed}, so the same "
        f"study always gives the same intervals. Curve bands resample whole seeds: the "
        f"pointwise band holds at each epoch separately, and the simultaneous band (max-t "
        "bootstrap) covers the whole mean curve at once, which is what a reader needs to "
        "judge a whole curve. Curves are averaged over seeds before drawing, and every figure "
        "shows the bands the analysis computed."
    )


def _time_to_target(analysis: StudyAnalysis) -> str:
    ttt = analysis.time_to_target
    note = f" {ttt.note.strip()}" if ttt.note.strip() else ""
    return (
        f"Time to target is the first evaluated epoch at which held-out accuracy reaches "
        f"{ttt.target:g}. A run that never reaches it is right-censored at epoch "
        f"{ttt.horizon:g}, so it is neither dropped nor counted as reaching it at the last "
        "epoch. Kaplan-Meier curves estimate the share of runs that reached the target by each "
        "epoch; the median time has a Brookmeyer-Crowley interval, and the restricted mean "
        "time up to the last evaluation a normal interval from its Greenwood-type variance. "
        f"Pairs of variants are compared with log-rank tests, adjusted with Holm's "
        f"correction.{note}"
    )


def _versions(analysis: StudyAnalysis) -> str:
    provenance = analysis.provenance
    training = ", ".join(
        f"{name} {provenance[name]}"
        for name in ("python", "tensorflow", "keras", "numpy")
        if provenance.get(name)
    )
    statistics = ", ".join(f"{k} {v}" for k, v in sorted(analysis.library_versions.items()))
    figures = ", ".join(f"{name} {_version(name)}" for name in FIGURE_LIBRARIES)
    return (
        f"Library versions. Training: {training or 'not recorded'}. Analysis: "
        f"{statistics or 'not recorded'}. Figures and report: {figures}."
    )


def _description(metric) -> str:
    if metric is None:
        return "not described"
    text = metric.spec.description.strip().rstrip(".")
    return text[:1].lower() + text[1:]


def _label(analysis: StudyAnalysis) -> str:
    metric = find_metric(analysis, analysis.settings.metric)
    return metric.spec.label if metric is not None else analysis.settings.metric


def _version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "not installed"
