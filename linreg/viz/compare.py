"""Plotly figures that compare runs: optimizer race, learning-rate sweep, momentum rate map."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from ..analysis import ZONES, Analysis
from ..sweep import Sweep
from ..training import Trajectory
from . import (
    FONT_SIZE,
    PALETTE,
    RUN_COLORS,
    ZONE_COLORS,
    _xy,
    eigen_axis_traces,
    frame,
    frame_steps,
    level_traces,
    optimum_marker,
    player_layout,
    view_box,
    with_frames,
)

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
    s = 2.0 if traj.loss_name == "mse" else 1.0
    xs, ys = [], []
    for rows in batches:
        Ab = A[rows]
        g = s / len(rows) * Ab.T @ (Ab @ theta - y[rows])
        g[:-1] += 2 * traj.alpha * theta[:-1]
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
    return with_frames(fig, frames, player_layout(steps, y=-0.2, slider_x=0.42))


def sweep_figure(sweep: Sweep, analysis: Analysis, momentum: float = 0.0, height: int = 460) -> go.Figure:
    """Final loss and steps to tolerance against the learning rate (log axes), zones shaded, 2/L marked.

    With ``momentum`` the limit is (2 + 2 mu)/L and the marked best rate is the optimal heavy-ball one.
    """
    best_lr = analysis.optimal_momentum[0] if momentum else analysis.best_lr
    lrs = sweep.learning_rates
    fig = make_subplots(
        rows=1, cols=2, subplot_titles=("Final loss", f"Steps to ‖∇J‖ < {sweep.tol:g}"), horizontal_spacing=0.1
    )
    ok = ~sweep.diverging
    fig.add_trace(
        go.Scatter(
            x=lrs[ok], y=sweep.final_loss[ok], mode="lines+markers", name="final loss", line={"color": PALETTE["data"]}
        ),
        row=1,
        col=1,
    )
    fig.add_trace(
        go.Scatter(
            x=lrs[~ok],
            y=np.full((~ok).sum(), sweep.start_loss),
            mode="markers",
            marker={"symbol": "x", "size": 10, "color": PALETTE["fit"]},
            name="diverged",
        ),
        row=1,
        col=1,
    )
    reached = np.isfinite(sweep.steps_to_tol)
    fig.add_trace(
        go.Scatter(
            x=lrs[reached],
            y=sweep.steps_to_tol[reached],
            mode="lines+markers",
            name="steps to tolerance",
            line={"color": PALETTE["optimum"]},
        ),
        row=1,
        col=2,
    )
    edges = list(analysis.zone_edges(momentum))
    edges[0], edges[-1] = lrs.min(), lrs.max()
    for col in (1, 2):
        for name, a, b in zip(ZONES, edges[:-1], edges[1:], strict=True):
            if b > a:
                fig.add_vrect(x0=a, x1=b, fillcolor=ZONE_COLORS[name], opacity=0.15, line_width=0, row=1, col=col)
        limit = edges[3]
        fig.add_vline(x=limit, line={"color": PALETTE["fit"], "dash": "dash", "width": 2}, row=1, col=col)
        fig.add_vline(x=best_lr, line={"color": PALETTE["optimum"], "dash": "dot", "width": 2}, row=1, col=col)
    limit_name = "(2+2μ)/L" if momentum else "2/L"
    fig.add_annotation(
        x=np.log10(edges[3]), y=1.0, yref="paper", xref="x", text=f"{limit_name} = {edges[3]:.3g}", showarrow=False,
        yanchor="bottom", font={"color": PALETTE["fit"]},
    )  # fmt: skip
    fig.add_annotation(
        x=np.log10(best_lr), y=0.92, yref="paper", xref="x", text=f"theory's best {best_lr:.3g}",
        showarrow=False, xanchor="right", font={"color": PALETTE["optimum"]},
    )  # fmt: skip
    fig.update_xaxes(type="log", title_text="learning rate")
    fig.update_yaxes(type="log", row=1, col=1, title_text="loss")
    fig.update_yaxes(type="log", row=1, col=2, title_text="steps")
    fig.update_layout(
        height=height, font={"size": FONT_SIZE}, margin={"t": 70}, legend={"orientation": "h", "y": -0.25}
    )
    return fig


def momentum_rate_map(analysis: Analysis, resolution: int = 80, height: int = 480) -> go.Figure:
    """Convergence rate per step of heavy ball over (learning rate, momentum), optimal pair marked."""
    best_lr, best_mu = analysis.optimal_momentum
    lrs = np.geomspace(analysis.gd_limit / 1000, analysis.momentum_limit(0.99), resolution)
    mus = np.linspace(0.0, 0.99, resolution)
    rate = analysis.momentum_rate(lrs[None, :], mus[:, None])
    z = np.where(rate < 1, rate, np.nan)
    fig = go.Figure(
        go.Heatmap(
            x=lrs,
            y=mus,
            z=z,
            colorscale="Viridis",
            reversescale=True,
            zmin=max(float(np.nanmin(z)), 0.0),
            zmax=1.0,
            colorbar={"title": "rate"},
            hovertemplate="lr %{x:.3g}<br>momentum %{y:.2f}<br>rate %{z:.4f}<extra></extra>",
        )
    )
    fig.add_trace(
        go.Scatter(
            x=[best_lr],
            y=[best_mu],
            mode="markers+text",
            marker={"symbol": "star", "size": 18, "color": "white", "line": {"color": "black", "width": 1}},
            text=[f"optimal: lr {best_lr:.3g}, momentum {best_mu:.3f}"],
            textposition="bottom center",
            textfont={"color": "black", "size": 14},
            name="optimal pair",
        )
    )
    fig.add_trace(
        go.Scatter(
            x=analysis.momentum_limit(mus), y=mus, mode="lines", line={"color": PALETTE["fit"], "dash": "dash"},
            name="stability limit (2+2μ)/L",
        )
    )  # fmt: skip
    fig.update_layout(
        height=height,
        font={"size": FONT_SIZE},
        xaxis={"type": "log", "title": "learning rate", "range": [np.log10(lrs[0]), np.log10(lrs[-1])]},
        yaxis={"title": "momentum", "range": [0, 0.99]},
        legend={"orientation": "h", "y": -0.2},
        title="Heavy-ball convergence rate per step (lower is faster; blank = diverges)",
    )
    return fig
