"""What the class sees: legible figures, the views stacked on a phone, presentation
mode, schedules, one-click fixes, controls that say what they take (AppTest; the browser
suite measures the pixels).
"""

import numpy as np
import pytest
from apptest_util import app, assert_ok, chart_specs, main_figure
from plotly_util import values

from linreg.experiment import Settings, run


def solid_named_lines(fig) -> list[dict]:
    return [
        t
        for t in fig["data"]
        if t.get("mode", "").startswith("lines")
        and t.get("name")
        and t.get("line", {}).get("dash", "solid") == "solid"
        and t.get("fill") != "toself"
    ]


@pytest.mark.parametrize(
    "query",
    [
        {},
        {"preset": "diverging"},
        {"dataset": "iris", "features": ["petal_length", "sepal_length"]},
    ],
)
def test_type_and_lines_are_big_enough_for_the_back_row(query):
    fig = main_figure(app(**query))
    layout = fig["layout"]
    axes = [v for k, v in layout.items() if k.startswith(("xaxis", "yaxis"))]
    assert axes and all(a["tickfont"]["size"] >= 14 for a in axes)
    assert layout["legend"]["font"]["size"] >= 14
    for trace in solid_named_lines(fig):
        assert trace["line"]["width"] >= 2.5, trace["name"]
        # faint only as a wide band (a theory's guide under the measured curve)
        wide = trace["line"]["width"] >= 6
        assert trace.get("opacity", 1) >= 0.8 or wide, trace["name"]


def test_stacked_on_request_and_side_by_side_by_default():
    side = main_figure(app())["layout"]
    assert side["xaxis"]["domain"] != side["xaxis3"]["domain"]
    stacked = main_figure(app(layout="stacked"))["layout"]
    assert (
        stacked["xaxis"]["domain"] == stacked["xaxis3"]["domain"]
        and stacked["height"] > 900
    )


def test_presentation_mode_shows_only_the_views_player_and_presets():
    at = app(present="true")
    assert_ok(at)
    assert not at.metric and not at.main.expander
    fig = main_figure(at)
    assert (
        fig["layout"]["xaxis"]["tickfont"]["size"]
        > main_figure(app())["layout"]["xaxis"]["tickfont"]["size"]
    )
    assert "present" in str(at.query_params)


def test_eigen_axes_are_named_with_their_lambda():
    texts = [
        t.get("text", [""])[0]
        for t in main_figure(app())["data"]
        if t.get("mode") == "text"
    ]
    assert any(t.startswith("steep, λ = ") for t in texts) and any(
        t.startswith("shallow, λ = ") for t in texts
    )


def test_residuals_coloured_by_their_pull_on_w():
    names = [t.get("name") for t in main_figure(app(residuals="true"))["data"]]
    assert "pushes w down (r·x > 0)" in names and "pushes w up (r·x < 0)" in names


def test_divergence_has_edge_markers_and_one_click_fixes():
    at = app(preset="diverging")
    fig = main_figure(at)
    edges = [
        t
        for t in fig["data"]
        if t.get("mode") == "markers+text"
        and t.get("marker", {}).get("symbol") == "diamond"
    ]
    # a frame never empties a trace (Plotly would keep the frame before's marker)
    for frame in fig["frames"]:
        assert all(len(values(new["x"])) for new in frame["data"]), frame["name"]
    # the fitted line and the path, each one trace of one point (Plotly works through
    # every trace on every frame)
    assert sorted(t.get("xaxis", "x") for t in edges) == ["x", "x3"]
    assert all(len(values(t["x"])) == 1 for t in edges)
    marked = [t for t in edges if any(t.get("text") or [])]
    shown = {t.get("xaxis", "x"): t for t in marked}
    assert sorted(t.get("xaxis", "x") for t in marked) == ["x", "x3"]
    assert shown["x"]["text"][0].startswith(("↑ line at y ≈", "↓ line at y ≈"))
    assert shown["x3"]["text"][0] == "path leaves the view"
    # the words read inwards from the edge: never over the ticks
    for axis, t in shown.items():
        y_range = fig["layout"]["yaxis" + t.get("yaxis", "y")[1:]]["range"]
        at_top = t["y"][0] > sum(y_range) / 2
        assert t["textposition"][0].startswith("bottom" if at_top else "top"), (
            axis,
            t["textposition"],
        )
    lr = at.sidebar.number_input(key="learning_rate").value
    next(b for b in at.button if b.label == "Halve lr").click().run()
    assert at.sidebar.number_input(key="learning_rate").value == pytest.approx(lr / 2)
    assert not at.error


def test_the_log_slider_shows_the_boxs_number():
    at = app(preset="best")
    assert (
        at.sidebar.select_slider(key="lr_slider").value
        == at.sidebar.number_input(key="learning_rate").value
    )


def test_a_bad_setting_names_the_control_to_change():
    at = app(dataset="synthetic")
    at.sidebar.slider(key="x_min").set_value(50.0).run()
    at.sidebar.slider(key="x_max").set_value(0.0).run()
    assert "“x from” and “x to”" in at.error[0].value and at.get("plotly_chart")


def element_after(block, key: str):
    """The element drawn right after the widget ``key`` in ``block`` (searched through
    nested blocks)."""
    children = list(block.children.values())
    for i, here in enumerate(children):
        if getattr(here, "key", None) == key:
            return children[i + 1] if i + 1 < len(children) else None
        found = element_after(here, key) if hasattr(here, "children") else None
        if found is not None:
            return found
    return None


@pytest.mark.parametrize(
    ("query", "change", "control", "words"),
    [
        (
            {"dataset": "synthetic"},
            {"x_min": 50.0, "x_max": 0.0},
            "x_max",
            "x_range must be",
        ),
        (
            {"dataset": "iris", "features": "petal_width", "target": "petal_width"},
            {},
            "target",
            "both a feature",
        ),
    ],
)
def test_a_bad_settings_message_sits_beside_its_control(query, change, control, words):
    at = app(**query)
    for key, value in change.items():
        at.sidebar.slider(key=key).set_value(value).run()
    assert_ok(at)
    beside = element_after(at.sidebar, control)
    assert beside is not None and beside.type == "error" and words in beside.value
    assert len(at.sidebar.error) == 1  # beside that control only


SCHEDULED = [
    ("step", {"gamma": 0.5, "step_size": 10}),
    ("exponential", {"gamma": 0.9}),
    ("inverse_time", {"decay": 0.1}),
]


@pytest.mark.parametrize(("schedule", "extra"), SCHEDULED)
def test_schedules_run_and_are_drawn_under_the_loss(schedule, extra):
    at = app(schedule=schedule, epochs=40, learning_rate=0.5, **extra)
    assert_ok(at)
    fig = main_figure(at)
    drawn = next(t for t in fig["data"] if t.get("name") == "learning rate (schedule)")
    e = np.arange(40)
    by_hand = {
        "step": 0.5 * 0.5 ** np.floor(e / 10),
        "exponential": 0.5 * 0.9**e,
        "inverse_time": 0.5 / (1 + 0.1 * e),
    }[schedule]
    np.testing.assert_allclose(
        run(
            Settings(schedule=schedule, epochs=40, learning_rate=0.5, **extra)
        ).traj.learning_rate,
        by_hand,
    )
    assert drawn["yaxis"] != fig["data"][0]["yaxis"]


def test_real_tables_open_standardized():
    at = app()
    at.sidebar.selectbox(key="dataset").set_value("gapminder").run()
    assert_ok(at)
    assert at.session_state["standardize"] is True and not at.error


@pytest.mark.parametrize(
    ("optimizer", "batch"), [("gd", "full"), ("momentum", "mini"), ("adam", "sgd")]
)
def test_every_view_option_reaches_the_url(optimizer, batch):
    at = app(optimizer=optimizer, batch=batch, epochs=20)
    at.sidebar.checkbox(key="residuals").check().run()
    at.sidebar.checkbox(key="equal_axes").check().run()
    at.sidebar.radio(key="log_loss").set_value("linear").run()
    at.sidebar.radio(key="surface").set_value("3-D").run()
    query = str(at.query_params)
    for key in ("residuals", "equal_axes", "log_loss", "surface"):
        assert key in query, key
    assert (optimizer != "gd") == ("optimizer" in query) and (batch != "full") == (
        "batch" in query
    )


@pytest.mark.parametrize(
    "query", [{"epochs": 1}, {"dataset": "gapminder", "standardize": "false"}]
)
def test_learn_page_with_a_single_update(query):
    at = app("pages/learn.py", **query)
    assert_ok(at)


def test_momentum_map_marks_the_current_pair():
    specs = chart_specs(
        app("pages/sweep.py", optimizer="momentum", learning_rate=0.1, momentum=0.5)
    )
    names = [t.get("name", "") for f in specs for t in f["data"]]
    assert any(n.startswith("yours: lr 0.1, momentum 0.50") for n in names)


def test_race_runs_differ_by_dash_and_marker_not_colour_alone():
    fig = main_figure(app("pages/race.py"))
    paths = [
        t
        for t in fig["data"]
        if t.get("legendgroup")
        and t.get("mode") == "lines"
        and t.get("showlegend") is not False
    ]
    assert len({t["line"].get("dash") for t in paths}) == len(paths) == 3
