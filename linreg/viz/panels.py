"""The Playground's three views, one function each: data and fit, loss per step, loss
surface and path.

Each panel adds its static traces once and returns its movers: (trace index, function of
(frame, step) -> (x, y[, text])) for the traces the animation moves.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ..analysis import Analysis
from ..model import LOSSES
from ..optimizers import REGISTRY
from ..stepwise import axis_errors, extreme_axes, theory_guide
from ..surface import slice_ellipse
from ..training import Trajectory
from .animation import Mover
from .canvas import Canvas, merge, scatter
from .geometry import (
    data_y_range,
    eigen_axis_traces,
    fit_line,
    level_trace,
    level_traces,
    level_values,
    optimum_marker,
    residual_sticks,
)
from .style import (
    LEVEL_FILLS,
    PALETTE,
    TICK_SIZE,
    compact,
    curve_points,
    display_sample,
    halo_line,
    short_number,
)

TAIL = 12
#: The whole of a mini-batch run under the part drawn so far.
FAINT_OPACITY = 0.25
MAX_RESIDUALS = 300  # residual sticks move in every frame: keep the frames light
MAX_PARITY_POINTS = 120  # predictions move in every frame too
SLICE_LEVELS = 5
# per ellipse and frame: the moving level sets dominate the frames' size
SLICE_POINTS = 36
CLICK_GRID = 24  # invisible points on the contour: a click on one sets the start there

#: Each view's title, in every figure that draws it (the Playground, the GIF, the
#: scrubber, the race): ``{s}`` is a plural s where a view draws several runs.
VIEW_TITLES = {
    "fit": "Data and fitted line",
    "parity": "Predicted vs actual",
    "loss": "Loss per step",
    "surface": "Loss surface and path{s}",
    "slice": "Loss slice through the current step",
    "slice at optimum": "Loss slice through the optimum",
}


def view_title(view: str, runs: int = 1, note: str = "") -> str:
    """A view's title (VIEW_TITLES), plural for several ``runs``, ``note`` after it in
    brackets (what differs where it is drawn: "end of run")."""
    title = VIEW_TITLES[view].format(s="s" if runs > 1 else "")
    return f"{title} ({note})" if note else title


@dataclass(frozen=True)
class FitData:
    """What the first view draws: the data, the path and the closed-form optimum in the
    data's units, ``x_pull`` the trained feature (its sign says which way each residual
    pulls w), and the axis labels (x, y, w, b)."""

    X: np.ndarray
    y: np.ndarray
    x_pull: np.ndarray
    theta_original: np.ndarray
    optimum_original: np.ndarray
    labels: tuple[str, str, str, str]


class Grid:
    """Where each view sits on the canvas: side by side (a projector) or stacked (a
    phone)."""

    def __init__(self, canvas: Canvas, stacked: bool):
        self.canvas, self.stacked = canvas, stacked

    def cell(self, panel: int) -> tuple[int, int]:
        """Stacked: row ``panel``.  Side by side: column ``panel``; the fourth view a
        strip under them."""
        if self.stacked:
            return panel, 1
        return (2, 1) if panel == 4 else (1, panel)

    def add(self, trace: dict, panel: int, secondary_y: bool = False) -> int:
        return self.canvas.add(trace, self.cell(panel), secondary_y)

    def x(self, panel: int, **props) -> None:
        self.canvas.x(self.cell(panel), **props)

    def y(self, panel: int, secondary_y: bool = False, **props) -> None:
        self.canvas.y(self.cell(panel), secondary_y, **props)

    def ref(self, axis: str, panel: int) -> str:
        return self.canvas.ref(axis, self.cell(panel))


#: An edge marker sits this share of its view's span inside the edge: Plotly hides a
#: point beyond its axis's range (even one it does not clip), and float32 (compact)
#: rounds a point on the edge to either side.
EDGE_INSET = 1e-3
#: A moving trace with nothing to show: one point that is not there (a frame's empty
#: arrays would leave the trace as the frame before drew it).
NOTHING = ([np.nan], [np.nan])


def _edge(value: float, lo: float, hi: float) -> float:
    inset = EDGE_INSET * (hi - lo)
    return min(max(value, lo + inset), hi - inset)


#: The data view's x axis goes this share of the data's span beyond each end (room
#: for the markers).
X_PAD = 0.09


def data_view(
    grid: Grid, x, y, optimum_original, labels, y_range, closed_form: bool = True
) -> np.ndarray:
    """The first view's still part with one feature: the data (an even sample of a
    large set), the closed-form line (``closed_form``) and the axes (``labels``: x, y,
    ...); the two ends of the x range, where a line is drawn."""
    x_grid = np.array([x.min(), x.max()])
    shown = display_sample(len(x))
    name = (
        "data" if len(shown) == len(x) else f"data ({len(shown):,} of {len(x):,} shown)"
    )
    marker = {
        "color": PALETTE["data"],
        "size": 8 if len(x) <= 500 else 4,
        "opacity": 0.8,
    }
    grid.add(
        scatter(x=x[shown], y=y[shown], mode="markers", marker=marker, name=name), 1
    )
    if closed_form:
        line = {"color": PALETTE["optimum"], "width": 3, "dash": "dash"}
        trace = scatter(
            x=x_grid,
            y=fit_line(x_grid, optimum_original),
            mode="lines",
            line=line,
            name="best fit",
        )
        grid.add(trace, 1)
    pad = X_PAD * (x_grid[1] - x_grid[0] or 1.0)
    grid.x(1, range=[x_grid[0] - pad, x_grid[1] + pad], title={"text": labels[0]})
    grid.y(1, range=list(y_range), title={"text": labels[1]})
    return x_grid


def fit_trace(xy: tuple, scale: float) -> dict:
    """The fitted line, a moving trace (named "fit": whatever optimizer made it)."""
    style = {"line": {"color": PALETTE["fit"], "width": 4 * scale}}
    return moving_trace(xy, "lines", style, "fit")


def line_panel(
    grid: Grid, data: FitData, steps, now, options
) -> list[tuple[int, Mover]]:
    """Data, the closed-form line, the fitted line, residual sticks coloured by their
    pull on w (moving), and an edge marker that says where the line went once it leaves
    the frame."""
    X, y, x_pull = data.X, data.y, data.x_pull
    theta_original = data.theta_original
    x = X[:, 0]
    x_grid = np.array([x.min(), x.max()])
    y_range = data_y_range(y, x_grid, theta_original[steps])
    data_view(
        grid,
        x,
        y,
        data.optimum_original,
        data.labels,
        y_range,
        options.show_closed_form,
    )

    def fitted(k, s):
        return x_grid, fit_line(x_grid, theta_original[s])

    index = grid.add(fit_trace(fitted(0, now), options.scale), 1)
    movers = [(index, fitted)]
    if options.residuals and len(x) <= MAX_RESIDUALS:
        movers += _pull_sticks(grid, x, y, x_pull, theta_original, now)

    def edge(k, s):
        return line_pointer(theta_original[s], x_grid, y_range)

    if np.any(~np.isfinite(theta_original)) or lines_leave(
        theta_original[steps], x_grid, y_range
    ):
        movers += edge_markers(grid, 1, edge, (x_grid, y_range), (0, now))
    return movers


def line_pointer(theta: np.ndarray, x_grid: np.ndarray, y_range) -> tuple | None:
    """Where the fitted line of ``theta`` went once it left the data view (x_grid, y
    range): (x, y, words) on the view's top or bottom edge, near its left; None while
    it is in view."""
    with np.errstate(all="ignore"):
        ends = fit_line(x_grid, theta)
    if np.all(np.isfinite(ends)) and (y_range[0] <= ends.mean() <= y_range[1]):
        return None
    # its words read rightwards, inside the panel
    near_left = float(x_grid[0] + 0.05 * (x_grid[1] - x_grid[0]))
    level = float(ends.mean())
    if np.isnan(level):
        return near_left, float(y_range[1]), "↑ line overflowed"
    level = float(np.clip(level, -1e300, 1e300))
    arrow = "↑" if level > y_range[1] else "↓"
    return (
        near_left,
        _edge(level, *y_range),
        f"{arrow} line at y ≈ {short_number(level, 2)}",
    )


def lines_leave(thetas: np.ndarray, x_grid: np.ndarray, y_range) -> bool:
    """Whether any of the fitted lines of ``thetas`` (one per row) leaves the y range
    over x_grid (or is no number): the data view then needs its edge markers."""
    with np.errstate(all="ignore"):
        return _leaves(fit_line(x_grid[:, None], np.asarray(thetas).T), y_range)


def _leaves(values: np.ndarray, bounds) -> bool:
    with np.errstate(all="ignore"):
        return bool(
            np.any(~np.isfinite(values))
            or np.any((values < bounds[0]) | (values > bounds[1]))
        )


def moving_trace(xy: tuple, mode: str, style: dict, name: str, **kwargs) -> dict:
    """A trace the frames move, opening on ``xy``; ``style``: its line, marker, ..."""
    return scatter(
        x=np.asarray(xy[0], float),
        y=np.asarray(xy[1], float),
        mode=mode,
        name=name,
        **style,
        **kwargs,
    )


#: Where an edge marker's words go from the marker, by the frame's quarter it sits in
#: (upper?, right?): always inwards, so they never cover the axes' ticks or leave the
#: frame.
INWARD = {
    (True, True): "bottom left",
    (True, False): "bottom right",
    (False, True): "top left",
    (False, False): "top right",
}


def edge_markers(
    grid: Grid,
    panel: int,
    where: Callable,
    box: tuple,
    opening: tuple[int, int],
    log_y: bool = False,
) -> list[tuple[int, Mover]]:
    """A marker on the frame's edge where a line or the path left it, with what happened
    in words.

    ``where(k, s)`` is (x, y, words) at the frame's edge, or None while it is inside.
    One moving trace of one point: the marker, its words written inwards from the
    quarter of the frame it sits in (INWARD), or a point that is not there (``log_y``:
    the y axis is a log axis, ``box`` its values).  One trace, not one per quarter:
    Plotly works through every trace of a figure on every frame.
    """
    (x_lo, x_hi), (y_lo, y_hi) = (float(np.min(box[0])), float(np.max(box[0]))), box[1]
    x_mid, y_mid = (x_lo + x_hi) / 2, (y_lo + y_hi) / 2
    if log_y:
        y_mid = float(np.sqrt(y_lo * y_hi))

    def marker(k, s):
        at = where(k, s)
        if at is None:
            return *NOTHING, [""], [INWARD[True, True]]
        inward = INWARD[at[1] > y_mid, at[0] > x_mid]
        return [at[0]], [at[1]], [at[2]], [inward]

    return [(grid.add(_edge_marker(marker(*opening)), panel), marker)]


def _edge_marker(at: tuple) -> dict:
    """The edge marker's trace, opening on ``at`` (x, y, words, where the words go)."""
    return scatter(
        x=at[0],
        y=at[1],
        text=at[2],
        mode="markers+text",
        textposition=at[3],
        marker={
            "symbol": "diamond",
            "size": 16,
            "color": PALETTE["fit"],
            "line": {"color": "white", "width": 2},
        },
        textfont={"color": PALETTE["fit"], "size": 15, "shadow": "auto"},
        showlegend=False,
        hoverinfo="skip",
        cliponaxis=False,
    )


#: Residual sticks by the sign of r_i x_i, whose term of dJ/dw pushes w down or up:
#: (sign, colour, name), in every figure that draws them.
PULLS = (
    (1, PALETTE["fit"], "pushes w down (r·x > 0)"),
    (-1, PALETTE["data"], "pushes w up (r·x < 0)"),
)
#: Pixels of ink all the sticks of a view may take side by side: a phone's view is about
#: 330 px wide, so gaps stay between a hundred sticks as tall as the view.
STICKS_INK_PX = 120


def stick_style(count: int, color: str) -> dict:
    """How ``count`` residual sticks are drawn: 2.5 px while they are few, thinner (to
    0.75 px) and fainter the more there are, so an untrained line's hundred tall
    residuals read as sticks, not a wall of colour."""
    width = float(np.clip(STICKS_INK_PX / max(count, 1), 0.75, 2.5))
    return {
        "line": {"color": color, "width": width},
        "opacity": 0.8 if width >= 2 else 0.6,
    }


def _pull_sticks(
    grid: Grid, x, y, x_pull, theta_original, now
) -> list[tuple[int, Mover]]:
    """Residual sticks in two moving traces by the sign of r_i x_i (PULLS)."""
    movers = []
    for sign, color, name in PULLS:

        def sticks(k, s, sign=sign):
            theta = theta_original[s]
            pred = theta[0] * x + theta[-1]
            rows = np.sign((pred - y) * x_pull) == sign
            return residual_sticks(x[rows], y[rows], pred[rows])

        style = stick_style(len(x), color)
        movers.append(
            (grid.add(moving_trace(sticks(0, now), "lines", style, name), 1), sticks)
        )
    return movers


def parity_view(grid: Grid, y: np.ndarray, labels) -> np.ndarray:
    """The first view's still part with several features: the diagonal (a perfect
    prediction) and the axes, room above and below it for predictions still far off;
    the rows whose predictions are drawn (an even sample)."""
    lo, hi = float(y.min()), float(y.max())
    pad = 0.1 * (hi - lo or 1.0)
    diagonal = [lo - pad, hi + pad]
    line = {"color": PALETTE["optimum"], "dash": "dash", "width": 3}
    grid.add(
        scatter(
            x=diagonal, y=diagonal, mode="lines", line=line, name="perfect prediction"
        ),
        1,
    )
    grid.x(1, range=diagonal, title={"text": f"actual {labels[1]}"})
    grid.y(
        1, range=[lo - 3 * pad, hi + 3 * pad], title={"text": f"predicted {labels[1]}"}
    )
    return display_sample(len(y), MAX_PARITY_POINTS)


def predictions_trace(xy: tuple, n_samples: int) -> dict:
    """Each drawn row's prediction against its actual value, a moving trace."""
    shown = len(xy[0])
    name = (
        "predictions"
        if shown == n_samples
        else f"predictions ({shown} of {n_samples} shown)"
    )
    style = {"marker": {"color": PALETTE["fit"], "size": 8, "opacity": 0.8}}
    return moving_trace(xy, "markers", style, name)


def parity_panel(
    grid: Grid, data: FitData, steps, now, options
) -> list[tuple[int, Mover]]:
    """Several features: each point's prediction against its actual value (on the
    diagonal = perfect)."""
    X, y, theta_original = data.X, data.y, data.theta_original
    shown = parity_view(grid, y, data.labels)
    Xs, ys = X[shown], y[shown]

    def predict(k, s):
        return ys, Xs @ theta_original[s, :-1] + theta_original[s, -1]

    index = grid.add(predictions_trace(predict(0, now), len(y)), 1)
    return [(index, predict)]


def loss_view(
    grid: Grid, n_steps: int, loss_star: float, loss_name: str, minimum: bool = True
) -> None:
    """The loss view's still part: the minimum loss (dotted; ``minimum``) and the axes'
    titles, over the steps 0 to ``n_steps``."""
    if minimum:
        line = {"color": PALETTE["optimum"], "dash": "dot", "width": 2.5}
        grid.add(
            scatter(
                x=[0, n_steps],
                y=[loss_star] * 2,
                mode="lines",
                line=line,
                hovertemplate="minimum %{y:.5g}<extra></extra>",
                name="minimum loss",
                showlegend=False,
            ),
            2,
        )
    # short ticks ("5k", not a turned "5000", which pushed the title into the next view)
    grid.x(2, title={"text": "step"}, range=[0, max(n_steps, 1)], tickformat="~s")
    grid.y(2, title={"text": f"loss ({LOSSES[loss_name].symbol})"})


def log_loss_axis(values: np.ndarray, loss_star: float | None) -> dict:
    """The loss view's log axis over the finite positive ``values`` and the minimum
    loss: its range, and over two decades powers of ten only (at most ~6 of them; the
    2s and 5s between them collide and read as noise from the back row); {} when no
    value is positive."""
    values = np.asarray(values, dtype=float)
    positive = values[np.isfinite(values) & (values > 0)]
    if not len(positive):
        return {}
    lo = np.log10(max(min(positive.min(), loss_star or positive.min()), 1e-300))
    hi = np.log10(positive.max())
    decades = {"dtick": max(1, round((hi - lo) / 5))} if hi - lo >= 2 else {}
    return {"type": "log", "range": [lo - 0.2, hi + 0.2], **decades}


def loss_panel(
    grid: Grid,
    traj: Trajectory,
    analysis: Analysis,
    test_loss,
    steps,
    now: int,
    options,
) -> list[tuple[int, Mover]]:
    """The loss (test loss dashed) drawn up to the current step (the whole run with
    ``options.whole_run``), the learning-rate schedule under it when it changes, a
    marker at the current step and the readout (moving)."""
    pts = curve_points(traj.n_steps)
    loss = np.asarray(traj.loss, dtype=float)
    width = 3 * options.scale
    curves = [("training loss", loss, PALETTE["loss"], "solid")]
    if test_loss is not None:
        curves.append(("test loss", test_loss, PALETTE["test"], "dash"))
    movers = []
    for name, values, color, dash in curves:
        hover = f"step %{{x}}<br>{name} %{{y:.5g}}<extra></extra>"
        style = {
            "line": {"color": color, "width": width, "dash": dash},
            "hovertemplate": hover,
            "showlegend": test_loss is not None,
        }
        movers += _unfolding(
            grid,
            2,
            steps,
            now,
            lambda s, v=values: (s, v[s]),
            pts,
            "lines",
            style,
            name,
            options,
            faint=options.faint_rest,
        )
    loss_view(grid, traj.n_steps, analysis.loss_star, traj.loss_name)
    if len(traj.learning_rate) and np.ptp(traj.learning_rate) > 0:
        _schedule(grid, traj)

    def marker(k, s):
        return [s], [loss[s]]

    style = {
        "marker": {
            "color": PALETTE["fit"],
            "size": 15,
            "line": {"color": "white", "width": 2},
        }
    }
    index = grid.add(
        moving_trace(
            marker(0, now),
            "markers",
            style,
            "current step",
            showlegend=False,
            hovertemplate="step %{x}<br>loss %{y:.5g}<extra></extra>",
        ),
        2,
    )
    movers.append((index, marker))
    shown = (
        loss
        if test_loss is None
        else np.concatenate([loss, np.asarray(test_loss, dtype=float)])
    )
    top = None
    if options.log_loss:
        axis = log_loss_axis(shown, analysis.loss_star)
        if axis:
            grid.y(2, **axis)
            r0, r1 = axis["range"]
            top = 10 ** (r1 - READOUT_DROP * (r1 - r0))
    else:
        finite = shown[np.isfinite(shown)]
        # fixed: a curve that grows frame by frame must not rescale its axis
        if len(finite):
            lo, hi = min(float(finite.min()), analysis.loss_star), float(finite.max())
            pad = 0.05 * (hi - lo or abs(hi) or 1.0)
            grid.y(2, range=[lo - pad, hi + 3 * pad])
            top = hi + 3 * pad - READOUT_DROP * (hi - lo + 4 * pad)
    if top is not None:
        movers.append(_readout(grid, traj, now, top, options))
    return movers


#: The readout's top sits this share of the loss axis under its top: its first line
#: clear of the view's title.
READOUT_DROP = 0.04
#: Its right edge at this share of the step axis: clear of the next view's axis title on
#: a narrow projector.
READOUT_RIGHT = 0.97


def readout_text(traj: Trajectory, s: int) -> str:
    """Where the run is at step ``s``: step s of N (and the epoch), the loss, the
    learning rate of that step's update (schedules change it), the gradient's norm and,
    on the last step, what the run did.
    """
    epoch = f"epoch {int(traj.epoch[s])} · " if traj.steps_per_epoch > 1 else ""
    lr = traj.learning_rate[max(s - 1, 0)] if len(traj.learning_rate) else float("nan")
    lines = [  # short lines: the loss view is a third of a projector's width
        f"step {s:,} of {traj.n_steps:,}",
        f"{epoch}lr {float(lr):.4g}",
        f"loss {short_number(float(traj.loss[s]), 4)}",
        f"‖∇J‖ {short_number(float(np.linalg.norm(traj.grad[s])))}",
    ]
    if s == traj.n_steps:
        lines.append(f"<b>{traj.outcome}</b>")
    return "<br>".join(lines)


def _readout(grid: Grid, traj: Trajectory, now: int, top: float, options) -> tuple:
    """The readout in the loss panel's top right corner, written inwards (moving: one
    text a frame)."""
    x = READOUT_RIGHT * max(traj.n_steps, 1)

    def text(k, s):
        return [x], [top], [readout_text(traj, s)]

    x0, y0, t0 = text(0, now)
    # no text shadow: it made a frame half as slow again to draw
    trace = scatter(
        x=x0,
        y=y0,
        text=t0,
        mode="text",
        textposition="bottom left",
        name="readout",
        showlegend=False,
        hoverinfo="skip",
        cliponaxis=False,
        textfont={"size": round(16 * options.scale), "color": "#222"},
    )
    return grid.add(trace, 2), text


def _unfolding(
    grid: Grid,
    panel: int,
    steps,
    now: int,
    at,
    pts,
    mode: str,
    style: dict,
    name: str,
    options,
    faint: bool = False,
) -> list[tuple[int, Mover]]:
    """A curve ``at(step array) -> (x, y)`` drawn up to the current step, sampled at the
    frame ``steps`` before it and ending exactly at it (moving); with
    ``options.whole_run``, the whole curve at the steps ``pts`` (static).  ``faint``:
    the whole curve under it, faint (a mini-batch run's jitter falls between frame
    steps)."""
    if options.whole_run or faint:
        x, y = at(pts)
        trace = scatter(x=compact(x), y=compact(y), mode=mode, **style)
        if faint:  # background, unnamed: the curve drawn so far is the one to read
            trace.update(showlegend=False, opacity=FAINT_OPACITY, hoverinfo="skip")
            trace.pop("hovertemplate", None)
        else:
            trace["name"] = name
        grid.add(trace, panel)
    if options.whole_run:
        return []

    def drawn(k, s):
        x, y = at(prefix_steps(steps, s))
        # nothing drawn yet (the opening's last step would stay)
        return (x, y) if len(x) else NOTHING

    return [(grid.add(moving_trace(drawn(0, now), mode, style, name), panel), drawn)]


def prefix_steps(steps: np.ndarray, s: int) -> np.ndarray:
    """The frame steps before step ``s``, then ``s``: what a curve drawn up to ``s``
    holds (no later step)."""
    steps = np.asarray(steps)
    return np.append(steps[steps < s], s).astype(int)


def _schedule(grid: Grid, traj: Trajectory) -> None:
    """The learning rate of every update, on its own axis under the loss curve."""
    steps = np.arange(1, traj.n_steps + 1)
    pts = curve_points(traj.n_steps - 1) + 1 if traj.n_steps > 1 else steps
    line = {"color": PALETTE["purple"], "width": 2.5, "dash": "dot", "shape": "hv"}
    grid.add(
        scatter(
            x=pts,
            y=compact(traj.learning_rate[pts - 1]),
            mode="lines",
            line=line,
            name="learning rate (schedule)",
            hovertemplate="step %{x}<br>lr %{y:.4g}<extra></extra>",
        ),
        2,
        secondary_y=True,
    )
    top = float(traj.learning_rate.max())
    grid.y(
        2,
        secondary_y=True,
        range=[0, 3 * top],
        showgrid=False,
        title={"text": "lr"},
        tickformat=".2g",
    )


def surface_panel(
    grid: Grid, traj: Trajectory, analysis: Analysis, steps, now: int, labels, options
) -> list[tuple[int, Mover]]:
    """Level sets, labelled eigen-axes, start and optimum (static); the path drawn up to
    the current step (the whole path and a tail with ``options.whole_run``), a marker
    and an edge marker once the path leaves the frame (moving).  With more than two
    parameters the level sets
    are slices through the current step (the others held at their current values)."""
    i, j = params = options.params or (0, traj.theta.shape[1] - 1)
    xr, yr = options.box
    movers = []
    if traj.theta.shape[1] == 2:
        level_sets(grid, traj.quadratic, options.box, params)
    else:
        movers += _moving_slices(grid, traj, xr, yr, params, now)
    axes = eigen_axis_traces(analysis, xr, yr, params, labelled=True)
    for t in axes:
        if t["mode"] == "lines":
            grid.add(t, 3)
    if options.click_grid:
        grid.add(_click_grid(xr, yr), 3)
    path = traj.theta[:, [i, j]]
    pts = curve_points(traj.n_steps)
    path_style = path_line(options.scale)
    halo = halo_line(path_style["width"])
    for line, name in ((halo, "path halo"), (path_style, "path")):
        style = {
            "line": line,
            "showlegend": False,
            "hoverinfo": "skip",
        }
        movers += _unfolding(
            grid,
            3,
            steps,
            now,
            lambda s: (path[s, 0], path[s, 1]),
            pts,
            "lines",
            style,
            name,
            options,
            faint=options.faint_rest and name == "path",
        )
    start = {
        "symbol": "circle-open",
        "size": 16,
        "color": PALETTE["start"],
        "line": {"width": 3},
    }
    grid.add(
        scatter(
            x=path[:1, 0],
            y=path[:1, 1],
            mode="markers",
            marker=start,
            name="start",
            hovertemplate="start<br>(%{x:.4g}, %{y:.4g})<extra></extra>",
        ),
        3,
    )
    grid.add(optimum_marker(analysis, params=params), 3)
    for t in axes:  # the axes' names over the path, readable where it crosses them
        if t["mode"] == "text":
            grid.add(t, 3)
    at_frames = path[steps]

    def tail(k, s):
        return (
            at_frames[max(0, k - TAIL) : k + 1, 0],
            at_frames[max(0, k - TAIL) : k + 1, 1],
        )

    def head(k, s):
        return [path[s, 0]], [path[s, 1]]

    def edge(k, s):
        px, py = path[s]
        if xr[0] <= px <= xr[1] and yr[0] <= py <= yr[1]:
            return None
        return _edge(px, *xr), _edge(py, *yr), "path leaves the view"

    k_now = int(np.searchsorted(steps, now))
    if options.whole_run:  # the path drawn as it happens needs no tail
        tail_style = {
            "line": {"color": PALETTE["path"], "width": 4 * options.scale},
            "marker": {"size": 7, "color": PALETTE["path"]},
        }
        movers.append(
            (
                grid.add(
                    moving_trace(
                        tail(k_now, now),
                        "lines+markers",
                        tail_style,
                        "tail",
                        showlegend=False,
                        hoverinfo="skip",
                    ),
                    3,
                ),
                tail,
            )
        )
    head_style = {
        "marker": {
            "color": PALETTE["fit"],
            "size": 16,
            "line": {"color": "white", "width": 2},
        }
    }
    movers.append(
        (
            grid.add(
                moving_trace(
                    head(k_now, now),
                    "markers",
                    head_style,
                    "current step",
                    showlegend=False,
                    hovertemplate="(%{x:.4g}, %{y:.4g})<extra></extra>",
                ),
                3,
            ),
            head,
        )
    )
    if _leaves(path[steps, 0], xr) or _leaves(path[steps, 1], yr):
        movers += edge_markers(grid, 3, edge, (xr, yr), (k_now, now))
    surface_axes(grid, options.box, labels)
    if options.equal_axes:
        grid.y(3, scaleanchor=grid.ref("x", 3), scaleratio=1)
    return movers


def level_sets(grid: Grid, q, box: tuple, params: tuple[int, int]) -> None:
    """The loss's level sets in the plane of ``params`` (the other parameters at the
    optimum) over ``box``, filled."""
    for trace in level_traces(q, *box, params):
        grid.add(trace, 3)


def surface_axes(grid: Grid, box: tuple, labels) -> None:
    """The path's view over ``box`` (x range, y range), its axes titled by ``labels``
    (..., w, b)."""
    grid.x(3, range=list(box[0]), title={"text": labels[2]})
    grid.y(3, range=list(box[1]), title={"text": labels[3]})


def path_line(scale: float) -> dict:
    """How the optimizer's path is drawn on the loss surface."""
    return {"color": PALETTE["path"], "width": 3 * scale}


def _click_grid(xr, yr) -> dict:
    """Invisible points over the contour: hovering says 'start here', a click selects
    one."""
    gx, gy = np.meshgrid(np.linspace(*xr, CLICK_GRID), np.linspace(*yr, CLICK_GRID))
    return scatter(
        x=compact(gx.ravel()),
        y=compact(gy.ravel()),
        mode="markers",
        marker={"size": 14, "opacity": 0},
        name="start here",
        showlegend=False,
        hovertemplate="click: start at (%{x:.3g}, %{y:.3g})<extra></extra>",
    )


def _moving_slices(
    grid: Grid, traj: Trajectory, xr, yr, params, now: int
) -> list[tuple[int, Mover]]:
    """Filled level sets of the slice through the current step, one moving trace per
    level.

    Each is drawn at a fixed height above the slice's own minimum, so the valley's shape
    stays in view wherever the other parameters are; the heights are those of the
    optimum's level sets.
    """
    q = traj.quadratic
    levels = level_values(q, xr, yr, params, SLICE_LEVELS) - q.loss_ref
    fills = LEVEL_FILLS[:: len(LEVEL_FILLS) // SLICE_LEVELS][:SLICE_LEVELS]
    movers = []
    for level, fill in zip(levels, fills, strict=True):

        def ellipse(k, s, level=level):
            pts = slice_ellipse(
                q, traj.theta[s], level, params, SLICE_POINTS, above_minimum=True
            )
            return NOTHING if pts is None else (pts[:, 0], pts[:, 1])

        movers.append(
            (
                grid.add(
                    level_trace(*ellipse(0, now), fill, f"slice minimum + {level:.3g}"),
                    3,
                ),
                ellipse,
            )
        )
    return movers


#: The fourth view's two curves: (colour, dash) of the first and the second.
AXIS_STYLES = ((PALETTE["data"], "solid"), (PALETTE["purple"], "solid"))
#: The dynamics' guide in the fourth view's legend, by optimizer family (dynamics.py).
GUIDES = {
    "gd": "theory |1 − lr·λ|ᵏ",
    "heavy_ball": "theory ρᵏ (contraction)",
    "nesterov": "theory ρᵏ (contraction)",
}
#: What the fourth view draws for each adaptive optimizer (stepwise.effective_steps), as
#: its axis says it.
EFFECTIVE_STEPS = {
    "adagrad": "lr/(√G + ε)",
    "rmsprop": "lr/(√v + ε)",
    "adam": "|lr·m̂/(√v̂ + ε)|",
}
#: Side by side, the fourth view leaves this share of the width on its right to its
#: legend.
LEGEND_SHARE = 0.22


def convergence_title(traj: Trajectory, effective: np.ndarray | None) -> str:
    """The fourth view's title: what it draws (the adaptive optimizers: by their own
    formula)."""
    if effective is not None:
        return f"Effective step per coordinate, {EFFECTIVE_STEPS[traj.optimizer]}"
    return "|Error| along each eigen-axis"


def convergence_panel(
    grid: Grid,
    traj: Trajectory,
    analysis: Analysis,
    steps,
    now: int,
    options,
    effective=None,
    names=("w", "b"),
) -> list[tuple[int, Mover]]:
    """The fourth view, on a log scale per step: for the adaptive optimizers each
    coordinate's effective step (``effective``, stepwise.effective_steps; the contour's
    two parameters, ``names``); for the others |error| along the steepest and the
    shallowest eigen-axis with the dynamics' contraction drawn as a guide (dashed).
    Drawn up to the current step like the loss (the whole run with
    ``options.whole_run``)."""
    curves = (
        _step_curves(traj, effective, options.params, names)
        if effective is not None
        else _error_curves(traj, analysis)
    )
    pts = curve_points(traj.n_steps)
    movers, values = [], []
    if effective is None:  # the sign the log scale hides: a mark where it flips
        movers += _sign_marks(grid, traj, analysis, curves, steps, now, pts, options)
    for (name, at, guide, first), (color, dash) in zip(
        curves, AXIS_STYLES, strict=False
    ):
        style = {
            "line": {"color": color, "width": 2.5 * options.scale, "dash": dash},
            "legend": "legend2",
            "hovertemplate": f"step %{{x}}<br>{name} %{{y:.3g}}<extra></extra>",
        }
        shown = pts[pts >= first]
        movers += _unfolding(
            grid,
            4,
            steps[steps >= first],
            now,
            at,
            shown,
            "lines",
            style,
            name,
            options,
        )
        if options.whole_run:  # a moving marker: Plotly blanks a view nothing moves in
            marker = {"marker": {"color": color, "size": 9}, "showlegend": False}

            def here(k, s, at=at, first=first):
                return at(np.array([max(s, first)]))

            xy = here(0, now)
            movers.append(
                (grid.add(moving_trace(xy, "markers", marker, name), 4), here)
            )
        values.append(at(shown)[1])
        # wide and pale under the run's error: where they agree, the guide is its halo
        if guide is not None:
            line = {"color": color, "width": 9 * options.scale}
            grid.add(
                scatter(
                    x=pts,
                    y=compact(guide[pts]),
                    mode="lines",
                    line=line,
                    opacity=0.3,
                    legend="legend2",
                    name=GUIDES[REGISTRY[traj.optimizer].family],
                    showlegend=len(values) == 1,
                    legendrank=2000,
                    hovertemplate="step %{x}<br>theory %{y:.3g}<extra></extra>",
                ),
                4,
            )
    grid.x(4, title={"text": "step"}, range=[0, max(traj.n_steps, 1)])
    # no axis title (the view's title says what it draws): a wider one pushed the
    # figure's left margin out
    grid.y(4, type="log", **_log_range(np.concatenate(values)))
    _inner_legend(grid, 4, options)
    return movers


#: The fourth view's mark on the steps where an axis's error changed sign.
FLIPPED = "sign flipped since the step before"


def _sign_marks(grid, traj, analysis, curves, steps, now, pts, options) -> list:
    """A small × on each curve where the signed error changed sign (unfolding like the
    curve): a zig-zag flips every step, which |error| alone cannot show."""
    axes = extreme_axes(analysis)
    signed = axis_errors(traj.theta, analysis, list(axes.values())[::-1])
    movers = []
    for column, ((_, at, _, first), (color, _)) in enumerate(
        zip(curves, AXIS_STYLES, strict=False)
    ):
        style = {
            "marker": {"symbol": "x-thin-open", "size": 7, "color": color},
            "legend": "legend2",
            "showlegend": column == 0,
            "hoverinfo": "skip",
        }
        marked = flipped_steps(at, signed[:, column])
        movers += _unfolding(
            grid,
            4,
            steps[steps >= first],
            now,
            marked,
            pts,
            "markers",
            style,
            FLIPPED,
            options,
        )
    return movers


def _error_curves(traj: Trajectory, analysis: Analysis) -> list:
    """(name, step -> (step, |error|), guide, first step) along the steepest and the
    shallowest eigen-axis."""
    axes = extreme_axes(analysis)
    names, indices = list(axes)[::-1], list(axes.values())[::-1]  # the steepest first
    signed = axis_errors(traj.theta, analysis, indices)
    errors = np.abs(signed)
    guide = theory_guide(traj, analysis, indices)
    curves = []
    for column, (name, index) in enumerate(zip(names, indices, strict=True)):
        label = f"{name.removesuffix('est')} axis, λ {analysis.eigenvalues[index]:.3g}"
        at = lambda s, c=column: (s, errors[s, c])  # noqa: E731
        curves.append((label, at, None if guide is None else guide[:, column], 0))
    return curves


def flipped_steps(at, signed: np.ndarray):
    """``at`` kept to the steps whose error has the other sign than the step before: a
    zig-zag's marks fall on every step, a spiral's every half turn, a monotone's on
    none."""
    flipped = np.append(False, np.sign(signed[1:]) * np.sign(signed[:-1]) < 0)

    def marked(s):
        s = np.asarray(s)
        return at(s[flipped[s]])

    return marked


def _step_curves(
    traj: Trajectory, effective: np.ndarray, params, names: tuple[str, str]
) -> list:
    """(name, step -> (step, |effective step|), None, first step 1) of the contour's two
    parameters."""
    steps = np.abs(effective)
    params = params or (0, steps.shape[1] - 1)
    return [
        (f"step on {name}", lambda s, c=c: (s, steps[np.maximum(s, 1) - 1, c]), None, 1)
        for c, name in zip(params, names, strict=True)
    ]


def _log_range(values: np.ndarray) -> dict:
    """A fixed log range over the finite positive values (at most 12 decades under the
    largest)."""
    positive = values[np.isfinite(values) & (values > 0)]
    if not len(positive):
        return {}
    hi = np.log10(positive.max())
    lo = max(np.log10(positive.min()), hi - 12)
    decades = {"dtick": max(1, round((hi - lo) / 4))} if hi - lo >= 2 else {}
    return {"range": [lo - 0.3, hi + 0.3], **decades}


def _inner_legend(grid: Grid, panel: int, options) -> None:
    """The fourth view's own legend (the figure's legend on top is full): side by side,
    on the strip's right, which leaves it LEGEND_SHARE of the width; stacked, inside the
    view's bottom left corner.
    """
    x_key, y_key = grid.canvas.axis_keys(grid.cell(panel))
    x_domain = grid.canvas.layout[x_key].get("domain", [0, 1])
    y_domain = grid.canvas.layout[y_key].get("domain", [0, 1])
    # stacked: the bottom left, where a shrinking error has long left and a growing one
    # has not yet come
    legend = {
        "x": x_domain[0] + 0.02,
        "y": y_domain[0] + 0.02,
        "xanchor": "left",
        "yanchor": "bottom",
    }
    if not grid.stacked:
        x_domain = [
            x_domain[0],
            x_domain[1] - LEGEND_SHARE * (x_domain[1] - x_domain[0]),
        ]
        grid.x(panel, domain=x_domain)
        legend = {
            "x": x_domain[1] + 0.01,
            "y": y_domain[1],
            "xanchor": "left",
            "yanchor": "top",
        }
        # make_subplots' titles, in the views' order
        title = grid.canvas.layout["annotations"][-1]
        merge(title, {"x": sum(x_domain) / 2})
    font = {"size": round(TICK_SIZE * options.scale)}
    merge(
        grid.canvas.layout,
        {"legend2": {**legend, "bgcolor": "rgba(255,255,255,0.8)", "font": font}},
    )
