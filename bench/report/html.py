"""The report as one self-contained HTML page: figures embedded, no external requests.

The page is rendered from a Jinja2 template with autoescaping, so no text from the study (a
user variant name, an error message) can inject markup. The writer returns text; it writes no
file.
"""

from __future__ import annotations

import base64

import jinja2

from bench.report.content import ReportContent

TEMPLATE = "report.html.j2"


def render_html(content: ReportContent) -> str:
    """Return the report as a self-contained HTML page.

    Parameters
    ----------
    content : ReportContent
        What the report says.

    Returns
    -------
    str
        HTML5 text. Figures are PNG ``data:`` URIs; the page loads no script, style sheet,
        font or image from anywhere else.
    """
    template = _environment().get_template(TEMPLATE)
    return template.render(content=content, data_uri=_data_uri)


def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("bench.report", "templates"),
        autoescape=jinja2.select_autoescape(enabled_extensions=("html", "j2"), default=True),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def _data_uri(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")
