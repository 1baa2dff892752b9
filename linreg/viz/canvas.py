"""A figure assembled as plain dicts on a cached subplot grid, for the figures a rerun
rebuilds.

Plotly validates every property set through its objects: for the Playground's ~30
traces, three axes and their fonts that was ~100 ms a figure, most of a new learning
rate's server time (and of a class's waiting when 30 students move at once).  Here the
grid comes from ``make_subplots`` once per shape (cached), traces and axis settings are
dicts we write, and the figure is made without a second validation.
``tests/test_canvas.py`` checks that what comes out is a valid Plotly figure.
"""

from __future__ import annotations

import copy
import json
from functools import lru_cache

import plotly.graph_objects as go
from plotly.subplots import make_subplots

from .animation import FramedFigure
from .style import FONT_SIZE, legible_style

Cell = tuple[int, int]  # (row, col), from 1 as in make_subplots


@lru_cache(maxsize=32)
def _grid(shape: str) -> tuple[dict, dict]:
    """make_subplots' layout for ``shape`` (its keyword arguments as JSON) and each
    cell's axis names."""
    kwargs = json.loads(shape)
    fig = make_subplots(**kwargs)
    axes = {}
    for row in range(1, kwargs.get("rows", 1) + 1):
        for col in range(1, kwargs.get("cols", 1) + 1):
            for secondary in (False, True):
                try:
                    subplot = fig.get_subplot(row, col, secondary_y=secondary)
                except ValueError:  # secondary_y on a cell that has none
                    continue
                if subplot is not None:
                    axes[(row, col, secondary)] = (
                        subplot.xaxis.plotly_name,
                        subplot.yaxis.plotly_name,
                    )
    return fig.layout.to_plotly_json(), axes


def scatter(**props) -> dict:
    """A scatter trace as a dict: the keywords of go.Scatter, nested
    (``marker={"color": ...}``)."""
    return {"type": "scatter", **props}


def merge(target: dict, props: dict) -> dict:
    """Deep-merge ``props`` into ``target`` (nested dicts merged, everything else
    replaced)."""
    for key, value in props.items():
        if isinstance(value, dict) and isinstance(target.get(key), dict):
            merge(target[key], value)
        else:
            target[key] = value
    return target


class Canvas:
    """Traces and layout as dicts on the grid ``make_subplots(**shape)`` would make."""

    def __init__(self, **shape):
        layout, self._axes = _grid(json.dumps(shape, sort_keys=True))
        self.layout: dict = copy.deepcopy(layout)
        self.data: list[dict] = []

    def axis_keys(self, cell: Cell, secondary_y: bool = False) -> tuple[str, str]:
        """The layout keys of the cell's axes, e.g. ('xaxis2', 'yaxis3')."""
        return self._axes[(*cell, secondary_y)]

    def ref(self, axis: str, cell: Cell, secondary_y: bool = False) -> str:
        """What a trace or an annotation calls the cell's ``axis`` ('x' or 'y'): 'x',
        'y3', ..."""
        key = self.axis_keys(cell, secondary_y)[0 if axis == "x" else 1]
        return key.replace("axis", "")

    def add(self, trace: dict, cell: Cell, secondary_y: bool = False) -> int:
        """Add a trace (a dict, as ``scatter`` makes) to the cell; its index."""
        x, y = self.ref("x", cell, secondary_y), self.ref("y", cell, secondary_y)
        self.data.append({**trace, "xaxis": x, "yaxis": y})
        return len(self.data) - 1

    def x(self, cell: Cell, **props) -> None:
        merge(self.layout.setdefault(self.axis_keys(cell)[0], {}), props)

    def y(self, cell: Cell, secondary_y: bool = False, **props) -> None:
        merge(self.layout.setdefault(self.axis_keys(cell, secondary_y)[1], {}), props)

    def annotate(self, cell: Cell, **annotation) -> None:
        refs = {"xref": self.ref("x", cell), "yref": self.ref("y", cell)}
        self.layout.setdefault("annotations", []).append({**annotation, **refs})

    def style_axes(self, props: dict) -> None:
        """The same settings on every axis (fonts, say)."""
        for key in list(self.layout):
            if key.startswith(("xaxis", "yaxis")):
                merge(self.layout[key], copy.deepcopy(props))

    def legible(self, scale: float = 1.0) -> None:
        """Type for the back row (style.legible_style); the subplot titles, and every
        note so far, larger."""
        axis, layout = legible_style(scale)
        self.style_axes(axis)
        merge(self.layout, layout)
        for note in self.layout.get("annotations", []):
            merge(note, {"font": {"size": round((FONT_SIZE + 2) * scale)}})

    def figure(
        self, frames: list[dict] | None = None, controls: dict | None = None
    ) -> go.Figure:
        """The finished figure: its frames and player controls (plain dicts) kept as
        given."""
        return FramedFigure(
            {"data": self.data, "layout": self.layout}, frames or [], controls or {}
        )
