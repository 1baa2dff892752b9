"""The Playground's synchronized figure: data and fit | loss curve | loss surface and path, and the 3-D surface."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from ..analysis import Analysis
from ..model import LOSSES
from ..surface import slice_ellipse
from ..training import Trajectory
from .animation import FramedFigure, Mover, _xy, frame, frame_steps, player_layout
from .geometry import (
    _exit_point,
    data_y_range,
    eigen_axis_traces,
    fit_line,
    level_trace,
    level_traces,
    level_values,
    optimum_marker,
    residual_sticks,
    view_box,
)
from .style import FONT_SIZE, LEVEL_FILLS, PALETTE, compact, curve_points, display_sample

TAIL = 12

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
    return FramedFigure(fig, frames, player_layout(steps, start))


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
                y=fit_line(x_grid, optimum_original),
                mode="lines",
                line={"color": PALETTE["optimum"], "width": 2, "dash": "dash"},
                name="closed-form optimum",
            ),
            1,
        )
    line = lambda k, s: (x_grid, fit_line(x_grid, theta_original[s]))  # noqa: E731
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
        sticks = lambda k, s: residual_sticks(x, y, theta_original[s, 0] * x + theta_original[s, -1])  # noqa: E731
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
    fig.update_yaxes(title_text=f"loss ({LOSSES[traj.loss_name].symbol})", row=1, col=2)
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


def _xy_dict(x, y) -> dict:
    return {"x": np.asarray(x, dtype=float), "y": np.asarray(y, dtype=float)}
