"""Learning rates against the theory: the stability gauge, the sweep, the heavy-ball
rate map."""

from __future__ import annotations

import base64
import io
from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go
from PIL import Image
from plotly.colors import hex_to_rgb, sequential
from plotly.subplots import make_subplots

from .. import words
from ..analysis import Analysis
from ..dynamics import LinearTheory, contraction
from ..outcomes import DIVERGED, OUTCOMES
from ..sweep import Sweep
from ..theory import RateMap, per_step
from .canvas import scatter
from .style import FONT_SIZE, PALETTE, TICK_SIZE, ZONE_COLORS, legible

Zones = tuple[tuple[str, float, float], ...]


def zone_spans(zones: Zones, lo: float, hi: float) -> list[tuple[str, float, float]]:
    """(zone, from, to) of the ``zones`` (RateMap.zones) that show between lo and hi,
    clipped to them."""
    spans = [(name, max(a, lo), min(b, hi)) for name, a, b in zones]
    return [(name, a, b) for name, a, b in spans if b > a]


def zone_band(
    name: str, a: float, b: float, opacity: float, hover: bool = True
) -> dict:
    """The learning rates from a to b as a band (y from 0 to 1) in their zone's
    colour."""
    return scatter(
        x=[a, b, b, a, a],
        y=[0, 0, 1, 1, 0],
        fill="toself",
        fillcolor=ZONE_COLORS[name],
        line={"width": 0},
        mode="lines",
        name=name,
        opacity=opacity,
        **(
            {"hovertemplate": f"{name}: {a:.3g} – {b:.3g}<extra></extra>"}
            if hover
            else {"hoverinfo": "skip"}
        ),
    )


#: The gauge's rate range, for a map from theory: a decade beyond the first zone edge
#: and beyond the limit.
GAUGE_MARGIN = 10.0
#: The gauge's width in the sidebar and the width of one character of its labels (px): a
#: zone's name is written inside its band only where it fits, and decade labels are
#: thinned so that they never touch.
GAUGE_PX = 250
CHAR_PX = 7.5
MAX_DECADE_LABELS = 5


def gauge_scale(learning_rate: float, m: RateMap) -> tuple[float, float]:
    """The rates the gauge spans (log scale): a measured map's swept range; a theory's
    zone edges and limit a decade each side; the current rate always inside."""
    if m.measured:
        lrs = m.sweep.learning_rates
        return min(learning_rate, lrs.min()) / 1.5, max(learning_rate, lrs.max()) * 1.5
    inner = [b for _, _, b in m.zones[:-1] if b > 0]
    return (
        min(learning_rate, m.best_lr, *inner) / GAUGE_MARGIN,
        max(learning_rate, m.limit) * GAUGE_MARGIN,
    )


def gauge_position(rate: float, lo: float, hi: float) -> float:
    """Where ``rate`` sits on the gauge, in percent of its width (log scale)."""
    return 100.0 * float(np.log10(rate / lo) / np.log10(hi / lo))


def fits(label: str, a: float, b: float, lo: float, hi: float) -> bool:
    """Whether ``label`` fits inside the band from a to b on a gauge from lo to hi."""
    return (
        gauge_position(b, lo, hi) - gauge_position(a, lo, hi)
    ) / 100 * GAUGE_PX >= len(label) * CHAR_PX + 6


def decades(lo: float, hi: float) -> list[int]:
    """The powers of ten to label between lo and hi: at most MAX_DECADE_LABELS, evenly
    thinned."""
    ks = list(range(int(np.ceil(np.log10(lo))), int(np.floor(np.log10(hi))) + 1))
    step = -(-len(ks) // MAX_DECADE_LABELS)
    return ks[::step]


def stability_gauge(learning_rate: float, m: RateMap) -> str:
    """A log-scale bar of learning rates coloured by zone (theory) or outcome
    (measured), the current rate marked, the limit (or the first measured divergence)
    named above.

    Plain HTML, not a Plotly chart: it changes with every learning rate, and a second
    Plotly chart redrawing on each change cost ~100 ms in the browser
    (benchmarks/bench_app.py)."""
    lo, hi = gauge_scale(learning_rate, m)

    def at(rate: float) -> str:
        return f"{gauge_position(rate, lo, hi):.2f}%"

    font = f"font-size:{TICK_SIZE}px;line-height:1"
    parts, unnamed = [], []
    spans = zone_spans(m.zones, lo, hi)

    def band(name: str, a: float, b: float) -> str:
        """A box over the rates a to b, titled with its zone (its style left open)."""
        return (
            f'title="{name}: {a:.3g} – {b:.3g}"'
            f' style="position:absolute;left:{at(a)};width:calc({at(b)} - {at(a)});'
        )

    for name, a, b in spans:
        parts.append(
            "<div"
            f" {band(name, a, b)}top:20px;height:36px;background:{ZONE_COLORS[name]};"
            'opacity:.75"></div>'
        )
    parts.append(
        f'<div title="learning rate {learning_rate:.4g}"'
        f' style="position:absolute;left:{at(learning_rate)};'
        'top:14px;width:4px;height:48px;margin-left:-2px;background:#000"></div>'
    )
    if not m.measured:
        parts.append(
            f'<div title="best {m.best_lr:.3g}"'
            f' style="position:absolute;left:{at(m.best_lr)};top:20px;width:0;'
            "height:36px;border-left:2px"
            f' dashed {PALETTE["optimum"]}"></div>'
        )
    # names over the marks, with a halo: the current rate's mark never hides them
    for name, a, b in spans:
        if fits(name, a, b, lo, hi):
            parts.append(
                "<div"
                f" {band(name, a, b)}top:20px;height:36px;display:flex;"
                "align-items:center;"
                "justify-content:center;color:#000;"
                "text-shadow:0 0 3px #fff,0 0 3px #fff,0 0 2px"
                f' #fff;{font}">{name}</div>'
            )
        elif name not in unnamed:
            unnamed.append(name)
    for k in decades(lo, hi):
        parts.append(
            "<div"
            f' style="position:absolute;left:{at(10.0**k)};top:64px;'
            "transform:translateX(-50%);"
            f'color:#444;{font}">{10.0**k:g}</div>'
        )
    if m.limit is not None:
        parts.append(_above(at(m.limit), f"limit {m.limit_shown}", font))
    key = " ".join(
        '<span style="white-space:nowrap"><span'
        ' style="display:inline-block;width:10px;height:10px;'
        f'background:{ZONE_COLORS[name]};opacity:.75"></span>'
        f" {name}</span>"
        for name in unnamed
    )
    legend = (
        f'<div style="position:absolute;left:0%;top:84px;color:#444;{font}">{key}</div>'
        if key
        else ""
    )
    limit = f"; limit {m.limit_shown}" if m.limit is not None else ""
    return (
        f'<div role="img" aria-label="learning rate {learning_rate:.4g}:'
        f' {m.zone(learning_rate)}{limit}"'
        f' style="position:relative;height:{102 if key else 84}px;margin:0 12px'
        f' 4px">{"".join(parts)}{legend}</div>'
    )


def _above(left: str, text: str, font: str) -> str:
    """A label over the gauge at ``left`` (a percentage), shifted by as much of its own
    width: centred in the middle, flush at either end, so it never leaves the gauge."""
    return (
        "<div"
        f' style="position:absolute;left:{left};top:0;white-space:nowrap;color:#444;'
        f'transform:translateX(-{left});{font}">{text}</div>'
    )


#: At most this many decades labelled on the final loss's axis.
MAX_LOSS_LABELS = 6


def loss_dtick(sweep: Sweep) -> int:
    """Decades between the final-loss axis's labels: every one, or every k-th when the
    losses span many (a noiseless fit reaches 1e-37)."""
    shown = sweep.final_loss[np.isfinite(sweep.final_loss) & (sweep.final_loss > 0)]
    top = max(float(shown.max()) if len(shown) else 1.0, sweep.start_loss)
    low = float(shown.min()) if len(shown) else top
    decades = np.log10(top) - np.log10(low) if low > 0 else 0.0
    return max(1, int(np.ceil(decades / MAX_LOSS_LABELS)))


def sweep_figure(sweep: Sweep, m: RateMap, stacked: bool = False) -> go.Figure:
    """Final loss and steps to settle against the learning rate (log axes), each run
    coloured by its outcome; the zones of the theory (or of the runs), the limit and the
    best rate marked.
    """
    lrs = sweep.learning_rates
    titles = ("Final loss", f"Steps until ‖∇J‖ stays below {sweep.tol:g}")
    grid = (
        {"rows": 2, "cols": 1, "vertical_spacing": 0.16}
        if stacked
        else {"rows": 1, "cols": 2}
    )
    fig = make_subplots(**grid, subplot_titles=titles, horizontal_spacing=0.1)

    def cell(k: int) -> dict:
        return {"row": k, "col": 1} if stacked else {"row": 1, "col": k}

    ok = ~sweep.diverging
    line = go.Scatter(
        x=lrs[ok],
        y=sweep.final_loss[ok],
        mode="lines",
        line={"color": "#777"},
        showlegend=False,
    )
    fig.add_trace(line, **cell(1))
    for word in OUTCOMES:
        these = sweep.outcome == word
        if these.any():
            y = (
                sweep.final_loss[these]
                if word != DIVERGED
                else np.full(these.sum(), sweep.start_loss)
            )
            marker = {
                "color": ZONE_COLORS[word],
                "size": 9,
                "symbol": "x" if word == DIVERGED else "circle",
            }
            fig.add_trace(
                go.Scatter(x=lrs[these], y=y, mode="markers", marker=marker, name=word),
                **cell(1),
            )
    settled = np.isfinite(sweep.settled_at)
    fig.add_trace(
        go.Scatter(
            x=lrs[settled],
            y=sweep.settled_at[settled],
            mode="lines+markers",
            name="steps to settle",
            line={"color": PALETTE["optimum"]},
        ),
        **cell(2),
    )
    for col in (1, 2):
        fig.add_vline(
            x=m.best_lr,
            line={"color": PALETTE["optimum"], "dash": "dot", "width": 2},
            **cell(col),
        )
        for name, a, b in (
            zone_spans(m.zones, lrs.min(), lrs.max()) if not m.measured else ()
        ):
            fig.add_vrect(
                x0=a,
                x1=b,
                fillcolor=ZONE_COLORS[name],
                opacity=0.15,
                line_width=0,
                **cell(col),
            )
        if m.limit is not None:
            fig.add_vline(
                x=m.limit,
                line={"color": PALETTE["fit"], "dash": "dash", "width": 2},
                **cell(col),
            )
    left_half = np.log10(m.best_lr / lrs.min()) < np.log10(lrs.max() / lrs.min()) / 2
    fig.add_annotation(
        x=np.log10(m.best_lr),
        y=0.86,
        yref="y domain",
        xref="x",
        text=m.best_text,
        showarrow=False,
        xanchor="left" if left_half else "right",
        yanchor="top",
        font={"color": PALETTE["optimum"]},
        bgcolor="rgba(255,255,255,0.7)",
    )
    if m.limit is not None:
        fig.add_annotation(
            x=np.log10(m.limit),
            y=0.98,
            yref="y domain",
            xref="x",
            text=f"{m.limit_text} = {m.limit_shown}",
            showarrow=False,
            xanchor="right",
            yanchor="top",
            font={"color": PALETTE["fit"]},
        )
    if not settled.any():
        fig.add_annotation(
            x=0.5,
            y=0.5,
            xref="x2 domain",
            yref="y2 domain",
            showarrow=False,
            text=(
                f"No run kept ‖∇J‖ below {sweep.tol:g}<br>within"
                f" {words.count(sweep.epochs, 'epoch')}"
            ),
        )
    # decades either side of the swept rates: both panels show the same rates at the
    # same place
    pad = 0.1
    span = [np.log10(lrs.min()) - pad, np.log10(lrs.max()) + pad]
    # powers of ten: no minor labels
    fig.update_xaxes(type="log", title_text="learning rate", dtick=1, range=span)
    # stacked, the steps' title would sit on their tick labels
    fig.update_yaxes(automargin=True)
    fig.update_yaxes(type="log", title_text="loss", dtick=loss_dtick(sweep), **cell(1))
    # its title says steps: no axis title to crowd the ticks
    fig.update_yaxes(rangemode="tozero", **cell(2))
    fig.update_layout(
        height=760 if stacked else 460,
        font={"size": FONT_SIZE},
        margin={"t": 70, "r": 24},  # room for the last decade's label
        legend={"orientation": "h", "yanchor": "top", "y": -0.12 if stacked else -0.25},
    )
    return legible(fig)


#: The momentum map's colours (lower is faster: reversed), as stops: the heat map and
#: its image use the same.
HEAT_SCALE = [
    [k / (len(sequential.Viridis) - 1), c] for k, c in enumerate(sequential.Viridis)
]


def heat_png(heat: dict) -> str:
    """A heat map trace (``momentum_map``'s) as a PNG data URL, one pixel a cell, the
    top row its last y, cells with no value transparent: for a figure whose animations
    would drop a heat-map trace (scrubber.py).
    """
    z = np.asarray(heat["z"], dtype=float)[::-1]
    t = (z - heat["zmin"]) / (heat["zmax"] - heat["zmin"])
    t = 1.0 - np.clip(t, 0.0, 1.0) if heat.get("reversescale") else np.clip(t, 0.0, 1.0)
    stops = np.array([s for s, _ in heat["colorscale"]])
    rgb = np.array([hex_to_rgb(c) for _, c in heat["colorscale"]], dtype=float)
    pixels = np.stack(
        [np.interp(np.nan_to_num(t), stops, rgb[:, k]) for k in range(3)], axis=-1
    )
    alpha = np.where(np.isnan(t), 0, 255)[..., None]
    image = Image.fromarray(
        np.concatenate([pixels, alpha], axis=-1).round().astype(np.uint8), "RGBA"
    )
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode(
        "ascii"
    )


@dataclass(frozen=True)
class MomentumMap:
    """Heavy ball's or Nesterov's contraction per step over (learning rate, momentum),
    as plain trace dicts: the heat map, the stability limit, the flat sqrt(mu) region
    (heavy ball) and the fastest pair.
    """

    traces: tuple[dict, ...]
    x_range: tuple[float, float]  # log10 of the rates spanned
    title: str

    @property
    def heat(self) -> dict:
        return self.traces[0]


def momentum_map(
    analysis: Analysis,
    family: str,
    fastest: tuple[float, float, float],
    resolution: int = 80,
) -> MomentumMap:
    """The map of ``family`` from its dynamics, the ``fastest`` (lr, momentum,
    contraction) starred."""
    eigenvalues = np.maximum(analysis.eigenvalues, 0.0)
    mus = np.linspace(0.0, 0.99, resolution)
    theories = [LinearTheory(family, eigenvalues, float(mu)) for mu in mus]
    limits = np.array([t.limit for t in theories])
    lrs = np.geomspace(limits.min() / 2000, limits.max(), resolution)
    rate = np.array([contraction(family, eigenvalues, lrs, float(mu)) for mu in mus])
    z = np.where(rate < 1, rate, np.nan)
    hover = (
        "lr %{x:.3g}<br>momentum %{y:.2f}<br>error ×%{z:.4f} per step<extra></extra>"
    )
    low = max(float(np.nanmin(z)), 0.0)
    heat = {
        "type": "heatmap",
        "x": lrs,
        "y": mus,
        "z": z,
        "colorscale": HEAT_SCALE,
        "reversescale": True,
        "zmin": low,
        "zmax": 1.0,
        "colorbar": {"title": {"text": "×/step"}},
        "hovertemplate": hover,
        "name": "error ×/step",
    }
    edge = {"color": PALETTE["fit"], "dash": "dash", "width": 3}
    traces = [heat, _map_line(limits, mus, edge, "stability limit")]
    flat = [
        (mu, t.flat_interval)
        for mu, t in zip(mus, theories, strict=True)
        if t.flat_interval is not None
    ]
    # heavy ball: a closed outline, up the lower edge and back down the upper one
    if flat:
        outline = [(lo, mu) for mu, (lo, _) in flat] + [
            (hi, mu) for mu, (_, hi) in reversed(flat)
        ]
        x, y = np.array([*outline, outline[0]]).T
        line = {"color": "white", "dash": "dot", "width": 2}
        traces.append(_map_line(x, y, line, "flat: every rate ×√μ/step"))
    star = {
        "symbol": "star",
        "size": 20,
        "color": "white",
        "line": {"color": "black", "width": 1.5},
    }
    best_lr, best_mu, best_rho = fastest
    # Polyak's pair is heavy ball's; Nesterov's own fastest pair is another
    whose = " (Polyak)" if family == "heavy_ball" else ""
    name = (
        f"fastest{whose}: lr {best_lr:.3g}, momentum {best_mu:.2f}"
        f" ({per_step(best_rho)}/step)"
    )
    traces.append(
        scatter(x=[best_lr], y=[best_mu], mode="markers", marker=star, name=name)
    )
    title = {"heavy_ball": "Heavy-ball", "nesterov": "Nesterov"}[family]
    # a little room beyond the limit: the fastest pair sits close to it
    right = float(np.log10(lrs[-1])) + 0.1
    return MomentumMap(tuple(traces), (float(np.log10(lrs[0])), right), title)


def _map_line(x, y, line: dict, name: str) -> dict:
    """A line on the momentum map, without hover (a legend or a caption names it)."""
    return scatter(x=x, y=y, mode="lines", line=line, name=name, hoverinfo="skip")


def momentum_rate_map(
    analysis: Analysis,
    family: str,
    fastest: tuple[float, float, float],
    current: tuple[float, float] | None = None,
    resolution: int = 80,
    height: int = 500,
) -> go.Figure:
    """Contraction per step of heavy ball or Nesterov (``family``) over (learning rate,
    momentum), from their dynamics (``momentum_map``): the ``current`` pair marked too,
    each mark named in the legend (labels on the chart were clipped at its edges)."""
    m = momentum_map(analysis, family, fastest, resolution)
    fig = go.Figure([go.Heatmap(m.heat), *(go.Scatter(t) for t in m.traces[1:])])
    if current is not None:
        eigenvalues = np.maximum(analysis.eigenvalues, 0.0)
        here = float(contraction(family, eigenvalues, current[0], current[1]))
        you = {
            "symbol": "x",
            "size": 18,
            "color": PALETTE["fit"],
            "line": {"color": "white", "width": 2},
        }
        name = (
            f"yours: lr {current[0]:.3g}, momentum {current[1]:.2f}"
            f" ({per_step(here)}/step)"
        )
        fig.add_trace(
            go.Scatter(
                x=[current[0]], y=[current[1]], mode="markers", marker=you, name=name
            )
        )
    fig.update_layout(
        height=height,
        margin={"t": 60, "b": 40},
        xaxis={
            "type": "log",
            "title": "learning rate",
            "range": list(m.x_range),
            "dtick": 1,
        },
        yaxis={"title": "momentum", "range": [0, 0.99]},
        legend={"orientation": "h", "yanchor": "top", "y": -0.18},
        title=(
            f"{m.title}: error shrinks ×(this) per step (lower is faster; blank ="
            " diverges)"
        ),
    )
    return legible(fig)
