"""The report as Markdown that reads well on a code-hosting page.

Figures are relative image links into ``figures/``, so the Markdown file must stay next to that
folder. The writer returns text; it writes no file.
"""

from __future__ import annotations

from bench.report.content import ReportContent
from bench.report.tables import Table

FIGURES_DIR = "figures"


def render_markdown(content: ReportContent) -> str:
    """Return the report as GitHub-flavoured Markdown.

    Parameters
    ----------
    content : ReportContent
        What the report says.

    Returns
    -------
    str
        The Markdown text, ending with a newline.
    """
    parts = [f"# {_inline(content.title)}", "", _inline(f"**{content.headline}**"), ""]
    if content.caveats:
        parts += ["> **Read with care**", ">"]
        parts += [f"> - {_inline(caveat)}" for caveat in content.caveats]
        parts.append("")

    parts += ["## Ranking", "", _inline(content.ranking_intro), "", *_table(content.ranking), ""]
    parts += _figures(content)
    parts += ["## Pairwise comparisons", "", _inline(content.pairwise_intro), ""]
    parts += [*_table(content.pairwise), ""]
    parts += ["### Time to target", "", *_table(content.time_to_target), ""]
    parts += ["Log-rank tests, Holm-adjusted over all pairs:", "", *_table(content.logrank), ""]
    parts += _claims(content)
    parts += ["## Methods", ""]
    for paragraph in content.methods:
        parts += [_inline(paragraph), ""]
    parts += _details(content)
    return "\n".join(parts).rstrip("\n") + "\n"


def _figures(content: ReportContent) -> list[str]:
    lines = ["## Figures", ""]
    for group in content.figure_groups:
        lines += [f"### {_inline(group.heading)}", ""]
        for figure in group.figures:
            if not figure.drawn:
                lines += [
                    f"*{_inline(figure.title)}*: not drawn, because {_inline(figure.reason)}.",
                    "",
                ]
                continue
            lines += [
                f"![{_alt(figure.title)}]({FIGURES_DIR}/{figure.key}.png)",
                "",
                f"*{_inline(figure.title)}.* {_inline(figure.caption)}",
                "",
            ]
    return lines


def _claims(content: ReportContent) -> list[str]:
    lines = ["## The tutorial's claims", ""]
    for number, claim in enumerate(content.claims, start=1):
        lines += [
            f"{number}. **{_inline(claim.claim)}** Verdict: **{claim.verdict}**. "
            f"{_inline(claim.summary)}",
        ]
        lines += [f"   - {_inline(item)}" for item in claim.evidence]
    return lines + [""]


def _details(content: ReportContent) -> list[str]:
    lines = ["## Run details", "", *_table(content.facts), "", *_table(content.run_counts), ""]
    if content.failures:
        lines += ["Failed runs:", ""]
        lines += [f"- {_inline(line)}" for line in content.failures]
        lines.append("")
    lines += ["### Configuration", "", *_table(content.config), ""]
    return lines


def _table(table: Table) -> list[str]:
    if not table.rows:
        return ["*(no rows: nothing to compare)*"]
    header = "| " + " | ".join(_cell(c) for c in table.columns) + " |"
    rule = "|" + "|".join("---" for _ in table.columns) + "|"
    rows = ["| " + " | ".join(_cell(c) for c in row) + " |" for row in table.rows]
    notes = [f"Note {number}: {_inline(text)}" for number, text in enumerate(table.notes, 1)]
    # Two trailing spaces end a Markdown line without starting a new paragraph.
    notes = [line + "  " for line in notes[:-1]] + notes[-1:]
    return [header, rule, *rows, *([""] + notes if notes else [])]


def _cell(text: str) -> str:
    return _inline(text).replace("|", "\\|")


def _inline(text: str) -> str:
    # Markdown reads "<...>" as HTML and "[...]" as a link, so the characters that start
    # markup are escaped. Underscores inside words stay: GitHub-flavoured Markdown does not
    # treat them as emphasis.
    text = " ".join(str(text).split())
    for character in ("\\", "<", ">", "`", "[", "]"):
        text = text.replace(character, "\\" + character)
    return text


def _alt(text: str) -> str:
    return _inline(text).replace("\\[", "(").replace("\\]", ")")
