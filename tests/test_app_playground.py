"""AppTest: the Playground page through the real app.py (controls, URL state, presets,
divergence)."""

import numpy as np
import pytest
from apptest_util import app, assert_ok, main_figure

from linreg.analysis import analyse_data
from linreg.app.controls import learning_rate_options
from linreg.app.presets import PRESETS
from linreg.datasets import cortical_thickness


def test_defaults_render_synchronized_figure():
    at = app()
    assert_ok(at)
    assert not at.error
    assert [m.label for m in at.metric] == [
        "Final loss",
        "R²",
        "RMSE",
        "Converged at",
        "Distance to optimum",
    ]
    fig = main_figure(at)
    assert 50 < len(fig["frames"]) <= 200
    # each frame moves only a few small traces: the fit, the loss and the path drawn so
    # far, two markers, the readout, the fourth view's two curves and their sign marks
    assert all(len(f["data"]) <= 11 for f in fig["frames"])
    assert len(fig["layout"]["sliders"][0]["steps"]) == len(fig["frames"])
    labels = [b["label"] for b in fig["layout"]["updatemenus"][0]["buttons"]]
    assert labels[:2] == ["▶ Play", "❚❚ Pause"]
    fills = [t for t in fig["data"] if t.get("fill") == "toself"]
    assert len(fills) >= 5  # level sets drawn as filled scatter ellipses


@pytest.mark.parametrize("optimizer", ["Momentum", "Nesterov", "Adam"])
def test_the_fitted_line_is_not_called_gradient_descent_for_another_optimizer(
    optimizer,
):
    names = [t.get("name") or "" for t in main_figure(app(optimizer=optimizer))["data"]]
    assert "fit" in names
    assert not any("gradient-descent" in name for name in names)


def test_figure_is_small():
    at = app(epochs=10000, n=5000)
    assert_ok(at)
    size = max(len(c.proto.spec) for c in at.get("plotly_chart"))
    assert size < 1_000_000, size


def test_final_loss_metric_matches_an_independent_loop():
    at = app(epochs=300, learning_rate=0.5)
    d = cortical_thickness()
    x, y = d.X[:, 0], d.y
    w = b = 0.0
    for _ in range(300):
        r = w * x + b - y
        w, b = w - 0.5 * 2 * np.mean(r * x), b - 0.5 * 2 * np.mean(r)
    assert float(at.metric[0].value) == pytest.approx(
        np.mean((w * x + b - y) ** 2), rel=1e-3
    )


def test_url_parameters_set_the_controls():
    at = app(
        learning_rate=0.3,
        optimizer="Adam",
        epochs=50,
        batch="Mini-batch",
        batch_size=10,
        loss="half_mse",
    )
    assert_ok(at)
    assert at.sidebar.number_input(key="learning_rate").value == 0.3
    assert at.sidebar.selectbox(key="optimizer").value == "adam"
    assert at.sidebar.number_input(key="epochs").value == 50
    assert at.sidebar.slider(key="batch_size").value == 10
    assert "½MSE" in at.caption[0].value and "mini-batches of 10" in at.caption[0].value


def test_divergence_banner_names_the_limit():
    limit = 2 / analyse_data(cortical_thickness().X, cortical_thickness().y).L
    at = app(learning_rate=0.9)
    assert_ok(at)
    msg = at.error[0].value
    assert (
        "Diverged at step" in msg
        and f"{0.9 / limit:.2f} ×" in msg
        and f"2/L = {limit:.4g}" in msg
    )
    fig = main_figure(at)
    assert fig["layout"]["yaxis2"]["type"] == "log"
    w_range = fig["layout"]["xaxis3"]["range"]
    # the contour does not zoom out to follow the blow-up
    assert w_range[1] - w_range[0] < 100


@pytest.mark.parametrize("preset", list(PRESETS))
def test_every_preset_by_url(preset):
    at = app(preset=preset)
    assert_ok(at)
    assert "preset" not in at.query_params
    assert (preset == "diverging") == bool(at.error)


@pytest.mark.parametrize(
    "optimizer", ["GD", "Momentum", "Nesterov", "Adagrad", "RMSprop", "Adam"]
)
@pytest.mark.parametrize("loss", ["mse", "half_mse"])
def test_every_optimizer_and_loss(optimizer, loss):
    at = app(optimizer=optimizer, loss=loss, epochs=200, learning_rate=0.05)
    assert_ok(at)
    assert not at.error


def _widgets(at):
    sb = at.sidebar
    return [*sb.slider, *sb.select_slider, *sb.number_input]


SELECT_SLIDER_ENDS = {
    "lr_slider": (learning_rate_options(None)[0], learning_rate_options(None)[-1]),
    "alpha": (0.0, 1.0),
    "tol": (1e-2, 1e-8),
    "eps": (1e-10, 1e-2),
}


def _ends(w):
    return SELECT_SLIDER_ENDS.get(w.key, (w.min, w.max))


@pytest.mark.parametrize(
    ("optimizer", "batch"),
    [
        ("GD", "Full"),
        ("Momentum", "Mini-batch"),
        ("Adam", "Stochastic"),
        ("RMSprop", "Full"),
        ("Adagrad", "Full"),
    ],
)
def test_every_control_at_both_ends(optimizer, batch):
    at = app(optimizer=optimizer, batch=batch, dataset="Synthetic line", epochs=100)
    assert_ok(at)
    keys = [w.key for w in _widgets(at)]
    assert {
        "learning_rate",
        "lr_slider",
        "epochs",
        "noise",
        "n",
        "random_state",
        "w0",
        "b0",
    } <= set(keys)
    for key in keys:
        for value in _ends(next(w for w in _widgets(at) if w.key == key)):
            next(w for w in _widgets(at) if w.key == key).set_value(value).run()
            assert_ok(at)
            assert at.get("plotly_chart"), (key, value)


def test_bad_settings_keep_the_last_good_run():
    at = app(dataset="Synthetic line")
    assert_ok(at)
    at.sidebar.slider(key="x_min").set_value(50.0).run()
    at.sidebar.slider(key="x_max").set_value(0.0).run()
    assert_ok(at)
    assert any("x_range" in e.value for e in at.error)
    assert len(at.metric) == 5 and at.get("plotly_chart")


def test_log_slider_and_exact_entry_stay_in_sync():
    at = app()
    at.sidebar.select_slider(key="lr_slider").set_value(0.1).run()
    assert at.sidebar.number_input(key="learning_rate").value == 0.1
    at.sidebar.number_input(key="learning_rate").set_value(0.0123).run()
    assert at.sidebar.select_slider(key="lr_slider").value == pytest.approx(
        0.0126, rel=0.05
    )


def test_new_sample_changes_the_seed():
    at = app()
    seed = at.sidebar.number_input(key="random_state").value
    next(b for b in at.sidebar.button if b.label == "New sample").click().run()
    assert at.sidebar.number_input(key="random_state").value == seed + 1


def test_real_data_several_features_and_split():
    at = app(
        dataset="Iris (real)",
        standardize="true",
        learning_rate=0.1,
        epochs=300,
        test_fraction=0.2,
    )
    assert_ok(at)
    at.sidebar.multiselect(key="features").set_value(
        ["petal_length", "sepal_length"]
    ).run()
    assert_ok(at)
    fig = main_figure(at)
    assert fig["layout"]["annotations"][0]["text"] == "Predicted vs actual"
    names = [t.get("name") for t in fig["data"]]
    assert "test loss" in names
    assert [m.label for m in at.metric][1] == "R² train / test"


@pytest.mark.parametrize("dataset", ["Tips (real)", "Gapminder (real)"])
def test_bundled_datasets(dataset):
    at = app(dataset=dataset, epochs=100, learning_rate=0.0001)
    assert_ok(at)
    assert at.get("plotly_chart")


def test_upload_dataset_without_a_file_says_what_to_do():
    at = app(dataset="Uploaded CSV")
    assert_ok(at)
    assert any("upload it again" in e.value for e in at.error)


def test_contour_of_any_two_parameters_moves_with_the_path():
    at = app(dataset="Iris (real)", standardize="true", learning_rate=0.1, epochs=200)
    at.sidebar.multiselect(key="features").set_value(
        ["petal_length", "sepal_length", "sepal_width"]
    ).run()
    at.sidebar.selectbox(key="contour_x").set_value("w(sepal_length)").run()
    at.sidebar.selectbox(key="contour_y").set_value("w(sepal_width)").run()
    assert_ok(at)
    fig = main_figure(at)
    assert fig["layout"]["xaxis3"]["title"]["text"].startswith("w(sepal_length)")
    moving_fills = [
        i
        for i, t in enumerate(fig["data"])
        if t.get("fill") == "toself" and t.get("xaxis") == "x3"
    ]
    assert len(moving_fills) == 5
    # the slices are redrawn in every frame
    assert set(moving_fills) <= set(fig["frames"][10]["traces"])
    assert len(fig["frames"]) > 50 and {"playground", "partials"} <= {
        c.key for c in at.get("plotly_chart")
    }
    assert max(len(c.proto.spec) for c in at.get("plotly_chart")) < 1_000_000


def test_outlier_size_moves_the_optimum():
    at = app(
        dataset="Synthetic line", outlier_fraction=0.1, epochs=50, learning_rate=0.02
    )
    before = at.metric[0].value
    at.sidebar.slider(key="outlier_scale").set_value(50.0).run()
    assert_ok(at)
    assert at.metric[0].value != before


def test_the_momentum_presets_step_is_the_metrics_step():
    """The preset's claim ("converges by step N") and the metric name the same step:
    from there on ‖∇J‖ stays below the tolerance (recomputed here from the run's θ with
    numpy's gradient of (1/n)·Σ r²).
    """
    import re

    at = app(preset="momentum")
    assert_ok(at)
    claim = int(
        re.search(
            r"converges by step (\d+)", at.markdown[0].value.replace(",", "")
        ).group(1)
    )
    shown = next(m.value for m in at.metric if m.label == "Converged at")
    from linreg.app.presets import preset_settings
    from linreg.experiment import run

    r = run(preset_settings("momentum"))
    A = np.column_stack([r.x_train, np.ones(len(r.data.y))])
    grads = 2 / len(r.data.y) * (r.traj.theta @ A.T - r.data.y) @ A
    above = np.flatnonzero(np.linalg.norm(grads, axis=1) >= r.settings.tol)
    assert claim == above[-1] + 1
    assert shown == f"step {claim:,}"


@pytest.mark.parametrize(
    ("query", "said"),
    [({"preset": "diverging"}, "never: it diverged"), ({"epochs": 3}, "not yet")],
)
def test_converged_at_says_never_for_a_run_that_diverged(query, said):
    """A diverged run will not converge ("not yet" said it might); a run of 3 steps
    that has not converged yet says so."""
    at = app(**query)
    assert_ok(at)
    shown = next(m.value for m in at.metric if m.label == "Converged at")
    assert shown == said


def test_the_run_unfolds_unless_whole_run_and_presenting_hides_the_fourth_view():
    def moved(fig) -> set:
        names = [t.get("name") for t in fig["data"]]
        return {names[i] for f in fig["frames"] for i in f["traces"]}

    unfolding, whole = (
        main_figure(app(epochs=200)),
        main_figure(app(epochs=200, whole_run="true")),
    )
    assert {"path", "training loss", "readout"} <= moved(unfolding)
    assert "path" not in moved(whole) and "readout" in moved(whole)
    assert "xaxis4" in unfolding["layout"]  # the fourth view, by default
    # presenting: three views
    assert "xaxis4" not in main_figure(app(epochs=200, present="true"))["layout"]
    assert (
        "xaxis4"
        in main_figure(app(epochs=200, present="true", convergence_panel="show"))[
            "layout"
        ]
    )
