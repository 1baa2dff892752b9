"""Client-side animation: light frames that move only small traces, and the Play/Pause/step player.

Every curve and the whole path are drawn once as static traces; each frame moves only small traces
(the fitted line, a marker on the loss curve, a marker and a short tail on the contour), listed with
``traces=[...]`` and played with ``redraw=False``: no server round trip while playing.
"""

from __future__ import annotations

import base64
from collections.abc import Callable

import numpy as np
import plotly.graph_objects as go

from .style import FONT_SIZE, compact

MAX_FRAMES = 100  # 8 s of playback at 80 ms a frame; each frame is sent (and parsed) on every rerun


def frame_steps(n_steps: int, max_frames: int = MAX_FRAMES) -> np.ndarray:
    """Steps shown as animation frames: every step early on, then geometrically sparser (0 and the end included)."""
    if n_steps + 1 <= max_frames:
        return np.arange(n_steps + 1)
    dense = np.arange(min(max_frames // 4, n_steps + 1))
    sparse = np.geomspace(max(dense[-1], 1), n_steps, max_frames - len(dense)).round().astype(int)
    return np.unique(np.concatenate([dense, sparse, [n_steps]]))


Mover = Callable[[int, int], tuple]  # (frame index, step) -> (x, y) of a moving trace


def frame(data: list[dict], traces: list[int], step: int) -> dict:
    return {"data": data, "traces": traces, "name": str(step)}


class FramedFigure(go.Figure):
    """A go.Figure whose animation frames (and player controls) stay plain dicts of numbers we made.

    Plotly turns every frame's traces into validated objects: ~100 ms for 200 frames, most of a
    rerun's time.  These parts are only ever serialised (Streamlit calls ``to_dict``), so they are
    kept as given and added to the serialised form.
    """

    def __init__(self, fig: go.Figure, frames: list[dict], layout: dict):
        super().__init__(fig.to_plotly_json(), _validate=False)  # already validated: copy as is
        self._raw_frames = frames
        self._raw_layout = layout

    def _with_raw(self, spec: dict) -> dict:
        return {**spec, "layout": {**spec.get("layout", {}), **self._raw_layout}, "frames": self._raw_frames}

    def to_dict(self) -> dict:
        return self._with_raw(super().to_dict())

    def to_plotly_json(self) -> dict:
        return self._with_raw(super().to_plotly_json())


def _typed(values) -> dict | list:
    """Long arrays as float32 in Plotly's binary form (5.3 characters a number instead of ~10);
    short ones as plain lists, which are shorter than the binary wrapper."""
    data = np.asarray(values, dtype=np.float32)
    if len(data) < 16:
        return compact(data).tolist()
    return {"dtype": "f4", "bdata": base64.b64encode(data.tobytes()).decode("ascii")}


def _xy(x, y) -> dict:
    """A frame's new data for one moving scatter trace (float32: 7 digits, all a chart can show)."""
    return {"type": "scatter", "x": _typed(x), "y": _typed(y)}


def player_layout(steps: np.ndarray, start: int = 0, y: float = -0.16, slider_x: float = 0.40) -> dict:
    """Play / pause / replay / speed buttons and a step slider, all client-side (no server round trip).

    Returned as plain layout entries (added unvalidated by FramedFigure: 200 slider steps cost
    Plotly's validator ~20 ms).
    """

    def play(ms: int, from_start: bool = False) -> list:
        frames = [str(int(s)) for s in steps] if from_start else None
        opts = {"frame": {"duration": ms, "redraw": False}, "transition": {"duration": 0}, "mode": "immediate"}
        return [frames, {**opts, "fromcurrent": not from_start}]

    jump = {"mode": "immediate", "frame": {"duration": 0, "redraw": False}, "transition": {"duration": 0}}
    buttons = [
        {"label": "▶ Play", "method": "animate", "args": play(80)},
        {"label": "❚❚ Pause", "method": "animate", "args": [[None], jump]},
        {"label": "⟲ Replay", "method": "animate", "args": play(80, from_start=True)},
        {"label": "Slow", "method": "animate", "args": play(300)},
        {"label": "Fast", "method": "animate", "args": play(15)},
    ]
    return {
        "updatemenus": [
            {
                "type": "buttons",
                "direction": "right",
                "x": 0.0,
                "y": y,
                "xanchor": "left",
                "yanchor": "top",
                "pad": {"t": 0, "r": 10},
                "showactive": False,
                "font": {"size": FONT_SIZE},
                "buttons": buttons,
            }
        ],
        "sliders": [
            {
                "active": start,
                "x": slider_x,
                "len": 1 - slider_x,
                "y": y + 0.04,
                "yanchor": "top",
                "pad": {"t": 0, "b": 0},
                "currentvalue": {"prefix": "Step ", "font": {"size": FONT_SIZE, "color": "#888"}, "xanchor": "left"},
                "font": {"size": 11, "color": "rgba(0,0,0,0)"},  # 200 tick labels are clutter
                "ticklen": 0,
                "minorticklen": 0,
                "steps": [{"label": str(int(s)), "method": "animate", "args": [[str(int(s))], jump]} for s in steps],
            }
        ],
    }
