import io

import numpy as np
import pytest
from PIL import Image

from linreg.experiment import Settings, run
from linreg.viz.gif import playground_gif


def test_gif_animates_the_three_views():
    r = run(Settings(learning_rate=0.71, epochs=80))
    gif = Image.open(io.BytesIO(playground_gif(r, n_frames=30)))
    assert gif.format == "GIF" and gif.size == (1200, 400) and 20 <= gif.n_frames <= 30
    first, later = np.asarray(gif.convert("RGB")), None
    gif.seek(gif.n_frames - 1)
    later = np.asarray(gif.convert("RGB"))
    fit = np.array([0xD5, 0x5E, 0x00])
    # the fitted line moves: the fit-coloured pixels of the data panel differ between
    # first and last frame
    mask = lambda im: np.all(im[:, :400] == fit, axis=-1)  # noqa: E731
    assert (
        mask(first).any() and mask(later).any() and (mask(first) != mask(later)).any()
    )


def test_gif_of_a_diverging_run():
    r = run(Settings(learning_rate=0.9, epochs=100))
    assert r.traj.diverged
    data = playground_gif(r, n_frames=20)
    assert Image.open(io.BytesIO(data)).n_frames >= 10


def test_nice_ticks_are_round_numbers_inside_the_range():
    from linreg.viz.gif import log_ticks, nice_ticks, tick_text

    np.testing.assert_allclose(nice_ticks(0, 1), [0, 0.2, 0.4, 0.6, 0.8, 1.0])
    np.testing.assert_allclose(nice_ticks(-2.3, 6.1), [-2, 0, 2, 4, 6])
    # 0.29 / 5 = 0.058: steps of 0.1
    np.testing.assert_allclose(nice_ticks(2.64, 2.93), [2.7, 2.8, 2.9])
    np.testing.assert_allclose(log_ticks(0.003, 120), [0.01, 0.1, 1, 10, 100])
    assert tick_text(-0.0) == "0" and tick_text(0.30000000000000004) == "0.3"


def ink(image: np.ndarray) -> np.ndarray:
    """Where dark text is drawn (the title and tick values are #222222)."""
    return np.all(image < 80, axis=-1)


def test_the_gif_has_a_title_and_axes_for_slides():
    r = run(Settings(learning_rate=0.3, epochs=40))

    def last_frame(**kwargs) -> np.ndarray:
        data = playground_gif(r, n_frames=5, **kwargs)
        gif = Image.open(io.BytesIO(data))
        gif.seek(gif.n_frames - 1)
        return np.asarray(gif.convert("RGB"))

    titled, plain = last_frame(title="GD · learning rate 0.3"), last_frame()
    # the title's left half (the step counter is on the right)
    title_band = (slice(0, 30), slice(0, 600))
    assert ink(titled[title_band]).sum() > 50 and not ink(plain[title_band]).any()
    # every panel has tick values under its x axis and left of its y axis
    for panel in range(3):
        left = panel * 400
        under = titled[400 - 56 : 400 - 30, left + 78 : left + 384]
        beside = titled[40:344, left + 20 : left + 75]
        assert ink(under).sum() > 30 and ink(beside).sum() > 30


def test_the_gif_draws_the_playgrounds_own_views():
    """The GIF rasterises the Playground's views: its frames are the figure's frame
    steps, its axes the figure's ranges, and the optimum's star lands where the figure's
    ranges put it."""
    from linreg.viz import gif
    from linreg.viz.playground import run_figure

    r = run(Settings(learning_rate=0.3, epochs=300))
    figure = run_figure(r).to_dict()  # the Playground's, fourth view and all
    views = gif.gif_views(r)
    # data | loss (its secondary axis is yaxis3) | surface
    for key in ("xaxis", "yaxis", "xaxis2", "yaxis2", "xaxis3", "yaxis4"):
        drawn, shown = views.canvas.layout[key], figure["layout"][key]
        assert drawn["range"] == pytest.approx(shown["range"])
        assert (drawn.get("type"), drawn["title"]) == (
            shown.get("type"),
            shown["title"],
        )
    names = [f["name"] for f in figure["frames"]]
    frames = gif.gif_frames(views, 30)
    assert 20 <= len(frames) <= 30
    assert [names[k] for k, _ in frames] == [str(s) for _, s in frames]
    assert (frames[0][1], frames[-1][1]) == (0, r.traj.n_steps)

    image = Image.open(io.BytesIO(gif.playground_gif(r, n_frames=30)))
    first = np.asarray(image.convert("RGB"))  # the path's head is at the start
    x_axis, y_axis = figure["layout"]["xaxis3"], figure["layout"]["yaxis4"]
    width = 1200 - gif.PAD_LEFT - gif.PAD_RIGHT
    height = 400 - gif.PAD_TOP - gif.PAD_BOTTOM

    def share(value, axis, domain) -> float:
        """Where ``value`` sits on the paper: its axis's range over its domain."""
        (r0, r1), (d0, d1) = axis["range"], domain
        return d0 + (value - r0) / (r1 - r0) * (d1 - d0)

    w, b = r.analysis.theta_star
    x = gif.PAD_LEFT + width * share(w, x_axis, x_axis["domain"])
    # the GIF's row has no fourth view under it: its own heights, the figure's range
    y_domain = views.canvas.layout["yaxis4"]["domain"]
    y = gif.PAD_TOP + height * (1 - share(b, y_axis, y_domain))
    green = np.all(first == [0x00, 0x9E, 0x73], axis=-1)
    green[:, : int(x_axis["domain"][0] * width) + gif.PAD_LEFT] = False
    rows, cols = np.nonzero(green)
    assert len(rows) > 30
    assert cols.mean() == pytest.approx(x, abs=2) and rows.mean() == pytest.approx(
        y, abs=2
    )
