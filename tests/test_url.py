"""The address bar: keys, not labels; old links; garbage cleaned before any widget;
share links round-trip."""

from urllib.parse import parse_qs, urlsplit

import pytest
from apptest_util import app, assert_ok

from linreg.app.url import parse


def link_warnings(at) -> str:
    return " ".join(w.value for w in at.warning)


def test_url_carries_keys_not_labels():
    at = app()
    at.sidebar.selectbox(key="optimizer").set_value("momentum").run()
    at.sidebar.selectbox(key="dataset").set_value("iris").run()
    at.sidebar.radio(key="batch").set_value("mini").run()
    assert (
        at.query_params["optimizer"] == ["momentum"]
        or at.query_params["optimizer"] == "momentum"
    )
    assert "iris" in str(at.query_params["dataset"]) and "mini" in str(
        at.query_params["batch"]
    )


def test_old_links_with_labels_and_old_names_still_work():
    at = app(
        optimizer="Momentum", dataset="Iris (real)", batch="Mini-batch", seed=3, lr=0.2
    )
    assert_ok(at)
    assert at.sidebar.selectbox(key="optimizer").value == "momentum"
    assert at.sidebar.selectbox(key="dataset").value == "iris"
    assert at.sidebar.number_input(key="random_state").value == 3
    assert at.sidebar.number_input(key="learning_rate").value == 0.2
    assert not at.warning


@pytest.mark.parametrize(
    "bad", ["inf", "-inf", "nan", "1e999", "", "lots", "0.5e", "3.7"]
)
@pytest.mark.parametrize("key", ["epochs", "n", "random_state"])
def test_garbage_in_whole_number_controls(key, bad):
    at = app(**{key: bad})
    assert_ok(at)
    assert at.get("plotly_chart")
    assert f"`{key}=" in link_warnings(at) and "instead" in link_warnings(at)


@pytest.mark.parametrize("bad", ["inf", "nan", "1e999", "-1", "1000", "x"])
def test_garbage_learning_rate(bad):
    at = app(learning_rate=bad)
    assert_ok(at)
    assert at.sidebar.number_input(key="learning_rate").value == 0.01
    assert "`learning_rate=" in link_warnings(at)


def test_repeated_and_unknown_parameters():
    at = app(epochs=["100", "300"], colour="red", optimizer="lbfgs")
    assert_ok(at)
    assert at.sidebar.number_input(key="epochs").value == 300  # the last one wins
    assert "`colour` is not a setting" in link_warnings(
        at
    ) and "`optimizer=lbfgs` must be one of" in link_warnings(at)


def test_parse_is_strict_and_names_the_rule():
    assert parse("alpha", ["0.01"]) == 0.01
    with pytest.raises(ValueError, match="one of"):
        parse("alpha", ["0.02"])
    assert parse("standardize", ["TRUE"]) is True
    with pytest.raises(ValueError, match="true or false"):
        parse("standardize", ["maybe"])
    assert parse("race_optimizers", ["GD", "adam"]) == ("gd", "adam")


def test_share_link_round_trips_several_features_and_race_optimizers():
    features = ["petal_length", "sepal_length", "sepal_width"]
    at = app(
        "pages/race.py",
        dataset="iris",
        standardize="true",
        learning_rate=0.1,
        epochs=50,
    )
    at.sidebar.multiselect(key="features").set_value(features).run()
    at.multiselect(key="race_optimizers").set_value(["gd", "nesterov", "adam"]).run()
    at.switch_page("pages/learn.py").run()
    assert_ok(at)
    link = next(c.value for c in at.code if "?" in c.value)
    query = parse_qs(urlsplit(link).query, keep_blank_values=True)
    assert query["features"] == features and query["race_optimizers"] == [
        "gd",
        "nesterov",
        "adam",
    ]
    again = app("pages/race.py", **query)
    assert_ok(again)
    assert again.sidebar.multiselect(key="features").value == features
    assert again.multiselect(key="race_optimizers").value == ["gd", "nesterov", "adam"]
    assert again.sidebar.number_input(key="learning_rate").value == 0.1


@pytest.mark.parametrize(
    "query",
    [
        {
            "dataset": "upload",
            "features": "x",
            "target": "y",
        },  # an uploaded file is not on a fresh server
        {
            "dataset": "iris",
            "features": "petal_width",
            "target": "petal_width",
        },  # feature = target
        {"dataset": "synthetic", "x_min": 5, "x_max": -5},  # inverted x range
    ],
)
@pytest.mark.parametrize(
    "page", [None, "pages/race.py", "pages/sweep.py", "pages/learn.py", "pages/data.py"]
)
def test_a_link_that_cannot_be_rebuilt_opens_the_default_run_with_a_notice(query, page):
    at = app(page, **query)
    assert_ok(at)
    assert at.error and "default run is shown" in at.error[0].value
    assert at.get("plotly_chart")


GARBAGE = [
    "inf",
    "-inf",
    "nan",
    "1e999",
    "",
    "-1",
    "0",
    "1e-320",
    "abc",
    "%00",
    "1,5",
    "true",
    "[]",
    "💥",
    "9" * 40,
]


@pytest.mark.parametrize("seed", range(6))
def test_random_links_never_break_a_page(seed):
    """A fuzz over links: random keys of the app's controls, each with 1-2 garbage or
    extreme values."""
    import random

    from linreg.app.url import url_keys

    rnd = random.Random(seed)
    keys = [k for k in url_keys() if k not in ("race_optimizers",)] + [
        "race_optimizers",
        "unknown_key",
        "preset",
    ]
    query = {
        k: [rnd.choice(GARBAGE) for _ in range(rnd.randint(1, 2))]
        for k in rnd.sample(keys, 8)
    }
    page = rnd.choice(
        [None, "pages/race.py", "pages/sweep.py", "pages/learn.py", "pages/data.py"]
    )
    at = app(page, **query)
    assert_ok(at)
    assert at.get("plotly_chart"), query


def test_an_unknown_preset_is_named_and_the_defaults_shown():
    at = app(preset="nope")
    assert_ok(at)
    assert (
        "`preset=nope` is not a preset" in link_warnings(at)
        and "preset" not in at.query_params
    )


def test_a_links_notice_stays_through_reruns_until_a_control_changes():
    at = app(optimizer="momentum", momentum=2)
    notice = "`momentum=2` must be between 0 and 0.99: using 0.9 instead"
    assert notice in link_warnings(at).replace("\\", "")
    # the browser's width probe reruns the script: the notice must not vanish with it
    at.run()
    at.run()
    assert notice in link_warnings(at).replace("\\", "")
    # the user moves on
    at.sidebar.number_input(key="learning_rate").set_value(0.02).run()
    assert not link_warnings(at)


def test_a_link_naming_a_table_opens_it_on_its_own_defaults_and_round_trips():
    at = app(dataset="tips")
    assert_ok(at)
    # as the sidebar opens it: unscaled, 0.01 diverges on tips
    assert at.session_state["standardize"] is True
    assert not any("Diverged" in e.value for e in at.error)
    at.sidebar.checkbox(key="standardize").uncheck().run()
    shared = {k: at.query_params[k] for k in at.query_params}
    assert shared.get("standardize") in ("false", ["false"])
    again = app(**shared)
    assert again.session_state["standardize"] is False
