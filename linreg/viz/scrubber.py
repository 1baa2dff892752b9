"""The learning-rate scrubber: whole full-batch runs for many rates, one animation frame
per rate.

A slider inside the figure picks the rate; each frame replaces four traces (the fitted
line, the loss curve, the path on the level sets, the rate's mark on the zone strip) in
the browser alone, with ``redraw=False``: no message to the server while the rate is
dragged (Distill-style).  The runs themselves are computed at once by the core
(sweep.rate_paths).

Heavy ball and Nesterov get a second slider, for the momentum, and the rate map over
(learning rate, momentum) beside the path, its marker on the pair shown.  Plotly's
sliders each jump to frames of their own; here both sliders' steps call nothing (method
"skip") and ``PAIR_SLIDERS_JS``, a constant script the page and the saved view carry,
joins the two steps' values into the name of the pair's frame.
"""

from __future__ import annotations

from dataclasses import astuple, dataclass

import numpy as np
import plotly.graph_objects as go

from ..analysis import Analysis
from ..dynamics import ZONES
from ..model import Quadratic
from ..sweep import RatePaths
from ..theory import RateMap, per_step, shown
from .animation import JUMP, _xy, frame_slider
from .canvas import Canvas, merge, scatter
from .geometry import box_around, fit_line, optimum_marker
from .panels import (
    EDGE_INSET,
    Grid,
    data_view,
    edge_markers,
    fit_trace,
    level_sets,
    line_pointer,
    lines_leave,
    loss_view,
    moving_trace,
    parity_view,
    path_line,
    predictions_trace,
    surface_axes,
    view_title,
)
from .rates import MomentumMap, heat_png, zone_band, zone_spans
from .style import PALETTE, TICK_SIZE, short_number

#: Pixels: each row of plots (by whether the views are narrow: stacked on a phone, or
#: four of them with the momentum map), the zone strip, and the slider under them (and
#: the momentum slider's room).
PLOT_PX = {False: 230, True: 200}
STRIP_PX = 50
SLIDER_PX = 100
# the momentum slider under the learning rate's, when the views are stacked
SECOND_SLIDER_PX = 78
FRAME_PREFIX = "lr "
VERDICT_Y = 1.3  # the pair's verdict, over the strip's zones (which span 0 to 1)
#: The sliders' names, which PAIR_SLIDERS_JS looks for (written out in it: a script is a
#: literal, tests check both).
LR_SLIDER, MOMENTUM_SLIDER = "learning_rate", "momentum"

#: Joins the learning-rate and the momentum sliders (a string literal, no data in it;
#: the page injects it, the saved view carries it): on either slider's change it
#: animates to the frame named by the two active steps' values joined by a space, with
#: the options its step carries (animation.JUMP).  Plotly is the page's global
#: (Streamlit's bundle sets window.Plotly; a saved view loads it itself):
#: tests/test_browser.py drags both sliders, so a Streamlit without it fails there.
#: Listeners are attached on the first press on a chart (a chart drawn anew after a
#: rerun is a new element), before Plotly's own slider handler runs.
PAIR_SLIDERS_JS = """<script>
(() => {
  if (window.__pairSliders) return;
  window.__pairSliders = true;
  const pair = gd => {
    const s = (gd.layout && gd.layout.sliders) || [];
    const lr = s.find(x => x.name === 'learning_rate'), mu = s.find(x => x.name === 'momentum');
    return lr && mu ? [lr, mu] : null;
  };
  const show = gd => {
    const [lr, mu] = pair(gd);
    const a = lr.steps[lr.active || 0], b = mu.steps[mu.active || 0];
    window.Plotly.animate(gd, [a.value + ' ' + b.value], a.args[1]);
  };
  const hook = gd => {
    if (!gd || !gd.on || !pair(gd)) return;
    if (gd.__pairListener) gd.removeListener('plotly_sliderchange', gd.__pairListener);
    gd.__pairListener = () => show(gd);
    gd.on('plotly_sliderchange', gd.__pairListener);
  };
  const chart = t => t && t.closest && t.closest('.js-plotly-plot');
  for (const type of ['pointerdown', 'mousedown', 'touchstart'])
    document.addEventListener(type, e => hook(chart(e.target)), true);
})();
</script>"""  # noqa: E501


@dataclass(frozen=True)
class Momenta:
    """The second slider's momenta (``paths`` are stacked over them: run j * L + i), the
    one that opens, each one's rate map (its zones, contraction, limit), and the map
    over (learning rate, momentum).
    """

    values: np.ndarray  # (M,)
    current: int
    maps: tuple[RateMap, ...]  # one per momentum
    chart: MomentumMap


@dataclass(frozen=True)
class ScrubLabels:
    """The axes' titles: the feature, the target, the two parameters on the contour."""

    x: str = "x"
    y: str = "y"
    w: str = "w"
    b: str = "b"


def verdict(paths: RatePaths, i: int, m: RateMap) -> str:
    """What the run at rate i did (its outcome), after what the theory says of the rate
    (its zone and contraction per step) for the optimizers that have one."""
    did = str(paths.outcome[i])
    if not np.isnan(paths.diverged_at[i]):
        did = f"diverged at step {int(paths.diverged_at[i])}"
    if m.measured:
        return did
    lr = paths.learning_rates[i]
    return f"{m.zone(lr)}, {per_step(m.contraction(lr))}/step: {did}"


def pair_verdict(paths: RatePaths, k: int, m: RateMap, sep: str = " · ") -> str:
    """The pair's rates, then what run k did (``verdict``, ``m`` the rate map at its
    momentum), ``sep`` between (a line break where the views are stacked)."""
    lr, mu = paths.learning_rates[k], paths.momenta[k]
    return f"learning rate {shown(lr, m):g}, momentum {mu:g}{sep}{verdict(paths, k, m)}"


def scrubber_figure(
    paths: RatePaths,
    end_original: np.ndarray,
    X: np.ndarray,
    y: np.ndarray,
    q: Quadratic,
    analysis: Analysis,
    optimum_original: np.ndarray,
    *,
    current: int,
    rate_map: RateMap,
    labels: ScrubLabels = ScrubLabels(),
    stacked: bool = False,
    scale: float = 1.0,
    momenta: Momenta | None = None,
    square: bool = False,
) -> go.Figure:
    """Data and fit | loss per step | level sets and path (| the momentum map), over a
    strip of the rates and their zones.

    ``end_original`` is ``paths.end`` in the data's units: the line drawn is each run's
    end (the path on the level sets stays in the trained units).  The figure opens on
    rate ``current`` (of the learning rates; with ``momenta``, at their current
    momentum).  ``square``: the four views of ``momenta`` two by two (a main area too
    narrow for four in a row, wide enough for two).
    """
    X = np.asarray(X, dtype=float).reshape(len(y), -1)
    one_feature = X.shape[1] == 1
    shape = Shape(
        stacked, momenta is not None, square and momenta is not None and not stacked
    )
    canvas, plot_px = _layout(shape, scale, one_feature)
    grid = SquareGrid(canvas) if shape.square else RowGrid(canvas, stacked)
    x = X[:, 0]
    x_grid = np.array([x.min(), x.max()])
    rates = len(paths.learning_rates) // (1 if momenta is None else len(momenta.values))
    opening = current if momenta is None else momenta.current * rates + current
    titles = astuple(labels)  # x, y, w, b: as the Playground's panels take them
    ends = np.asarray(end_original, dtype=float)
    pointers = []  # edge markers (index, mover): where a line or a loss left its view
    if one_feature:
        data_panel, y_range = _fit_view(grid, x, y, optimum_original, titles, scale)
        if lines_leave(ends, x_grid, y_range):

            def line_left(k: int, s: int) -> tuple | None:
                return line_pointer(ends[k], x_grid, y_range)

            box, at = (x_grid, y_range), (opening, opening)
            pointers += edge_markers(grid, 1, line_left, box, at)
    else:
        rows = parity_view(grid, y, titles)
        data_panel = grid.add(predictions_trace((y[rows], y[rows]), len(y)), 1)
    loss_panel, loss_box = _loss_view(grid, paths, q, analysis, scale)
    if not np.all(np.isnan(paths.diverged_at)):
        at = (opening, opening)
        pointers += edge_markers(
            grid, 2, _diverged_loss(paths, q, loss_box), loss_box, at, log_y=True
        )
    movers = [
        data_panel,
        loss_panel,
        *_surface_view(grid, paths, q, analysis, opening, titles, scale),
    ]
    mark, pair_strip = _strip(
        canvas, (shape.rows, 1), paths.learning_rates[:rates], rate_map, shape, scale
    )
    movers.append(mark)
    if momenta is not None:
        movers += [
            _map_panel(canvas, grid, momenta.chart, paths.learning_rates.max()),
            *pair_strip,
        ]
    movers += [index for index, _ in pointers]

    iterates = _iterates(paths.steps)
    lrs = paths.learning_rates[:rates]
    bands = [] if momenta is None else [_zone_bands(m, lrs) for m in momenta.maps]

    def fitted(i: int) -> dict:
        theta = ends[i]
        if one_feature:
            return _xy(x_grid, fit_line(x_grid, theta))
        with np.errstate(all="ignore"):
            return _xy(y[rows], X[rows] @ theta[:-1] + theta[-1])

    def frame_data(i: int) -> list[dict]:
        moving = [
            fitted(i),
            _xy(paths.steps, paths.loss[i]),
            _xy(paths.theta[i, :, 0], paths.theta[i, :, -1]),
            _xy(paths.theta[i, :iterates, 0], paths.theta[i, :iterates, -1]),
            _xy([paths.learning_rates[i]] * 2, [-0.3, 1.3]),
        ]
        if momenta is not None:
            moving += _pair_data(paths, i, momenta, rates, shape.verdict_sep, bands)
        return moving + [_xy(*where(i, i)) for _, where in pointers]

    for index, data in zip(movers, frame_data(opening), strict=True):
        canvas.data[index].update(
            {k: _plain(v) for k, v in data.items() if k != "type"}
        )
    canvas.legible(scale)
    font = round(TICK_SIZE * scale + 1)
    if momenta is None:
        names = [f"{FRAME_PREFIX}{i}" for i in range(rates)]
        frames = [
            {"name": n, "data": frame_data(i), "traces": movers}
            for i, n in enumerate(names)
        ]
        labels_ = [
            f"{shown(lr, rate_map):g}{shape.verdict_sep}{verdict(paths, i, rate_map)}"
            for i, lr in enumerate(paths.learning_rates)
        ]
        slider = frame_slider(
            names, labels_, current, -40 / plot_px, "learning rate ", font, "#222"
        )
        return canvas.figure(frames, {"sliders": [slider]})
    runs = range(len(paths.learning_rates))
    frames = [
        {"name": pair_frame(k, rates), "data": frame_data(k), "traces": movers}
        for k in runs
    ]
    sliders = _pair_sliders(
        paths, rates, current, momenta, rate_map, plot_px, font, shape
    )
    return canvas.figure(frames, {"sliders": sliders})


def pair_frame(k: int, rates: int) -> str:
    """The name of run k's frame (learning rate k % rates, momentum k // rates): the two
    sliders' step values joined by a space, as PAIR_SLIDERS_JS joins them."""
    return f"{FRAME_PREFIX}{k % rates} momentum {k // rates}"


def slider_values(name: str) -> tuple[str, str | None]:
    """The sliders' step values a frame's name joins ("lr 3 momentum 2": "lr 3" and
    "momentum 2"; a rate's frame alone: its name and None)."""
    lr, _, mu = name.partition(" momentum ")
    return lr, f"momentum {mu}" if mu else None


def frame_run(name: str, rates: int) -> int:
    """The run (its index in the stacked paths) that the frame ``name`` draws:
    pair_frame's inverse (a rate's frame alone: momentum 0)."""
    lr, mu = slider_values(name)
    momentum = int(mu.removeprefix("momentum ")) if mu else 0
    return momentum * rates + int(lr.removeprefix(FRAME_PREFIX))


def _pair_sliders(
    paths: RatePaths,
    rates: int,
    current: int,
    momenta: Momenta,
    m: RateMap,
    plot_px: float,
    font: int,
    shape: Shape,
) -> list[dict]:
    """The learning-rate slider and the momentum slider, side by side (under each other
    when the views are stacked): steps that call nothing themselves (PAIR_SLIDERS_JS
    animates to the pair's frame with their JUMP options)."""

    def slider(
        name: str,
        values: list[str],
        labels: list[str],
        active: int,
        prefix: str,
        place: dict,
    ) -> dict:
        spec = frame_slider(values, labels, active, place["y"], prefix, font, "#222")
        for step, value in zip(spec["steps"], values, strict=True):
            step.update(method="skip", value=value, args=[None, JUMP])
        return {**spec, **place, "name": name}

    top = -40 / plot_px
    if shape.stacked:
        places = (
            {"y": top, "x": 0.0, "len": 1.0},
            {
                "y": -(40 + SECOND_SLIDER_PX) / plot_px,
                "x": 0.0,
                "len": 1.0,
            },
        )
    else:
        places = {"y": top, "x": 0.0, "len": 0.62}, {"y": top, "x": 0.68, "len": 0.32}
    lrs = paths.learning_rates[:rates]
    return [
        slider(
            LR_SLIDER,
            [f"{FRAME_PREFIX}{i}" for i in range(rates)],
            [f"{shown(lr, m):g}" for lr in lrs],
            current,
            "learning rate ",
            places[0],
        ),
        slider(
            MOMENTUM_SLIDER,
            [f"momentum {j}" for j in range(len(momenta.values))],
            [f"{mu:g}" for mu in momenta.values],
            momenta.current,
            "momentum ",
            places[1],
        ),
    ]


def _pair_data(
    paths: RatePaths, k: int, momenta: Momenta, rates: int, sep: str, bands: list
) -> list[dict]:
    """Run k's moving traces beyond the four: its mark on the momentum map, the zones at
    its momentum (``bands``, _zone_bands of each momentum), and what it did."""
    j = k // rates
    said = {
        "type": "scatter",
        "x": [_strip_range(paths.learning_rates[:rates])[0]],
        "y": [VERDICT_Y],
        "text": [pair_verdict(paths, k, momenta.maps[j], sep)],
    }
    return [_xy([paths.learning_rates[k]], [paths.momenta[k]]), *bands[j], said]


def _zone_bands(m: RateMap, lrs: np.ndarray) -> list[dict]:
    """The strip's zones at one momentum (rate map ``m``) over the rates ``lrs``: one
    trace per zone of ZONES, no points where the zone is not."""
    spans = {name: (a, b) for name, a, b in zone_spans(m.zones, *_strip_range(lrs))}
    bands = []
    for name in ZONES:
        a, b = spans.get(name, (None, None))
        bands.append({"type": "scatter", "x": [a, b, b, a, a], "y": [0, 0, 1, 1, 0]})
    return bands


def _plain(values) -> list:
    """A frame's short list as the figure's own data: numbers as floats, gaps (None) and
    words kept."""
    if not isinstance(values, list):
        return values
    return [v if v is None or isinstance(v, str) else float(v) for v in values]


def _diverged_loss(paths: RatePaths, q: Quadratic, box: tuple):
    """Where a diverged run's loss ends, for an edge marker (panels.edge_markers): its
    loss at its last step before it diverged (the step before the verdict's "diverged
    at step k"), pinned to the top of the loss view's ``box`` when above it, with the
    loss and the step in words; None for a run that did not diverge."""
    low, high = np.log10(box[1])
    top = 10.0 ** (high - EDGE_INSET * (high - low))  # inside: Plotly hides beyond
    with np.errstate(all="ignore"):
        losses = q.loss_at(paths.end)

    def where(k: int, s: int) -> tuple | None:
        if np.isnan(paths.diverged_at[k]):
            return None
        step, loss = int(paths.diverged_at[k]) - 1, float(losses[k])
        arrow = "↑ " if loss > top else ""
        said = f"{arrow}loss ≈ {short_number(loss, 3)}<br>at step {step}, diverged"
        return float(step), min(loss, top), said

    return where


@dataclass(frozen=True)
class Shape:
    """How the views sit: side by side over the strip, stacked (a phone), or (four
    views) two by two."""

    stacked: bool
    pairs: bool  # a momentum slider: the rate map is a fourth view
    square: bool = False

    @property
    def views(self) -> int:
        return 4 if self.pairs else 3

    @property
    def rows(self) -> int:
        """Rows of the grid, the strip's the last."""
        return self.views + 1 if self.stacked else 3 if self.square else 2

    @property
    def verdict_sep(self) -> str:
        """Between the rate (or pair) and what its run did: a line break where the views
        are stacked (narrow)."""
        return "<br>" if self.stacked else " · "

    @property
    def strip_scale(self) -> float:
        """The strip's height (times STRIP_PX) and its y range's top: room for the
        pair's verdict over its zones."""
        return (2.0 if self.stacked else 1.45) if self.pairs else 1.0

    @property
    def cols(self) -> int:
        return 1 if self.stacked else 2 if self.square else self.views


class RowGrid(Grid):
    """The scrubber's views in one row (or stacked): the momentum map is the fourth
    column, not the Playground's strip under the three."""

    def cell(self, panel: int) -> tuple[int, int]:
        return (panel, 1) if self.stacked else (1, panel)


class SquareGrid(Grid):
    """Four views two by two: data | loss over path | rate map."""

    def __init__(self, canvas: Canvas):
        super().__init__(canvas, False)

    def cell(self, panel: int) -> tuple[int, int]:
        return (panel - 1) // 2 + 1, (panel - 1) % 2 + 1


def _layout(shape: Shape, scale: float, one_feature: bool) -> tuple[Canvas, float]:
    rows, cols = shape.rows, shape.cols
    plot = PLOT_PX[shape.stacked or shape.pairs]
    plot_rows = rows - 1
    strip = STRIP_PX * shape.strip_scale
    plot_px = plot * plot_rows + strip
    # the line drawn is the run's last; four views in a row leave no room to say so
    in_a_row = shape.pairs and not shape.stacked and not shape.square
    first = view_title(
        "fit" if one_feature else "parity", note="" if in_a_row else "end of run"
    )
    third = view_title("surface" if one_feature else "slice at optimum")
    titles = (first, view_title("loss"), third)
    titles += (
        (
            "Error ×/step (lr, μ)"
            if shape.pairs and not shape.stacked
            else "Error ×/step over (lr, momentum)"
        ),
    )
    titles = titles if shape.pairs else titles[:3]
    strip_row = [{"colspan": cols}] + [None] * (cols - 1)
    specs = [[{}] * cols] * plot_rows + [strip_row]
    widths = (
        None
        if cols == 1
        else (
            [0.5, 0.5]
            if shape.square
            else [0.25, 0.22, 0.27, 0.26]
            if shape.pairs
            else [0.33, 0.30, 0.37]
        )
    )
    gap_px = (105 if shape.stacked or shape.square else 78) * scale
    canvas = Canvas(
        rows=rows,
        cols=cols,
        specs=specs,
        subplot_titles=titles,
        row_heights=[plot] * plot_rows + [strip],
        column_widths=widths,
        horizontal_spacing=0.12 if shape.square else 0.07 if shape.pairs else 0.08,
        vertical_spacing=gap_px / (plot_px + gap_px * (rows - 1)),
    )
    # side by side unless stacked
    second = SECOND_SLIDER_PX if shape.pairs and shape.stacked else 0
    top, bottom = 40 * scale, (SLIDER_PX + second) * scale
    total = plot_px + gap_px * (rows - 1)
    merge(
        canvas.layout,
        {
            "height": round(top + total + bottom),
            "margin": {"l": 64, "r": 24, "t": round(top), "b": round(bottom)},
            "showlegend": False,
            "hovermode": "closest",
            "uirevision": "scrubber",
        },
    )
    return canvas, total


def _fit_view(
    grid: Grid, x, y, optimum_original, labels, scale: float
) -> tuple[int, list[float]]:
    """The data and the closed-form line (panels.data_view) under the run's last fitted
    line (moving): the y axis over the data, wherever a far-off rate's line goes; the
    line's index and the y range."""
    pad = 0.15 * (y.max() - y.min() or 1.0)
    y_range = [float(y.min() - pad), float(y.max() + pad)]
    x_grid = data_view(grid, x, y, optimum_original, labels, y_range)
    return grid.add(fit_trace((x_grid, x_grid), scale), 1), y_range


def _loss_view(
    grid: Grid, paths: RatePaths, q: Quadratic, analysis: Analysis, scale: float
) -> tuple[int, tuple]:
    """The minimum loss and the axes (panels.loss_view) under the run's loss (moving),
    on a log axis from the lowest loss of any run to 30 times the start; the loss's
    index and the view's box (steps, losses)."""
    finite = paths.loss[np.isfinite(paths.loss) & (paths.loss > 0)]
    low = max(float(finite.min()) if len(finite) else analysis.loss_star, 1e-300)
    loss_view(grid, int(paths.steps[-1]), analysis.loss_star, q.loss)
    # a line without markers: each marker is an SVG element that every move restyles
    style = {"line": {"color": PALETTE["loss"], "width": 3 * scale}}
    index = grid.add(moving_trace(([0], [0]), "lines", style, "loss"), 2)
    high = paths.start_loss * 30
    lo, hi = np.log10(low) - 0.1, np.log10(high)
    grid.y(2, type="log", range=[lo, hi], dtick=1)
    return index, ((0, max(int(paths.steps[-1]), 1)), (10.0**lo, 10.0**hi))


def _surface_view(
    grid: Grid,
    paths: RatePaths,
    q: Quadratic,
    analysis: Analysis,
    current: int,
    labels,
    scale: float,
) -> tuple[int, int]:
    """Level sets and the optimum (panels.level_sets, surface_axes) under the run's path
    (moving), in a box around the opening run's path: its line through every kept step
    and a marker on each iterate while every step is kept (_iterates; later kept steps
    are samples, and every marker is an SVG element each move restyles).  The line's
    index and the markers'."""
    box = box_around(
        paths.theta[current][:, [0, -1]],
        paths.loss[current],
        q.loss_ref,
        q.theta_ref[[0, -1]],
        0.3,
    )
    level_sets(grid, q, box, (0, len(q.theta_ref) - 1))
    grid.add(optimum_marker(analysis, params=(0, -1)), 3)
    line = grid.add(
        moving_trace(([0], [0]), "lines", {"line": path_line(scale)}, "path"), 3
    )
    dots = {"marker": {"size": 5, "color": PALETTE["path"]}, "hoverinfo": "skip"}
    iterates = grid.add(moving_trace(([0], [0]), "markers", dots, "iterates"), 3)
    surface_axes(grid, box, labels)
    return line, iterates


def _iterates(steps: np.ndarray) -> int:
    """How many of the kept ``steps`` are every step from the start (0, 1, 2, ...)."""
    gaps = np.flatnonzero(steps != np.arange(len(steps)))
    return int(gaps[0]) if len(gaps) else len(steps)


def _strip_range(lrs: np.ndarray) -> tuple[float, float]:
    """The strip's log axis: the scrubbed rates with a margin either side (the zones
    span it; the pair's verdict starts at its left end)."""
    return float(lrs.min()) / 1.5, float(lrs.max()) * 1.5


def _strip(
    canvas: Canvas, cell, lrs: np.ndarray, m: RateMap, shape: Shape, scale: float
) -> tuple[int, list[int]]:
    """Every rate as a tick on a log axis over its zone (a click on one makes it the
    run); the scrubbed one black. With a momentum slider, the zones (one trace per zone,
    at the pair's momentum) and the pair's verdict move: their indices after the
    mark's."""
    lo, hi = _strip_range(lrs)
    # the zones' height in pixels as without a verdict
    pairs, top = shape.pairs, -0.35 + 1.7 * shape.strip_scale
    moving = []
    if pairs:
        for name in ZONES:
            moving.append(
                canvas.add(zone_band(name, lo, lo, opacity=0.6, hover=False), cell)
            )
    else:
        for name, a, b in zone_spans(m.zones, lo, hi):
            canvas.add(zone_band(name, a, b, opacity=0.6, hover=False), cell)
    if m.limit is not None and not pairs:
        canvas.annotate(
            cell,
            x=np.log10(m.limit),
            y=1.05,
            text=f"limit {m.limit_text} = {m.limit_shown}",
            showarrow=False,
            yanchor="bottom",
            xanchor="right",
            font={"size": TICK_SIZE},
        )
    ticks = {
        "symbol": "line-ns-open",
        "size": 14,
        "color": "rgba(0,0,0,0.45)",
        "line": {"width": 2},
    }
    hover = "learning rate %{x:.3g}<br>click: make it the run<extra></extra>"
    rates = scatter(
        x=lrs,
        y=np.full(len(lrs), 0.5),
        mode="markers",
        marker=ticks,
        name="rates",
        hovertemplate=hover,
    )
    canvas.add(rates, cell)
    mark = scatter(
        x=[lrs[0]] * 2,
        y=[-0.3, 1.3],
        mode="lines",
        line={"color": "black", "width": 5},
        name="scrubbed",
    )
    canvas.x(
        cell,
        type="log",
        range=[np.log10(lo), np.log10(hi)],
        dtick=1,
        exponentformat="power",
    )
    canvas.y(cell, range=[-0.35, top], visible=False, fixedrange=True)
    index = canvas.add(mark, cell)
    if pairs:
        font = {"size": round((TICK_SIZE + 1) * scale), "color": "#222"}
        said = scatter(
            x=[lo],
            y=[VERDICT_Y],
            mode="text",
            text=[""],
            textposition="top right",
            textfont=font,
            cliponaxis=False,
            name="verdict",
            hoverinfo="skip",
        )
        moving.append(canvas.add(said, cell))
    return index, moving


def _map_panel(canvas: Canvas, grid: Grid, chart: MomentumMap, top_rate: float) -> int:
    """The momentum map (momentum_map) in the fourth view up to ``top_rate``, its colour
    bar beside it; the pair's marker (moving).

    The heat map is a layout image under the map's lines: an animation redraws every
    subplot's traces but its scatters, and Plotly (3.x) leaves a heat-map trace out (the
    map went blank on the first drag).
    """
    cell = grid.cell(4)
    xkey, ykey = canvas.axis_keys(cell)
    x1, (y0, y1) = canvas.layout[xkey]["domain"][1], canvas.layout[ykey]["domain"]
    heat = chart.heat
    lrs, mus = np.log10(heat["x"]), heat["y"]
    # the image covers the cells, not their centres
    half_x, half_y = (lrs[1] - lrs[0]) / 2, (mus[1] - mus[0]) / 2
    canvas.layout.setdefault("images", []).append(
        {
            "source": heat_png(heat),
            "xref": canvas.ref("x", cell),
            "yref": canvas.ref("y", cell),
            "layer": "below",
            "x": float(lrs[0] - half_x),
            "sizex": float(lrs[-1] - lrs[0] + 2 * half_x),
            "xanchor": "left",
            "y": float(mus[-1] + half_y),
            "sizey": float(mus[-1] - mus[0] + 2 * half_y),
            "yanchor": "top",
            "sizing": "stretch",
        }
    )
    bar = {
        "x": x1 + 0.005,
        "xanchor": "left",
        "y": y0,
        "yanchor": "bottom",
        "len": 0.8 * (y1 - y0),
        "thickness": 10,
    }
    key = {
        "color": [heat["zmin"]],
        "cmin": heat["zmin"],
        "cmax": heat["zmax"],
        "colorscale": heat["colorscale"],
        "reversescale": heat["reversescale"],
        "showscale": True,
        "colorbar": bar,
        "opacity": 0,
    }
    canvas.add(
        scatter(
            x=[heat["x"][0]],
            y=[mus[0]],
            mode="markers",
            marker=key,
            name="×/step",
            hoverinfo="skip",
        ),
        cell,
    )
    for trace in chart.traces[1:]:
        canvas.add(trace, cell)
    you = {
        "symbol": "x",
        "size": 16,
        "color": PALETTE["fit"],
        "line": {"color": "white", "width": 2},
    }
    hover = "lr %{x:.3g}, momentum %{y:.2f}<extra>the pair shown</extra>"
    index = canvas.add(
        scatter(
            x=[0],
            y=[0],
            mode="markers",
            marker=you,
            name="the pair",
            hovertemplate=hover,
            cliponaxis=False,  # on the map's edge (μ 0.99, the largest rates): whole
        ),
        cell,
    )
    # every scrubbed rate on it (blank: diverges)
    right = max(chart.x_range[1], float(np.log10(top_rate)) + 0.12)
    canvas.x(
        cell,
        type="log",
        range=[chart.x_range[0], right],
        dtick=1,
        exponentformat="power",
        showgrid=False,
        title={"text": "learning rate"},
    )
    canvas.y(cell, range=[0, 0.99], showgrid=False, title={"text": "momentum"})
    return index


def opened_at(spec: dict, frame: str) -> dict:
    """A scrubber's ``spec`` (its figure's ``to_dict``) opening on its frame named
    ``frame`` (the pair or rate a reader had dragged to): that frame's traces drawn and
    each slider on its step.  A name the figure has no frame for raises KeyError."""
    match = next((f for f in spec["frames"] if f["name"] == frame), None)
    if match is None:
        raise KeyError(frame)
    data = list(spec["data"])
    for index, moved in zip(match["traces"], match["data"], strict=True):
        data[index] = {**data[index], **moved}
    lr, mu = slider_values(frame)
    wanted = {LR_SLIDER: lr, MOMENTUM_SLIDER: mu}
    sliders = []
    for slider in spec["layout"]["sliders"]:
        name = slider.get("name")
        values = [
            step["value"] if name in wanted else step["args"][0][0]
            for step in slider["steps"]
        ]
        sliders.append({**slider, "active": values.index(wanted.get(name, frame))})
    return {**spec, "data": data, "layout": {**spec["layout"], "sliders": sliders}}
