import io

import numpy as np
from PIL import Image

from linreg.experiment import Settings, run
from linreg.viz.gif import playground_gif


def test_gif_animates_the_three_views():
    r = run(Settings(learning_rate=0.71, epochs=80))
    gif = Image.open(io.BytesIO(playground_gif(r.traj, r.data.X[:, 0], r.data.y, r.theta_original, n_frames=30)))
    assert gif.format == "GIF" and gif.size == (1200, 400) and 20 <= gif.n_frames <= 30
    first, later = np.asarray(gif.convert("RGB")), None
    gif.seek(gif.n_frames - 1)
    later = np.asarray(gif.convert("RGB"))
    fit = np.array([0xD5, 0x5E, 0x00])
    # the fitted line moves: the fit-coloured pixels of the data panel differ between first and last frame
    mask = lambda im: np.all(im[:, :400] == fit, axis=-1)  # noqa: E731
    assert mask(first).any() and mask(later).any() and (mask(first) != mask(later)).any()


def test_gif_of_a_diverging_run():
    r = run(Settings(learning_rate=0.9, epochs=100))
    assert r.traj.diverged
    data = playground_gif(r.traj, r.data.X[:, 0], r.data.y, r.theta_original, n_frames=20)
    assert Image.open(io.BytesIO(data)).n_frames >= 10
