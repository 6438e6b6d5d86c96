"""Frozen dataclasses that form the public result API of the analysis.

Conventions that hold for every class here:

- A quantity that could not be computed is ``None``, never NaN, and a ``note`` field explains
  in words why (for example "not defined: all 10 values equal 1, so every bootstrap resample
  gives the same value"). An empty ``note`` means nothing was left out.
- Metric values are in the unit of the metric (see ``bench.metrics.METRICS``): loss values in
  nats of binary cross-entropy, accuracies as fractions in [0, 1], times in epochs.
- Which direction is better comes from ``MetricSpec.higher_is_better``; fields named ``better``
  or ``faster`` already apply it.
- Curve arrays (``CurveBand``, ``KaplanMeierCurve``) are read-only float64 NumPy arrays of equal
  length. Every other sequence is a tuple, so the objects are safe to share.
- Confidence levels are 95% unless ``Estimate.level`` gives another level.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from bench.metrics import MetricSpec


@dataclass(frozen=True)
class Estimate:
    """A point estimate with a confidence interval, or the reason either is missing.

    Attributes
    ----------
    value : float or None
        The point estimate, in the unit of the quantity. None when it could not be computed.
    low, high : float or None
        Lower and upper bounds of the confidence interval. Both are None when the interval is
        not defined, and ``note`` then explains why. Only ``high`` is None when just the upper
        bound is undefined (the median time to target when the upper band never reaches 0.5).
    method : str
        How the interval was obtained: "bca" (bias-corrected and accelerated bootstrap),
        "percentile" (percentile bootstrap, the fallback when BCa is not defined),
        "km-band" (median time to target: where the pointwise Kaplan-Meier band crosses 0.5),
        "normal" (estimate plus or minus z times the standard error), "clopper-pearson" (exact
        binomial interval, for a probability of improvement won on every seed), or "none" when
        no interval was computed.
    note : str
        Empty when the estimate and interval are both defined by the stated method. Otherwise a
        sentence that explains what could not be computed and why, or which fallback was used.
    level : float, default 0.95
        Confidence level of the interval.
    """

    value: float | None
    low: float | None
    high: float | None
    method: str
    note: str = ""
    level: float = 0.95

    @property
    def has_value(self) -> bool:
        """True when the point estimate is defined."""
        return self.value is not None

    @property
    def has_interval(self) -> bool:
        """True when both interval bounds are defined."""
        return self.low is not None and self.high is not None

    def format(self, digits: int = 3) -> str:
        """Render as "0.412 (95% CI 0.398 to 0.431)", or with the reason when not defined."""
        if self.value is None:
            return f"not computed ({self.note})" if self.note else "not computed"
        text = f"{self.value:.{digits}g}"
        percent = round(self.level * 100)
        if self.has_interval:
            return f"{text} ({percent}% CI {self.low:.{digits}g} to {self.high:.{digits}g})"
        if self.low is not None:
            return f"{text} ({percent}% CI from {self.low:.{digits}g}; {self.note})"
        return f"{text} (CI {self.note})" if self.note else f"{text} (no CI)"

    def negated(self) -> Estimate:
        """Return the estimate of the negated quantity, with the bounds swapped."""
        return replace(
            self,
            value=None if self.value is None else -self.value,
            low=None if self.high is None else -self.high,
            high=None if self.low is None else -self.low,
        )

    def complemented(self) -> Estimate:
        """Return the estimate of one minus the quantity (for probabilities)."""
        return replace(
            self,
            value=None if self.value is None else 1.0 - self.value,
            low=None if self.high is None else 1.0 - self.high,
            high=None if self.low is None else 1.0 - self.low,
        )

    @staticmethod
    def missing(note: str, method: str = "none") -> Estimate:
        """Return an estimate whose value and interval are both not computable."""
        return Estimate(value=None, low=None, high=None, method=method, note=note)


@dataclass(frozen=True)
class RunCounts:
    """How many runs of one variant were stored and in what state.

    Attributes
    ----------
    variant : str
        Variant name.
    n_runs : int
        Stored runs of the variant (one per seed).
    n_ok : int
        Runs with status "ok".
    n_diverged : int
        Runs that stopped at a non-finite loss; left out of metrics that need the full curve.
    n_failed : int
        Runs that raised an error; left out of every metric.
    """

    variant: str
    n_runs: int
    n_ok: int
    n_diverged: int
    n_failed: int


@dataclass(frozen=True)
class VariantSummary:
    """Descriptive statistics of one metric for one variant.

    Attributes
    ----------
    variant : str
        Variant name.
    metric : str
        Metric name (a key of ``bench.metrics.METRICS``).
    n_used : int
        Runs whose value entered the summary.
    n_excluded : int
        Runs of the variant left out (failed, or diverged for a metric that needs the full
        curve). ``note`` names the reasons.
    values : tuple of float
        The per-seed values that were used, in seed order.
    seeds : tuple of int
        Seed of each value in ``values``.
    mean, median : Estimate
        Mean and median with a seeded bootstrap 95% CI (BCa where defined, percentile otherwise;
        ``Estimate.method`` and ``Estimate.note`` say which).
    std : float or None
        Sample standard deviation (ddof=1); None with fewer than two values.
    minimum, maximum : float or None
        Range of the values; None when no value was used.
    note : str
        Why runs were excluded or statistics are missing; empty otherwise.
    """

    variant: str
    metric: str
    n_used: int
    n_excluded: int
    values: tuple[float, ...]
    seeds: tuple[int, ...]
    mean: Estimate
    median: Estimate
    std: float | None
    minimum: float | None
    maximum: float | None
    note: str = ""


@dataclass(frozen=True)
class OmnibusTest:
    """Friedman test that all variants have the same distribution of a metric.

    Attributes
    ----------
    metric : str
        Metric name.
    computed : bool
        False when the test was skipped, and ``note`` explains why (fewer than 3 variants,
        fewer than 2 complete seeds, or every seed ranks all variants equally).
    statistic : float or None
        Friedman chi-square statistic.
    p_value : float or None
        Asymptotic chi-square p-value (``scipy.stats.friedmanchisquare``).
    n_blocks : int
        Seeds with a value for every compared variant (the blocks used).
    variants : tuple of str
        Variants entered into the test.
    note : str
        Reason for skipping, or which seeds were left out; empty otherwise.
    """

    metric: str
    computed: bool
    statistic: float | None
    p_value: float | None
    n_blocks: int
    variants: tuple[str, ...]
    note: str = ""


@dataclass(frozen=True)
class PairwiseComparison:
    """Paired comparison of two variants on one metric, seeds as blocks.

    Attributes
    ----------
    metric : str
        Metric name.
    variant_a, variant_b : str
        The two variants; differences are ``a - b``.
    n_pairs : int
        Seeds with a value for both variants.
    n_zero_differences : int
        Seeds on which both variants have exactly the same value.
    tested : bool
        True when the Wilcoxon test ran and the pair belongs to the Holm family. False when the
        pair could not be tested (fewer than 2 pairs, or every difference is zero). ``note``
        then explains why, and ``p_value``, ``p_holm`` and ``statistic`` are None.
    statistic : float or None
        Wilcoxon signed-rank statistic as returned by ``scipy.stats.wilcoxon``.
    p_value : float or None
        Unadjusted two-sided p-value.
    p_holm : float or None
        Holm-adjusted p-value within the family of tested pairs of this metric.
    significant : bool
        True when ``p_holm`` is below the analysis' alpha. False when not significant or not
        tested.
    median_difference : Estimate
        Median of the paired differences ``a - b`` in metric units, with a seeded bootstrap
        95% CI over seeds.
    prob_improvement : Estimate
        Probability that ``variant_a`` is better than ``variant_b`` on the same seed (direction
        from ``MetricSpec.higher_is_better``; ties count one half), with a bootstrap 95% CI.
    better : str or None
        The variant that is significantly better, or None when there is no significant
        difference.
    verdict : str
        One sentence for a reader, e.g. "bilstm_sum has lower held-out AULC than lstm_forw
        (median paired difference -0.031, 95% CI -0.040 to -0.022; Holm p = 0.0004)".
    note : str
        Why the pair was not tested, or which seeds were left out; empty otherwise.
    method : str
        How the p-value was computed: "exact", "permutation" (all sign flips), "asymptotic",
        or "none" when not tested.
    """

    metric: str
    variant_a: str
    variant_b: str
    n_pairs: int
    n_zero_differences: int
    tested: bool
    statistic: float | None
    p_value: float | None
    p_holm: float | None
    significant: bool
    median_difference: Estimate
    prob_improvement: Estimate
    better: str | None
    verdict: str
    note: str = ""
    method: str = "none"

    def swapped(self) -> PairwiseComparison:
        """Return the same comparison seen from ``variant_b`` (differences ``b - a``)."""
        return replace(
            self,
            variant_a=self.variant_b,
            variant_b=self.variant_a,
            median_difference=self.median_difference.negated(),
            prob_improvement=self.prob_improvement.complemented(),
        )


@dataclass(frozen=True)
class TestSettings:
    """The settings of every test and interval, recorded so a reader can repeat them.

    Attributes
    ----------
    alpha : float
        Family-wise error rate for the Holm correction.
    confidence_level : float
        Level of every confidence interval and band.
    n_resamples : int
        Bootstrap resamples per interval and band.
    seed : int
        Seed of every bootstrap (child streams are derived from it per quantity, so results
        do not depend on variant order).
    bootstrap_method : str
        Preferred interval method ("BCa"); the fallback is "percentile".
    wilcoxon_zero_method : str
        ``zero_method`` passed to ``scipy.stats.wilcoxon``.
    wilcoxon_method : str
        ``method`` passed to ``scipy.stats.wilcoxon``.
    wilcoxon_alternative : str
        ``alternative`` passed to ``scipy.stats.wilcoxon``.
    correction : str
        Multiple-comparison correction ("holm").
    """

    alpha: float
    confidence_level: float
    n_resamples: int
    seed: int
    bootstrap_method: str
    wilcoxon_zero_method: str
    wilcoxon_method: str
    wilcoxon_alternative: str
    correction: str = "holm"

    # The name starts with "Test", so pytest would try to collect the class from a test module
    # that imports it.
    __test__ = False


@dataclass(frozen=True)
class MetricAnalysis:
    """Summaries and tests of one metric across all variants.

    Attributes
    ----------
    spec : MetricSpec
        Name, unit and direction of the metric.
    summaries : tuple of VariantSummary
        One per variant, in study variant order.
    friedman : OmnibusTest
        Omnibus test over all variants.
    pairs : tuple of PairwiseComparison
        Every unordered pair once, ``variant_a`` before ``variant_b`` in study variant order.
    family_size : int
        Number of tested pairs that formed the Holm family (pairs that could not be tested are
        left out of it).
    note : str
        Family-level remarks, e.g. how many pairs were left out of the Holm family and why.
    """

    spec: MetricSpec
    summaries: tuple[VariantSummary, ...]
    friedman: OmnibusTest
    pairs: tuple[PairwiseComparison, ...]
    family_size: int
    note: str = ""

    def summary(self, variant: str) -> VariantSummary:
        """Return the summary of one variant; raise KeyError if absent."""
        for summary in self.summaries:
            if summary.variant == variant:
                return summary
        raise KeyError(f"variant {variant!r} not in the analysis of {self.spec.name}")

    def pair(self, variant_a: str, variant_b: str) -> PairwiseComparison:
        """Return the comparison oriented as ``variant_a`` versus ``variant_b``."""
        for pair in self.pairs:
            if (pair.variant_a, pair.variant_b) == (variant_a, variant_b):
                return pair
            if (pair.variant_a, pair.variant_b) == (variant_b, variant_a):
                return pair.swapped()
        raise KeyError(f"pair {variant_a!r}, {variant_b!r} not in the analysis")


@dataclass(frozen=True, eq=False)
class KaplanMeierCurve:
    """Kaplan-Meier estimate of the probability that a run has not yet reached the target.

    The curve is a right-continuous step function: ``survival[i]`` applies from ``times[i]`` up
    to the next time. It starts at time 0 with survival 1. The fraction of runs that reached
    the target by epoch t is ``1 - survival``.

    Attributes
    ----------
    times : numpy.ndarray
        Epochs at which the curve steps: 0 first, then each epoch at which a run reached the
        target, then the horizon (with the last value repeated) so the curve spans the study.
    survival : numpy.ndarray
        Estimated probability of not having reached the target by that epoch.
    low, high : numpy.ndarray
        Pointwise 95% confidence band (Greenwood variance on the log(-log) scale). Where the
        band is not defined (survival 0 or 1) both bounds equal the estimate.
    """

    times: np.ndarray
    survival: np.ndarray
    low: np.ndarray
    high: np.ndarray


@dataclass(frozen=True)
class TimeToTargetSummary:
    """Censored time to target of one variant.

    Attributes
    ----------
    variant : str
        Variant name.
    n_runs : int
        Runs that entered the analysis (failed runs are left out).
    n_reached : int
        Runs that reached the target; the others are right-censored.
    reached_label : str
        "k/N", e.g. "3/10".
    curve : KaplanMeierCurve or None
        Kaplan-Meier curve; None when no run entered the analysis.
    median : Estimate
        Kaplan-Meier median time to target in epochs, with the 95% CI where the pointwise
        band crosses 0.5 (method "km-band"). The value is None when fewer than half the runs
        reached the target, and the high bound is None when the upper band never reaches 0.5;
        the note names which.
    restricted_mean : Estimate
        Restricted mean time to target up to the horizon (area under the Kaplan-Meier curve),
        in epochs, with a normal 95% CI from its Greenwood-type variance.
    note : str
        Which runs were excluded and why; empty otherwise.
    """

    variant: str
    n_runs: int
    n_reached: int
    reached_label: str
    curve: KaplanMeierCurve | None
    median: Estimate
    restricted_mean: Estimate
    note: str = ""


@dataclass(frozen=True)
class LogRankComparison:
    """Log-rank test of equal time-to-target distributions for two variants.

    Attributes
    ----------
    variant_a, variant_b : str
        The two variants.
    tested : bool
        False when the test is not defined (no run of either variant reached the target, or a
        variant has no runs). ``note`` then explains why, and the pair is left out of the Holm
        family.
    statistic : float or None
        Log-rank chi-square statistic (1 degree of freedom).
    p_value : float or None
        Unadjusted p-value.
    p_holm : float or None
        Holm-adjusted p-value within the family of tested pairs.
    significant : bool
        True when ``p_holm`` is below alpha.
    faster : str or None
        The variant with the smaller restricted mean time to target when the difference is
        significant, else None.
    note : str
        Why the pair was not tested; empty otherwise.
    """

    variant_a: str
    variant_b: str
    tested: bool
    statistic: float | None
    p_value: float | None
    p_holm: float | None
    significant: bool
    faster: str | None
    note: str = ""


@dataclass(frozen=True)
class TimeToTargetAnalysis:
    """Censored time-to-target analysis over all variants.

    Attributes
    ----------
    target : float
        Held-out accuracy a run must reach, a fraction in (0, 1].
    horizon : float
        Restriction time of the restricted mean, in epochs (the last evaluated epoch).
    summaries : tuple of TimeToTargetSummary
        One per variant, in study variant order.
    order : tuple of str
        Variants from fastest to slowest by restricted mean time to target (ties keep study
        order).
    pairs : tuple of LogRankComparison
        Every unordered pair once, in study variant order.
    family_size : int
        Number of tested pairs in the Holm family.
    note : str
        Remarks on the whole analysis, e.g. that the log-rank test treats seeds as independent.
    """

    target: float
    horizon: float
    summaries: tuple[TimeToTargetSummary, ...]
    order: tuple[str, ...]
    pairs: tuple[LogRankComparison, ...]
    family_size: int
    note: str = ""

    def summary(self, variant: str) -> TimeToTargetSummary:
        """Return the summary of one variant; raise KeyError if absent."""
        for summary in self.summaries:
            if summary.variant == variant:
                return summary
        raise KeyError(f"variant {variant!r} not in the time-to-target analysis")


@dataclass(frozen=True, eq=False)
class CurveBand:
    """Mean curve of one variant (or paired difference against a reference) with 95% bands.

    Attributes
    ----------
    quantity : str
        "loss" (training loss per epoch), "heldout_loss" or "heldout_accuracy" (per evaluated
        epoch).
    variant : str
        Variant name.
    reference : str or None
        None for a plain mean curve. For a difference curve, the reference variant, and the
        curve is the mean over seeds of ``variant - reference`` on the same seed.
    epochs : numpy.ndarray
        Epoch of each point. Empty when no run has a complete curve.
    mean : numpy.ndarray
        Mean over seeds at each epoch (empty when ``epochs`` is).
    pointwise_low, pointwise_high : numpy.ndarray or None
        Studentized bootstrap 95% band, valid at each epoch separately. None when not defined
        (fewer than 2 seeds, or 2-3 seeds where too many resamples repeat one seed); ``note``
        explains why.
    simultaneous_low, simultaneous_high : numpy.ndarray or None
        Max-t studentized bootstrap 95% band that covers the whole mean curve at once, and
        contains the pointwise band. None when not defined, and ``note`` explains why. At
        epochs where every seed has the same value both bands have zero width.
    n_seeds : int
        Seeds that entered the curve (runs with a complete curve; paired seeds for differences).
    n_excluded : int
        Runs left out because they diverged or failed.
    note : str
        Why a band is missing or runs were left out; empty otherwise.
    """

    quantity: str
    variant: str
    reference: str | None
    epochs: np.ndarray
    mean: np.ndarray
    pointwise_low: np.ndarray | None
    pointwise_high: np.ndarray | None
    simultaneous_low: np.ndarray | None
    simultaneous_high: np.ndarray | None
    n_seeds: int
    n_excluded: int
    note: str = ""

    @property
    def is_difference(self) -> bool:
        """True for a paired difference curve against ``reference``."""
        return self.reference is not None


@dataclass(frozen=True)
class VariantRank:
    """Position of one variant in the ranking.

    Attributes
    ----------
    variant : str
        Variant name.
    position : int
        1 for the best variant of the ordered ranking, then 2, 3, ...
    mean_rank : Estimate
        Mean over seeds of the within-seed rank (1 = best, ties get average ranks), with a
        percentile bootstrap 95% CI over seeds; not defined when the rank is the same on
        every seed.
    prob_first : float
        Bootstrap probability that the variant has the best mean rank (ties share equally).
    share_first : float
        Fraction of seeds on which the variant ranks first (ties share equally).
    median_value : float or None
        Median of the ranking metric over the seeds used, in metric units.
    group : str
        Letters of the groups the variant belongs to ("a", "ab", ...). Variants sharing a
        letter have no significant pairwise difference (Holm-adjusted Wilcoxon).
    """

    variant: str
    position: int
    mean_rank: Estimate
    prob_first: float
    share_first: float
    median_value: float | None
    group: str


@dataclass(frozen=True)
class Ranking:
    """One ordered ranking of the variants by a primary learning-speed metric.

    Attributes
    ----------
    metric : str
        Ranking metric name.
    higher_is_better : bool
        Direction of the ranking metric.
    entries : tuple of VariantRank
        From best (position 1) to worst.
    groups : tuple of tuple of str
        Maximal sets of variants, consecutive in the ranking, in which no pair differs
        significantly; groups may overlap.
    n_seeds : int
        Seeds with a value for every ranked variant (the blocks ranked).
    note : str
        Which seeds or variants were left out and why; empty otherwise.
    """

    metric: str
    higher_is_better: bool
    entries: tuple[VariantRank, ...]
    groups: tuple[tuple[str, ...], ...]
    n_seeds: int
    note: str = ""

    @property
    def order(self) -> tuple[str, ...]:
        """Variant names from best to worst."""
        return tuple(entry.variant for entry in self.entries)


@dataclass(frozen=True)
class AnalysisSettings:
    """The choices an analysis was run with.

    Attributes
    ----------
    metric : str
        Primary ranking metric.
    target : float
        Held-out accuracy target of ``epochs_to_target``.
    reference : str or None
        Reference variant of the difference bands; None when the study has no variants.
    tests : TestSettings
        Settings of tests, corrections and bootstraps.
    """

    metric: str
    target: float
    reference: str | None
    tests: TestSettings


@dataclass(frozen=True, eq=False)
class StudyAnalysis:
    """Everything the analysis of one stored study found.

    Attributes
    ----------
    settings : AnalysisSettings
        Ranking metric, target, reference variant and test settings.
    config : dict
        Study configuration as stored.
    config_hash : str
        Hash of the study configuration.
    provenance : dict
        Provenance of the study runs (library versions, engine, machine, times).
    library_versions : dict
        Versions of the libraries the analysis used (numpy, scipy, pandas, python).
    variants : tuple of str
        Variants with stored runs, in study variant order.
    run_counts : tuple of RunCounts
        Stored, diverged and failed runs per variant.
    run_metrics : pandas.DataFrame
        Per-run metrics, the columns of ``metrics.csv``.
    metrics : tuple of MetricAnalysis
        One per metric in ``bench.metrics.METRICS`` order.
    time_to_target : TimeToTargetAnalysis
        Censored time-to-target analysis.
    bands : tuple of CurveBand
        Mean curves with bands for each variant and quantity, then the difference curves of
        every other variant against the reference.
    ranking : Ranking
        Ordered ranking by the primary metric.
    notes : tuple of str
        Study-level remarks, e.g. "Only one seed: descriptive output only".
    """

    settings: AnalysisSettings
    config: dict
    config_hash: str
    provenance: dict
    library_versions: dict
    variants: tuple[str, ...]
    run_counts: tuple[RunCounts, ...]
    run_metrics: pd.DataFrame
    metrics: tuple[MetricAnalysis, ...]
    time_to_target: TimeToTargetAnalysis
    bands: tuple[CurveBand, ...]
    ranking: Ranking
    notes: tuple[str, ...] = field(default_factory=tuple)

    def metric(self, name: str) -> MetricAnalysis:
        """Return the analysis of one metric; raise KeyError if absent."""
        for analysis in self.metrics:
            if analysis.spec.name == name:
                return analysis
        raise KeyError(f"metric {name!r} not in the analysis")

    def band(self, quantity: str, variant: str, reference: str | None = None) -> CurveBand:
        """Return the band of one quantity and variant (a difference band if ``reference``)."""
        for band in self.bands:
            if (band.quantity, band.variant, band.reference) == (quantity, variant, reference):
                return band
        raise KeyError(f"no {quantity!r} band for variant {variant!r}, reference {reference!r}")


def finite_or_none(value: float | None) -> float | None:
    """Return ``value`` as a float, or None when it is None, NaN or infinite."""
    if value is None:
        return None
    value = float(value)
    return value if math.isfinite(value) else None
