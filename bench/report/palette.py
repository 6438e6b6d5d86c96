"""One colour per variant, the same in every figure, from a colour-blind-safe palette.

The colours are seaborn's "colorblind" palette (seaborn 0.13), ten hues chosen to stay
distinguishable under the common forms of colour-vision deficiency. Every built-in variant has
a fixed colour, so a variant looks the same in every study. The variants that a figure compares
side by side get hues far apart: the tutorial's first comparison (lstm_forw, lstm_back,
bilstm_concat) is blue, orange and green, and its merge-mode comparison (bilstm_sum, bilstm_mul,
bilstm_ave, bilstm_concat) is vermilion, purple, sky blue and green.
"""

from __future__ import annotations

from dataclasses import dataclass

# seaborn.color_palette("colorblind").as_hex() in seaborn 0.13.2, written out so that a change
# of seaborn's palette cannot recolour published reports.
COLORBLIND = (
    "#0173b2",  # blue
    "#de8f05",  # orange
    "#029e73",  # green
    "#d55e00",  # vermilion
    "#cc78bc",  # purple
    "#ca9161",  # brown
    "#fbafe4",  # pink
    "#949494",  # grey
    "#ece133",  # yellow
    "#56b4e9",  # sky blue
)

BUILTIN_COLORS = {
    "lstm_forw": COLORBLIND[0],
    "lstm_back": COLORBLIND[1],
    "bilstm_concat": COLORBLIND[2],
    "bilstm_sum": COLORBLIND[3],
    "bilstm_mul": COLORBLIND[4],
    "bilstm_ave": COLORBLIND[9],
    "lstm_back_unaligned": COLORBLIND[7],
    "lstm_forw_wide": COLORBLIND[5],
}

# Colours left for user variants, most visible on white first (yellow is the hardest to see).
USER_COLORS = (COLORBLIND[6], COLORBLIND[8])

# Line styles that tell variants apart once the colours run out.
LINESTYLES = ("-", "--", ":", "-.")

# Marker shapes in the same order, for point plots.
MARKERS = ("o", "s", "^", "D")


@dataclass(frozen=True)
class VariantStyle:
    """How one variant is drawn.

    Attributes
    ----------
    color : str
        Hex colour, e.g. "#0173b2".
    linestyle : str
        Matplotlib line style; solid unless colours had to be reused.
    marker : str
        Matplotlib marker; a circle unless colours had to be reused.
    """

    color: str
    linestyle: str = "-"
    marker: str = "o"


def variant_styles(variants: tuple[str, ...] | list[str]) -> dict[str, VariantStyle]:
    """Assign a style to each variant of a study.

    Parameters
    ----------
    variants : sequence of str
        Variant names of the study.

    Returns
    -------
    dict of str to VariantStyle
        Built-in variants get their fixed colour. Other variants, sorted by name so that the
        assignment does not depend on the order they were listed in, take the colours that no
        built-in variant of the whole registry uses, then the colours of built-in variants
        absent from this study. When even those run out, colours repeat with another line
        style and marker, so no two variants of one study are drawn alike.

    Examples
    --------
    >>> variant_styles(["lstm_forw", "my.module:gru"])["my.module:gru"].color
    '#fbafe4'
    """
    names = list(dict.fromkeys(variants))
    styles = {name: VariantStyle(BUILTIN_COLORS[name]) for name in names if name in BUILTIN_COLORS}

    used = {style.color for style in styles.values()}
    spare = [color for color in BUILTIN_COLORS.values() if color not in used]
    free = list(USER_COLORS) + spare

    others = sorted(name for name in names if name not in BUILTIN_COLORS)
    for index, name in enumerate(others):
        cycle, position = divmod(index, len(free))
        # The first pass uses free colours with solid lines; later passes reuse every colour
        # with another line style and marker.
        if cycle == 0:
            styles[name] = VariantStyle(free[position])
        else:
            styles[name] = _reused_style(index - len(free))
    return styles


def _reused_style(index: int) -> VariantStyle:
    cycle, position = divmod(index, len(COLORBLIND))
    kind = 1 + cycle % (len(LINESTYLES) - 1)
    return VariantStyle(COLORBLIND[position], LINESTYLES[kind], MARKERS[kind])
