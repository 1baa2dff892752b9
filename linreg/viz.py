"""Plotly figures: pure functions from core records to ``go.Figure`` (no Streamlit here).

Animation uses light frames: every curve and the whole path are drawn once as static traces;
each frame moves only small traces (the fitted line, a marker on the loss curve, a marker and a
short tail on the contour), listed with ``traces=[...]`` and played with ``redraw=False``.
Level sets are nested filled ellipses (scatter traces), which stay visible during playback
where a contour trace would vanish in Streamlit (DESIGN.md section 4).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from .analysis import ZONES, Analysis
from .model import Quadratic
from .surface import level_ellipse, loss_surface
from .training import Trajectory

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
MAX_FRAMES = 200
TAIL = 12
MAX_POINTS_SHOWN = 2000
MAX_RESIDUALS = 300  # residual sticks move in every frame: keep the frames light


@dataclass(frozen=True)
class PlotOptions:
    log_loss: bool = True
    residuals: bool = False
    equal_axes: bool = False
    show_closed_form: bool = True
    height: int = 560


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
        traces.append(
            go.Scatter(
                x=pts[:, 0],
                y=pts[:, 1],
                fill="toself",
                fillcolor=fill,
                mode="lines",
                line={"color": "rgba(8,48,107,0.35)", "width": 1},
                hoverinfo="text",
                text=f"loss {c:.4g}",
                showlegend=False,
            )
        )
    return traces


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


def playground_figure(
    traj: Trajectory,
    x: np.ndarray,
    y: np.ndarray,
    analysis: Analysis,
    theta_original: np.ndarray,
    optimum_original: np.ndarray,
    *,
    labels: tuple[str, str, str, str] = ("x", "y", "w", "b"),
    options: PlotOptions = PlotOptions(),
    current: int | None = None,
) -> go.Figure:
    """Data + fitted line | loss curve | level sets + path, animated together by one slider.

    ``theta_original`` and ``optimum_original`` are the path and the closed-form optimum in the
    data's units (they differ from the trained ones when the features were standardised); the
    contour shows the parameters that were trained.
    """
    x_label, y_label, w_label, b_label = labels
    params = (0, traj.theta.shape[1] - 1)
    steps = frame_steps(traj.n_steps)
    now = 0 if current is None else int(np.clip(current, 0, traj.n_steps))  # shown until Play is pressed
    start = min(int(np.searchsorted(steps, now)), len(steps) - 1)
    fig = make_subplots(
        rows=1,
        cols=3,
        column_widths=[0.34, 0.30, 0.36],
        horizontal_spacing=0.07,
        subplot_titles=("Data and fitted line", "Loss per step", "Loss surface and path"),
    )
    traces: list[go.BaseTraceType] = []

    def add(trace, col):
        fig.add_trace(trace, row=1, col=col)
        traces.append(trace)
        return len(fig.data) - 1

    # --- panel 1: data, closed-form line, fitted line (moves), residuals (move)
    x_grid = np.array([x.min(), x.max()])
    shown = display_sample(len(x))
    add(
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
        add(
            go.Scatter(
                x=x_grid,
                y=_fit_line(x_grid, optimum_original),
                mode="lines",
                line={"color": PALETTE["optimum"], "width": 2, "dash": "dash"},
                name="closed-form optimum",
            ),
            1,
        )
    moving: dict[str, int] = {}
    theta_now = theta_original[now]
    moving["fit"] = add(
        go.Scatter(
            x=x_grid,
            y=_fit_line(x_grid, theta_now),
            mode="lines",
            line={"color": PALETTE["fit"], "width": 4},
            name="gradient-descent fit",
        ),
        1,
    )
    if options.residuals and len(x) <= MAX_RESIDUALS:
        rx, ry = _residual_sticks(x, y, theta_now[0] * x + theta_now[-1])
        moving["residuals"] = add(
            go.Scatter(
                x=rx, y=ry, mode="lines", line={"color": PALETTE["fit"], "width": 1}, name="residuals", opacity=0.6
            ),
            1,
        )
    fig.update_yaxes(range=data_y_range(y, x_grid, theta_original[steps]), title_text=y_label, row=1, col=1)
    fig.update_xaxes(title_text=x_label, row=1, col=1)

    # --- panel 2: loss curve (static), marker (moves)
    pts = curve_points(traj.n_steps)
    loss = np.asarray(traj.loss, dtype=float)
    add(
        go.Scatter(
            x=pts,
            y=loss[pts],
            mode="lines",
            line={"color": PALETTE["data"], "width": 2.5},
            name="loss",
            showlegend=False,
            hovertemplate="step %{x}<br>loss %{y:.5g}<extra></extra>",
        ),
        2,
    )
    add(
        go.Scatter(
            x=[0, traj.n_steps],
            y=[analysis.loss_star] * 2,
            mode="lines",
            line={"color": PALETTE["optimum"], "dash": "dash", "width": 1.5},
            name="minimum loss",
            showlegend=False,
            hovertemplate="minimum %{y:.5g}<extra></extra>",
        ),
        2,
    )
    moving["loss"] = add(
        go.Scatter(
            x=[now],
            y=[loss[now]],
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
        positive = loss[loss > 0]
        lo = np.log10(max(min(positive.min(), analysis.loss_star or positive.min()), 1e-300)) if len(positive) else -1
        hi = np.log10(positive.max()) if len(positive) else 1
        fig.update_yaxes(type="log", range=[lo - 0.2, hi + 0.2], row=1, col=2)

    # --- panel 3: level sets, eigen-axes, path (static), tail + marker (move)
    xr, yr = view_box(traj, params)
    for t in level_traces(traj.quadratic, xr, yr, params):
        add(t, 3)
    for t in eigen_axis_traces(analysis, xr, yr, params):
        add(t, 3)
    path_pts = curve_points(traj.n_steps)
    add(
        go.Scatter(
            x=traj.theta[path_pts, 0],
            y=traj.theta[path_pts, -1],
            mode="lines",
            line={"color": PALETTE["path"], "width": 1.5},
            opacity=0.45,
            name="path",
            showlegend=False,
            hoverinfo="skip",
        ),
        3,
    )
    add(
        go.Scatter(
            x=[traj.theta[0, 0]],
            y=[traj.theta[0, -1]],
            mode="markers",
            marker={"symbol": "circle-open", "size": 14, "color": PALETTE["start"], "line": {"width": 3}},
            name="start",
            hovertemplate="start<br>(%{x:.4g}, %{y:.4g})<extra></extra>",
        ),
        3,
    )
    add(
        go.Scatter(
            x=[analysis.theta_star[0]],
            y=[analysis.theta_star[-1]],
            mode="markers",
            marker={"symbol": "star", "size": 18, "color": PALETTE["optimum"], "line": {"color": "white", "width": 1}},
            name="optimum",
            hovertemplate="optimum<br>(%{x:.4g}, %{y:.4g})<extra></extra>",
        ),
        3,
    )
    if traj.diverged:
        exit_pt = _exit_point(traj.theta[:, [0, -1]], xr, yr)
        if exit_pt is not None:
            add(
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
    moving["tail"] = add(_tail_trace(traj, steps, start), 3)
    moving["marker"] = add(
        go.Scatter(
            x=[traj.theta[now, 0]],
            y=[traj.theta[now, -1]],
            mode="markers",
            marker={"color": PALETTE["fit"], "size": 14, "line": {"color": "white", "width": 2}},
            name="current step",
            showlegend=False,
            hovertemplate="(%{x:.4g}, %{y:.4g})<extra></extra>",
        ),
        3,
    )
    fig.update_xaxes(range=list(xr), title_text=w_label, row=1, col=3)
    fig.update_yaxes(range=list(yr), title_text=b_label, row=1, col=3)
    if options.equal_axes:
        fig.update_yaxes(scaleanchor="x3", scaleratio=1, row=1, col=3)

    frames = [_frame(traj, theta_original, x, y, x_grid, steps, k, moving) for k in range(len(steps))]
    fig = go.Figure(data=fig.data, layout=fig.layout, frames=frames, _validate=False)
    _add_player(fig, steps, start)
    fig.update_layout(
        height=options.height,
        font={"size": FONT_SIZE},
        margin={"l": 60, "r": 20, "t": 60, "b": 130},
        legend={"orientation": "h", "yanchor": "top", "y": -0.32, "x": 0.0},
        hovermode="closest",
        uirevision="playground",
    )
    fig.update_annotations(font_size=FONT_SIZE + 2)
    return fig


def _exit_point(path: np.ndarray, xr, yr) -> np.ndarray | None:
    inside = (path[:, 0] >= xr[0]) & (path[:, 0] <= xr[1]) & (path[:, 1] >= yr[0]) & (path[:, 1] <= yr[1])
    if inside.all() or not inside[0]:
        return None
    return path[int(np.argmin(inside)) - 1]


def _tail_trace(traj: Trajectory, steps: np.ndarray, k: int) -> go.Scatter:
    idx = steps[max(0, k - TAIL) : k + 1]
    return go.Scatter(
        x=traj.theta[idx, 0],
        y=traj.theta[idx, -1],
        mode="lines+markers",
        line={"color": PALETTE["path"], "width": 3},
        marker={"size": 6, "color": PALETTE["path"]},
        name="recent steps",
        showlegend=False,
        hoverinfo="skip",
    )


def _xy(x, y) -> go.Scatter:
    # Frames carry only arrays of numbers we made: Plotly's validation of 800 such traces costs ~80 ms.
    return go.Scatter(x=np.asarray(x, dtype=float).tolist(), y=np.asarray(y, dtype=float).tolist(), _validate=False)


def _frame(traj, theta_original, x, y, x_grid, steps, k, moving) -> go.Frame:
    """One frame: new data for the moving traces only (the fit line, residuals, loss marker, tail, marker)."""
    step = int(steps[k])
    th = theta_original[step]
    data, idx = [_xy(x_grid, _fit_line(x_grid, th))], [moving["fit"]]
    if "residuals" in moving:
        data.append(_xy(*_residual_sticks(x, y, th[0] * x + th[-1])))
        idx.append(moving["residuals"])
    tail = steps[max(0, k - TAIL) : k + 1]
    data += [
        _xy([step], [traj.loss[step]]),
        _xy(traj.theta[tail, 0], traj.theta[tail, -1]),
        _xy([traj.theta[step, 0]], [traj.theta[step, -1]]),
    ]
    idx += [moving["loss"], moving["tail"], moving["marker"]]
    return go.Frame(data=data, traces=idx, name=str(step), _validate=False)


def _add_player(fig: go.Figure, steps: np.ndarray, start: int) -> None:
    """Play / pause / speed buttons and a step slider, all client-side (no server round trip)."""

    def play(ms: int, from_start: bool = False) -> list:
        frames = [str(int(s)) for s in steps] if from_start else None
        opts = {"frame": {"duration": ms, "redraw": False}, "transition": {"duration": 0}, "mode": "immediate"}
        return [frames, {**opts, "fromcurrent": not from_start}]

    pause = [[None], {"mode": "immediate", "frame": {"duration": 0, "redraw": False}, "transition": {"duration": 0}}]
    fig.update_layout(
        updatemenus=[
            {
                "type": "buttons",
                "direction": "right",
                "x": 0.0,
                "y": -0.16,
                "xanchor": "left",
                "yanchor": "top",
                "pad": {"t": 0, "r": 10},
                "showactive": False,
                "font": {"size": FONT_SIZE},
                "buttons": [
                    {"label": "▶ Play", "method": "animate", "args": play(80)},
                    {"label": "❚❚ Pause", "method": "animate", "args": pause},
                    {"label": "⟲ Replay", "method": "animate", "args": play(80, from_start=True)},
                    {"label": "Slow", "method": "animate", "args": play(300)},
                    {"label": "Fast", "method": "animate", "args": play(15)},
                ],
            }
        ],
        sliders=[
            {
                "active": start,
                "x": 0.40,
                "len": 0.60,
                "y": -0.12,
                "yanchor": "top",
                "pad": {"t": 0, "b": 0},
                "currentvalue": {"prefix": "Step ", "font": {"size": FONT_SIZE, "color": "#444"}, "xanchor": "left"},
                "font": {"size": 11, "color": "rgba(0,0,0,0)"},  # 200 tick labels are clutter
                "ticklen": 0,
                "minorticklen": 0,
                "steps": [
                    {
                        "label": str(int(s)),
                        "method": "animate",
                        "args": [
                            [str(int(s))],
                            {
                                "mode": "immediate",
                                "frame": {"duration": 0, "redraw": False},
                                "transition": {"duration": 0},
                            },
                        ],
                    }
                    for s in steps
                ],
            }
        ],
    )


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
