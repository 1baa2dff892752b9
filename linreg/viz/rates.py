"""Learning rates against the theory: the stability gauge, the sweep, the heavy-ball rate map."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from ..analysis import ZONES, Analysis
from ..sweep import Sweep
from .canvas import scatter
from .style import FONT_SIZE, PALETTE, TICK_SIZE, ZONE_COLORS, legible


def zone_spans(edges: tuple[float, ...], lo: float, hi: float) -> list[tuple[str, float, float]]:
    """(zone, from, to) of the zones between ``edges`` (Analysis.zone_edges) that show between lo and hi."""
    bounds = [lo, *edges[1:-1], hi]
    spans = [(name, max(a, lo), min(b, hi)) for name, a, b in zip(ZONES, bounds[:-1], bounds[1:], strict=True)]
    return [(name, a, b) for name, a, b in spans if b > a]


def zone_band(name: str, a: float, b: float, opacity: float, hover: bool = True) -> dict:
    """The learning rates from a to b as a band (y from 0 to 1) in their zone's colour."""
    return scatter(
        x=[a, b, b, a, a], y=[0, 0, 1, 1, 0], fill="toself", fillcolor=ZONE_COLORS[name], line={"width": 0},
        mode="lines", name=name, opacity=opacity,
        **({"hovertemplate": f"{name}: {a:.3g} – {b:.3g}<extra></extra>"} if hover else {"hoverinfo": "skip"}),
    )  # fmt: skip


#: The gauge's rate range: a decade beyond the "good" zone's start and beyond the limit.
GAUGE_MARGIN = 10.0


def gauge_scale(learning_rate: float, edges: tuple[float, ...]) -> tuple[float, float]:
    """The rates the gauge spans (log scale): the current rate, the good zone and the limit, a decade each side."""
    return min(learning_rate, edges[1]) / GAUGE_MARGIN, max(learning_rate, edges[3]) * GAUGE_MARGIN


def gauge_position(rate: float, lo: float, hi: float) -> float:
    """Where ``rate`` sits on the gauge, in percent of its width (log scale)."""
    return 100.0 * float(np.log10(rate / lo) / np.log10(hi / lo))


def stability_gauge(learning_rate: float, edges: tuple[float, ...]) -> str:
    """A log-scale bar of learning rates coloured by zone, the current rate marked, the limit named above.

    Plain HTML, not a Plotly chart: it changes with every learning rate, and a second Plotly chart
    redrawing on each change cost ~100 ms in the browser (benchmarks/bench_app.py)."""
    lo, hi = gauge_scale(learning_rate, edges)

    def at(rate: float) -> str:
        return f"{gauge_position(rate, lo, hi):.2f}%"

    font = f"font-size:{TICK_SIZE}px;line-height:1"
    parts = []
    for name, a, b in zone_spans(edges, lo, hi):
        label = name if np.log10(b / a) >= 0.45 else ""  # only the zones wide enough to hold their name
        parts.append(
            f'<div title="{name}: {a:.3g} – {b:.3g}" style="position:absolute;left:{at(a)};'
            f"width:calc({at(b)} - {at(a)});top:20px;height:36px;background:{ZONE_COLORS[name]};opacity:.75;"
            f'display:flex;align-items:center;justify-content:center;color:#000;{font}">{label}</div>'
        )
    for k in range(int(np.ceil(np.log10(lo))), int(np.floor(np.log10(hi))) + 1):
        parts.append(
            f'<div style="position:absolute;left:{at(10.0**k)};top:64px;transform:translateX(-50%);'
            f'color:#444;{font}">{10.0**k:g}</div>'
        )
    limit = edges[3]
    parts.append(
        f'<div style="position:absolute;left:{at(limit)};top:0;transform:translateX(-50%);white-space:nowrap;'
        f'color:#444;{font}">limit {limit:.3g}</div>'
    )
    parts.append(
        f'<div title="learning rate {learning_rate:.4g}" style="position:absolute;left:{at(learning_rate)};'
        f'top:14px;width:4px;height:48px;margin-left:-2px;background:#000"></div>'
    )
    zone = Analysis.zone(learning_rate, edges)
    return (
        f'<div role="img" aria-label="learning rate {learning_rate:.4g}: {zone}; limit {limit:.3g}" '
        f'style="position:relative;height:84px;margin:0 12px 4px">{"".join(parts)}</div>'
    )


def sweep_figure(
    sweep: Sweep, edges: tuple[float, ...] | None, limit_text: str, best_lr: float, stacked: bool = False
) -> go.Figure:
    """Final loss and steps to tolerance against the learning rate (log axes), zones shaded, 2/L marked.

    ``edges`` are the optimizer's zones (its limit named ``limit_text``; None: no zones are drawn) and
    ``best_lr`` the theory's best rate.
    """
    lrs = sweep.learning_rates
    titles = ("Final loss", f"Steps to ‖∇J‖ < {sweep.tol:g}")
    grid = {"rows": 2, "cols": 1, "vertical_spacing": 0.16} if stacked else {"rows": 1, "cols": 2}
    fig = make_subplots(**grid, subplot_titles=titles, horizontal_spacing=0.1)

    def cell(k: int) -> dict:
        return {"row": k, "col": 1} if stacked else {"row": 1, "col": k}

    ok = ~sweep.diverging
    fig.add_trace(
        go.Scatter(
            x=lrs[ok], y=sweep.final_loss[ok], mode="lines+markers", name="final loss", line={"color": PALETTE["data"]}
        ),
        **cell(1),
    )
    fig.add_trace(
        go.Scatter(
            x=lrs[~ok],
            y=np.full((~ok).sum(), sweep.start_loss),
            mode="markers",
            marker={"symbol": "x", "size": 10, "color": PALETTE["fit"]},
            name="diverged",
        ),
        **cell(1),
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
        **cell(2),
    )
    for col in (1, 2):
        fig.add_vline(x=best_lr, line={"color": PALETTE["optimum"], "dash": "dot", "width": 2}, **cell(col))
    if edges is not None:
        _sweep_zones(fig, edges, limit_text, lrs, cell)
    fig.add_annotation(
        x=np.log10(best_lr), y=0.86, yref="y domain", xref="x", text=f"theory's best {best_lr:.3g}",
        showarrow=False, xanchor="right", yanchor="top", font={"color": PALETTE["optimum"]},
    )  # fmt: skip
    fig.update_xaxes(type="log", title_text="learning rate", dtick=1)  # powers of ten only: no tiny minor labels
    fig.update_yaxes(type="log", title_text="loss", dtick=1, **cell(1))
    fig.update_yaxes(title_text="steps", rangemode="tozero", **cell(2))
    fig.update_layout(
        height=760 if stacked else 460,
        font={"size": FONT_SIZE},
        margin={"t": 70},
        legend={"orientation": "h", "yanchor": "top", "y": -0.12 if stacked else -0.25},
    )
    return legible(fig)


def _sweep_zones(fig: go.Figure, edges: tuple[float, ...], limit_text: str, lrs: np.ndarray, cell) -> None:
    limit = edges[3]
    edges = [lrs.min(), *edges[1:4], lrs.max()]
    for col in (1, 2):
        for name, a, b in zip(ZONES, edges[:-1], edges[1:], strict=True):
            if b > a:
                fig.add_vrect(x0=a, x1=b, fillcolor=ZONE_COLORS[name], opacity=0.15, line_width=0, **cell(col))
        fig.add_vline(x=limit, line={"color": PALETTE["fit"], "dash": "dash", "width": 2}, **cell(col))
    fig.add_annotation(
        x=np.log10(limit), y=0.98, yref="y domain", xref="x", text=f"{limit_text} = {limit:.3g}", showarrow=False,
        xanchor="right", yanchor="top", font={"color": PALETTE["fit"]},
    )  # fmt: skip


def momentum_rate_map(
    analysis: Analysis, current: tuple[float, float] | None = None, resolution: int = 80, height: int = 500
) -> go.Figure:
    """Convergence rate per step of heavy ball over (learning rate, momentum): the optimal pair and the
    ``current`` one marked, named in the legend (labels on the chart were clipped at its edges)."""
    best_lr, best_mu = analysis.optimal_momentum
    lrs = np.geomspace(analysis.gd_limit / 1000, analysis.momentum_limit(0.99), resolution)
    mus = np.linspace(0.0, 0.99, resolution)
    rate = analysis.momentum_rate(lrs[None, :], mus[:, None])
    z = np.where(rate < 1, rate, np.nan)
    hover = "lr %{x:.3g}<br>momentum %{y:.2f}<br>rate %{z:.4f}<extra></extra>"
    low = max(float(np.nanmin(z)), 0.0)
    heat = go.Heatmap(x=lrs, y=mus, z=z, colorscale="Viridis", reversescale=True, zmin=low, zmax=1.0)
    fig = go.Figure(heat.update(colorbar={"title": "rate"}, hovertemplate=hover))
    star = {"symbol": "star", "size": 20, "color": "white", "line": {"color": "black", "width": 1.5}}
    fig.add_trace(go.Scatter(x=[best_lr], y=[best_mu], mode="markers", marker=star,
                             name=f"optimal: lr {best_lr:.3g}, momentum {best_mu:.3f}"))  # fmt: skip
    if current is not None:
        here = analysis.momentum_rate(current[0], current[1])
        you = {"symbol": "x", "size": 18, "color": PALETTE["fit"], "line": {"color": "white", "width": 2}}
        name = f"yours: lr {current[0]:.3g}, momentum {current[1]:.2f} (rate {float(here):.3f})"
        fig.add_trace(go.Scatter(x=[current[0]], y=[current[1]], mode="markers", marker=you, name=name))
    limit = {"color": PALETTE["fit"], "dash": "dash", "width": 3}
    fig.add_trace(go.Scatter(x=analysis.momentum_limit(mus), y=mus, mode="lines", line=limit,
                             name="stability limit (2+2μ)/L"))  # fmt: skip
    fig.update_layout(
        height=height,
        margin={"t": 60, "b": 40},
        xaxis={"type": "log", "title": "learning rate", "range": [np.log10(lrs[0]), np.log10(lrs[-1])], "dtick": 1},
        yaxis={"title": "momentum", "range": [0, 0.99]},
        legend={"orientation": "h", "yanchor": "top", "y": -0.18},
        title="Heavy-ball convergence rate per step (lower is faster; blank = diverges)",
    )
    return legible(fig)
