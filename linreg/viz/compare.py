"""The optimizer race: several runs on one contour and one loss chart, played together."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from ..analysis import Analysis
from ..model import gradient
from ..training import Trajectory
from .animation import FramedFigure, _xy, frame, frame_steps, player_layout
from .geometry import eigen_axis_traces, level_traces, optimum_marker, view_box
from .style import FONT_SIZE, PALETTE, RUN_COLORS

MAX_ARROWS = 40


def _union_box(trajs: list[Trajectory]) -> tuple[tuple, tuple]:
    """Frame the runs that converge (a diverging one would stretch the box); it then leaves the frame."""
    framed = [t for t in trajs if not t.diverged] or trajs
    boxes = [view_box(t, (0, t.theta.shape[1] - 1)) for t in framed]
    xr = (min(b[0][0] for b in boxes), max(b[0][1] for b in boxes))
    yr = (min(b[1][0] for b in boxes), max(b[1][1] for b in boxes))
    return xr, yr


def batch_gradient_arrows(traj: Trajectory, A: np.ndarray, y: np.ndarray, k: int, length: float) -> tuple[list, list]:
    """Segments from theta_k along minus each batch gradient of the epoch (at theta_k), scaled so the
    full-batch gradient has ``length``; None-separated for one scatter trace."""
    theta = traj.theta[k]
    full = traj.grad[k]
    norm = float(np.linalg.norm(full[[0, -1]])) or 1.0
    epoch = max(int(traj.epoch[k]), 1) - 1
    order = traj.row_order[min(epoch, len(traj.row_order) - 1)]
    batches = [order[i : i + traj.batch_size] for i in range(0, len(order), traj.batch_size)][:MAX_ARROWS]
    xs, ys = [], []
    for rows in batches:
        g = gradient(A[rows], y[rows], theta, traj.loss_name, traj.alpha)
        end = theta[[0, -1]] - length * g[[0, -1]] / norm
        xs += [theta[0], end[0], None]
        ys += [theta[-1], end[1], None]
    return xs, ys


def _add_marker(fig: go.Figure, x: float, y: float, color: str, size: int, group: str, col: int) -> int:
    """A run's current-step marker (moved by the frames); returns its trace index."""
    marker = {"color": color, "size": size, "line": {"color": "white", "width": 2}}
    fig.add_trace(
        go.Scatter(x=[x], y=[y], mode="markers", marker=marker, showlegend=False, legendgroup=group, hoverinfo="skip"),
        row=1,
        col=col,
    )
    return len(fig.data) - 1


def race_figure(
    runs: list[tuple[str, Trajectory]],
    analysis: Analysis,
    *,
    arrows: tuple[np.ndarray, np.ndarray] | None = None,
    height: int = 560,
) -> go.Figure:
    """Every run's path on one contour and its loss on one log chart, played together.

    ``arrows`` = (A, y) draws, for the first mini-batch run, each batch's gradient direction at the
    current step (faint) beside the full-batch gradient (bold).
    """
    trajs = [t for _, t in runs]
    q = trajs[0].quadratic
    params = (0, trajs[0].theta.shape[1] - 1)
    xr, yr = _union_box(trajs)
    fig = make_subplots(
        rows=1, cols=2, column_widths=[0.55, 0.45], subplot_titles=("Paths on the loss surface", "Loss per step (log)")
    )
    for t in level_traces(q, xr, yr, params):
        fig.add_trace(t, row=1, col=1)
    for t in eigen_axis_traces(analysis, xr, yr, params):
        fig.add_trace(t, row=1, col=1)
    fig.add_trace(optimum_marker(analysis), row=1, col=1)
    longest = max(t.n_steps for t in trajs)
    steps = frame_steps(longest, 150)
    markers, loss_markers = [], []
    for i, (label, t) in enumerate(runs):
        color = RUN_COLORS[i % len(RUN_COLORS)]
        stride = max(1, t.n_steps // 3000)
        fig.add_trace(
            go.Scatter(
                x=t.theta[::stride, 0],
                y=t.theta[::stride, -1],
                mode="lines",
                line={"color": color, "width": 2},
                opacity=0.6,
                name=label,
                legendgroup=label,
            ),
            row=1,
            col=1,
        )
        loss = np.where(t.loss > 0, t.loss, np.nan)
        fig.add_trace(
            go.Scatter(
                x=np.arange(0, t.n_steps + 1, stride),
                y=loss[::stride],
                mode="lines",
                line={"color": color, "width": 2.5},
                name=label,
                legendgroup=label,
                showlegend=False,
            ),
            row=1,
            col=2,
        )
    for i, (label, t) in enumerate(runs):
        color = RUN_COLORS[i % len(RUN_COLORS)]
        markers.append(_add_marker(fig, t.theta[0, 0], t.theta[0, -1], color, 14, label, col=1))
        # a marker on each loss curve too: a subplot with no moving trace is blanked by Plotly on Play
        loss_markers.append(_add_marker(fig, 0, t.loss[0], color, 11, label, col=2))
    arrow_run = next((t for t in trajs if t.row_order is not None), None) if arrows is not None else None
    arrow_idx = None
    if arrow_run is not None:
        length = 0.12 * (xr[1] - xr[0])
        ax, ay = batch_gradient_arrows(arrow_run, *arrows, 0, length)
        fig.add_trace(
            go.Scatter(
                x=ax,
                y=ay,
                mode="lines",
                line={"color": PALETTE["purple"], "width": 1},
                opacity=0.5,
                name="batch gradients",
            ),
            row=1,
            col=1,
        )
        arrow_idx = len(fig.data) - 1
    frames = []
    for s in steps:
        data, idx = [], []
        for m, lm, t in zip(markers, loss_markers, trajs, strict=True):
            k = min(int(s), t.n_steps)
            data += [_xy([t.theta[k, 0]], [t.theta[k, -1]]), _xy([k], [t.loss[k]])]
            idx += [m, lm]
        if arrow_idx is not None:
            ax, ay = batch_gradient_arrows(arrow_run, *arrows, min(int(s), arrow_run.n_steps), length)
            data.append({"type": "scatter", "x": ax, "y": ay})
            idx.append(arrow_idx)
        frames.append(frame(data, idx, int(s)))
    fig.update_xaxes(range=list(xr), title_text="w", row=1, col=1)
    fig.update_yaxes(range=list(yr), title_text="b", row=1, col=1)
    fig.update_xaxes(title_text="step", row=1, col=2)
    fig.update_yaxes(type="log", title_text="loss", row=1, col=2)
    fig.update_layout(
        height=height,
        font={"size": FONT_SIZE},
        margin={"l": 60, "r": 20, "t": 60, "b": 150},
        legend={"orientation": "h", "y": -0.38, "x": 0},
    )
    return FramedFigure(fig, frames, player_layout(steps, y=-0.2, slider_x=0.42))
