"""The optimizer race: several runs on one contour and one loss chart, played
together."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from ..analysis import Analysis
from ..model import gradient
from ..training import Trajectory
from .animation import _xy, frame, frame_steps, player_layout
from .canvas import Canvas, merge, scatter
from .geometry import eigen_axis_traces, optimum_marker, view_box
from .panels import (
    Grid,
    level_sets,
    log_loss_axis,
    loss_view,
    path_line,
    surface_axes,
    view_title,
)
from .style import (
    PALETTE,
    RUN_COLORS,
    RUN_DASHES,
    RUN_SYMBOLS,
    halo_line,
)

#: The panel numbers of the Playground's views the race draws (panels.py).
LOSS, SURFACE = 2, 3
MAX_ARROWS = 40


def _union_box(trajs: list[Trajectory]) -> tuple[tuple, tuple]:
    """Frame the runs that converge (a diverging one would stretch the box); it then
    leaves the frame."""
    framed = [t for t in trajs if not t.diverged] or trajs
    boxes = [view_box(t, (0, t.theta.shape[1] - 1)) for t in framed]
    xr = (min(b[0][0] for b in boxes), max(b[0][1] for b in boxes))
    yr = (min(b[1][0] for b in boxes), max(b[1][1] for b in boxes))
    return xr, yr


def batch_gradient_arrows(
    traj: Trajectory, A: np.ndarray, y: np.ndarray, k: int, length: float
) -> tuple[list, list]:
    """Segments from theta_k along minus each batch gradient of the epoch (at theta_k),
    scaled so the full-batch gradient has ``length``; None-separated for one scatter
    trace."""
    theta = traj.theta[k]
    full = traj.grad[k]
    norm = float(np.linalg.norm(full[[0, -1]])) or 1.0
    epoch = max(int(traj.epoch[k]), 1) - 1
    order = traj.row_order[min(epoch, len(traj.row_order) - 1)]
    # the first MAX_ARROWS batches only: an SGD epoch of 200,000 rows has 200,000
    bs = traj.batch_size
    batches = [
        order[i : i + bs] for i in range(0, min(len(order), MAX_ARROWS * bs), bs)
    ]
    xs, ys = [], []
    for rows in batches:
        g = gradient(A[rows], y[rows], theta, traj.loss_name, traj.alpha)
        end = theta[[0, -1]] - length * g[[0, -1]] / norm
        xs += [theta[0], end[0], None]
        ys += [theta[-1], end[1], None]
    return xs, ys


def _marker(x: float, y: float, color: str, symbol: str, size: int, group: str) -> dict:
    """A run's current-step marker (moved by the frames)."""
    marker = {
        "color": color,
        "symbol": symbol,
        "size": size,
        "line": {"color": "white", "width": 2},
    }
    return scatter(
        x=[x],
        y=[y],
        mode="markers",
        marker=marker,
        showlegend=False,
        legendgroup=group,
        hoverinfo="skip",
    )


class RaceGrid(Grid):
    """The race's two views: the paths on the loss surface (the Playground's third view)
    and the loss per step (its second), side by side or stacked."""

    def cell(self, panel: int) -> tuple[int, int]:
        k = 1 if panel == SURFACE else 2
        return (k, 1) if self.stacked else (1, k)


def race_figure(
    runs: list[tuple[str, Trajectory]],
    analysis: Analysis,
    *,
    arrows: tuple[np.ndarray, np.ndarray] | None = None,
    plot_px: int = 330,
    open_at_end: bool = True,
    stacked: bool = False,
) -> go.Figure:
    """Every run's path on one contour and its loss on one log chart, played together;
    each run has its own colour, dash and marker (distinct without colour); ``stacked``
    puts the loss under the paths (a phone).

    ``arrows`` = (A, y) draws, for the first mini-batch run, each batch's gradient
    direction at the current step (faint) beside the full-batch gradient (bold).
    """
    trajs = [t for _, t in runs]
    q = trajs[0].quadratic
    params = (0, trajs[0].theta.shape[1] - 1)
    box = xr, _ = _union_box(trajs)
    canvas = Canvas(
        rows=2 if stacked else 1,
        cols=1 if stacked else 2,
        subplot_titles=(view_title("surface", len(runs)), view_title("loss")),
        column_widths=None if stacked else [0.55, 0.45],
        vertical_spacing=0.17,
    )
    grid = RaceGrid(canvas, stacked)
    level_sets(grid, q, box, params)
    for t in eigen_axis_traces(analysis, *box, params):
        grid.add(t, SURFACE)
    grid.add(optimum_marker(analysis), SURFACE)
    longest = max(t.n_steps for t in trajs)
    # no minimum line: it is drawn green and dotted, as the third run is (RUN_COLORS)
    loss_view(grid, longest, analysis.loss_star, trajs[0].loss_name, minimum=False)
    steps = frame_steps(longest, 150)
    markers, loss_markers = [], []
    for i, (label, t) in enumerate(runs):
        line = {
            **path_line(1.0),
            "color": RUN_COLORS[i % len(RUN_COLORS)],
            "dash": RUN_DASHES[i % len(RUN_DASHES)],
        }
        stride = max(1, t.n_steps // 3000)
        x, y = t.theta[::stride, 0], t.theta[::stride, -1]
        halo = halo_line(line["width"])
        grid.add(
            scatter(
                x=x, y=y, mode="lines", line=halo, hoverinfo="skip", showlegend=False
            ),
            SURFACE,
        )
        grid.add(
            scatter(x=x, y=y, mode="lines", line=line, name=label, legendgroup=label),
            SURFACE,
        )
        loss = np.where(t.loss > 0, t.loss, np.nan)
        curve = scatter(
            x=np.arange(0, t.n_steps + 1, stride),
            y=loss[::stride],
            mode="lines",
            line=line,
            name=label,
            legendgroup=label,
            showlegend=False,
        )
        grid.add(curve, LOSS)
    end = longest if open_at_end else 0
    for i, (label, t) in enumerate(runs):
        color, symbol = (
            RUN_COLORS[i % len(RUN_COLORS)],
            RUN_SYMBOLS[i % len(RUN_SYMBOLS)],
        )
        k = min(end, t.n_steps)
        markers.append(
            grid.add(
                _marker(t.theta[k, 0], t.theta[k, -1], color, symbol, 16, label),
                SURFACE,
            )
        )
        # a marker on each loss curve too: a subplot with no moving trace is blanked by
        # Plotly on Play
        loss_markers.append(
            grid.add(_marker(k, t.loss[k], color, symbol, 13, label), LOSS)
        )
    arrow_run = (
        next((t for t in trajs if t.row_order is not None), None)
        if arrows is not None
        else None
    )
    arrow_idx = None
    if arrow_run is not None:
        length = 0.12 * (xr[1] - xr[0])
        ax, ay = batch_gradient_arrows(
            arrow_run, *arrows, min(end, arrow_run.n_steps), length
        )
        line = {"color": PALETTE["purple"], "width": 2.5}
        arrow_idx = grid.add(
            scatter(x=ax, y=ay, mode="lines", line=line, name="mini-batch gradients"),
            SURFACE,
        )
    frames = []
    for s in steps:
        data, idx = [], []
        for m, lm, t in zip(markers, loss_markers, trajs, strict=True):
            k = min(int(s), t.n_steps)
            data += [_xy([t.theta[k, 0]], [t.theta[k, -1]]), _xy([k], [t.loss[k]])]
            idx += [m, lm]
        if arrow_idx is not None:
            ax, ay = batch_gradient_arrows(
                arrow_run, *arrows, min(int(s), arrow_run.n_steps), length
            )
            data.append({"type": "scatter", "x": ax, "y": ay})
            idx.append(arrow_idx)
        frames.append(frame(data, idx, int(s)))
    surface_axes(grid, box, ("", "", "w", "b"))
    losses = np.concatenate([t.loss for t in trajs])
    grid.y(LOSS, **{"type": "log", **log_loss_axis(losses, analysis.loss_star)})
    plot_px = 2 * plot_px + 120 if stacked else plot_px
    # stacked: one entry under another
    legend_lines = sum(label.count("<br>") + 1 for label, _ in runs)
    top, bottom = (40 + 22 * legend_lines if stacked else 84), 70 + 90
    merge(
        canvas.layout,
        {
            "height": top + plot_px + bottom,
            "margin": {"l": 64, "r": 24, "t": top, "b": bottom},
            "legend": {
                "orientation": "h",
                "yanchor": "bottom",
                "y": 1 + 34 / plot_px,
                "x": 0,
            },
        },
    )
    canvas.legible()
    start = int(np.searchsorted(steps, end)) if open_at_end else 0
    player = player_layout(
        steps, min(start, len(steps) - 1), 70, plot_px, compact=stacked
    )
    return canvas.figure(frames, player)
