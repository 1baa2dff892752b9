"""AppTest: the optimizer race and the learning-rate sweep pages."""

import math

import numpy as np
import pytest
from apptest_util import app, assert_ok, chart_specs

from linreg import analyse_data
from linreg.datasets import cortical_thickness


def test_race_defaults():
    at = app("pages/race.py")
    assert_ok(at)
    assert at.multiselect(key="race_optimizers").value == ["gd", "momentum", "adam"]
    assert "Fair race" in at.caption[0].value
    table = at.dataframe[0].value
    assert list(table["optimizer"]) == ["GD", "Momentum", "Adam"]
    fig = max(chart_specs(at), key=lambda f: len(f.get("frames", [])))
    # one moving marker per run in every frame
    # a marker on the contour and on the loss, per run
    assert all(len(f["data"]) == 6 for f in fig["frames"])


def test_the_race_titles_and_scales_its_views_as_the_playground_does():
    """The race's views have the Playground's titles (plural: several paths), its loss
    axis the Playground's title, and, as the losses span over two decades, ticks on the
    powers of ten only (no 2s and 5s between them)."""
    from plotly_util import values

    from linreg.experiment import Settings, run
    from linreg.viz.playground import run_figure

    own = run_figure(run(Settings())).to_dict()
    own_titles = [note["text"] for note in own["layout"]["annotations"]]
    race = max(chart_specs(app("pages/race.py")), key=lambda f: len(f["frames"]))
    titles = [
        n["text"] for n in race["layout"]["annotations"] if n.get("xref") == "paper"
    ]
    assert titles[0].startswith(own_titles[2]) and titles[0] != own_titles[2]
    assert titles[1] == own_titles[1]
    (loss_axis,) = (
        v
        for k, v in race["layout"].items()
        if k.startswith("yaxis") and v.get("type") == "log"
    )
    assert loss_axis["title"]["text"] == own["layout"]["yaxis2"]["title"]["text"]
    losses = np.concatenate(
        [values(t["y"]) for t in race["data"] if t.get("yaxis") == "y2"]
    )
    losses = losses[np.isfinite(losses) & (losses > 0)]
    assert np.log10(losses.max() / losses.min()) > 2
    assert loss_axis["dtick"] >= 1 and float(loss_axis["dtick"]).is_integer()
    # every line on the loss view is told apart by its colour and dash
    styles = [
        (t["line"].get("color"), t["line"].get("dash"))
        for t in race["data"]
        if t.get("yaxis") == "y2" and t.get("mode") == "lines"
    ]
    assert len(styles) == 3 and len(set(styles)) == len(styles)


@pytest.mark.parametrize(
    "mode", ["One shared rate", "Own rate each", "Tune each (sweep)"]
)
def test_race_modes(mode):
    at = app("pages/race.py", race_mode=mode, epochs=200)
    assert_ok(at)
    rates = list(at.dataframe[0].value["learning rate"])
    if mode == "Tune each (sweep)":
        assert len(set(rates)) > 1  # each optimizer got its own tuned rate


def test_race_every_optimizer_all_diverging_and_one_run():
    at = app("pages/race.py", learning_rate=50, epochs=50)
    at.multiselect(key="race_optimizers").set_value(
        ["gd", "momentum", "nesterov", "adagrad", "rmsprop", "adam"]
    ).run()
    assert_ok(at)
    assert len(at.dataframe[0].value) == 6
    assert "step" in at.dataframe[0].value["diverged at"][0]
    at.multiselect(key="race_optimizers").set_value(["adam"]).run()
    assert_ok(at)
    at.multiselect(key="race_optimizers").set_value([]).run()
    assert_ok(at)
    assert "Pick at least one" in at.info[0].value


def test_race_mini_batch_shows_batch_gradients():
    at = app("pages/race.py", batch="Mini-batch", epochs=20)
    assert_ok(at)
    fig = max(chart_specs(at), key=lambda f: len(f.get("frames", [])))
    names = [t.get("name") for t in fig["data"]]
    assert "mini-batch gradients" in names
    assert all(len(f["data"]) == 7 for f in fig["frames"])


@pytest.mark.parametrize(
    "optimizer", ["GD", "Momentum", "Nesterov", "Adagrad", "RMSprop", "Adam"]
)
def test_sweep_every_optimizer(optimizer):
    at = app("pages/sweep.py", optimizer=optimizer, epochs=300)
    assert_ok(at)
    assert "60 learning rates" in at.caption[0].value
    assert len(at.get("plotly_chart")) >= 3


def test_sweep_mini_batch_and_extremes():
    at = app("pages/sweep.py", batch="Stochastic", epochs=3, n=20)
    assert_ok(at)
    at = app(
        "pages/sweep.py", epochs=1, dataset="Synthetic line", x_min=-100, x_max=100
    )
    assert_ok(at)


def test_sweep_limit_line_matches_the_analysis():
    at = app("pages/sweep.py")
    fig = next(
        f
        for f in chart_specs(at)
        if "Final loss" in str(f["layout"].get("annotations"))
    )
    texts = [a["text"] for a in fig["layout"]["annotations"]]
    # 0.78866
    limit = 2 / analyse_data(cortical_thickness().X, cortical_thickness().y).L
    # rounded down: 0.788
    assert any(t == f"2/L = {math.floor(limit * 1000) / 1000:g}" for t in texts)
