"""An animated GIF of the three synchronized views, for slides (Pillow; no browser
needed)."""

from __future__ import annotations

import io

import numpy as np
from PIL import Image, ImageColor, ImageDraw, ImageFont

from ..surface import level_ellipse
from ..training import Trajectory
from .animation import frame_steps
from .geometry import data_y_range, level_values, view_box
from .style import LEVEL_FILLS, PALETTE, display_sample

#: Pixels around each panel: its title above, its y ticks and title left, its x ticks
#: and title under it.
PAD = 40
PAD_LEFT, PAD_BOTTOM, PAD_RIGHT = 78, 56, 16
TITLE_PX = 34  # the GIF's title (optimizer, learning rate, ...) over the panels
FONT = ImageFont.load_default(size=18)
TICK_FONT = ImageFont.load_default(size=14)
INK = "#222222"


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


def log_ticks(lo: float, hi: float) -> np.ndarray:
    """The powers of ten between lo and hi (a log axis)."""
    return 10.0 ** np.arange(np.ceil(np.log10(lo)), np.floor(np.log10(hi)) + 1)


def tick_text(value: float) -> str:
    return f"{value + 0.0:.3g}"  # + 0.0: never "-0"


class _Box:
    """Maps data coordinates to the pixels of one panel (y up)."""

    def __init__(
        self, left: int, top: int, width: int, height: int, xr, yr, log_y: bool = False
    ):
        self.left, self.top = left + PAD_LEFT, top + PAD
        self.w, self.h = width - PAD_LEFT - PAD_RIGHT, height - PAD - PAD_BOTTOM
        self.log_y = log_y
        self.x0, self.x1 = xr
        self.y0, self.y1 = (np.log10(yr[0]), np.log10(yr[1])) if log_y else yr

    def __call__(self, x, y) -> list[tuple[float, float]]:
        x, y = np.atleast_1d(np.asarray(x, float)), np.atleast_1d(np.asarray(y, float))
        if self.log_y:
            y = np.log10(np.maximum(y, 1e-300))
        px = self.left + (x - self.x0) / (self.x1 - self.x0 or 1.0) * self.w
        py = self.top + self.h - (y - self.y0) / (self.y1 - self.y0 or 1.0) * self.h
        return list(
            zip(
                np.clip(px, -1e4, 1e4).tolist(),
                np.clip(py, -1e4, 1e4).tolist(),
                strict=True,
            )
        )

    def frame(self, draw: ImageDraw.ImageDraw, title: str) -> None:
        draw.rectangle(
            [self.left, self.top, self.left + self.w, self.top + self.h], outline="#999"
        )
        draw.text((self.left, self.top - 26), title, fill=INK, font=FONT)

    def axes(self, image: Image.Image, x_title: str, y_title: str) -> None:
        """Tick marks and values on the x and y axes (powers of ten on a log y), and
        both axes' titles."""
        draw = ImageDraw.Draw(image)
        bottom = self.top + self.h
        for x in nice_ticks(self.x0, self.x1):
            ((px, _),) = self(x, self.y1 if not self.log_y else 10.0**self.y1)
            draw.line([px, bottom, px, bottom + 5], fill="#999")
            draw.text(
                (px, bottom + 7), tick_text(x), fill=INK, font=TICK_FONT, anchor="mt"
            )
        y_values = (
            log_ticks(10.0**self.y0, 10.0**self.y1)
            if self.log_y
            else nice_ticks(self.y0, self.y1)
        )
        for y in y_values:
            ((_, py),) = self(self.x0, y)
            draw.line([self.left - 5, py, self.left, py], fill="#999")
            draw.text(
                (self.left - 8, py), tick_text(y), fill=INK, font=TICK_FONT, anchor="rm"
            )
        draw.text(
            (self.left + self.w / 2, bottom + 28),
            x_title,
            fill=INK,
            font=TICK_FONT,
            anchor="mt",
        )
        label = Image.new("RGB", (int(TICK_FONT.getlength(y_title)) + 4, 18), "white")
        ImageDraw.Draw(label).text((2, 0), y_title, fill=INK, font=TICK_FONT)
        label = label.rotate(90, expand=True)
        image.paste(
            label,
            (self.left - PAD_LEFT + 2, int(self.top + self.h / 2 - label.height / 2)),
        )


def _palette(base: Image.Image, extra: list[str]) -> Image.Image:
    """The exact colours in use (drawing has no anti-aliasing, so there are few) as a
    GIF palette."""
    colors = {rgb for _, rgb in base.getcolors(maxcolors=1 << 16) or []}
    colors |= {ImageColor.getrgb(color)[:3] for color in extra}
    flat = [v for rgb in sorted(colors)[:256] for v in rgb]
    pal = Image.new("P", (1, 1))
    pal.putpalette(flat + [0] * (768 - len(flat)))
    return pal


def _decorate(
    image: Image.Image, boxes, axis_titles: tuple[str, str, str, str], title: str
) -> None:
    """The GIF's title and every panel's axes, over the white that _clip painted around
    the panels."""
    x, y, w, b = axis_titles
    for (box, _), (x_title, y_title) in zip(
        boxes, ((x, y), ("step", "loss"), (w, b)), strict=True
    ):
        box.axes(image, x_title, y_title)
    ImageDraw.Draw(image).text(
        (PAD_RIGHT, TITLE_PX / 2), title, fill=INK, font=FONT, anchor="lm"
    )


def _clip(draw: ImageDraw.ImageDraw, boxes, size) -> None:
    """Paint white outside every panel (lines that leave a panel are cut at its edge),
    then the frames."""
    W, H = size
    draw.rectangle([0, 0, W, boxes[0][0].top - 1], fill="white")
    draw.rectangle([0, boxes[0][0].top + boxes[0][0].h + 1, W, H], fill="white")
    right = 0
    for box, _ in boxes:
        draw.rectangle([right, 0, box.left - 1, H], fill="white")
        right = box.left + box.w + 1
    draw.rectangle([right, 0, W, H], fill="white")
    for box, title in boxes:
        box.frame(draw, title)


def playground_gif(
    traj: Trajectory,
    x: np.ndarray,
    y: np.ndarray,
    theta_original: np.ndarray,
    n_frames: int = 60,
    size: tuple[int, int] = (1200, 400),
    frame_ms: int = 90,
    title: str = "",
    axis_titles: tuple[str, str, str, str] = ("x", "y", "w", "b"),
) -> bytes:
    """``title`` (the optimizer and its learning rate, say) over data and fitted line |
    loss (log) | level sets and path, each with its axes (``axis_titles``: x, y, w, b),
    ``n_frames`` frames, looping.
    """
    W, H = size
    pw = W // 3
    top, H = TITLE_PX, H - TITLE_PX
    steps = frame_steps(traj.n_steps, n_frames)
    x_grid = np.array([x.min(), x.max()])
    data = _Box(
        0,
        top,
        pw,
        H,
        (x.min(), x.max()),
        data_y_range(y, x_grid, theta_original[steps]),
    )
    loss = np.where(np.isfinite(traj.loss) & (traj.loss > 0), traj.loss, np.nan)
    loss_range = (np.nanmin(loss) * 0.8, np.nanmax(loss) * 1.25)
    lossb = _Box(pw, top, pw, H, (0, max(traj.n_steps, 1)), loss_range, log_y=True)
    params = (0, traj.theta.shape[1] - 1)
    xr, yr = view_box(traj, params)
    surf = _Box(2 * pw, top, pw, H, xr, yr)

    base = Image.new("RGB", size, "white")
    # the level sets, pasted back clipped to their panel
    layer = Image.new("RGB", size, "white")
    d = ImageDraw.Draw(layer)
    for c, fill in zip(
        level_values(traj.quadratic, xr, yr, params), LEVEL_FILLS, strict=False
    ):
        pts = level_ellipse(traj.quadratic, c, params)
        if pts is not None:
            d.polygon(surf(pts[:, 0], pts[:, 1]), fill=fill, outline="#6b8fb3")
    d.line(surf(traj.theta[:, 0], traj.theta[:, -1]), fill="#e8a27c", width=1)
    rect = (surf.left, surf.top, surf.left + surf.w, surf.top + surf.h)
    base.paste(layer.crop(rect), rect[:2])
    d = ImageDraw.Draw(base)
    star = traj.quadratic.theta_ref[list(params)]
    ((sx, sy),) = surf(star[0], star[1])
    d.regular_polygon((sx, sy, 8), 5, fill=PALETTE["optimum"])
    shown = display_sample(len(x), 500)
    for px, py in data(x[shown], y[shown]):
        d.ellipse([px - 2.5, py - 2.5, px + 2.5, py + 2.5], fill=PALETTE["data"])
    curve = np.arange(traj.n_steps + 1)
    finite = np.isfinite(loss)
    d.line(lossb(curve[finite], loss[finite]), fill=PALETTE["data"], width=2)
    boxes = (
        (data, "Data and fitted line"),
        (lossb, "Loss per step (log)"),
        (surf, "Loss surface and path"),
    )
    _clip(d, boxes, size)
    _decorate(base, boxes, axis_titles, title)

    palette = _palette(base, [PALETTE["fit"], "#ffffff", "#222222"])
    images = []
    for k, s in enumerate(steps):
        img = base.copy()
        f = ImageDraw.Draw(img)
        th = theta_original[s]
        f.line(data(x_grid, th[0] * x_grid + th[-1]), fill=PALETTE["fit"], width=4)
        if np.isfinite(loss[s]):
            ((lx, ly),) = lossb(s, loss[s])
            f.ellipse([lx - 6, ly - 6, lx + 6, ly + 6], fill=PALETTE["fit"])
        tail = steps[max(0, k - 12) : k + 1]
        f.line(
            surf(traj.theta[tail, 0], traj.theta[tail, -1]),
            fill=PALETTE["fit"],
            width=3,
        )
        ((mx, my),) = surf(traj.theta[s, 0], traj.theta[s, -1])
        f.ellipse(
            [mx - 6, my - 6, mx + 6, my + 6], fill=PALETTE["fit"], outline="white"
        )
        _clip(f, boxes, size)
        _decorate(img, boxes, axis_titles, title)
        step = f"step {s} of {traj.n_steps}   loss {traj.loss[s]:.4g}"
        f.text((W - PAD_RIGHT, TITLE_PX / 2), step, fill=INK, font=FONT, anchor="rm")
        images.append(img.quantize(palette=palette, dither=Image.Dither.NONE))
    buf = io.BytesIO()
    images[0].save(
        buf,
        format="GIF",
        save_all=True,
        append_images=images[1:],
        duration=frame_ms,
        loop=0,
    )
    return buf.getvalue()
