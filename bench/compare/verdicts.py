"""The verdict rule: from a difference with its intervals and a margin to a verdict.

For each variant and metric, let D = mean(current) - mean(baseline), in the metric's unit,
with t-intervals as computed by `bench.compare.intervals` (paired per seed, or Welch's when
the studies do not pair up). Let m > 0 be the metric's margin. "Worse" means higher for
losses and epochs to target, and lower for accuracy.

1. ``unchanged`` when every paired difference is exactly zero, or when the 90 % interval of
   D lies strictly inside (-m, m). The second condition is the two one-sided tests (TOST)
   of equivalence at alpha 0.05: both "D <= -m" and "D >= m" are rejected.
2. ``regressed`` when the 95 % interval of D lies entirely on the worse side of 0 (a
   two-sided test at alpha 0.05 rejects "no change") and the estimate of D is more than m
   towards worse. A change that is significant but smaller than the margin is not a
   regression.
3. ``improved`` is the mirror image of ``regressed``.
4. ``inconclusive`` otherwise, including when no interval can be computed (fewer than two
   paired seeds, or fewer than two ok runs in a study when unpaired).

The three conditions exclude each other: a 90 % interval inside (-m, m) puts the estimate
inside it too, so the estimate cannot lie beyond the margin.

A variant is ``regressed`` if any of its metrics regressed, ``improved`` if any improved and
none regressed, ``unchanged`` if all are unchanged, and ``inconclusive`` otherwise.

Each metric is judged at these levels without a correction for the number of variants and
metrics. A false regression also needs the estimate to pass the margin. That is rare when there
is no true change and the margin spans several standard errors. When the intervals are wider
than the margin, expect inconclusive verdicts rather than false alarms.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from bench.compare.intervals import DifferenceEstimate


class Verdict(StrEnum):
    """The outcome for one metric or one variant."""

    UNCHANGED = "unchanged"
    IMPROVED = "improved"
    REGRESSED = "regressed"
    INCONCLUSIVE = "inconclusive"


@dataclass(frozen=True)
class MetricVerdict:
    """The judged change of one metric of one variant.

    Attributes
    ----------
    metric : str
        Metric name.
    margin : float
        Equivalence margin in the metric's unit.
    lower_is_better : bool
        Direction of the metric.
    difference : DifferenceEstimate
        The estimate of current - baseline with its intervals.
    verdict : Verdict
        The outcome of `judge`.
    note : str or None, default None
        Context a reader needs, such as how many runs reached the target.
    """

    metric: str
    margin: float
    lower_is_better: bool
    difference: DifferenceEstimate
    verdict: Verdict
    note: str | None = None


def judge(difference: DifferenceEstimate, margin: float, lower_is_better: bool) -> Verdict:
    """Apply the verdict rule of this module to one metric.

    Parameters
    ----------
    difference : DifferenceEstimate
        current - baseline with its 90 % and 95 % intervals.
    margin : float
        Equivalence margin, greater than 0.
    lower_is_better : bool
        True for losses and epochs to target, False for accuracy.

    Returns
    -------
    Verdict

    Examples
    --------
    Five paired differences 0.01, 0.03, 0.02, 0.04, 0.05 of a loss have mean 0.03, 90 %
    interval 0.0149 to 0.0451 and 95 % interval 0.0104 to 0.0496. With margin 0.02 that is
    ``regressed``, with margin 0.04 ``inconclusive`` and with margin 0.05 ``unchanged``.
    """
    if difference.all_zero:
        return Verdict.UNCHANGED
    if difference.ci90 is None or difference.ci95 is None or difference.estimate is None:
        return Verdict.INCONCLUSIVE

    if -margin < difference.ci90.low and difference.ci90.high < margin:
        return Verdict.UNCHANGED

    # Orient everything so that positive means worse.
    sign = 1.0 if lower_is_better else -1.0
    worse_estimate = sign * difference.estimate
    worse_low = min(sign * difference.ci95.low, sign * difference.ci95.high)
    worse_high = max(sign * difference.ci95.low, sign * difference.ci95.high)

    if worse_low > 0 and worse_estimate > margin:
        return Verdict.REGRESSED
    if worse_high < 0 and worse_estimate < -margin:
        return Verdict.IMPROVED
    return Verdict.INCONCLUSIVE


def combine(verdicts: Iterable[Verdict]) -> Verdict:
    """Combine the verdicts of a variant's metrics into the variant's verdict."""
    verdicts = list(verdicts)
    if Verdict.REGRESSED in verdicts:
        return Verdict.REGRESSED
    if Verdict.IMPROVED in verdicts:
        return Verdict.IMPROVED
    if verdicts and all(verdict is Verdict.UNCHANGED for verdict in verdicts):
        return Verdict.UNCHANGED
    return Verdict.INCONCLUSIVE
