"""The Playground's synchronized figure: data and fit | loss curve | loss surface and
path, and the 3-D surface."""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import plotly.graph_objects as go

from ..analysis import Analysis
from ..experiment import Run
from ..training import Trajectory
from .animation import Mover, _xy, frame, frame_steps, player_layout
from .canvas import Canvas, merge
from .geometry import view_box
from .panels import (
    FitData,
    Grid,
    convergence_panel,
    convergence_title,
    line_panel,
    loss_panel,
    parity_panel,
    surface_panel,
    view_title,
)
from .style import TICK_SIZE

#: Pixels: the plots' height (each row's, stacked), above them the legend and titles,
#: below them the x-axis titles, the player's buttons and its slider.
PLOT_PX = {False: 260, True: 250}
TOP_PX = {False: 74, True: 110}
AXIS_PX = 70
PLAYER_PX = 90
#: Side by side, the fourth view is a strip this high under the three, this far below
#: them (their x-axis titles and its own title).
STRIP_PX = 150
STRIP_GAP_PX = 100


@dataclass(frozen=True)
class PlotOptions:
    log_loss: bool = True
    residuals: bool = False
    equal_axes: bool = False
    show_closed_form: bool = True
    # the two parameters on the contour (default (w_1, b))
    params: tuple[int, int] | None = None
    stacked: bool = False  # the three views one under another (a phone)
    scale: float = 1.0  # type and line widths (presentation mode: larger)
    # invisible points on the contour, for choosing the start by a click
    click_grid: bool = False
    box: tuple | None = None  # the contour's (x range, y range); None: around the path
    # the whole path and loss curve at once (a still slide); else drawn up to the step
    whole_run: bool = False
    # the fourth view: error per eigen-axis, or the adaptive step per coordinate
    convergence_panel: bool = True
    # the whole run faint under the part drawn so far (mini-batches: the jitter falls
    # between the frame steps)
    faint_rest: bool = False


@dataclass(frozen=True)
class Views:
    """The Playground's views before they are a figure: every trace and axis (the
    canvas), the moving traces (trace index, mover) and the frames' steps; drawn by
    Plotly (``figure``) and by PIL (gif.py)."""

    canvas: Canvas
    movers: list[tuple[int, Mover]]
    steps: np.ndarray
    start: int  # the frame it opens on
    plot_px: float
    options: PlotOptions


def playground_views(
    traj: Trajectory,
    X: np.ndarray,
    y: np.ndarray,
    analysis: Analysis,
    theta_original: np.ndarray,
    optimum_original: np.ndarray,
    *,
    x_pull: np.ndarray | None = None,
    test_loss: np.ndarray | None = None,
    labels: tuple[str, str, str, str] = ("x", "y", "w", "b"),
    options: PlotOptions = PlotOptions(),
    current: int | None = None,
    effective_steps: np.ndarray | None = None,
) -> Views:
    """Data and fit | loss curve | level sets and path, moved together by the frames.

    One feature: the data with the fitted line.  Several: predicted against actual.
    ``theta_original`` and ``optimum_original`` are the path and the closed-form optimum
    in the data's units (they differ from the trained ones when the features were
    standardised); ``x_pull`` is the trained feature (its sign says which way each
    residual pulls w).  The contour shows two trained parameters (``options.params``,
    default (w_1, b)); with more, its level sets are slices through the current step.
    The views open on step ``current``, by default the last: the whole lesson at a
    glance.  The path and the loss are drawn up to the frame's step
    (``options.whole_run``: all of them), with a readout of the step;
    ``options.convergence_panel`` adds a fourth view: the error along the steepest and
    the shallowest eigen-axis, or for an adaptive optimizer each coordinate's
    ``effective_steps`` (stepwise.py).
    """
    X = np.asarray(X, dtype=float).reshape(len(y), -1)
    steps = frame_steps(traj.n_steps)
    now = traj.n_steps if current is None else int(np.clip(current, 0, traj.n_steps))
    start = min(int(np.searchsorted(steps, now)), len(steps) - 1)
    params = options.params or (0, traj.theta.shape[1] - 1)
    options = replace(
        options,
        params=params,
        box=options.box or view_box(traj, params),
        faint_rest=traj.row_order is not None,
    )
    one_feature = X.shape[1] == 1
    titles = (
        view_title("fit" if one_feature else "parity"),
        view_title("loss"),
        view_title("surface" if traj.theta.shape[1] == 2 else "slice"),
    )
    if options.convergence_panel:
        titles += (convergence_title(traj, effective_steps),)
    canvas, plot_px = _subplots(titles, options)
    grid = Grid(canvas, options.stacked)
    panel = line_panel if one_feature else parity_panel
    x_pull = X[:, 0] if x_pull is None else x_pull
    data = FitData(X, y, x_pull, theta_original, optimum_original, labels)
    movers = panel(grid, data, steps, now, options)
    movers += loss_panel(grid, traj, analysis, test_loss, steps, now, options)
    movers += surface_panel(grid, traj, analysis, steps, now, labels, options)
    if options.convergence_panel:
        movers += convergence_panel(
            grid, traj, analysis, steps, now, options, effective_steps, labels[2:]
        )
    canvas.legible(options.scale)
    return Views(canvas, movers, steps, start, plot_px, options)


def figure(views: Views) -> go.Figure:
    """The views as one figure: a frame per step, played by the player under them."""
    frames = [
        frame(
            [_xy(*move(k, int(s))) for _, move in views.movers],
            [index for index, _ in views.movers],
            int(s),
        )
        for k, s in enumerate(views.steps)
    ]
    scale = views.options.scale
    player = player_layout(
        views.steps,
        views.start,
        AXIS_PX * scale,
        views.plot_px,
        round(TICK_SIZE * scale + 1),
        compact=views.options.stacked,
    )
    return views.canvas.figure(frames, player)


def playground_figure(*args, **kwargs) -> go.Figure:
    """``playground_views`` (same arguments) as one figure."""
    return figure(playground_views(*args, **kwargs))


def run_views(r: Run, options: PlotOptions = PlotOptions(), **kwargs) -> Views:
    """``playground_views`` of a whole run (its data, analysis and units); ``kwargs``:
    labels, current, effective_steps."""
    return playground_views(
        r.traj,
        r.data.X,
        r.data.y,
        r.analysis,
        r.theta_original,
        r.optimum_original,
        x_pull=r.x_train[:, 0],
        test_loss=r.test_loss,
        options=options,
        **kwargs,
    )


def run_figure(r: Run, options: PlotOptions = PlotOptions(), **kwargs) -> go.Figure:
    """``run_views`` as one figure."""
    return figure(run_views(r, options, **kwargs))


def _subplots(titles: tuple[str, ...], options: PlotOptions) -> tuple[Canvas, float]:
    """The grid of three views (four: the fourth under the loss, or last when stacked)
    and its layout: legend on top, player underneath, nothing overlapping."""
    stacked, scale, views = options.stacked, options.scale, len(titles)
    if stacked:
        rows, cols = views, 1
        specs = [[{}], [{"secondary_y": True}], [{}]] + [[{}]] * (views - 3)
    # the fourth view: a strip under the three, as wide as they are (its x is the loss's
    # step)
    elif views == 4:
        rows, cols = 2, 3
        specs = [[{}, {"secondary_y": True}, {}], [{"colspan": 3}, None, None]]
    else:
        rows, cols = 1, 3
        specs = [[{}, {"secondary_y": True}, {}]]
    if stacked:  # type grows with the scale, not the plots
        plot_px, gap = (
            PLOT_PX[True] * views + 80 * scale * views,
            120 / (PLOT_PX[True] * views + 80 * views),
        )
    else:
        plot_px = PLOT_PX[False] + (
            (STRIP_PX + STRIP_GAP_PX) * scale if rows == 2 else 0
        )
        gap = STRIP_GAP_PX * scale / plot_px
    canvas = Canvas(
        rows=rows,
        cols=cols,
        specs=specs,
        subplot_titles=titles,
        column_widths=None if stacked else [0.33, 0.30, 0.37],
        row_heights=(
            [PLOT_PX[False], STRIP_PX * scale] if rows == 2 and not stacked else None
        ),
        horizontal_spacing=0.08,
        vertical_spacing=gap if rows > 1 else None,
    )
    top, bottom = TOP_PX[stacked] * scale, (AXIS_PX + PLAYER_PX) * scale
    merge(
        canvas.layout,
        {
            "height": round(top + plot_px + bottom),
            "margin": {"l": 64, "r": 24, "t": round(top), "b": round(bottom)},
            "legend": {
                "orientation": "h",
                "yanchor": "bottom",
                "y": 1 + 34 * scale / plot_px,
                "x": 0.0,
            },
            "hovermode": "closest",
            "uirevision": "playground",
        },
    )
    return canvas, plot_px
