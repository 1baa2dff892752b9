"""Where things sit on the loss surface: the view box, exact level sets as filled
ellipses, the optimum, the eigen-axes, the point where a diverging path leaves the
frame.

Level sets are nested filled scatter traces, not a contour trace: Streamlit's Plotly
drops contour and heatmap traces as soon as an animation starts, and scatter traces
survive it.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from ..analysis import Analysis
from ..model import Quadratic
from ..surface import level_ellipse, loss_surface
from ..training import Trajectory
from .canvas import scatter
from .style import FONT_SIZE, LEVEL_FILLS, PALETTE, compact, curve_points


def view_box(
    traj: Trajectory, params: tuple[int, int], pad: float = 0.25
) -> tuple[tuple, tuple]:
    """Axis ranges around the start, the optimum and the part of the path that stays
    near them (box_around)."""
    i, j = params
    q = traj.quadratic
    return box_around(
        traj.theta[:, [i, j]], traj.loss, q.loss_ref, q.theta_ref[[i, j]], pad
    )


def box_around(
    path: np.ndarray, loss: np.ndarray, loss_ref: float, star: np.ndarray, pad: float
) -> tuple:
    """Axis ranges around a path's start (its first point), the optimum ``star`` and the
    path's points while they stay near them.

    A diverging path is not followed out to 1e30: only points whose loss stays within 4x
    the start's are framed, so the contour stays readable and the path visibly leaves
    the frame.
    """
    with np.errstate(all="ignore"):
        near = loss <= 4.0 * max(loss[0], loss_ref)
    pts = np.vstack([path[near], star[None], path[:1]])
    lo, hi = pts.min(axis=0), pts.max(axis=0)
    span = np.maximum(hi - lo, 1e-3 * np.maximum(np.abs(hi), 1.0))
    span = np.maximum(span, 0.2 * span.max())  # avoid a degenerate, paper-thin box
    mid = (lo + hi) / 2
    half = span * (0.5 + pad)
    return (mid[0] - half[0], mid[0] + half[0]), (mid[1] - half[1], mid[1] + half[1])


def level_values(
    q: Quadratic, x_range, y_range, params, count: int = len(LEVEL_FILLS)
) -> np.ndarray:
    """Loss levels from the box's highest corner down, geometrically closer to the
    minimum."""
    corners = np.array([[x, y] for x in x_range for y in y_range])
    theta = np.broadcast_to(q.theta_ref, (4, len(q.theta_ref))).copy()
    theta[:, list(params)] = corners
    top = float(np.max(q.loss_at(theta))) - q.loss_ref
    return q.loss_ref + top * 2.5 ** -np.arange(count, dtype=float)


def level_traces(q: Quadratic, x_range, y_range, params=None) -> list[dict]:
    """Nested filled ellipses J = c (largest first), labelled with their loss in the
    hover."""
    params = params or (0, len(q.theta_ref) - 1)
    traces = []
    for c, fill in zip(
        level_values(q, x_range, y_range, params), LEVEL_FILLS, strict=False
    ):
        pts = level_ellipse(q, c, params)
        if pts is None:
            continue
        traces.append(level_trace(pts[:, 0], pts[:, 1], fill, f"loss {c:.4g}"))
    return traces


def level_trace(x, y, fill: str, text: str) -> dict:
    """One filled level set (a closed curve), its level in the hover on its outline (the
    area itself takes no hover: a click inside reaches the points under it)."""
    return scatter(
        x=compact(x),
        y=compact(y),
        fill="toself",
        fillcolor=fill,
        mode="lines",
        hoveron="points",
        line={"color": "#08306b59", "width": 1},  # 35% opaque: Plotly and PIL read it
        hoverinfo="text",
        text=text,
        showlegend=False,
    )


def optimum_marker(
    analysis: Analysis, size: int = 18, params: tuple[int, int] = (0, -1)
) -> dict:
    """The closed-form optimum in the plane of ``params`` as a green star."""
    return scatter(
        x=[analysis.theta_star[params[0]]],
        y=[analysis.theta_star[params[1]]],
        mode="markers",
        marker={
            "symbol": "star",
            "size": size,
            "color": PALETTE["optimum"],
            "line": {"color": "white", "width": 1},
        },
        name="optimum",
        hovertemplate="optimum<br>(%{x:.4g}, %{y:.4g})<extra></extra>",
    )


#: Eigenvalues this close (relative) make a round bowl: its axes are any two directions.
ROUND_RTOL = 0.02


def eigen_axis_traces(
    a: Analysis, x_range, y_range, params, labelled: bool = False
) -> list[dict]:
    """Lines through the optimum along the Hessian's eigenvectors (the valley's axes);
    ``labelled`` writes "steep, λ = ..." and "shallow, λ = ..." inside the frame, each
    along the half of its axis with more room (so the two part ways), reading inwards
    from the frame's edge.  A round bowl (equal λ) has no steep or shallow direction:
    one label says so.  The lines come first, the labels (mode text) last.
    """
    i, j = params
    H2 = a.hessian[np.ix_([i, j], [i, j])]
    lam, vec = np.linalg.eigh(H2)
    star = a.theta_star[[i, j]]
    reach = np.hypot(x_range[1] - x_range[0], y_range[1] - y_range[0])
    round_bowl = bool(np.isclose(lam[0], lam[1], rtol=ROUND_RTOL))
    out, texts = [], []
    for k, name in ((1, "steep"), (0, "shallow")):
        d = vec[:, k] / np.hypot(*vec[:, k])
        ends = np.array([star - reach * d, star + reach * d])
        line = {"color": "#555555", "width": 2, "dash": "dash" if k else "dot"}
        hover = f"{name} axis<br>λ = {lam[k]:.4g}<extra></extra>"
        out.append(
            scatter(
                x=ends[:, 0],
                y=ends[:, 1],
                mode="lines",
                line=line,
                name=f"{name} axis",
                hovertemplate=hover,
                showlegend=False,
            )
        )
        if not labelled or (round_bowl and k == 0):
            continue
        at = _roomier_side(star, d, x_range, y_range)
        if at is None:
            continue
        text = (
            f"round bowl, λ = {lam[k]:.3g}"
            if round_bowl
            else f"{name}, λ = {lam[k]:.3g}"
        )
        texts.append(
            scatter(
                x=[at[0]],
                y=[at[1]],
                mode="text",
                text=[text],
                showlegend=False,
                textposition=f"{'top' if k else 'bottom'} {_inward(at[0], x_range)}",
                textfont={"size": 14, "color": "#333333", "shadow": "auto"},
                hoverinfo="skip",  # a halo over the path
            )
        )
    return out + texts


def _inward(x: float, x_range) -> str:
    """Which way a label at ``x`` reads to stay inside the frame: away from the nearer
    side, centred mid-frame."""
    share = (x - x_range[0]) / (x_range[1] - x_range[0])
    return "left" if share > 2 / 3 else "right" if share < 1 / 3 else "center"


def _roomier_side(
    start: np.ndarray, d: np.ndarray, x_range, y_range, share: float = 0.55
) -> np.ndarray | None:
    """The point ``share`` of the way from ``start`` to the frame's edge, along ``d`` or
    ``-d`` (whichever reaches farther, in fractions of the frame); None when ``start``
    is outside it."""
    ahead, behind = (_inside_along(start, v, x_range, y_range, share) for v in (d, -d))
    if ahead is None or behind is None:
        return None
    span = np.array([x_range[1] - x_range[0], y_range[1] - y_range[0]])
    return (
        ahead
        if np.hypot(*((ahead - start) / span)) >= np.hypot(*((behind - start) / span))
        else behind
    )


def _inside_along(
    start: np.ndarray, d: np.ndarray, x_range, y_range, share: float = 0.7
) -> np.ndarray | None:
    """The point ``share`` of the way from ``start`` to the frame's edge along ``d``
    (None: start outside)."""
    lo, hi = np.array([x_range[0], y_range[0]]), np.array([x_range[1], y_range[1]])
    if np.any(start < lo) or np.any(start > hi):
        return None
    with np.errstate(divide="ignore", invalid="ignore"):
        t = np.where(d > 0, (hi - start) / d, np.where(d < 0, (lo - start) / d, np.inf))
    return start + share * float(np.min(t)) * d


def data_y_range(y: np.ndarray, x_grid: np.ndarray, thetas: np.ndarray) -> list[float]:
    """The data's range, widened to follow the fitted line on its way in (an untrained
    line at y = 0 should be seen climbing to the data), but never by more than 3 x
    max(spread, |mean y|).
    """
    y_lo, y_hi = float(y.min()), float(y.max())
    reach = 3.0 * max(y_hi - y_lo, abs(float(y.mean())), 1e-12)
    with np.errstate(all="ignore"):
        line = thetas[:, :1] * x_grid + thetas[:, -1:]
    line = line[np.isfinite(line)]
    lo = max(min(y_lo, line.min(initial=y_lo)), y_lo - reach)
    hi = min(max(y_hi, line.max(initial=y_hi)), y_hi + reach)
    pad = 0.08 * (hi - lo or 1.0)
    return [lo - pad, hi + pad]


def fit_line(x_grid: np.ndarray, theta: np.ndarray) -> np.ndarray:
    return theta[0] * x_grid + theta[-1]


def residual_sticks(
    x: np.ndarray, y: np.ndarray, y_hat: np.ndarray
) -> tuple[list, list]:
    xs = np.column_stack([x, x, np.full_like(x, np.nan)]).ravel()
    ys = np.column_stack([y, y_hat, np.full_like(y, np.nan)]).ravel()
    return xs.tolist(), ys.tolist()


def surface3d_figure(
    traj: Trajectory, analysis: Analysis, labels=("w", "b"), height: int = 600
) -> go.Figure:
    """The loss surface J(w, b) in 3-D with the whole path on it (static; rotate with
    the mouse)."""
    params = (0, traj.theta.shape[1] - 1)
    xr, yr = view_box(traj, params)
    s = loss_surface(
        traj.quadratic, xr, yr, resolution=60, params=params, fixed=analysis.theta_star
    )
    pts = curve_points(traj.n_steps, 1500)
    fig = go.Figure(
        [
            go.Surface(
                x=s.x,
                y=s.y,
                z=s.z,
                colorscale="Blues",
                reversescale=True,
                opacity=0.85,
                showscale=False,
            ),
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
