"""An animated GIF of the Playground's three views, for slides (Pillow; no browser
needed).

The GIF draws the Playground's own views (playground.run_views): the same traces,
ranges, titles, colours and frame steps, every frame moved by the same movers.  Only the
rasterising is done here: a scatter trace's lines, fills, markers and text on the axes
the layout places, the ticks Plotly would choose.
"""

from __future__ import annotations

import io
import re
from functools import lru_cache
from itertools import pairwise

import numpy as np
from PIL import Image, ImageColor, ImageDraw, ImageFont

from ..experiment import Run
from .playground import PlotOptions, Views, run_views

#: Pixels around the plots: the GIF's title and the views' titles above, the first
#: view's y ticks and title left, x ticks and titles under them.
PAD_TOP, PAD_LEFT, PAD_BOTTOM, PAD_RIGHT = 74, 78, 56, 16
TITLE_PX = 34  # the GIF's title (optimizer, learning rate, ...) over the views
INK = "#222222"
FRAME = "#999999"
#: Plotly's dash patterns, in line widths (at least 3 px): on, off, ...
DASHES = {"dot": (1, 1), "dash": (3, 3), "longdash": (5, 5), "dashdot": (3, 1, 1, 1)}
#: Where a text sits from its point (Plotly's textposition): across, PIL's anchor and
#: the sign of the gap; up or down, which side of the text faces the point.
TEXT_X = {"left": ("r", -1), "center": ("m", 0), "right": ("l", 1)}
TEXT_Y = {"top": "bottom", "middle": "middle", "bottom": "top"}


#: A system font with the views' symbols (‖∇J‖, λ, ≈, ↑); Pillow's own has none of them.
FONT_FILE = "DejaVuSans.ttf"


@lru_cache(maxsize=16)
def font(size: int) -> ImageFont.FreeTypeFont:
    """FONT_FILE at ``size`` pixels where it is installed, else Pillow's own font."""
    try:
        return ImageFont.truetype(FONT_FILE, size)
    except OSError:
        return ImageFont.load_default(size=size)


def nice_ticks(lo: float, hi: float, count: int = 5) -> np.ndarray:
    """About ``count`` round values (steps of 1, 2 or 5 times a power of ten) between lo
    and hi."""
    span = hi - lo
    if not np.isfinite(span) or span <= 0:
        return np.array([lo])
    raw = span / count
    power = 10.0 ** np.floor(np.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    ticks = np.arange(np.ceil(lo / step) * step, hi + step * 1e-9, step)
    return np.round(ticks / step) * step  # no 0.30000000000000004


def log_ticks(lo: float, hi: float, every: int = 1) -> np.ndarray:
    """The powers of ten between lo and hi (a log axis), ``every`` decades."""
    return 10.0 ** np.arange(np.ceil(np.log10(lo)), np.floor(np.log10(hi)) + 1, every)


#: SI prefixes, as Plotly writes large and small tick values (10k, 1M, 100μ).
SI = (
    (1e9, "G"),
    (1e6, "M"),
    (1e3, "k"),
    (1.0, ""),
    (1e-3, "m"),
    (1e-6, "μ"),
    (1e-9, "n"),
)


def tick_text(value: float, tickformat: str = "", log: bool = False) -> str:
    """A tick's value as Plotly writes it: 3 digits; in SI prefixes from 1000 on with
    ``~s`` (2k), and on a log axis outside 0.001 to 10k (1M, 100μ)."""
    size = abs(value)
    if value and (
        (tickformat == "~s" and size >= 1e3) or (log and not 1e-3 <= size < 1e4)
    ):
        scale, prefix = next(((s, p) for s, p in SI if size >= 0.9999 * s), SI[-1])
        return f"{value / scale:.3g}{prefix}"
    return f"{value + 0.0:.3g}"  # + 0.0: never "-0"


def rgba(color: str, opacity: float = 1.0) -> tuple[int, int, int, int]:
    """A Plotly colour (#rgb, #rrggbb, #rrggbbaa, a CSS name) as RGBA, times
    ``opacity``."""
    r, g, b, *a = ImageColor.getrgb(color)
    return r, g, b, round((a[0] if a else 255) * opacity)


def plain(text: str) -> list[str]:
    """A Plotly text's lines, its markup (<b>, ...) left out."""
    return [re.sub(r"<[^>]+>", "", line) for line in re.split(r"<br\s*/?>", text)]


def _log(axis: dict) -> bool:
    return axis.get("type") == "log"


class Axes:
    """One view's x and y axes (layout entries, as Plotly places them in the plot area
    ``area``: left, top, width, height): data to pixels."""

    def __init__(self, layout: dict, x_ref: str, y_ref: str, area: tuple):
        self.x = layout["xaxis" + x_ref.removeprefix("x")]
        self.y = layout["yaxis" + y_ref.removeprefix("y")]
        over = self.y.get("overlaying")  # a secondary axis: the domain of its first
        y_domain = self.y.get("domain") or layout["yaxis" + over[1:]].get("domain")
        left, top, width, height = area
        dx, dy = self.x.get("domain", [0, 1]), y_domain or [0, 1]
        self.left, self.right = left + dx[0] * width, left + dx[1] * width
        self.bottom, self.top = top + (1 - dy[0]) * height, top + (1 - dy[1]) * height

    @property
    def box(self) -> tuple[int, int, int, int]:
        return round(self.left), round(self.top), round(self.right), round(self.bottom)

    def _scale(self, axis: dict, values, lo_px: float, hi_px: float) -> np.ndarray:
        v = np.asarray(values, dtype=float)
        if _log(axis):
            with np.errstate(all="ignore"):
                v = np.log10(np.where(v > 0, v, np.nan))
        r0, r1 = axis.get("range") or (0.0, 1.0)
        return lo_px + (v - r0) / ((r1 - r0) or 1.0) * (hi_px - lo_px)

    def __call__(self, x, y) -> np.ndarray:
        """Pixels (n, 2) of the points; nan where a point is not there."""
        px = self._scale(self.x, x, self.left, self.right)
        py = self._scale(self.y, y, self.bottom, self.top)
        return np.clip(np.column_stack([px, py]), -1e5, 1e5)

    def ticks(self, axis: dict) -> np.ndarray:
        """The values Plotly would tick: decades (every ``dtick``) on a log axis, round
        steps on a linear one."""
        r0, r1 = axis.get("range") or (0.0, 1.0)
        if _log(axis):
            decades = log_ticks(10.0**r0, 10.0**r1, int(axis.get("dtick", 1)))
            if len(decades) >= 2:
                return decades
            return 10.0 ** np.log10(nice_ticks(10.0**r0, 10.0**r1))
        return nice_ticks(r0, r1)

    def decorate(self, draw: ImageDraw.ImageDraw, image: Image.Image) -> None:
        """The frame, tick marks and values, and both axes' titles."""
        draw.rectangle(self.box, outline=FRAME)
        size = self.x.get("tickfont", {}).get("size", 15)
        for x in self.ticks(self.x):
            ((px, _),) = self(x, np.nan)
            if self.left - 1 <= px <= self.right + 1:
                draw.line([px, self.bottom, px, self.bottom + 5], fill=FRAME)
                text = tick_text(x, self.x.get("tickformat", ""), _log(self.x))
                at = (px, self.bottom + 7)
                draw.text(at, text, fill=INK, font=font(size), anchor="mt")
        right = self.y.get("side") == "right"
        edge, sign = (self.right, 1) if right else (self.left, -1)
        for y in self.ticks(self.y):
            ((_, py),) = self(np.nan, y)
            if self.top - 1 <= py <= self.bottom + 1:
                draw.line([edge, py, edge + 5 * sign, py], fill=FRAME)
                text = tick_text(y, self.y.get("tickformat", ""), _log(self.y))
                anchor = "lm" if right else "rm"
                at = (edge + 8 * sign, py)
                draw.text(at, text, fill=INK, font=font(size), anchor=anchor)
        title_size = self.x.get("title", {}).get("font", {}).get("size", 17)
        x_title = self.x.get("title", {}).get("text", "")
        at = ((self.left + self.right) / 2, self.bottom + 30)
        draw.text(at, x_title, fill=INK, font=font(title_size - 3), anchor="mt")
        y_title = self.y.get("title", {}).get("text", "")
        if y_title and not right:
            label = Image.new(
                "RGB", (int(font(14).getlength(y_title)) + 4, 18), "white"
            )
            ImageDraw.Draw(label).text((2, 0), y_title, fill=INK, font=font(14))
            label = label.rotate(90, expand=True)
            at = (round(self.left) - PAD_LEFT + 2, round(self.bottom + self.top) // 2)
            image.paste(label, (at[0], at[1] - label.height // 2))


def _runs(points: np.ndarray) -> list[list[tuple[float, float]]]:
    """The stretches of a line between its gaps (nan)."""
    finite = np.all(np.isfinite(points), axis=1)
    cuts = np.flatnonzero(np.diff(finite.astype(int)))
    pieces = np.split(np.arange(len(points)), cuts + 1)
    return [points[p].tolist() for p in pieces if finite[p[0]] and len(p) > 1]


def _dashed(run: list, pattern: tuple, width: float) -> list[list]:
    """The drawn pieces of a dashed line (pattern in line widths, at least 3 px)."""
    unit = max(width, 3.0)
    lengths = [unit * p for p in pattern]
    pieces, piece, k, left = [], [run[0]], 0, lengths[0]
    for a, b in pairwise(run):
        a, b = np.asarray(a), np.asarray(b)
        seg = float(np.hypot(*(b - a)))
        done = 0.0
        while seg - done > left:
            done += left
            point = (a + (b - a) * done / seg).tolist()
            if k % 2 == 0:
                pieces.append([*piece, point])
            piece, k = [point], k + 1
            left = lengths[k % len(lengths)]
        left -= seg - done
        piece.append(b.tolist())
    if k % 2 == 0:
        pieces.append(piece)
    return pieces


def _stepped(points: np.ndarray) -> np.ndarray:
    """A line of shape 'hv': across, then up or down."""
    corners = np.column_stack([points[1:, 0], points[:-1, 1]])
    both = np.empty((2 * len(points) - 1, 2))
    both[0::2], both[1::2] = points, corners
    return both


def _lines(draw: ImageDraw.ImageDraw, points: np.ndarray, line: dict, alpha) -> None:
    color = rgba(line.get("color", INK), alpha)
    width = float(line.get("width", 2))
    if line.get("shape") == "hv":
        points = _stepped(points)
    pattern = DASHES.get(line.get("dash", "solid"))
    for run in _runs(points):
        for piece in [run] if pattern is None else _dashed(run, pattern, width):
            joint = "curve" if width >= 3 else None
            draw.line(piece, fill=color, width=max(round(width), 1), joint=joint)


def _star(x: float, y: float, r: float) -> list[tuple[float, float]]:
    angles = -np.pi / 2 + np.arange(10) * np.pi / 5
    radii = np.where(np.arange(10) % 2 == 0, r, 0.45 * r)
    return list(
        zip(x + radii * np.cos(angles), y + radii * np.sin(angles), strict=True)
    )


def _markers(draw: ImageDraw.ImageDraw, points: np.ndarray, trace: dict, alpha) -> None:
    marker = trace.get("marker", {})
    symbol = marker.get("symbol", "circle")
    r = marker.get("size", 6) / 2
    color = rgba(marker.get("color", INK), alpha * marker.get("opacity", 1.0))
    edge = marker.get("line", {})
    edge_width = round(edge.get("width", 0))
    outline = rgba(edge.get("color", marker.get("color", INK)), alpha)
    for x, y in points[np.all(np.isfinite(points), axis=1)]:
        box = [x - r, y - r, x + r, y + r]
        if symbol == "circle-open":
            draw.ellipse(box, outline=color, width=max(edge_width, 1))
        elif symbol == "star":
            draw.polygon(_star(x, y, r * 1.2), fill=color, outline=outline)
        elif symbol == "diamond":
            diamond = [(x, y - r), (x + r, y), (x, y + r), (x - r, y)]
            draw.polygon(diamond, fill=color, outline=outline, width=edge_width)
        elif symbol.startswith("x"):
            draw.line([x - r, y - r, x + r, y + r], fill=color, width=2)
            draw.line([x - r, y + r, x + r, y - r], fill=color, width=2)
        else:
            draw.ellipse(box, fill=color, outline=outline, width=edge_width)


def _text(draw: ImageDraw.ImageDraw, points: np.ndarray, trace: dict, alpha) -> None:
    style = trace.get("textfont", {})
    size = style.get("size", 15)
    color = rgba(style.get("color", INK), alpha)
    marked = "markers" in trace.get("mode", "")
    gap = 3 + (trace.get("marker", {}).get("size", 0) / 2 if marked else 0)
    texts, places = (
        [value] * len(points) if isinstance(value, str) else value
        for value in (trace.get("text", []), trace.get("textposition", "middle center"))
    )
    for (x, y), text, place in zip(points, texts, places, strict=False):
        if not (np.isfinite(x) and np.isfinite(y)) or not text:
            continue
        vertical, horizontal = place.split()
        h_anchor, h_sign = TEXT_X[horizontal]
        v_side = TEXT_Y[vertical]
        lines = plain(str(text))
        height = round(1.25 * size) * len(lines)
        top = {"bottom": y - gap - height, "middle": y - height / 2, "top": y + gap}
        y0 = top[v_side]
        for k, line in enumerate(lines):
            at = (x + h_sign * gap, y0 + k * round(1.25 * size))
            draw.text(at, line, fill=color, font=font(size), anchor=f"{h_anchor}a")


def draw_trace(draw: ImageDraw.ImageDraw, axes: Axes, trace: dict, offset) -> None:
    """One scatter trace on its axes (``offset``: the pixel at the image's corner)."""
    alpha = trace.get("opacity", 1.0)
    if alpha == 0 or trace.get("visible") is False or trace.get("x") is None:
        return
    points = axes(trace["x"], trace["y"]) - np.asarray(offset, dtype=float)
    mode = trace.get("mode", "lines")
    if trace.get("fill") == "toself" and len(points) > 2:
        line = trace.get("line", {})
        draw.polygon(
            [tuple(p) for p in points[np.all(np.isfinite(points), axis=1)]],
            fill=rgba(trace["fillcolor"], alpha),
            outline=rgba(line.get("color", INK), alpha),
        )
    elif "lines" in mode:
        _lines(draw, points, trace.get("line", {}), alpha)
    if "markers" in mode:
        _markers(draw, points, trace, alpha)
    if "text" in mode:
        _text(draw, points, trace, alpha)


def gif_views(r: Run, labels=("x", "y", "w", "b")) -> Views:
    """The Playground's three views of run ``r`` (a slide's row: no fourth view)."""
    return run_views(r, PlotOptions(convergence_panel=False), labels=labels)


def gif_frames(views: Views, n_frames: int) -> list[tuple[int, int]]:
    """(frame index, step) of the Playground's frames the GIF shows: at most
    ``n_frames`` of them, evenly chosen, the first and the last included."""
    count = min(n_frames, len(views.steps))
    keep = np.unique(np.linspace(0, len(views.steps) - 1, count).round().astype(int))
    return [(int(k), int(views.steps[k])) for k in keep]


class Raster:
    """The views' traces in order, on the axes their layout places in a ``size`` image:
    what every frame shares painted once (``base``), then per frame each view's traces
    from its first moving one on."""

    def __init__(self, views: Views, size: tuple[int, int], title: str):
        self.views, self.size = views, size
        W, H = size
        area = (PAD_LEFT, PAD_TOP, W - PAD_LEFT - PAD_RIGHT, H - PAD_TOP - PAD_BOTTOM)
        layout, data = views.canvas.layout, views.canvas.data
        self.axes = [Axes(layout, t["xaxis"], t["yaxis"], area) for t in data]
        moving = {index for index, _ in views.movers}
        self.views_of = {}  # x axis -> trace indices, in order
        for i, trace in enumerate(data):
            self.views_of.setdefault(trace["xaxis"], []).append(i)
        self.first_moving = {
            x: min((i for i in rows if i in moving), default=len(data))
            for x, rows in self.views_of.items()
        }
        self.base = Image.new("RGB", size, "white")
        for x, rows in self.views_of.items():
            self._paint(
                self.base, [(i, data[i]) for i in rows if i < self.first_moving[x]]
            )
        draw = ImageDraw.Draw(self.base)
        pairs = {(t["xaxis"], t["yaxis"]): i for i, t in enumerate(data)}
        for i in pairs.values():
            self.axes[i].decorate(draw, self.base)
        self._titles(draw, layout, area, title)

    def _titles(self, draw, layout: dict, area: tuple, title: str) -> None:
        """The views' titles (the layout's notes on the paper) and the GIF's."""
        left, top, width, height = area
        for note in layout.get("annotations", []):
            if note.get("xref") != "paper":
                continue
            at = (left + note["x"] * width, top + (1 - note["y"]) * height - 4)
            size = note.get("font", {}).get("size", 18)
            draw.text(
                at, plain(note["text"])[0], fill=INK, font=font(size), anchor="md"
            )
        draw.text(
            (PAD_RIGHT, TITLE_PX / 2), title, fill=INK, font=font(18), anchor="lm"
        )

    def _paint(self, image: Image.Image, traces: list[tuple[int, dict]]) -> None:
        """Traces clipped to their view, but those Plotly lets out (cliponaxis)."""
        if not traces:
            return
        box = self.axes[traces[0][0]].box
        inside = image.crop((box[0] + 1, box[1] + 1, box[2], box[3]))
        draw = ImageDraw.Draw(inside, "RGBA")
        outside = []
        for i, trace in traces:
            if trace.get("cliponaxis") is False:
                outside.append((i, trace))
            else:
                draw_trace(draw, self.axes[i], trace, (box[0] + 1, box[1] + 1))
        image.paste(inside, (box[0] + 1, box[1] + 1))
        draw = ImageDraw.Draw(image, "RGBA")
        for i, trace in outside:
            draw_trace(draw, self.axes[i], trace, (0, 0))

    def frame(self, k: int, s: int) -> Image.Image:
        """The views at frame k (step s), as the Playground shows them."""
        data = self.views.canvas.data
        moved = {}
        for index, move in self.views.movers:
            xy = move(k, s)
            moved[index] = {**data[index], "x": xy[0], "y": xy[1]}
            if len(xy) > 2:
                moved[index]["text"] = list(xy[2])
        image = self.base.copy()
        for x, rows in self.views_of.items():
            later = [
                (i, moved.get(i, data[i])) for i in rows if i >= self.first_moving[x]
            ]
            self._paint(image, later)
        return image


def _palette(images: list[Image.Image], views: Views) -> Image.Image:
    """The colours of the traces, the ink and white first, then the most frequent of
    the frames (drawing has no anti-aliasing, so there are few) as a GIF palette."""
    colors = [rgba(c)[:3] for c in ("white", INK, FRAME)]
    for trace in views.canvas.data:
        for part in (trace.get("line", {}), trace.get("marker", {})):
            if isinstance(part.get("color"), str):
                colors.append(rgba(part["color"])[:3])
        if isinstance(trace.get("fillcolor"), str):
            colors.append(rgba(trace["fillcolor"])[:3])
    counts = {}
    for image in images:
        for count, rgb in image.getcolors(maxcolors=1 << 18) or []:
            counts[rgb] = counts.get(rgb, 0) + count
    colors += sorted(counts, key=counts.get, reverse=True)
    unique = list(dict.fromkeys(colors))[:256]
    flat = [v for rgb in unique for v in rgb]
    palette = Image.new("P", (1, 1))
    palette.putpalette(flat + [0] * (768 - len(flat)))
    return palette


def playground_gif(
    r: Run,
    n_frames: int = 60,
    size: tuple[int, int] = (1200, 400),
    frame_ms: int = 90,
    title: str = "",
    labels: tuple[str, str, str, str] = ("x", "y", "w", "b"),
) -> bytes:
    """``title`` (the optimizer and its learning rate, say) over the Playground's three
    views of run ``r`` (``labels``: x, y, w, b), at most ``n_frames`` of its frames,
    looping."""
    views = gif_views(r, labels)
    raster = Raster(views, size, title)
    images = [raster.frame(k, s) for k, s in gif_frames(views, n_frames)]
    palette = _palette([images[0], images[-1]], views)
    frames = [im.quantize(palette=palette, dither=Image.Dither.NONE) for im in images]
    buf = io.BytesIO()
    frames[0].save(
        buf,
        format="GIF",
        save_all=True,
        append_images=frames[1:],
        duration=frame_ms,
        loop=0,
        optimize=False,  # a frame's unchanged pixels cost Pillow's optimiser ~60 ms
    )
    return buf.getvalue()
