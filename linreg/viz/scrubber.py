"""The learning-rate scrubber: whole full-batch runs for many rates, one animation frame per rate.

A slider inside the figure picks the rate; each frame replaces four traces (the fitted line, the loss
curve, the path on the level sets, the rate's mark on the zone strip) in the browser alone, with
``redraw=False``: no message to the server while the rate is dragged (Distill-style).  The runs
themselves are computed at once by the core (sweep.rate_paths).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go

from ..analysis import Analysis
from ..model import Quadratic
from ..sweep import RatePaths
from ..theory import RateMap, per_step, shown
from .animation import _xy, frame_slider
from .canvas import Canvas, merge, scatter
from .geometry import box_around, fit_line, level_traces, optimum_marker
from .panels import Grid
from .rates import zone_band, zone_spans
from .style import PALETTE, TICK_SIZE, display_sample

#: Pixels: each row of plots, the zone strip, and the slider under them.
PLOT_PX = {False: 230, True: 200}
STRIP_PX = 50
SLIDER_PX = 100
FRAME_PREFIX = "lr "
MAX_PREDICTIONS = 120  # several features: predicted points move in every frame


@dataclass(frozen=True)
class ScrubLabels:
    x: str = "x"
    y: str = "y"
    w: str = "w"
    b: str = "b"


def verdict(paths: RatePaths, i: int, m: RateMap) -> str:
    """What the run at rate i did (its outcome), after what the theory says of the rate (its zone and
    contraction per step) for the optimizers that have one."""
    did = str(paths.outcome[i])
    if not np.isnan(paths.diverged_at[i]):
        did = f"diverged at step {int(paths.diverged_at[i])}"
    if m.measured:
        return did
    lr = paths.learning_rates[i]
    return f"{m.zone(lr)}, {per_step(m.contraction(lr))}/step: {did}"


def scrubber_figure(
    paths: RatePaths,
    theta_original: np.ndarray,
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
) -> go.Figure:
    """Data and fit | loss per step | level sets and path, over a strip of the rates and their zones.

    ``theta_original`` is ``paths.theta`` in the data's units (the line is drawn in them; the path on the
    level sets stays in the trained units).  The figure opens on rate ``current``.
    """
    X = np.asarray(X, dtype=float).reshape(len(y), -1)
    one_feature = X.shape[1] == 1
    canvas, plot_px = _layout(stacked, scale, one_feature)
    grid = Grid(canvas, stacked)
    x = X[:, 0]
    x_grid = np.array([x.min(), x.max()])
    rows = display_sample(len(y), MAX_PREDICTIONS)
    last = _last_finite(paths)
    data_panel = (
        _data_panel(grid, x, y, x_grid, optimum_original, labels)
        if one_feature
        else _parity_panel(grid, y[rows], labels)
    )
    movers = [
        data_panel,
        _loss_panel(grid, paths, analysis),
        _surface_panel(grid, paths, q, analysis, current, labels),
        _strip(canvas, stacked, paths, rate_map),
    ]

    def fitted(i: int) -> dict:
        theta = theta_original[i, last[i]] if last[i] >= 0 else np.full(X.shape[1] + 1, np.nan)
        if one_feature:
            return _xy(x_grid, fit_line(x_grid, theta))
        with np.errstate(all="ignore"):
            return _xy(y[rows], X[rows] @ theta[:-1] + theta[-1])

    def frame_data(i: int) -> list[dict]:
        return [
            fitted(i),
            _xy(paths.steps, paths.loss[i]),
            _xy(paths.theta[i, :, 0], paths.theta[i, :, -1]),
            _xy([paths.learning_rates[i]] * 2, [-0.3, 1.3]),
        ]

    for index, data in zip(movers, frame_data(current), strict=True):
        canvas.data[index].update(x=_plain(data["x"]), y=_plain(data["y"]))
    canvas.legible(scale)
    names = [f"{FRAME_PREFIX}{i}" for i in range(len(paths.learning_rates))]
    frames = [{"name": n, "data": frame_data(i), "traces": movers} for i, n in enumerate(names)]
    labels_ = [f"{shown(lr, rate_map):g} · {verdict(paths, i, rate_map)}" for i, lr in enumerate(paths.learning_rates)]
    slider = frame_slider(
        names, labels_, current, -40 / plot_px, "learning rate ", round(TICK_SIZE * scale + 1), "#222"
    )
    return canvas.figure(frames, {"sliders": [slider]})


def _plain(values) -> list:
    return [float(v) for v in values] if isinstance(values, list) else values


def _last_finite(paths: RatePaths) -> np.ndarray:
    """Index of each run's last kept step before it diverged (-1: none)."""
    finite = np.all(np.isfinite(paths.theta), axis=2)
    return np.where(finite.any(axis=1), finite.shape[1] - 1 - np.argmax(finite[:, ::-1], axis=1), -1)


def _layout(stacked: bool, scale: float, one_feature: bool) -> tuple[Canvas, float]:
    rows, cols = (4, 1) if stacked else (2, 3)
    plots = PLOT_PX[stacked] * (3 if stacked else 1)
    plot_px = plots + STRIP_PX
    first = "Data and fitted line (end of run)" if one_feature else "Predicted vs actual (end of run)"
    titles = (first, "Loss per step", "Loss surface and path" if one_feature else "Loss slice through the optimum")
    specs = [[{}], [{}], [{}], [{}]] if stacked else [[{}, {}, {}], [{"colspan": 3}, None, None]]
    heights = [PLOT_PX[stacked]] * 3 + [STRIP_PX] if stacked else [PLOT_PX[stacked], STRIP_PX]
    gap_px = (105 if stacked else 78) * scale
    canvas = Canvas(
        rows=rows, cols=cols, specs=specs, subplot_titles=titles, row_heights=heights,
        column_widths=None if stacked else [0.33, 0.30, 0.37], horizontal_spacing=0.08,
        vertical_spacing=gap_px / (plot_px + gap_px * (rows - 1)),
    )  # fmt: skip
    top, bottom = 40 * scale, SLIDER_PX * scale
    total = plot_px + gap_px * (rows - 1)
    merge(canvas.layout, {
        "height": round(top + total + bottom),
        "margin": {"l": 64, "r": 24, "t": round(top), "b": round(bottom)},
        "showlegend": False,
        "hovermode": "closest",
        "uirevision": "scrubber",
    })  # fmt: skip
    return canvas, total


def _data_panel(grid: Grid, x, y, x_grid, optimum_original, labels: ScrubLabels) -> int:
    shown = display_sample(len(x))
    marker = {"color": PALETTE["data"], "size": 8 if len(x) <= 500 else 4, "opacity": 0.8}
    grid.add(scatter(x=x[shown], y=y[shown], mode="markers", marker=marker, name="data"), 1)
    best = {"color": PALETTE["optimum"], "width": 3, "dash": "dash"}
    grid.add(scatter(x=x_grid, y=fit_line(x_grid, optimum_original), mode="lines", line=best, name="best fit"), 1)
    line = scatter(x=x_grid, y=x_grid, mode="lines", line={"color": PALETTE["fit"], "width": 4}, name="fit")
    index = grid.add(line, 1)
    pad = 0.15 * (y.max() - y.min() or 1.0)
    grid.y(1, range=[float(y.min() - pad), float(y.max() + pad)], title={"text": labels.y})
    grid.x(1, title={"text": labels.x})
    return index


def _parity_panel(grid: Grid, y_shown: np.ndarray, labels: ScrubLabels) -> int:
    lo, hi = float(y_shown.min()), float(y_shown.max())
    pad = 0.15 * (hi - lo or 1.0)
    diagonal = {"color": PALETTE["optimum"], "width": 2, "dash": "dash"}
    grid.add(scatter(x=[lo, hi], y=[lo, hi], mode="lines", line=diagonal, name="perfect prediction"), 1)
    dots = {"color": PALETTE["fit"], "size": 7, "opacity": 0.8}
    index = grid.add(scatter(x=y_shown, y=y_shown, mode="markers", marker=dots, name="predictions"), 1)
    grid.x(1, range=[lo - pad, hi + pad], title={"text": f"actual {labels.y}"})
    grid.y(1, range=[lo - pad, hi + pad], title={"text": f"predicted {labels.y}"})
    return index


def _loss_panel(grid: Grid, paths: RatePaths, analysis: Analysis) -> int:
    finite = paths.loss[np.isfinite(paths.loss) & (paths.loss > 0)]
    low = max(float(finite.min()) if len(finite) else analysis.loss_star, 1e-300)
    high = paths.start_loss * 30
    star = {"color": PALETTE["optimum"], "width": 2, "dash": "dash"}
    ends = [0, int(paths.steps[-1])]
    grid.add(scatter(x=ends, y=[analysis.loss_star] * 2, mode="lines", line=star, name="minimum"), 2)
    curve = scatter(x=ends, y=ends, mode="lines+markers", line={"color": PALETTE["fit"], "width": 3},
                       marker={"size": 4})  # fmt: skip
    index = grid.add(curve, 2)
    grid.y(2, type="log", range=[np.log10(low) - 0.1, np.log10(high)], dtick=1, title={"text": "loss"})
    grid.x(2, range=ends, title={"text": "step"})
    return index


def _surface_panel(grid: Grid, paths: RatePaths, q: Quadratic, analysis: Analysis, current: int, labels) -> int:
    xr, yr = box_around(paths.theta[current][:, [0, -1]], paths.loss[current], q.loss_ref, q.theta_ref[[0, -1]], 0.3)
    for trace in level_traces(q, xr, yr):
        grid.add(trace, 3)
    grid.add(optimum_marker(analysis, params=(0, -1)), 3)
    style = {"color": PALETTE["path"], "width": 3}
    index = grid.add(scatter(x=[0], y=[0], mode="lines+markers", line=style, marker={"size": 5}, name="path"), 3)
    grid.x(3, range=list(xr), title={"text": labels.w})
    grid.y(3, range=list(yr), title={"text": labels.b})
    return index


def _strip(canvas: Canvas, stacked: bool, paths: RatePaths, m: RateMap) -> int:
    """Every rate as a tick on a log axis over its zone (a click on one makes it the run); the scrubbed one black."""
    cell = (4, 1) if stacked else (2, 1)
    lrs = paths.learning_rates
    lo, hi = float(lrs.min()) / 1.5, float(lrs.max()) * 1.5
    for name, a, b in zone_spans(m.zones, lo, hi):
        canvas.add(zone_band(name, a, b, opacity=0.6, hover=False), cell)
    if m.limit is not None:
        canvas.annotate(cell, x=np.log10(m.limit), y=1.05, text=f"limit {m.limit_text} = {m.limit_shown}",
                        showarrow=False, yanchor="bottom", xanchor="right", font={"size": TICK_SIZE})  # fmt: skip
    ticks = {"symbol": "line-ns-open", "size": 14, "color": "rgba(0,0,0,0.45)", "line": {"width": 2}}
    hover = "learning rate %{x:.3g}<br>click: make it the run<extra></extra>"
    rates = scatter(x=lrs, y=np.full(len(lrs), 0.5), mode="markers", marker=ticks, name="rates", hovertemplate=hover)
    canvas.add(rates, cell)
    mark = scatter(x=[lrs[0]] * 2, y=[-0.3, 1.3], mode="lines", line={"color": "black", "width": 5}, name="scrubbed")
    canvas.x(cell, type="log", range=[np.log10(lo), np.log10(hi)], dtick=1, exponentformat="power")
    canvas.y(cell, range=[-0.35, 1.35], visible=False, fixedrange=True)
    return canvas.add(mark, cell)
