"""Write a study's report into its folder: ``report.md``, ``report.html`` and ``figures/``."""

from __future__ import annotations

import logging
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from bench.frames import StudyFrames
from bench.report.content import ReportContent, build_content
from bench.report.figures import FIGURE_KEYS, FigureOutput, build_figures
from bench.report.html import render_html
from bench.report.markdown import FIGURES_DIR, render_markdown
from bench.stats.results import StudyAnalysis

logger = logging.getLogger(__name__)

MARKDOWN_FILE = "report.md"
HTML_FILE = "report.html"


@dataclass(frozen=True)
class ReportPaths:
    """Files written by ``write_report``.

    Attributes
    ----------
    markdown : Path
        ``report.md``.
    html : Path
        ``report.html``, self-contained.
    figures_dir : Path
        ``figures/``.
    figures : tuple of Path
        Every figure file written (PNG, and SVG when requested), in report order.
    """

    markdown: Path
    html: Path
    figures_dir: Path
    figures: tuple[Path, ...]


@dataclass(frozen=True)
class RenderedReport:
    """A report rendered in memory: the texts and the figures, before anything is written."""

    markdown: str
    html: str
    figures: tuple[FigureOutput, ...]
    content: ReportContent


def render_report(
    frames: StudyFrames, analysis: StudyAnalysis, *, svg: bool = True
) -> RenderedReport:
    """Render the report in memory, without writing files.

    Parameters
    ----------
    frames : StudyFrames
        The stored study, as loaded by ``bench.frames.load_study``.
    analysis : StudyAnalysis
        Its analysis, from ``bench.stats.analyze``.
    svg : bool, default True
        Also encode every figure as SVG.
    """
    figures = build_figures(analysis, svg=svg)
    content = build_content(frames, analysis, figures)
    return RenderedReport(
        markdown=render_markdown(content),
        html=render_html(content),
        figures=figures,
        content=content,
    )


def write_report(
    study_dir: str | Path,
    frames: StudyFrames,
    analysis: StudyAnalysis,
    *,
    svg: bool = True,
) -> ReportPaths:
    """Render the report of a study and write it into the study folder.

    Parameters
    ----------
    study_dir : str or Path
        The study folder; it must exist.
    frames : StudyFrames
        The stored study, as loaded by ``bench.frames.load_study``.
    analysis : StudyAnalysis
        Its analysis, from ``bench.stats.analyze``.
    svg : bool, default True
        Also write every figure as SVG next to its PNG.

    Returns
    -------
    ReportPaths

    Raises
    ------
    NotADirectoryError
        If ``study_dir`` is not an existing folder.

    Notes
    -----
    Each file is written to a temporary name in the same folder and renamed, so a reader never
    sees a half-written report. Figure files of earlier renders that this render does not
    produce (a figure that can no longer be drawn, or SVG files when ``svg`` is False) are
    removed, so the folder always matches the report. The same study and analysis give
    byte-identical files.
    """
    folder = Path(study_dir)
    if not folder.is_dir():
        raise NotADirectoryError(f"study_dir {folder} is not an existing folder")

    report = render_report(frames, analysis, svg=svg)
    figures_dir = folder / FIGURES_DIR
    figures_dir.mkdir(exist_ok=True)

    written = []
    for figure in report.figures:
        for suffix, data in ((".png", figure.png), (".svg", figure.svg)):
            if data is not None:
                path = figures_dir / f"{figure.key}{suffix}"
                _write_atomic(path, data)
                written.append(path)
    _remove_stale_figures(figures_dir, set(written))

    markdown = folder / MARKDOWN_FILE
    html = folder / HTML_FILE
    _write_atomic(markdown, report.markdown.encode("utf-8"))
    _write_atomic(html, report.html.encode("utf-8"))
    logger.info("Wrote %s, %s and %s figure files", markdown, html, len(written))
    return ReportPaths(
        markdown=markdown, html=html, figures_dir=figures_dir, figures=tuple(written)
    )


def _write_atomic(path: Path, data: bytes) -> None:
    handle, partial = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.chmod(partial, 0o644)
        os.replace(partial, path)
    except BaseException:
        Path(partial).unlink(missing_ok=True)
        raise


def _remove_stale_figures(figures_dir: Path, keep: set[Path]) -> None:
    # Only files named after a report figure are removed; anything else a user put into the
    # folder stays.
    for key in FIGURE_KEYS:
        for suffix in (".png", ".svg"):
            path = figures_dir / f"{key}{suffix}"
            if path not in keep and path.exists():
                path.unlink()
                logger.info("Removed stale figure %s", path)
