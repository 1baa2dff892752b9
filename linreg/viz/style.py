"""Colours, type sizes and sampling shared by every figure (what a projector needs to
read)."""

from __future__ import annotations

import numpy as np

from ..sampling import sampled_steps

# Okabe-Ito: distinguishable with every common colour-vision deficiency.  Each series'
# colour, in every figure that draws it (the Playground, the scrubber, the GIF, ...).
PALETTE = {
    "data": "#0072B2",
    "fit": "#D55E00",
    "loss": "#0072B2",
    "optimum": "#009E73",
    "path": "#D55E00",
    "start": "#000000",
    "reference": "#7F7F7F",
    "test": "#000000",
    "purple": "#CC79A7",
}
# Okabe-Ito's colours with at least 3:1 contrast on white (its orange-yellow and sky
# blue have 2.3:1).
RUN_COLORS = (
    "#D55E00",
    "#0072B2",
    "#009E73",
    "#CC79A7",
    "#000000",
    "#7F7F7F",
    "#D55E00",
)
#: Under a line drawn across the level sets: a white halo keeps 3:1 contrast on any
#: shade of blue.
HALO = {"color": "#FFFFFF", "width_extra": 3}


def halo_line(width: float) -> dict:
    """The white line under a line ``width`` wide (HALO)."""
    return {"color": HALO["color"], "width": width + HALO["width_extra"]}


#: Each run of a race or a ghost set also differs by dash and marker, not by colour
#: alone.
RUN_DASHES = ("solid", "dash", "dot", "dashdot", "longdash", "longdashdot", "solid")
RUN_SYMBOLS = ("circle", "square", "diamond", "triangle-up", "cross", "x", "star")

#: Zones of the theory (dynamics.ZONES) and outcomes of runs (outcomes.OUTCOMES),
#: Okabe-Ito colours.
ZONE_COLORS = {
    "monotone": "#56B4E9",
    "spiral": "#CC79A7",
    "zig-zag": "#E69F00",
    "diverging": "#D55E00",
    "converged": "#009E73",
    "still descending": "#56B4E9",
    "stalled or oscillating": "#E69F00",
    "diverged": "#D55E00",
    "not measured": "#BBBBBB",
}

# Level-set fills, outer (high loss) to inner (low loss): a light sequential blue ramp.
LEVEL_FILLS = (
    "#f7fbff",
    "#deebf7",
    "#c6dbef",
    "#9ecae1",
    "#6baed6",
    "#4292c6",
    "#2171b5",
    "#08519c",
    "#08306b",
)
FONT_SIZE = 16

MAX_CURVE_POINTS = 4000

MAX_POINTS_SHOWN = 2000


def display_sample(n: int, limit: int = MAX_POINTS_SHOWN) -> np.ndarray:
    """Indices of the points drawn: all of them, or an even, fixed subsample of
    ``limit``."""
    return (
        np.arange(n) if n <= limit else np.linspace(0, n - 1, limit).round().astype(int)
    )


def curve_points(n_steps: int, max_points: int = MAX_CURVE_POINTS) -> np.ndarray:
    """Steps at which static curves are drawn: evenly spaced after a dense start, so
    late oscillations stay visible on a linear step axis."""
    return sampled_steps(n_steps, max_points, spacing="even")


#: Magnitudes float32 holds with its 7 significant digits (beyond them it would show 0
#: or infinity).
FLOAT32_RANGE = (1e-37, 1e37)


def compact(values) -> np.ndarray:
    """Values as a chart needs them: float32 (7 significant digits, all a chart can
    show), which Plotly sends as 4 bytes a number instead of 8, unless a finite value
    lies outside FLOAT32_RANGE (a diverging run's 1e60): then float64.  The figure is
    sent on every rerun."""
    v = np.asarray(values, dtype=float)
    with np.errstate(all="ignore"):
        size = np.abs(v[np.isfinite(v) & (v != 0)])
    fits = not len(size) or (
        size.min() >= FLOAT32_RANGE[0] and size.max() <= FLOAT32_RANGE[1]
    )
    return v.astype(np.float32) if fits else v


#: Smallest type on any chart at a projector's 1280 x 720 (tick labels, legend, hover).
TICK_SIZE = 15


def legible_style(scale: float = 1.0) -> tuple[dict, dict]:
    """Type big enough for the back row, as (every axis's settings, the layout's):
    ticks, legend and hover TICK_SIZE, axis titles larger, all times ``scale``.

    Set on every axis explicitly: Streamlit's chart theme sets smaller tick fonts that
    override the layout's base font.
    """
    tick, title = round(TICK_SIZE * scale), round((FONT_SIZE + 1) * scale)
    axis = {
        "tickfont": {"size": tick},
        "title": {"font": {"size": title}, "standoff": 6},
    }
    layout = {
        "font": {"size": round(FONT_SIZE * scale)},
        "legend": {"font": {"size": tick}},
        "hoverlabel": {"font": {"size": tick}},
    }
    return axis, layout


def legible(fig, scale: float = 1.0):
    """A validated figure made legible (legible_style)."""
    axis, layout = legible_style(scale)
    fig.update_xaxes(axis)
    fig.update_yaxes(axis)
    fig.update_layout(layout)
    return fig


def short_number(value: float, digits: int = 4) -> str:
    """A number that fits a metric box or a label: 4 significant digits, powers of ten
    beyond 1e5 or below 1e-3 ("-3.58e9"), a dash for NaN and infinity."""
    if value != value or value in (float("inf"), float("-inf")):
        return "—"
    if value != 0 and not 1e-3 <= abs(value) < 1e5:
        mantissa, exponent = f"{value:.{digits - 2}e}".split("e")
        return f"{mantissa.rstrip('0').rstrip('.')}e{int(exponent)}"
    return f"{value:.0f}" if abs(value) >= 10**digits else f"{value:.{digits}g}"
