"""Tests of the rendered report: sections, self-contained HTML, determinism, awkward studies."""

import base64
import dataclasses
import re
from html.parser import HTMLParser

import numpy as np
import pytest

from bench.frames import load_study
from bench.report.figures import FIGURE_KEYS
from bench.report.render import render_report, write_report
from bench.report.synthetic import write_synthetic_study
from bench.stats import analyze

# Few resamples keep the tests fast; the report does not depend on their number.
RESAMPLES = 200

SECTIONS = (
    "## Ranking",
    "## Figures",
    "## Pairwise comparisons",
    "## The tutorial's claims",
    "## Methods",
    "## Run details",
)

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _study(folder, **options):
    write_synthetic_study(folder, epochs=60, **options)
    frames = load_study(folder)
    return frames, analyze(frames, n_resamples=RESAMPLES)


@pytest.fixture(scope="module")
def full_study(tmp_path_factory):
    """Six default variants plus the wide control, with one diverged and one failed run."""
    folder = tmp_path_factory.mktemp("full")
    variants = (
        "lstm_forw",
        "lstm_back",
        "bilstm_sum",
        "bilstm_mul",
        "bilstm_ave",
        "bilstm_concat",
        "lstm_forw_wide",
    )
    frames, analysis = _study(
        folder,
        variants=variants,
        n_seeds=6,
        diverged=(("bilstm_mul", 1),),
        failed=(("lstm_back", 4),),
    )
    paths = write_report(folder, frames, analysis)
    return folder, frames, analysis, paths


class _PageScan(HTMLParser):
    """Collects the tags, image sources and every URL-valued attribute of a page."""

    def __init__(self):
        super().__init__()
        self.tags = []
        self.images = []
        self.urls = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        for name, value in attrs:
            if tag == "img" and name == "src":
                self.images.append(value)
            elif name in ("src", "href", "action", "data", "poster"):
                self.urls.append(value)


def test_markdown_sections_in_order(full_study):
    text = full_study[3].markdown.read_text()
    positions = [text.find(heading + "\n") for heading in SECTIONS]
    assert -1 not in positions
    assert positions == sorted(positions)


def test_markdown_headline_before_ranking(full_study):
    text = full_study[3].markdown.read_text()
    first_paragraph = text.split("\n\n")[1]
    assert first_paragraph.startswith("**")
    assert "seeds" in first_paragraph


def test_markdown_ranking_table_columns(full_study):
    text = full_study[3].markdown.read_text()
    header = next(line for line in text.splitlines() if line.startswith("| rank |"))
    for column in (
        "mean rank (95% CI)",
        "P(best)",
        "Held-out AULC, mean (95% CI)",
        "final held-out accuracy, mean (95% CI)",
        "Kaplan-Meier",
        "reached target",
        "group",
    ):
        assert column in header


def test_markdown_pairwise_table_has_p_values(full_study):
    text = full_study[3].markdown.read_text()
    header = next(line for line in text.splitlines() if line.startswith("| A | B | paired"))
    assert "p (raw)" in header
    assert "p (Holm)" in header
    assert "median difference A - B" in header


def test_markdown_every_claim_present(full_study):
    text = full_study[3].markdown.read_text()
    claims = text.split("## The tutorial's claims")[1].split("## Methods")[0]
    for question in (
        "forward and the backward LSTM learn alike",
        "fall sooner and stay lower",
        "sum and concat the best merge modes",
        "parameter-matched control",
    ):
        assert question in claims
    assert len(re.findall(r"Verdict: \*\*", claims)) == 4


def test_markdown_image_links_exist(full_study):
    folder, _, _, paths = full_study
    links = re.findall(r"!\[[^\]]*\]\((figures/[^)]+)\)", paths.markdown.read_text())
    assert len(links) == len(FIGURE_KEYS)
    for link in links:
        assert (folder / link).is_file()


def test_markdown_methods_name_the_tests(full_study):
    text = full_study[3].markdown.read_text()
    methods = text.split("## Methods")[1].split("## Run details")[0]
    for word in (
        "paired",
        "Wilcoxon",
        "Holm",
        "bootstrap",
        "simultaneous",
        "Kaplan-Meier",
        "zero_method",
        "matplotlib",
    ):
        assert word in methods


def test_markdown_run_details(full_study):
    text = full_study[3].markdown.read_text()
    details = text.split("## Run details")[1]
    assert "runs ok / diverged / failed" in details
    assert "| 40 / 1 / 1 |" in details
    assert "lstm_back, seed 4: RuntimeError: simulated failure" in details


def test_report_never_prints_nan(full_study):
    paths = full_study[3]
    for path in (paths.markdown, paths.html):
        # Embedded figures are base64, where "nan" can occur between "/" and "+" by chance.
        text = re.sub(r"base64,[A-Za-z0-9+/=]+", "base64,", path.read_text())
        assert not re.search(r"\bnan\b", text, flags=re.IGNORECASE)


def test_caveats_name_diverged_and_failed(full_study):
    text = full_study[3].markdown.read_text()
    caveats = text.split("## Ranking")[0]
    assert "1 run diverged (bilstm_mul 1)" in caveats
    assert "1 run failed (lstm_back 1)" in caveats


def test_html_parses_and_embeds_figures(full_study):
    scan = _PageScan()
    scan.feed(full_study[3].html.read_text())
    scan.close()
    assert scan.tags[0] == "html"
    assert len(scan.images) == len(FIGURE_KEYS)
    for source in scan.images:
        prefix = "data:image/png;base64,"
        assert source.startswith(prefix)
        assert base64.b64decode(source[len(prefix) :]).startswith(PNG_SIGNATURE)


def test_html_references_nothing_external(full_study):
    text = full_study[3].html.read_text()
    scan = _PageScan()
    scan.feed(text)
    assert scan.urls == []
    assert "script" not in scan.tags
    assert "link" not in scan.tags
    assert "@import" not in text
    assert "url(" not in text


def test_html_escapes_study_text(tmp_path):
    frames, analysis = _study(tmp_path, variants=("lstm_forw", "x<b>:y"), n_seeds=3)
    html = render_report(frames, analysis, svg=False).html
    assert "x<b>:y" not in html
    assert "x&lt;b&gt;:y" in html


def test_figure_files_written(full_study):
    folder, _, _, paths = full_study
    names = {path.name for path in paths.figures}
    for key in FIGURE_KEYS:
        assert f"{key}.png" in names
        assert f"{key}.svg" in names
        assert (folder / "figures" / f"{key}.png").read_bytes().startswith(PNG_SIGNATURE)


def test_rendering_is_byte_identical(full_study, tmp_path):
    folder, frames, analysis, paths = full_study
    again = write_report(tmp_path, frames, analysis)
    assert again.markdown.read_bytes() == paths.markdown.read_bytes()
    assert again.html.read_bytes() == paths.html.read_bytes()
    for first, second in zip(paths.figures, again.figures, strict=True):
        assert first.name == second.name
        assert first.read_bytes() == second.read_bytes(), first.name


def test_svg_has_no_date(full_study):
    svg = (full_study[0] / "figures" / "loss_all.svg").read_text()
    assert "<dc:date>" not in svg
    assert "Matplotlib v" not in svg


def test_single_seed_study_renders(tmp_path):
    frames, analysis = _study(tmp_path, n_seeds=1)
    paths = write_report(tmp_path, frames, analysis, svg=False)
    text = paths.markdown.read_text()
    assert "Only 1 seed could be ranked" in text
    assert "descriptive" in text.split("## Ranking")[0]
    assert not re.search(r"\bnan\b", text, flags=re.IGNORECASE)


def test_two_variant_study_renders(tmp_path):
    frames, analysis = _study(tmp_path, variants=("lstm_forw", "bilstm_concat"), n_seeds=5)
    paths = write_report(tmp_path, frames, analysis, svg=False)
    text = paths.markdown.read_text()
    caveats = text.split("## Ranking")[0]
    assert "Only two variants" in caveats
    assert "Friedman" in caveats
    assert "*Training loss: merge modes of the bidirectional LSTM*: not drawn" in text


def test_two_variant_claims_cannot_be_checked(tmp_path):
    frames, analysis = _study(tmp_path, variants=("lstm_forw", "bilstm_concat"), n_seeds=5)
    text = render_report(frames, analysis, svg=False).markdown
    claims = text.split("## The tutorial's claims")[1].split("## Methods")[0]
    assert "Verdict: **cannot be checked**. The study did not run lstm_back." in claims
    assert "The study did not run lstm_forw_wide." in claims


def test_all_runs_of_a_variant_failed(tmp_path):
    failed = tuple(("lstm_back", seed) for seed in range(3))
    frames, analysis = _study(
        tmp_path, variants=("lstm_forw", "lstm_back", "bilstm_concat"), n_seeds=3, failed=failed
    )
    paths = write_report(tmp_path, frames, analysis, svg=False)
    text = paths.markdown.read_text()
    assert "3 runs failed (lstm_back 3)" in text
    assert not re.search(r"\bnan\b", text, flags=re.IGNORECASE)


def test_stale_figures_removed(tmp_path):
    frames, analysis = _study(tmp_path, variants=("lstm_forw", "bilstm_concat"), n_seeds=3)
    figures = tmp_path / "figures"
    figures.mkdir()
    (figures / "loss_merge_modes.png").write_bytes(b"old")
    (figures / "notes.txt").write_text("kept")
    write_report(tmp_path, frames, analysis, svg=False)
    assert not (figures / "loss_merge_modes.png").exists()
    assert (figures / "notes.txt").exists()


def test_write_report_rejects_missing_folder(tmp_path, full_study):
    _, frames, analysis, _ = full_study
    with pytest.raises(NotADirectoryError, match="study_dir .* is not an existing folder"):
        write_report(tmp_path / "absent", frames, analysis)


def test_incomplete_study_caveat(tmp_path):
    from bench.report.content import caveats
    from bench.stats.synthetic import frames_from_arrays

    shape = (3, 20)
    loss = {"lstm_forw": np.full(shape, 0.5), "bilstm_sum": np.full(shape, 0.4)}
    held = {name: np.full((3, 2), 0.4) for name in loss}
    acc = {name: np.full((3, 2), 0.8) for name in loss}
    frames = frames_from_arrays(loss, held, acc)
    frames = dataclasses.replace(frames, config={**frames.config, "n_seeds": 5})

    items = caveats(analyze(frames, n_resamples=199))

    assert items[0].startswith("The study is incomplete: 6 of 10 planned runs are stored")
