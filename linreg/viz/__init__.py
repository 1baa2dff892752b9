"""Plotly figures: pure functions from core records to ``go.Figure`` (no Streamlit here).

This package is the plotting layer: the playground figures here, ``compare`` (race, sweep, rate
map) and ``gif`` (Pillow, for slides) beside it.

Animation uses light frames: every curve and the whole path are drawn once as static traces;
each frame moves only small traces (the fitted line, a marker on the loss curve, a marker and a
short tail on the contour), listed with ``traces=[...]`` and played with ``redraw=False``.
Level sets are nested filled ellipses (scatter traces), which stay visible during playback
where a contour trace would vanish in Streamlit (DESIGN.md section 4).
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from ..analysis import ZONES, Analysis
from ..model import Quadratic
from ..surface import level_ellipse, loss_surface, slice_ellipse
from ..training import Trajectory

# Okabe-Ito: distinguishable with every common colour-vision deficiency.
PALETTE = {
    "data": "#0072B2",
    "fit": "#D55E00",
    "optimum": "#009E73",
    "path": "#D55E00",
    "start": "#000000",
    "reference": "#7F7F7F",
    "accent": "#E69F00",
    "sky": "#56B4E9",
    "purple": "#CC79A7",
}
RUN_COLORS = ("#D55E00", "#0072B2", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000")
ZONE_COLORS = {"slow": "#56B4E9", "good": "#009E73", "oscillating": "#E69F00", "diverging": "#D55E00"}
# Level-set fills, outer (high loss) to inner (low loss): a light sequential blue ramp.
LEVEL_FILLS = ("#f7fbff", "#deebf7", "#c6dbef", "#9ecae1", "#6baed6", "#4292c6", "#2171b5", "#08519c", "#08306b")
FONT_SIZE = 16
MAX_CURVE_POINTS = 4000
MAX_FRAMES = 100  # 8 s of playback at 80 ms a frame; each frame is sent (and parsed) on every rerun
TAIL = 12
MAX_POINTS_SHOWN = 2000
MAX_RESIDUALS = 300  # residual sticks move in every frame: keep the frames light
MAX_PARITY_POINTS = 120  # predictions move in every frame too


@dataclass(frozen=True)
class PlotOptions:
    log_loss: bool = True
    residuals: bool = False
    equal_axes: bool = False
    show_closed_form: bool = True
    height: int = 560
    params: tuple[int, int] | None = None  # the two parameters on the contour (default (w_1, b))


def frame_steps(n_steps: int, max_frames: int = MAX_FRAMES) -> np.ndarray:
    """Steps shown as animation frames: every step early on, then geometrically sparser (0 and the end included)."""
    if n_steps + 1 <= max_frames:
        return np.arange(n_steps + 1)
    dense = np.arange(min(max_frames // 4, n_steps + 1))
    sparse = np.geomspace(max(dense[-1], 1), n_steps, max_frames - len(dense)).round().astype(int)
    return np.unique(np.concatenate([dense, sparse, [n_steps]]))


def display_sample(n: int, limit: int = MAX_POINTS_SHOWN) -> np.ndarray:
    """Indices of the points drawn: all of them, or an even, fixed subsample of ``limit``."""
    return np.arange(n) if n <= limit else np.linspace(0, n - 1, limit).round().astype(int)


def curve_points(n_steps: int, max_points: int = MAX_CURVE_POINTS) -> np.ndarray:
    """Steps at which static curves are drawn: all of them when they fit, else a dense start and an even rest."""
    if n_steps + 1 <= max_points:
        return np.arange(n_steps + 1)
    head = np.arange(max_points // 4)
    rest = np.linspace(head[-1] + 1, n_steps, max_points - len(head)).round().astype(int)
    return np.unique(np.concatenate([head, rest]))


def view_box(traj: Trajectory, params: tuple[int, int], pad: float = 0.25) -> tuple[tuple, tuple]:
    """Axis ranges around the start, the optimum and the part of the path that stays near them.

    A diverging path is not followed out to 1e30: only points whose loss stays within 4x the
    start's are framed, so the contour stays readable and the path visibly leaves the frame.
    """
    i, j = params
    theta = traj.theta[:, [i, j]]
    star = traj.quadratic.theta_ref[[i, j]]
    with np.errstate(all="ignore"):
        near = traj.loss <= 4.0 * max(traj.loss[0], traj.quadratic.loss_ref)
    pts = np.vstack([theta[near], star[None], theta[:1]])
    lo, hi = pts.min(axis=0), pts.max(axis=0)
    span = np.maximum(hi - lo, 1e-3 * np.maximum(np.abs(hi), 1.0))
    span = np.maximum(span, 0.2 * span.max())  # avoid a degenerate, paper-thin box
    mid = (lo + hi) / 2
    half = span * (0.5 + pad)
    return (mid[0] - half[0], mid[0] + half[0]), (mid[1] - half[1], mid[1] + half[1])


def level_values(q: Quadratic, x_range, y_range, params, count: int = len(LEVEL_FILLS)) -> np.ndarray:
    """Loss levels from the box's highest corner down, geometrically closer to the minimum."""
    corners = np.array([[x, y] for x in x_range for y in y_range])
    theta = np.broadcast_to(q.theta_ref, (4, len(q.theta_ref))).copy()
    theta[:, list(params)] = corners
    top = float(np.max(q.loss_at(theta))) - q.loss_ref
    return q.loss_ref + top * 2.5 ** -np.arange(count, dtype=float)


def level_traces(q: Quadratic, x_range, y_range, params=None) -> list[go.Scatter]:
    """Nested filled ellipses J = c (largest first), labelled with their loss in the hover."""
    params = params or (0, len(q.theta_ref) - 1)
    traces = []
    for c, fill in zip(level_values(q, x_range, y_range, params), LEVEL_FILLS, strict=False):
        pts = level_ellipse(q, c, params)
        if pts is None:
            continue
        traces.append(level_trace(pts[:, 0], pts[:, 1], fill, f"loss {c:.4g}"))
    return traces


def level_trace(x, y, fill: str, text: str) -> go.Scatter:
    """One filled level set (a closed curve), its level in the hover."""
    return go.Scatter(
        x=x,
        y=y,
        fill="toself",
        fillcolor=fill,
        mode="lines",
        line={"color": "rgba(8,48,107,0.35)", "width": 1},
        hoverinfo="text",
        text=text,
        showlegend=False,
    )


def optimum_marker(analysis: Analysis, size: int = 18, params: tuple[int, int] = (0, -1)) -> go.Scatter:
    """The closed-form optimum in the plane of ``params`` as a green star."""
    return go.Scatter(
        x=[analysis.theta_star[params[0]]],
        y=[analysis.theta_star[params[1]]],
        mode="markers",
        marker={"symbol": "star", "size": size, "color": PALETTE["optimum"], "line": {"color": "white", "width": 1}},
        name="optimum",
        hovertemplate="optimum<br>(%{x:.4g}, %{y:.4g})<extra></extra>",
    )


def eigen_axis_traces(a: Analysis, x_range, y_range, params) -> list[go.Scatter]:
    """Lines through the optimum along the Hessian's eigenvectors (the valley's axes)."""
    i, j = params
    H2 = a.hessian[np.ix_([i, j], [i, j])]
    lam, vec = np.linalg.eigh(H2)
    star = a.theta_star[[i, j]]
    reach = np.hypot(x_range[1] - x_range[0], y_range[1] - y_range[0])
    out = []
    for k, name in ((1, "steep axis (λ max)"), (0, "shallow axis (λ min)")):
        d = vec[:, k] / np.hypot(*vec[:, k])
        ends = np.array([star - reach * d, star + reach * d])
        out.append(
            go.Scatter(
                x=ends[:, 0],
                y=ends[:, 1],
                mode="lines",
                line={"color": PALETTE["reference"], "width": 1.5, "dash": "dash" if k else "dot"},
                name=name,
                hovertemplate=f"{name}<br>λ = {lam[k]:.4g}<extra></extra>",
                showlegend=False,
            )
        )
    return out


def data_y_range(y: np.ndarray, x_grid: np.ndarray, thetas: np.ndarray) -> list[float]:
    """The data's range, widened to follow the fitted line on its way in (an untrained line at
    y = 0 should be seen climbing to the data), but never by more than 3 x max(spread, |mean y|)."""
    y_lo, y_hi = float(y.min()), float(y.max())
    reach = 3.0 * max(y_hi - y_lo, abs(float(y.mean())), 1e-12)
    with np.errstate(all="ignore"):
        line = thetas[:, :1] * x_grid + thetas[:, -1:]
    line = line[np.isfinite(line)]
    lo = max(min(y_lo, line.min(initial=y_lo)), y_lo - reach)
    hi = min(max(y_hi, line.max(initial=y_hi)), y_hi + reach)
    pad = 0.08 * (hi - lo or 1.0)
    return [lo - pad, hi + pad]


def _fit_line(x_grid: np.ndarray, theta: np.ndarray) -> np.ndarray:
    return theta[0] * x_grid + theta[-1]


def _residual_sticks(x: np.ndarray, y: np.ndarray, y_hat: np.ndarray) -> tuple[list, list]:
    xs = np.column_stack([x, x, np.full_like(x, np.nan)]).ravel()
    ys = np.column_stack([y, y_hat, np.full_like(y, np.nan)]).ravel()
    return xs.tolist(), ys.tolist()


Mover = Callable[[int, int], tuple]  # (frame index, step) -> (x, y) of a moving trace


def playground_figure(
    traj: Trajectory,
    X: np.ndarray,
    y: np.ndarray,
    analysis: Analysis,
    theta_original: np.ndarray,
    optimum_original: np.ndarray,
    *,
    test_loss: np.ndarray | None = None,
    labels: tuple[str, str, str, str] = ("x", "y", "w", "b"),
    options: PlotOptions = PlotOptions(),
    current: int | None = None,
) -> go.Figure:
    """Data and fit | loss curve | level sets and path, animated together by one slider.

    One feature: the data with the fitted line.  Several: predicted against actual.  ``theta_original``
    and ``optimum_original`` are the path and the closed-form optimum in the data's units (they differ
    from the trained ones when the features were standardised); the contour shows two trained
    parameters (``options.params``, default (w_1, b)); with more, its level sets are slices through
    the current step.
    """
    X = np.asarray(X, dtype=float).reshape(len(y), -1)
    steps = frame_steps(traj.n_steps)
    now = 0 if current is None else int(np.clip(current, 0, traj.n_steps))  # shown until Play is pressed
    start = min(int(np.searchsorted(steps, now)), len(steps) - 1)
    one_feature = X.shape[1] == 1
    fig = make_subplots(
        rows=1,
        cols=3,
        column_widths=[0.34, 0.30, 0.36],
        horizontal_spacing=0.07,
        subplot_titles=(
            "Data and fitted line" if one_feature else "Predicted vs actual",
            "Loss per step",
            "Loss surface and path" if traj.theta.shape[1] == 2 else "Loss slice through the current step",
        ),
    )
    movers: list[tuple[int, Mover]] = []
    panel = _line_panel if one_feature else _parity_panel
    movers += panel(fig, X, y, theta_original, optimum_original, steps, now, labels, options)
    movers += _loss_panel(fig, traj, analysis, test_loss, now, options)
    movers += _surface_panel(fig, traj, analysis, steps, now, labels, options)
    fig.update_layout(
        height=options.height,
        font={"size": FONT_SIZE},
        margin={"l": 60, "r": 20, "t": 60, "b": 130},
        legend={"orientation": "h", "yanchor": "top", "y": -0.32, "x": 0.0},
        hovermode="closest",
        uirevision="playground",
    )
    fig.update_annotations(font_size=FONT_SIZE + 2)
    frames = [
        frame([_xy(*move(k, int(s))) for _, move in movers], [index for index, _ in movers], int(s))
        for k, s in enumerate(steps)
    ]
    return with_frames(fig, frames, player_layout(steps, start))


def frame(data: list[dict], traces: list[int], step: int) -> dict:
    return {"data": data, "traces": traces, "name": str(step)}


class FramedFigure(go.Figure):
    """A go.Figure whose animation frames (and player controls) stay plain dicts of numbers we made.

    Plotly turns every frame's traces into validated objects: ~100 ms for 200 frames, most of a
    rerun's time.  These parts are only ever serialised (Streamlit calls ``to_dict``), so they are
    kept as given and added to the serialised form.
    """

    def __init__(self, fig: go.Figure, frames: list[dict], layout: dict):
        super().__init__(fig.to_plotly_json(), _validate=False)  # already validated: copy as is
        self._raw_frames = frames
        self._raw_layout = layout

    def _with_raw(self, spec: dict) -> dict:
        return {**spec, "layout": {**spec.get("layout", {}), **self._raw_layout}, "frames": self._raw_frames}

    def to_dict(self) -> dict:
        return self._with_raw(super().to_dict())

    def to_plotly_json(self) -> dict:
        return self._with_raw(super().to_plotly_json())


def with_frames(fig: go.Figure, frames: list[dict], layout: dict) -> go.Figure:
    return FramedFigure(fig, frames, layout)


def _add(fig: go.Figure, trace, col: int) -> int:
    fig.add_trace(trace, row=1, col=col)
    return len(fig.data) - 1


def _line_panel(fig, X, y, theta_original, optimum_original, steps, now, labels, options) -> list:
    """Data, the closed-form line (faint), the fitted line and residual sticks (moving)."""
    x = X[:, 0]
    x_grid = np.array([x.min(), x.max()])
    shown = display_sample(len(x))
    _add(
        fig,
        go.Scatter(
            x=x[shown],
            y=y[shown],
            mode="markers",
            marker={"color": PALETTE["data"], "size": 7 if len(x) <= 500 else 4, "opacity": 0.7},
            name="data" if len(shown) == len(x) else f"data ({len(shown):,} of {len(x):,} shown)",
        ),
        1,
    )
    if options.show_closed_form:
        _add(
            fig,
            go.Scatter(
                x=x_grid,
                y=_fit_line(x_grid, optimum_original),
                mode="lines",
                line={"color": PALETTE["optimum"], "width": 2, "dash": "dash"},
                name="closed-form optimum",
            ),
            1,
        )
    line = lambda k, s: (x_grid, _fit_line(x_grid, theta_original[s]))  # noqa: E731
    movers = [
        (
            _add(
                fig,
                go.Scatter(
                    **_xy_dict(*line(0, now)),
                    mode="lines",
                    line={"color": PALETTE["fit"], "width": 4},
                    name="gradient-descent fit",
                ),
                1,
            ),
            line,
        )
    ]
    if options.residuals and len(x) <= MAX_RESIDUALS:
        sticks = lambda k, s: _residual_sticks(x, y, theta_original[s, 0] * x + theta_original[s, -1])  # noqa: E731
        index = _add(
            fig,
            go.Scatter(
                **_xy_dict(*sticks(0, now)),
                mode="lines",
                line={"color": PALETTE["fit"], "width": 1},
                name="residuals",
                opacity=0.6,
            ),
            1,
        )
        movers.append((index, sticks))
    fig.update_yaxes(range=data_y_range(y, x_grid, theta_original[steps]), title_text=labels[1], row=1, col=1)
    fig.update_xaxes(title_text=labels[0], row=1, col=1)
    return movers


def _parity_panel(fig, X, y, theta_original, optimum_original, steps, now, labels, options) -> list:
    """Several features: each point's prediction against its actual value (on the diagonal = perfect)."""
    shown = display_sample(len(y), MAX_PARITY_POINTS)
    Xs, ys = X[shown], y[shown]
    lo, hi = float(y.min()), float(y.max())
    pad = 0.1 * (hi - lo or 1.0)
    _add(
        fig,
        go.Scatter(
            x=[lo - pad, hi + pad],
            y=[lo - pad, hi + pad],
            mode="lines",
            line={"color": PALETTE["optimum"], "dash": "dash"},
            name="perfect prediction",
        ),
        1,
    )
    predict = lambda k, s: (ys, Xs @ theta_original[s, :-1] + theta_original[s, -1])  # noqa: E731
    index = _add(
        fig,
        go.Scatter(
            **_xy_dict(*predict(0, now)),
            mode="markers",
            marker={"color": PALETTE["fit"], "size": 7, "opacity": 0.7},
            name="predictions" if len(shown) == len(y) else f"predictions ({len(shown)} of {len(y)} shown)",
        ),
        1,
    )
    fig.update_xaxes(range=[lo - pad, hi + pad], title_text=f"actual {labels[1]}", row=1, col=1)
    fig.update_yaxes(range=[lo - 3 * pad, hi + 3 * pad], title_text=f"predicted {labels[1]}", row=1, col=1)
    return [(index, predict)]


def _loss_panel(fig, traj: Trajectory, analysis: Analysis, test_loss, now: int, options: PlotOptions) -> list:
    """The loss at every step (static, test loss dashed) and a marker at the current step (moving)."""
    pts = curve_points(traj.n_steps)
    loss = np.asarray(traj.loss, dtype=float)
    _add(
        fig,
        go.Scatter(
            x=pts,
            y=compact(loss[pts]),
            mode="lines",
            line={"color": PALETTE["data"], "width": 2.5},
            name="training loss",
            showlegend=test_loss is not None,
            hovertemplate="step %{x}<br>loss %{y:.5g}<extra></extra>",
        ),
        2,
    )
    if test_loss is not None:
        _add(
            fig,
            go.Scatter(
                x=pts,
                y=compact(test_loss[pts]),
                mode="lines",
                line={"color": PALETTE["accent"], "width": 2.5, "dash": "dash"},
                name="test loss",
                hovertemplate="step %{x}<br>test loss %{y:.5g}<extra></extra>",
            ),
            2,
        )
    _add(
        fig,
        go.Scatter(
            x=[0, traj.n_steps],
            y=[analysis.loss_star] * 2,
            mode="lines",
            line={"color": PALETTE["optimum"], "dash": "dot", "width": 1.5},
            name="minimum loss",
            showlegend=False,
            hovertemplate="minimum %{y:.5g}<extra></extra>",
        ),
        2,
    )
    marker = lambda k, s: ([s], [loss[s]])  # noqa: E731
    index = _add(
        fig,
        go.Scatter(
            **_xy_dict(*marker(0, now)),
            mode="markers",
            marker={"color": PALETTE["fit"], "size": 14, "line": {"color": "white", "width": 2}},
            showlegend=False,
            hovertemplate="step %{x}<br>loss %{y:.5g}<extra></extra>",
        ),
        2,
    )
    fig.update_xaxes(title_text="step", row=1, col=2)
    fig.update_yaxes(title_text=f"loss ({'½MSE' if traj.loss_name == 'half_mse' else 'MSE'})", row=1, col=2)
    if options.log_loss:
        positive = loss[np.isfinite(loss) & (loss > 0)]
        if len(positive):
            lo = np.log10(max(min(positive.min(), analysis.loss_star or positive.min()), 1e-300))
            fig.update_yaxes(type="log", range=[lo - 0.2, np.log10(positive.max()) + 0.2], row=1, col=2)
    return [(index, marker)]


def _surface_panel(fig, traj: Trajectory, analysis: Analysis, steps, now: int, labels, options: PlotOptions) -> list:
    """Level sets, eigen-axes, the whole path, start and optimum (static); tail and marker (moving).

    With more than two parameters the level sets are slices through the current step (the other
    parameters held at their current values), so they move with the path.
    """
    p = traj.theta.shape[1]
    i, j = options.params or (0, p - 1)
    params = (i, j)
    xr, yr = view_box(traj, params)
    movers = []
    if p == 2:
        for t in level_traces(traj.quadratic, xr, yr, params):
            _add(fig, t, 3)
    else:
        movers += _moving_slices(fig, traj, xr, yr, params, steps, now)
    for t in eigen_axis_traces(analysis, xr, yr, params):
        _add(fig, t, 3)
    pts = curve_points(traj.n_steps)
    path = traj.theta[:, [i, j]]
    _add(
        fig,
        go.Scatter(
            x=compact(path[pts, 0]),
            y=compact(path[pts, 1]),
            mode="lines",
            line={"color": PALETTE["path"], "width": 1.5},
            opacity=0.45,
            name="path",
            showlegend=False,
            hoverinfo="skip",
        ),
        3,
    )
    _add(
        fig,
        go.Scatter(
            x=[path[0, 0]],
            y=[path[0, 1]],
            mode="markers",
            marker={"symbol": "circle-open", "size": 14, "color": PALETTE["start"], "line": {"width": 3}},
            name="start",
            hovertemplate="start<br>(%{x:.4g}, %{y:.4g})<extra></extra>",
        ),
        3,
    )
    _add(fig, optimum_marker(analysis, params=params), 3)
    exit_pt = _exit_point(path, xr, yr) if traj.diverged else None
    if exit_pt is not None:
        _add(
            fig,
            go.Scatter(
                x=[exit_pt[0]],
                y=[exit_pt[1]],
                mode="markers+text",
                marker={"symbol": "x", "size": 16, "color": PALETTE["fit"], "line": {"width": 2}},
                text=["left the frame"],
                textposition="bottom left",
                textfont={"size": 14, "color": PALETTE["fit"]},
                name="path left the frame",
            ),
            3,
        )
    at_frames = path[steps]

    def tail(k, s):
        return at_frames[max(0, k - TAIL) : k + 1, 0], at_frames[max(0, k - TAIL) : k + 1, 1]

    def head(k, s):
        return [path[s, 0]], [path[s, 1]]

    k_now = int(np.searchsorted(steps, now))
    tail_index = _add(
        fig,
        go.Scatter(
            **_xy_dict(*tail(k_now, now)),
            mode="lines+markers",
            line={"color": PALETTE["path"], "width": 3},
            marker={"size": 6, "color": PALETTE["path"]},
            showlegend=False,
            hoverinfo="skip",
        ),
        3,
    )
    head_index = _add(
        fig,
        go.Scatter(
            **_xy_dict(*head(k_now, now)),
            mode="markers",
            marker={"color": PALETTE["fit"], "size": 14, "line": {"color": "white", "width": 2}},
            name="current step",
            showlegend=False,
            hovertemplate="(%{x:.4g}, %{y:.4g})<extra></extra>",
        ),
        3,
    )
    fig.update_xaxes(range=list(xr), title_text=labels[2], row=1, col=3)
    fig.update_yaxes(range=list(yr), title_text=labels[3], row=1, col=3)
    if options.equal_axes:
        fig.update_yaxes(scaleanchor="x3", scaleratio=1, row=1, col=3)
    return [*movers, (tail_index, tail), (head_index, head)]


SLICE_LEVELS = 5
SLICE_POINTS = 36  # per ellipse and frame: the moving level sets dominate the frames' size


def _moving_slices(fig, traj: Trajectory, xr, yr, params, steps, now: int) -> list:
    """Filled level sets of the slice through the current step, one moving trace per level.

    Each is drawn at a fixed height above the slice's own minimum, so the valley's shape stays in
    view wherever the other parameters are; the heights are those of the optimum's level sets.
    """
    q = traj.quadratic
    levels = level_values(q, xr, yr, params, SLICE_LEVELS) - q.loss_ref
    fills = LEVEL_FILLS[:: len(LEVEL_FILLS) // SLICE_LEVELS][:SLICE_LEVELS]
    movers = []
    for level, fill in zip(levels, fills, strict=True):

        def ellipse(k, s, level=level):
            pts = slice_ellipse(q, traj.theta[s], level, params, SLICE_POINTS, above_minimum=True)
            return ([], []) if pts is None else (pts[:, 0], pts[:, 1])

        index = _add(fig, level_trace(*ellipse(0, now), fill, f"slice minimum + {level:.3g}"), 3)
        movers.append((index, ellipse))
    return movers


def _exit_point(path: np.ndarray, xr, yr) -> np.ndarray | None:
    inside = (path[:, 0] >= xr[0]) & (path[:, 0] <= xr[1]) & (path[:, 1] >= yr[0]) & (path[:, 1] <= yr[1])
    if inside.all() or not inside[0]:
        return None
    return path[int(np.argmin(inside)) - 1]


def _xy_dict(x, y) -> dict:
    return {"x": np.asarray(x, dtype=float), "y": np.asarray(y, dtype=float)}


def compact(values, digits: int = 7) -> np.ndarray:
    """Values rounded to ``digits`` significant digits: what a chart can show, at half the JSON size
    (the figure is sent on every rerun)."""
    v = np.asarray(values, dtype=float)
    with np.errstate(all="ignore"):
        magnitude = np.floor(np.log10(np.abs(v)))
        scale = 10.0 ** (digits - 1 - np.where(np.isfinite(magnitude), magnitude, 0))
        rounded = np.round(v * scale) / scale
    return np.where(np.isfinite(rounded), rounded, v)


def _typed(values) -> dict | list:
    """Long arrays as float32 in Plotly's binary form (5.3 characters a number instead of ~10);
    short ones as plain lists, which are shorter than the binary wrapper."""
    data = np.asarray(values, dtype=np.float32)
    if len(data) < 16:
        return compact(data).tolist()
    return {"dtype": "f4", "bdata": base64.b64encode(data.tobytes()).decode("ascii")}


def _xy(x, y) -> dict:
    """A frame's new data for one moving scatter trace (float32: 7 digits, all a chart can show)."""
    return {"type": "scatter", "x": _typed(x), "y": _typed(y)}


def player_layout(steps: np.ndarray, start: int = 0, y: float = -0.16, slider_x: float = 0.40) -> dict:
    """Play / pause / replay / speed buttons and a step slider, all client-side (no server round trip).

    Returned as plain layout entries (added unvalidated by FramedFigure: 200 slider steps cost
    Plotly's validator ~20 ms).
    """

    def play(ms: int, from_start: bool = False) -> list:
        frames = [str(int(s)) for s in steps] if from_start else None
        opts = {"frame": {"duration": ms, "redraw": False}, "transition": {"duration": 0}, "mode": "immediate"}
        return [frames, {**opts, "fromcurrent": not from_start}]

    jump = {"mode": "immediate", "frame": {"duration": 0, "redraw": False}, "transition": {"duration": 0}}
    buttons = [
        {"label": "▶ Play", "method": "animate", "args": play(80)},
        {"label": "❚❚ Pause", "method": "animate", "args": [[None], jump]},
        {"label": "⟲ Replay", "method": "animate", "args": play(80, from_start=True)},
        {"label": "Slow", "method": "animate", "args": play(300)},
        {"label": "Fast", "method": "animate", "args": play(15)},
    ]
    return {
        "updatemenus": [
            {
                "type": "buttons",
                "direction": "right",
                "x": 0.0,
                "y": y,
                "xanchor": "left",
                "yanchor": "top",
                "pad": {"t": 0, "r": 10},
                "showactive": False,
                "font": {"size": FONT_SIZE},
                "buttons": buttons,
            }
        ],
        "sliders": [
            {
                "active": start,
                "x": slider_x,
                "len": 1 - slider_x,
                "y": y + 0.04,
                "yanchor": "top",
                "pad": {"t": 0, "b": 0},
                "currentvalue": {"prefix": "Step ", "font": {"size": FONT_SIZE, "color": "#888"}, "xanchor": "left"},
                "font": {"size": 11, "color": "rgba(0,0,0,0)"},  # 200 tick labels are clutter
                "ticklen": 0,
                "minorticklen": 0,
                "steps": [{"label": str(int(s)), "method": "animate", "args": [[str(int(s))], jump]} for s in steps],
            }
        ],
    }


def surface3d_figure(traj: Trajectory, analysis: Analysis, labels=("w", "b"), height: int = 600) -> go.Figure:
    """The loss surface J(w, b) in 3-D with the whole path on it (static; rotate with the mouse)."""
    params = (0, traj.theta.shape[1] - 1)
    xr, yr = view_box(traj, params)
    s = loss_surface(traj.quadratic, xr, yr, resolution=60, params=params, fixed=analysis.theta_star)
    pts = curve_points(traj.n_steps, 1500)
    fig = go.Figure(
        [
            go.Surface(x=s.x, y=s.y, z=s.z, colorscale="Blues", reversescale=True, opacity=0.85, showscale=False),
            go.Scatter3d(
                x=traj.theta[pts, 0],
                y=traj.theta[pts, -1],
                z=traj.loss[pts],
                mode="lines+markers",
                line={"color": PALETTE["path"], "width": 6},
                marker={"size": 2, "color": PALETTE["path"]},
                name="path",
            ),
            go.Scatter3d(
                x=[analysis.theta_star[0]],
                y=[analysis.theta_star[-1]],
                z=[analysis.loss_star],
                mode="markers",
                marker={"size": 6, "color": PALETTE["optimum"], "symbol": "diamond"},
                name="optimum",
            ),
        ]
    )
    zmax = float(np.nanmax(s.z))
    fig.update_layout(
        height=height,
        font={"size": FONT_SIZE},
        margin={"l": 0, "r": 0, "t": 30, "b": 0},
        scene={
            "xaxis": {"title": labels[0], "range": list(xr)},
            "yaxis": {"title": labels[1], "range": list(yr)},
            "zaxis": {"title": "loss", "range": [analysis.loss_star, zmax]},
        },
    )
    return fig


def stability_gauge(analysis: Analysis, learning_rate: float, momentum: float = 0.0, height: int = 120) -> go.Figure:
    """A log-scale bar of learning rates coloured by zone, with the current rate and 2/L marked."""
    edges = list(analysis.zone_edges(momentum))
    lo = min(learning_rate, edges[1]) / 10
    hi = max(learning_rate, edges[3]) * 10
    edges[0], edges[-1] = lo, hi
    fig = go.Figure()
    for name, a, b in zip(ZONES, edges[:-1], edges[1:], strict=True):
        fig.add_trace(
            go.Scatter(
                x=[a, b, b, a, a],
                y=[0, 0, 1, 1, 0],
                fill="toself",
                fillcolor=ZONE_COLORS[name],
                line={"width": 0},
                mode="lines",
                name=name,
                hovertemplate=f"{name}: {a:.3g} – {b:.3g}<extra></extra>",
                opacity=0.75,
            )
        )
        if np.log10(b / a) >= 0.45:  # label only the zones wide enough to hold it
            fig.add_annotation(
                x=np.log10(np.sqrt(a * b)), y=0.5, text=name, showarrow=False, font={"size": 12, "color": "black"}
            )
    limit = edges[3]
    fig.add_trace(
        go.Scatter(
            x=[learning_rate, learning_rate],
            y=[-0.25, 1.25],
            mode="lines",
            line={"color": "black", "width": 4},
            name="your learning rate",
            hovertemplate=f"learning rate {learning_rate:.4g}<extra></extra>",
        )
    )
    fig.add_annotation(
        x=np.log10(limit), y=1.25, text=f"limit {limit:.3g}", showarrow=False, yanchor="bottom", font={"size": 12}
    )
    fig.update_layout(
        height=height,
        showlegend=False,
        margin={"l": 10, "r": 10, "t": 22, "b": 30},
        xaxis={"type": "log", "range": [np.log10(lo), np.log10(hi)], "title": None, "tickfont": {"size": 12}},
        yaxis={"visible": False, "range": [-0.3, 1.6]},
        font={"size": 13},
    )
    return fig


def data_figure(X: np.ndarray, y: np.ndarray, feature_names, target_name: str, height: int = 420) -> go.Figure:
    """The target against each feature (up to four), sampled to MAX_POINTS_SHOWN points."""
    X = np.asarray(X, dtype=float).reshape(len(y), -1)
    d = min(X.shape[1], 4)
    shown = display_sample(len(y))
    fig = make_subplots(rows=1, cols=d, shared_yaxes=True, horizontal_spacing=0.04)
    for j in range(d):
        fig.add_trace(
            go.Scatter(
                x=X[shown, j],
                y=y[shown],
                mode="markers",
                marker={"color": PALETTE["data"], "size": 6, "opacity": 0.7},
                name=str(feature_names[j]),
                showlegend=False,
            ),
            row=1,
            col=j + 1,
        )
        fig.update_xaxes(title_text=str(feature_names[j]), row=1, col=j + 1)
    fig.update_yaxes(title_text=str(target_name), row=1, col=1)
    fig.update_layout(height=height, font={"size": FONT_SIZE}, margin={"t": 30})
    return fig


def inspector_figure(
    traj: Trajectory,
    analysis: Analysis,
    x: np.ndarray,
    y: np.ndarray,
    k: int,
    gradient: np.ndarray,
    step: np.ndarray,
    velocity: np.ndarray | None,
    height: int = 460,
) -> go.Figure:
    """Step k up close: residual sticks coloured by their pull on w; gradient, step and velocity arrows."""
    fig = make_subplots(rows=1, cols=2, subplot_titles=("Residuals and their pull on w", f"Update {k} → {k + 1}"))
    theta = traj.theta[k]
    pred = theta[0] * x + theta[-1]
    pull = (pred - y) * x  # sign of each point's term in dJ/dw
    shown = display_sample(len(x), MAX_RESIDUALS)
    for sign, color, name in (
        (1, PALETTE["fit"], "pushes w down (r·x > 0)"),
        (-1, PALETTE["data"], "pushes w up (r·x < 0)"),
    ):
        rows = shown[np.sign(pull[shown]) == sign]
        if len(rows):
            xs, ys = _residual_sticks(x[rows], y[rows], pred[rows])
            fig.add_trace(go.Scatter(x=xs, y=ys, mode="lines", line={"color": color, "width": 2}, name=name), 1, 1)
    fig.add_trace(
        go.Scatter(x=x[shown], y=y[shown], mode="markers", marker={"color": "#444", "size": 5}, name="data"), 1, 1
    )
    grid = np.array([x.min(), x.max()])
    fig.add_trace(
        go.Scatter(
            x=grid,
            y=theta[0] * grid + theta[-1],
            mode="lines",
            line={"color": PALETTE["fit"], "width": 3},
            name=f"line at step {k}",
        ),
        1,
        1,
    )
    params = (0, len(theta) - 1)
    xr, yr = view_box(traj, params)
    for t in level_traces(traj.quadratic, xr, yr, params):
        fig.add_trace(t, 1, 2)
    scale = 0.25 * (xr[1] - xr[0]) / max(float(np.linalg.norm(gradient[[0, -1]])), 1e-300)
    arrows = [("−gradient (direction)", -gradient * scale, PALETTE["purple"]), ("step taken", -step, PALETTE["fit"])]
    if velocity is not None:
        arrows.append(("velocity (scaled like the gradient)", -velocity * scale, PALETTE["optimum"]))
    for name, vec, color in arrows:
        end = theta[[0, -1]] + vec[[0, -1]]
        fig.add_trace(
            go.Scatter(
                x=[theta[0], end[0]],
                y=[theta[-1], end[1]],
                mode="lines+markers",
                name=name,
                line={"color": color, "width": 4},
                marker={"symbol": "arrow", "size": 14, "angleref": "previous"},
            ),
            1,
            2,
        )
    fig.add_trace(
        go.Scatter(
            x=[analysis.theta_star[0]],
            y=[analysis.theta_star[-1]],
            mode="markers",
            name="optimum",
            marker={"symbol": "star", "size": 16, "color": PALETTE["optimum"]},
        ),
        1,
        2,
    )
    fig.update_xaxes(range=list(xr), title_text="w", row=1, col=2)
    fig.update_yaxes(range=list(yr), title_text="b", row=1, col=2)
    fig.update_layout(height=height, font={"size": FONT_SIZE}, legend={"orientation": "h", "y": -0.2})
    return fig


def before_after_figure(x: np.ndarray, y: np.ndarray, theta_start, theta_end, height: int = 380) -> go.Figure:
    """The LinearModel lesson's picture: predictions of the untrained and the trained model."""
    grid = np.array([x.min(), x.max()])
    shown = display_sample(len(x))
    fig = go.Figure(
        [
            go.Scatter(
                x=x[shown], y=y[shown], mode="markers", marker={"color": PALETTE["data"], "size": 6}, name="data"
            ),
            go.Scatter(
                x=grid,
                y=theta_start[0] * grid + theta_start[-1],
                mode="lines",
                name="untrained (start)",
                line={"color": PALETTE["reference"], "width": 3, "dash": "dash"},
            ),
            go.Scatter(
                x=grid,
                y=theta_end[0] * grid + theta_end[-1],
                mode="lines",
                name="trained (last step)",
                line={"color": PALETTE["fit"], "width": 4},
            ),
        ]
    )
    fig.update_layout(height=height, font={"size": FONT_SIZE}, legend={"orientation": "h", "y": -0.2})
    return fig


def partial_plots_figure(X: np.ndarray, y: np.ndarray, theta: np.ndarray, names, height: int = 360) -> go.Figure:
    """Several features: for each, x_j against its partial residual y - sum_(k != j) w_k x_k - b,
    with the fitted slope w_j through it (what x_j explains once the others are accounted for)."""
    X = np.asarray(X, dtype=float)
    d = min(X.shape[1], 4)
    shown = display_sample(len(y))
    w, b = theta[:-1], theta[-1]
    fig = make_subplots(rows=1, cols=d, horizontal_spacing=0.05)
    for j in range(d):
        partial = y - (X @ w - X[:, j] * w[j]) - b
        grid = np.array([X[:, j].min(), X[:, j].max()])
        fig.add_trace(
            go.Scatter(
                x=X[shown, j],
                y=partial[shown],
                mode="markers",
                showlegend=False,
                marker={"color": PALETTE["data"], "size": 5, "opacity": 0.6},
            ),
            1,
            j + 1,
        )
        fig.add_trace(
            go.Scatter(
                x=grid, y=w[j] * grid, mode="lines", showlegend=False, line={"color": PALETTE["fit"], "width": 3}
            ),
            1,
            j + 1,
        )
        fig.update_xaxes(title_text=str(names[j]), row=1, col=j + 1)
    fig.update_yaxes(title_text="partial residual", row=1, col=1)
    fig.update_layout(
        height=height,
        font={"size": FONT_SIZE},
        margin={"t": 30},
        title={"text": "Partial plots (last step)", "font": {"size": FONT_SIZE}},
    )
    return fig
