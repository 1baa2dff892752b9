"""The Learn page's figures: one update up close, and the untrained vs the trained
model."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from ..analysis import Analysis
from ..training import Trajectory
from .geometry import level_traces, residual_sticks, view_box
from .panels import MAX_RESIDUALS, PULLS, stick_style
from .style import FONT_SIZE, PALETTE, display_sample, legible

#: Pixels a legend entry takes where the legend wraps to one entry a row (a phone).
LEGEND_ROW_PX = 30


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
    stacked: bool = False,
) -> go.Figure:
    """Step k up close: residual sticks coloured by their pull on w; gradient, step and
    velocity arrows (``stacked``: the update under the residuals, for a narrow page)."""
    titles = ("Residuals and their pull on w", f"Update {k} → {k + 1}")
    fig = make_subplots(
        rows=2 if stacked else 1,
        cols=1 if stacked else 2,
        subplot_titles=titles,
        vertical_spacing=0.12,
    )
    left, right = ((1, 1), (2, 1)) if stacked else ((1, 1), (1, 2))
    theta = traj.theta[k]
    pred = theta[0] * x + theta[-1]
    pull = (pred - y) * x  # sign of each point's term in dJ/dw
    shown = display_sample(len(x), MAX_RESIDUALS)
    for sign, color, name in PULLS:
        rows = shown[np.sign(pull[shown]) == sign]
        if len(rows):
            xs, ys = residual_sticks(x[rows], y[rows], pred[rows])
            style = stick_style(len(shown), color)
            fig.add_trace(
                go.Scatter(x=xs, y=ys, mode="lines", name=name, **style), *left
            )
    fig.add_trace(
        go.Scatter(
            x=x[shown],
            y=y[shown],
            mode="markers",
            marker={"color": "#444", "size": 5},
            name="data",
        ),
        *left,
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
        *left,
    )
    params = (0, len(theta) - 1)
    xr, yr = view_box(traj, params)
    for t in level_traces(traj.quadratic, xr, yr, params):
        fig.add_trace(t, *right)
    scale = (
        0.25 * (xr[1] - xr[0]) / max(float(np.linalg.norm(gradient[[0, -1]])), 1e-300)
    )
    arrows = [
        ("−gradient (direction)", -gradient * scale, PALETTE["purple"]),
        ("step taken", -step, PALETTE["fit"]),
    ]
    if velocity is not None:
        arrows.append(
            (
                "velocity (scaled like the gradient)",
                -velocity * scale,
                PALETTE["optimum"],
            )
        )
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
            *right,
        )
    fig.add_trace(
        go.Scatter(
            x=[analysis.theta_star[0]],
            y=[analysis.theta_star[-1]],
            mode="markers",
            name="optimum",
            marker={"symbol": "star", "size": 16, "color": PALETTE["optimum"]},
        ),
        *right,
    )
    fig.update_xaxes(range=list(xr), title_text="w", row=right[0], col=right[1])
    fig.update_yaxes(range=list(yr), title_text="b", row=right[0], col=right[1])
    if stacked:  # a narrow legend is one entry a row: room for all of them below
        legend_px = LEGEND_ROW_PX * sum(t.showlegend is not False for t in fig.data)
        # the plots keep their height; the legend starts under the x axis's title
        plots_px, top_px, title_px = 2 * height - 140, 100, 60
        fig.update_layout(
            height=plots_px + top_px + title_px + legend_px,
            margin={"t": top_px, "b": title_px + legend_px},
            legend={"orientation": "h", "y": -title_px / plots_px, "yanchor": "top"},
        )
    else:
        fig.update_layout(height=height, legend={"orientation": "h", "y": -0.2})
    fig.update_layout(font={"size": FONT_SIZE})
    return legible(fig)


def before_after_figure(
    x: np.ndarray, y: np.ndarray, theta_start, theta_end, height: int = 380
) -> go.Figure:
    """The LinearModel lesson's picture: predictions of the untrained and the trained
    model."""
    grid = np.array([x.min(), x.max()])
    shown = display_sample(len(x))
    fig = go.Figure(
        [
            go.Scatter(
                x=x[shown],
                y=y[shown],
                mode="markers",
                marker={"color": PALETTE["data"], "size": 6},
                name="data",
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
    fig.update_layout(
        height=height, font={"size": FONT_SIZE}, legend={"orientation": "h", "y": -0.2}
    )
    return legible(fig)
