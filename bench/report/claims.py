"""The tutorial's claims, checked one by one against the study's paired tests.

Every verdict rests on Holm-corrected Wilcoxon signed-rank tests over seeds. A claim that two
variants learn alike can only be "consistent with the data": no significant difference is not
proof of equality, and the evidence states the interval of the difference so a reader can judge
how large a difference the study could have missed.
"""

from __future__ import annotations

from dataclasses import dataclass

from bench.report.evidence import direction_phrase, find_metric, find_pair, pair_evidence
from bench.stats.results import StudyAnalysis

SUPPORTED = "supported"
PARTLY = "partly supported"
NOT_SUPPORTED = "not supported"
INCONCLUSIVE = "inconclusive"
NOT_CHECKED = "cannot be checked"

MERGE_MODES = ("bilstm_sum", "bilstm_mul", "bilstm_ave", "bilstm_concat")
BEST_MERGES = ("bilstm_sum", "bilstm_concat")


@dataclass(frozen=True)
class ClaimVerdict:
    """The study's verdict on one claim of the tutorial.

    Attributes
    ----------
    claim : str
        The claim in the tutorial's sense, as a question.
    verdict : str
        One of "supported", "partly supported", "not supported", "inconclusive" and
        "cannot be checked".
    summary : str
        One sentence that gives the reason for the verdict.
    evidence : tuple of str
        The numbers behind it, one comparison each.
    """

    claim: str
    verdict: str
    summary: str
    evidence: tuple[str, ...] = ()


def check_claims(analysis: StudyAnalysis) -> tuple[ClaimVerdict, ...]:
    """Check the four claims of the tutorial, in the tutorial's order.

    Parameters
    ----------
    analysis : StudyAnalysis
        The analysed study.

    Returns
    -------
    tuple of ClaimVerdict
        Forward versus backward, bidirectional versus one-directional, the best merge modes,
        and the parameter-matched control.
    """
    return (
        forward_backward_alike(analysis),
        bidirectional_faster(analysis),
        best_merge_modes(analysis),
        survives_wide_control(analysis),
    )


def forward_backward_alike(analysis: StudyAnalysis) -> ClaimVerdict:
    """Check that the forward and the (aligned) backward LSTM learn alike."""
    claim = "Do the forward and the backward LSTM learn alike?"
    missing = _missing(analysis, ("lstm_forw", "lstm_back"))
    if missing:
        return ClaimVerdict(claim, NOT_CHECKED, _not_run(missing))

    metrics = _metrics(analysis, (analysis.settings.metric, "aulc"))
    pairs = [(find_pair(m, "lstm_forw", "lstm_back"), m) for m in metrics]
    pairs = [(pair, metric) for pair, metric in pairs if pair is not None]
    evidence = [pair_evidence(pair, metric) for pair, metric in pairs]
    tested = [(pair, metric) for pair, metric in pairs if pair.tested]

    if not tested:
        verdict, summary = INCONCLUSIVE, "lstm_forw and lstm_back could not be tested."
    elif any(pair.better for pair, _ in tested):
        verdict = NOT_SUPPORTED
        summary = "; ".join(direction_phrase(p, m) for p, m in tested if p.better) + "."
    else:
        verdict = SUPPORTED
        summary = (
            "No significant difference between lstm_forw and lstm_back. This is consistent "
            "with the claim but does not prove equality; the intervals below bound the "
            "difference the study could have missed."
        )
    evidence += _unaligned_evidence(analysis)
    return ClaimVerdict(claim, verdict, _sentence(summary), tuple(evidence))


def bidirectional_faster(analysis: StudyAnalysis) -> ClaimVerdict:
    """Check that the bidirectional LSTM's loss falls sooner and stays lower."""
    claim = "Does the bidirectional LSTM's training loss fall sooner and stay lower?"
    references = [v for v in ("lstm_forw", "lstm_back") if v in analysis.variants]
    missing = _missing(analysis, ("bilstm_concat",))
    if missing or not references:
        return ClaimVerdict(claim, NOT_CHECKED, _not_run(missing or ["lstm_forw", "lstm_back"]))

    # "Falls sooner": the area under the training loss curve; "stays lower": the mean loss
    # over the last 10% of epochs.
    checks = {"falls sooner": find_metric(analysis, "aulc")}
    checks["stays lower"] = find_metric(analysis, "final_loss")
    outcomes, evidence, reasons = [], [], []
    for aspect, metric in checks.items():
        for reference in references:
            pair = find_pair(metric, "bilstm_concat", reference)
            if pair is None:
                continue
            evidence.append(f"{aspect}: {pair_evidence(pair, metric)}")
            outcomes.append(pair.tested and pair.better == "bilstm_concat")
            if pair.tested and pair.better == reference:
                reasons.append(f"{aspect}: {direction_phrase(pair, metric)}")

    if not outcomes:
        return ClaimVerdict(claim, INCONCLUSIVE, "No comparison could be computed.")
    if all(outcomes):
        verdict = SUPPORTED
        summary = (
            f"bilstm_concat has significantly lower training loss than "
            f"{' and '.join(references)}, both over the whole run and at its end."
        )
    elif any(outcomes):
        verdict = PARTLY
        summary = "bilstm_concat is significantly better in only some of the comparisons below."
    else:
        verdict = NOT_SUPPORTED
        summary = (
            "; ".join(reasons)
            if reasons
            else f"bilstm_concat is not significantly better than {' or '.join(references)}."
        )
    return ClaimVerdict(claim, verdict, _sentence(summary), tuple(evidence))


def best_merge_modes(analysis: StudyAnalysis) -> ClaimVerdict:
    """Check that ``sum`` and ``concat`` are the best merge modes on the primary metric."""
    claim = "Are sum and concat the best merge modes?"
    present = [v for v in MERGE_MODES if v in analysis.variants]
    others = [v for v in present if v not in BEST_MERGES]
    missing = _missing(analysis, BEST_MERGES)
    if missing or not others:
        needed = missing or ["bilstm_mul or bilstm_ave"]
        return ClaimVerdict(claim, NOT_CHECKED, _not_run(needed))

    metric = find_metric(analysis, analysis.settings.metric)
    beaten, separated, evidence = [], [], []
    for best in BEST_MERGES:
        for other in others:
            pair = find_pair(metric, best, other)
            if pair is None:
                continue
            evidence.append(pair_evidence(pair, metric))
            if pair.tested and pair.better == other:
                beaten.append(direction_phrase(pair, metric))
            if pair.tested and pair.better == best:
                separated.append(other)
    pair = find_pair(metric, "bilstm_sum", "bilstm_concat")
    if pair is not None:
        evidence.insert(0, pair_evidence(pair, metric))

    if beaten:
        verdict, summary = NOT_SUPPORTED, "; ".join(beaten)
    elif all(other in separated for other in others):
        verdict = SUPPORTED
        summary = (
            f"{' and '.join(others)} {'is' if len(others) == 1 else 'are'} significantly worse "
            "than sum or concat, and neither sum nor concat is beaten by another merge mode."
        )
    elif separated:
        verdict = PARTLY
        summary = (
            f"sum and concat are never beaten, but only {', '.join(sorted(set(separated)))} "
            "is significantly worse than one of them."
        )
    else:
        verdict = INCONCLUSIVE
        summary = "No merge mode differs significantly from sum or concat."
    summary += f" Order of the merge modes by mean rank: {_merge_order(analysis, present)}."
    return ClaimVerdict(claim, verdict, _sentence(summary), tuple(evidence))


def survives_wide_control(analysis: StudyAnalysis) -> ClaimVerdict:
    """Check that bilstm_concat still beats a forward LSTM with as many parameters."""
    claim = (
        "Does the bidirectional advantage survive the parameter-matched control "
        "(lstm_forw_wide, a forward LSTM with bilstm_concat's parameter count)?"
    )
    missing = _missing(analysis, ("bilstm_concat", "lstm_forw_wide"))
    if missing:
        return ClaimVerdict(claim, NOT_CHECKED, _not_run(missing))

    metrics = _metrics(analysis, (analysis.settings.metric, "aulc"))
    pairs = [(find_pair(m, "bilstm_concat", "lstm_forw_wide"), m) for m in metrics]
    pairs = [(pair, metric) for pair, metric in pairs if pair is not None]
    evidence = tuple(pair_evidence(pair, metric) for pair, metric in pairs)
    primary = pairs[0] if pairs and pairs[0][1].spec.name == analysis.settings.metric else None

    if primary is None or not primary[0].tested:
        return ClaimVerdict(claim, INCONCLUSIVE, "The comparison could not be tested.", evidence)
    pair, metric = primary
    if pair.better == "bilstm_concat":
        verdict = SUPPORTED
        summary = (
            f"bilstm_concat keeps a significantly {metric.spec.better_word} "
            f"{metric.spec.label} than lstm_forw_wide, so its advantage is not only its size"
        )
    elif pair.better == "lstm_forw_wide":
        verdict, summary = NOT_SUPPORTED, direction_phrase(pair, metric)
    else:
        verdict = NOT_SUPPORTED
        summary = (
            f"bilstm_concat is not significantly better than lstm_forw_wide on "
            f"{metric.spec.label}, so the study cannot tell its advantage apart from its "
            "larger parameter count"
        )
    return ClaimVerdict(claim, verdict, _sentence(summary), evidence)


def _unaligned_evidence(analysis: StudyAnalysis) -> list[str]:
    if "lstm_back_unaligned" not in analysis.variants or "lstm_forw" not in analysis.variants:
        return []
    metric = find_metric(analysis, analysis.settings.metric)
    pair = find_pair(metric, "lstm_forw", "lstm_back_unaligned")
    if pair is None:
        return []
    return [
        "The tutorial's own backward model, whose outputs are misaligned with the targets: "
        + pair_evidence(pair, metric)
    ]


def _merge_order(analysis: StudyAnalysis, present: list[str]) -> str:
    ranked = [v for v in analysis.ranking.order if v in present]
    ranked += [v for v in present if v not in ranked]
    return ", ".join(ranked)


def _metrics(analysis: StudyAnalysis, names: tuple[str, ...]):
    found = [find_metric(analysis, name) for name in dict.fromkeys(names)]
    return [metric for metric in found if metric is not None]


def _missing(analysis: StudyAnalysis, needed) -> list[str]:
    return [variant for variant in needed if variant not in analysis.variants]


def _not_run(missing) -> str:
    return f"The study did not run {' and '.join(missing)}."


def _sentence(text: str) -> str:
    # Sentences may start with a variant name, which keeps its lower case.
    text = text.strip()
    return text if not text or text.endswith(".") else text + "."
