"""Regression comparison of two stored studies: per variant, unchanged, improved, regressed
or inconclusive, judged by the rule stated in `bench.compare.verdicts`.

Run it as ``python -m bench.compare BASELINE CURRENT``, or call `main` with the arguments
as a list; it returns the exit code. Nothing here imports TensorFlow.
"""

from bench.compare.cli import main
from bench.compare.comparison import StudyComparison, VariantComparison, compare_studies
from bench.compare.errors import CompareInputError
from bench.compare.load import StudyInput, load_study_input
from bench.compare.verdicts import MetricVerdict, Verdict, judge

__all__ = [
    "CompareInputError",
    "MetricVerdict",
    "StudyComparison",
    "StudyInput",
    "Verdict",
    "VariantComparison",
    "compare_studies",
    "judge",
    "load_study_input",
    "main",
]
