"""Client-side animation: light frames that move only small traces, and the
Play/Pause/step player.

Every curve and the whole path are drawn once as static traces; each frame moves only
small traces (the fitted line, a marker on the loss curve, a marker and a short tail on
the contour), listed with ``traces=[...]`` and played with ``redraw=False``: no server
round trip while playing.
"""

from __future__ import annotations

import base64
from collections.abc import Callable

import numpy as np
import plotly.graph_objects as go

from ..sampling import sampled_steps
from .style import FONT_SIZE

# 8 s of playback at 80 ms a frame; each frame is sent (and parsed) on every rerun
MAX_FRAMES = 100


def frame_steps(n_steps: int, max_frames: int = MAX_FRAMES) -> np.ndarray:
    """Steps shown as animation frames (the one sampling rule)."""
    return sampled_steps(n_steps, max_frames)


Mover = Callable[[int, int], tuple]  # (frame index, step) -> (x, y) of a moving trace


def frame(data: list[dict], traces: list[int], step: int) -> dict:
    return {"data": data, "traces": traces, "name": str(step)}


class FramedFigure(go.Figure):
    """A go.Figure whose animation frames (and player controls) stay plain dicts of
    numbers we made.

    Plotly turns every frame's traces into validated objects: ~100 ms for 200 frames,
    most of a rerun's time.  These parts are only ever serialised (Streamlit calls
    ``to_dict`` on every rerun, the figure itself is cached), so they are kept as given
    and added to the serialised form, which is made once.  ``fig`` is a validated
    figure, or a spec of plain dicts (canvas.Canvas) taken as is. Neither Streamlit's
    ``to_dict`` call nor Plotly's ``_validate`` is documented: both are pinned in
    requirements.txt and checked by tests/test_private_apis.py (no public API sends a
    spec unvalidated).
    """

    def __init__(self, fig: go.Figure | dict, frames: list[dict], layout: dict):
        spec = fig if isinstance(fig, dict) else fig.to_plotly_json()
        super().__init__(spec, _validate=False)
        self._raw_frames = frames
        self._raw_layout = layout
        self._serialised: dict | None = None

    def _with_raw(self, spec: dict) -> dict:
        return {
            **spec,
            "layout": {**spec.get("layout", {}), **self._raw_layout},
            "frames": self._raw_frames,
        }

    def to_dict(self) -> dict:
        """The figure as Plotly's dict (arrays base64-encoded), made on the first call:
        a cached figure is shared read-only, and each rerun serialises it again."""
        if self._serialised is None:
            self._serialised = self._with_raw(super().to_dict())
        return self._serialised

    def to_plotly_json(self) -> dict:
        return self._with_raw(super().to_plotly_json())


def _typed(values) -> dict | list:
    """Long arrays as float32 in Plotly's binary form (5.3 characters a number instead
    of ~10); short ones (below about 8 numbers, the break-even) as plain lists of 7
    significant digits.
    """
    data = np.asarray(values, dtype=np.float32)
    # float32's 7 digits, written out in plain Python: numpy's overhead dominates a few
    # numbers
    if len(data) < 8:
        return [float(f"{v:.7g}") for v in data.tolist()]
    return {"dtype": "f4", "bdata": base64.b64encode(data.tobytes()).decode("ascii")}


def _xy(x, y, text=None, textposition=None) -> dict:
    """A frame's new data for one moving scatter trace (float32: 7 digits, all a chart
    can show), with its words and where each goes."""
    data = {"type": "scatter", "x": _typed(x), "y": _typed(y)}
    if text is not None:
        data["text"] = list(text)
    if textposition is not None:
        data["textposition"] = list(textposition)
    return data


PLAY_MS = {"▶ Play": 80, "Slow": 300, "Fast": 15}
#: Animate to a frame at once: no transition, no full redraw (only the frame's traces
#: change).
JUMP = {
    "mode": "immediate",
    "frame": {"duration": 0, "redraw": False},
    "transition": {"duration": 0},
}


def player_layout(
    steps: np.ndarray,
    start: int,
    below_px: float,
    plot_px: float,
    font_size: int = FONT_SIZE,
    compact: bool = False,
) -> dict:
    """Play / Pause / Resume / speed buttons on one row and the step slider on the next,
    under the plots (``below_px`` pixels below the plot area of ``plot_px`` pixels), all
    client-side: no server round trip.

    Play, Slow and Fast start from the first step (the figure opens on the last one);
    Resume goes on from where Pause stopped; ``compact`` (a phone) keeps Play, Pause and
    Resume.  Returned as plain layout entries (added unvalidated by FramedFigure: 200
    slider steps cost Plotly's validator ~20 ms).
    """
    names = [str(int(s)) for s in steps]

    def play(ms: int, frames) -> list:
        opts = {
            "frame": {"duration": ms, "redraw": False},
            "transition": {"duration": 0},
            "mode": "immediate",
        }
        return [frames, {**opts, "fromcurrent": frames is None}]

    speeds = list(PLAY_MS.items())[:1] if compact else PLAY_MS.items()
    buttons = [
        {"label": label, "method": "animate", "args": play(ms, names)}
        for label, ms in speeds
    ]
    buttons.insert(
        1, {"label": "❚❚ Pause", "method": "animate", "args": [[None], JUMP]}
    )
    buttons.insert(2, {"label": "Resume", "method": "animate", "args": play(80, None)})
    row = -below_px / plot_px
    return {
        "updatemenus": [
            {
                "type": "buttons",
                "direction": "right",
                "x": 0.0,
                "y": row,
                "xanchor": "left",
                "yanchor": "top",
                "pad": {"t": 0, "r": 0},
                "showactive": False,
                "font": {"size": font_size},
                "buttons": buttons,
            }
        ],
        "sliders": [
            frame_slider(
                names, names, start, row - 40 / plot_px, "Step ", font_size, "#444"
            )
        ],
    }


def frame_slider(
    names: list[str],
    labels: list[str],
    active: int,
    y: float,
    prefix: str,
    font_size: int,
    color: str,
) -> dict:
    """A layout slider whose steps jump to the frames ``names`` at once (no transition,
    no redraw), the current step's label after ``prefix`` above it, at height ``y``
    (plot fractions) under the plots.
    """
    return {
        "active": active,
        "x": 0.0,
        "len": 1.0,
        "y": y,
        "yanchor": "top",
        "pad": {"t": 0, "b": 0, "l": 0, "r": 0},
        "currentvalue": {
            "prefix": prefix,
            "font": {"size": font_size, "color": color},
            "xanchor": "left",
        },
        "font": {"size": 11, "color": "rgba(0,0,0,0)"},  # 100 tick labels are clutter
        "ticklen": 0,
        "minorticklen": 0,
        "steps": [
            {"label": label, "method": "animate", "args": [[name], JUMP]}
            for name, label in zip(names, labels, strict=True)
        ],
    }
