"""The Markdown summary written by ``--markdown``."""

from __future__ import annotations

from bench.compare.comparison import StudyComparison
from bench.compare.sentences import (
    header_items,
    one_sided_variants,
    result_sentence,
    variant_sentence,
)
from bench.compare.table import COLUMNS, metric_notes, table_rows


def render_markdown(comparison: StudyComparison) -> str:
    """Render the comparison as a Markdown document."""
    lines = ["# Regression comparison", "", f"**{result_sentence(comparison)}**", ""]
    lines += [f"- **{label}**: {_escape(text)}" for label, text in header_items(comparison)]

    lines += ["", "## Metrics (current - baseline)", ""]
    lines.append("| " + " | ".join(COLUMNS) + " |")
    lines.append("|" + "|".join("---" for _ in COLUMNS) + "|")
    for row in table_rows(comparison):
        lines.append("| " + " | ".join(_escape(cell) for cell in row) + " |")

    notes = metric_notes(comparison)
    if notes:
        lines += ["", "Notes:", "", *(f"- {_escape(note)}" for note in notes)]

    lines += ["", "## Verdicts", ""]
    lines += [f"- {_escape(variant_sentence(item))}." for item in comparison.variants]
    lines += [f"- {_escape(line)}" for line in one_sided_variants(comparison)]
    return "\n".join(lines) + "\n"


def _escape(text: str) -> str:
    # A pipe would end a table cell. Underscores inside words, as in variant names, do not
    # start emphasis in CommonMark, so they stay as they are.
    return text.replace("|", "\\|")
