"""The dict-built figures (viz/canvas.py) against Plotly's own: same axes as
make_subplots and update_xaxes, and a spec Plotly's validator accepts, for every kind of
Playground and scrubber figure.
"""

from __future__ import annotations

import copy

import numpy as np
import plotly.graph_objects as go
import pytest
from plotly.subplots import make_subplots

from linreg.experiment import Settings, run
from linreg.sweep import rate_paths, scrub_grid
from linreg.theory import rate_map
from linreg.viz import compare, playground, scrubber
from linreg.viz.canvas import Canvas, merge, scatter

SHAPES = [
    {
        "rows": 1,
        "cols": 3,
        "specs": [[{}, {"secondary_y": True}, {}]],
        "subplot_titles": ("a", "b", "c"),
    },
    {
        "rows": 3,
        "cols": 1,
        "specs": [[{}], [{"secondary_y": True}], [{}]],
        "vertical_spacing": 0.1,
    },
    {
        "rows": 2,
        "cols": 3,
        "specs": [[{}, {}, {}], [{"colspan": 3}, None, None]],
        "row_heights": [230, 50],
    },
]


@pytest.mark.parametrize("shape", SHAPES)
def test_a_canvas_puts_traces_and_axis_settings_where_make_subplots_does(shape):
    # it fills in the specs
    canvas, reference = Canvas(**shape), make_subplots(**copy.deepcopy(shape))
    cells = [
        (r, c) for r in range(1, shape["rows"] + 1) for c in range(1, shape["cols"] + 1)
    ]
    cells = [cell for cell in cells if reference.get_subplot(*cell) is not None]
    for k, cell in enumerate(cells):
        canvas.add(scatter(x=[k], y=[k]), cell)
        reference.add_trace(go.Scatter(x=[k], y=[k]), row=cell[0], col=cell[1])
        canvas.x(cell, range=[0, k + 1], title={"text": f"x{k}"})
        reference.update_xaxes(
            range=[0, k + 1], title_text=f"x{k}", row=cell[0], col=cell[1]
        )
        canvas.y(cell, type="log")
        reference.update_yaxes(type="log", row=cell[0], col=cell[1], secondary_y=False)
    for secondary in [
        (r, c) for (r, c) in cells if shape["specs"][r - 1][c - 1].get("secondary_y")
    ]:
        canvas.add(scatter(x=[0], y=[9]), secondary, secondary_y=True)
        reference.add_trace(
            go.Scatter(x=[0], y=[9]),
            row=secondary[0],
            col=secondary[1],
            secondary_y=True,
        )
        canvas.y(secondary, secondary_y=True, showgrid=False)
        reference.update_yaxes(
            showgrid=False, row=secondary[0], col=secondary[1], secondary_y=True
        )
    # validated: raises on a wrong property
    built = go.Figure({"data": canvas.data, "layout": canvas.layout})
    assert [(t.xaxis, t.yaxis) for t in built.data] == [
        (t.xaxis, t.yaxis) for t in reference.data
    ]
    assert built.layout.to_plotly_json() == reference.layout.to_plotly_json()


def test_merge_nests_and_replaces():
    target = {"title": {"text": "a", "font": {"size": 10}}, "range": [0, 1]}
    merge(target, {"title": {"font": {"size": 20}}, "range": [2, 3]})
    assert target == {"title": {"text": "a", "font": {"size": 20}}, "range": [2, 3]}


def _playground(settings: Settings, **options):
    return playground.run_figure(run(settings), playground.PlotOptions(**options))


CASES = {
    "one feature": (Settings(), {}),
    "stacked, larger type, residuals": (
        Settings(),
        {"stacked": True, "scale": 1.25, "residuals": True},
    ),
    "diverging": (
        Settings(learning_rate=0.2, epochs=40),
        {"equal_axes": True, "click_grid": True},
    ),
    "schedule and test loss": (
        Settings(schedule="step", step_size=100, test_fraction=0.3),
        {},
    ),
    "three parameters": (
        Settings(dataset="tips", features=("total_bill", "size")),
        {"params": (1, 2)},
    ),
}


@pytest.mark.parametrize("case", CASES)
def test_playground_figures_are_valid_plotly(case):
    settings, options = CASES[case]
    spec = _playground(settings, **options).to_dict()
    validated = go.Figure(spec)  # Plotly's validator on every trace, axis and frame
    assert len(validated.data) == len(spec["data"]) and len(validated.frames) == len(
        spec["frames"]
    )
    axes = [key for key in spec["layout"] if key.startswith(("xaxis", "yaxis"))]
    # legible on every axis
    assert all(spec["layout"][key]["tickfont"]["size"] >= 15 for key in axes)


@pytest.mark.parametrize("stacked", [False, True])
def test_scrubber_figures_are_valid_plotly(stacked):
    r = run(Settings())
    m = rate_map(r.analysis, "gd")
    rates, current = scrub_grid(m.limit, 0.01)
    paths = rate_paths(r.traj.quadratic, rates, 200, "gd", r.traj.theta[0])
    fig = scrubber.scrubber_figure(
        paths,
        paths.end,
        r.data.X,
        r.data.y,
        r.traj.quadratic,
        r.analysis,
        r.optimum_original,
        current=current,
        rate_map=m,
        stacked=stacked,
    )
    spec = fig.to_dict()
    go.Figure(spec)
    notes = spec["layout"]["annotations"]
    assert any(
        note["text"].startswith("limit 2/L") and note["xref"] != "paper"
        for note in notes
    )
    # 0.01 < 1/L = 0.394: the figure opens on the user's rate
    assert m.zone(rates[current]) == "monotone"
    assert np.isclose(rates[current], 0.01)


@pytest.mark.parametrize("stacked", [False, True])
def test_race_figures_are_valid_plotly(stacked):
    """The race on the canvas: Plotly's validator on every trace, axis and frame; the
    paths' view is the Playground's (the same level sets, ranges and axis titles)."""
    diverging = run(Settings(learning_rate=0.9, epochs=60))
    r = run(Settings(epochs=60))
    fig = compare.race_figure(
        [("gd", r.traj), ("too far", diverging.traj)], r.analysis, stacked=stacked
    )
    spec = fig.to_dict()
    validated = go.Figure(spec)
    assert len(validated.frames) == len(spec["frames"])
    # the converging run frames the view: the Playground's box around its path
    playground_spec = _playground(Settings(epochs=60)).to_dict()
    for axis, title in (("x", "w"), ("y", "b")):
        race, own = (
            _axis_titled(s["layout"], axis, title) for s in (spec, playground_spec)
        )
        assert race["range"] == pytest.approx(own["range"])
    fills = [t["fillcolor"] for t in spec["data"] if t.get("fill") == "toself"]
    playground_fills = [
        t["fillcolor"] for t in playground_spec["data"] if t.get("fill") == "toself"
    ]
    assert fills == playground_fills and len(fills) >= 5


def _axis_titled(layout: dict, axis: str, title: str) -> dict:
    (found,) = (
        v
        for k, v in layout.items()
        if k.startswith(f"{axis}axis") and v.get("title", {}).get("text") == title
    )
    return found
