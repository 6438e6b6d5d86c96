"""Tests of the per-variant colours."""

import seaborn as sns

from bench.report.palette import BUILTIN_COLORS, COLORBLIND, variant_styles

ALL_BUILTIN = (
    "lstm_forw",
    "lstm_back",
    "bilstm_sum",
    "bilstm_mul",
    "bilstm_ave",
    "bilstm_concat",
    "lstm_back_unaligned",
    "lstm_forw_wide",
)


def test_palette_is_seaborn_colorblind():
    # Reference: seaborn's own "colorblind" palette, the source the table was copied from.
    assert list(COLORBLIND) == sns.color_palette("colorblind").as_hex()


def test_builtin_colours_distinct():
    assert len(set(BUILTIN_COLORS.values())) == len(BUILTIN_COLORS)


def test_builtin_colour_independent_of_study():
    alone = variant_styles(["bilstm_sum"])["bilstm_sum"]
    among = variant_styles(list(reversed(ALL_BUILTIN)))["bilstm_sum"]
    assert alone == among


def test_user_variant_order_does_not_matter():
    first = variant_styles(["lstm_forw", "b:two", "a:one"])
    second = variant_styles(["a:one", "lstm_forw", "b:two"])
    assert first == second


def test_user_variants_avoid_builtin_colours():
    styles = variant_styles([*ALL_BUILTIN, "a:one", "b:two"])
    assert len({style.color for style in styles.values()}) == 10


def test_many_variants_drawn_differently():
    names = [*ALL_BUILTIN] + [f"user:v{index:02d}" for index in range(20)]
    styles = variant_styles(names)
    looks = {(s.color, s.linestyle, s.marker) for s in styles.values()}
    assert len(looks) == len(names)
