"""WCAG 2.2 contrast of what the charts draw, computed from the colours themselves
(relative luminance)."""

import pytest
from apptest_util import app, main_figure

from linreg.viz.style import HALO, PALETTE, RUN_COLORS


def luminance(color: str) -> float:
    channels = [int(color.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [
        c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels
    ]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str = "#FFFFFF") -> float:
    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_the_formula_on_known_pairs():
    assert contrast("#000000") == pytest.approx(21.0)
    assert contrast("#777777") == pytest.approx(4.48, abs=0.01)


@pytest.mark.parametrize(
    "name", ["data", "fit", "optimum", "path", "start", "purple", "test"]
)
def test_lines_and_markers_reach_3_to_1_on_white(name):
    assert contrast(PALETTE[name]) >= 3.0


def test_every_race_colour_reaches_3_to_1():
    assert all(contrast(c) >= 3.0 for c in RUN_COLORS)


def test_the_path_has_a_white_halo_on_the_level_sets():
    """The path crosses every shade of blue; its white halo keeps the orange at 3.9:1
    against it."""
    traces = main_figure(app())["data"]
    names = [t.get("name") for t in traces]
    halo, path = traces[names.index("path halo")], traces[names.index("path")]
    assert names.index("path halo") < names.index("path")  # drawn underneath
    assert (
        halo["line"]["color"] == HALO["color"]
        and halo["line"]["width"] > path["line"]["width"]
    )
    assert contrast(path["line"]["color"], halo["line"]["color"]) >= 3.0
