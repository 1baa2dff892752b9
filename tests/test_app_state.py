"""AppTest: state that must not leak from one run, dataset or page into the next (issue:
a live demo that never trips): a new run opens on its last step, a dataset comes with
its own data controls, the share link carries the Learn page's step."""

import pytest
from apptest_util import app, assert_ok, main_figure

from linreg.app.presets import PRESETS
from linreg.app.state import data_keys
from linreg.experiment import Settings, run


def preset(at, name: str) -> None:
    at.pills(key="preset_choice").set_value(name).run()
    assert_ok(at)


def shown_step(at) -> int:
    """The step the main chart opens on (its step slider's active label)."""
    slider = main_figure(at)["layout"]["sliders"][0]
    return int(slider["steps"][slider["active"]]["label"])


def query(at) -> dict:
    return {k: at.query_params[k] for k in at.query_params}


# ---------------------------------------------------------------- a new run opens on
# its last step
def full_batch_epochs(name: str) -> int:
    """A full-batch preset that converges makes one update per epoch: its last step is
    its epoch count."""
    s = Settings(**PRESETS[name].changes)
    assert s.batch == "full"
    return s.epochs


@pytest.mark.parametrize(
    ("first", "then"), [("best", "lesson"), ("diverging", "momentum")]
)
def test_a_new_run_opens_on_its_last_step(first, then):
    at = app()
    preset(at, first)
    preset(at, then)
    last = full_batch_epochs(then)
    assert at.number_input(key="inspect_step").value == last
    assert shown_step(at) == last
    assert any(c.value.startswith(f"Step {last} (") for c in at.main.caption)


def test_halve_lr_opens_the_fixed_run_on_its_last_step():
    at = app(preset="diverging")
    epochs = full_batch_epochs("diverging")
    # stopped when it diverged
    assert at.number_input(key="inspect_step").value < epochs
    next(b for b in at.button if b.label == "Halve lr").click().run()
    assert not at.error  # half of 1.05 x 2/L converges: every epoch runs
    assert (
        at.number_input(key="inspect_step").value == epochs and shown_step(at) == epochs
    )


def test_the_inspector_steps_within_one_run():
    at = app(epochs=300)
    at.number_input(key="inspect_step").set_value(5).run()
    assert shown_step(at) == 5
    at.number_input(key="inspect_step").increment().run()
    assert at.number_input(key="inspect_step").value == 6 and shown_step(at) == 6
    at.sidebar.checkbox(key="residuals").check().run()  # a view option is the same run
    assert at.number_input(key="inspect_step").value == 6
    at.sidebar.number_input(key="epochs").set_value(400).run()  # another run
    assert at.number_input(key="inspect_step").value == 400 and shown_step(at) == 400


# ---------------------------------------------------------------- a dataset brings its
# own controls The bundled tables' default columns, as their sources describe them.
COLUMNS = {
    "tips": ("total_bill", "tip"),
    "iris": ("petal_length", "petal_width"),
    "gapminder": ("gdpPercap", "lifeExp"),
}


def choose_dataset(at, name: str) -> None:
    at.sidebar.selectbox(key="dataset").set_value(name).run()
    assert_ok(at)


def test_switching_tables_brings_each_tables_own_columns():
    at = app()
    for name, (feature, target) in COLUMNS.items():
        choose_dataset(at, name)
        assert not at.warning, [w.value for w in at.warning]
        assert at.sidebar.multiselect(key="features").value == [feature]
        assert at.sidebar.selectbox(key="target").value == target
        assert at.session_state["standardize"] is True
        assert query(at) == {
            "dataset": name,
            "standardize": "true",
            "features": feature,
            "target": target,
        }


def test_back_to_the_lessons_data_is_the_lesson_again():
    at = app()
    for name in COLUMNS:
        choose_dataset(at, name)
    choose_dataset(at, "cortical")
    assert at.session_state["standardize"] is False
    assert query(at) == {}  # no columns, no scaling left in the link
    assert f"**{PRESETS['lesson'].label}:**" in at.markdown[0].value
    assert "features standardized" not in at.caption[0].value


def test_what_the_user_set_for_a_dataset_comes_back_with_it():
    at = app()
    choose_dataset(at, "iris")
    at.sidebar.multiselect(key="features").set_value(
        ["sepal_length", "sepal_width"]
    ).run()
    at.sidebar.checkbox(key="standardize").uncheck().run()
    choose_dataset(at, "tips")
    # not Iris's choice
    assert at.sidebar.multiselect(key="features").value == ["total_bill"]
    assert at.session_state["standardize"] is True
    choose_dataset(at, "iris")
    assert at.sidebar.multiselect(key="features").value == [
        "sepal_length",
        "sepal_width",
    ]
    assert at.session_state["standardize"] is False
    assert query(at)["features"] == ["sepal_length", "sepal_width"]
    # a link naming iris opens it standardized: this one says not
    assert query(at)["standardize"] == "false"


def test_a_generated_datasets_sample_size_stays_with_it():
    at = app()
    at.sidebar.number_input(key="n").set_value(300).run()
    choose_dataset(at, "synthetic")
    assert at.sidebar.number_input(key="n").value == Settings().n
    choose_dataset(at, "cortical")
    assert at.sidebar.number_input(key="n").value == 300 and query(at) == {"n": "300"}


def test_a_preset_on_other_data_keeps_the_users_choices_for_the_last():
    at = app()
    choose_dataset(at, "iris")
    at.sidebar.selectbox(key="target").set_value("sepal_width").run()
    preset(at, "unscaled")  # synthetic data
    assert "target" not in query(at)
    choose_dataset(at, "iris")
    assert at.sidebar.selectbox(key="target").value == "sepal_width"


@pytest.mark.parametrize("dataset", ["cortical", "synthetic", "iris"])
def test_the_data_section_draws_the_datasets_controls(dataset):
    """The keys a dataset change sets are the ones the sidebar's Data section draws for
    that dataset."""
    at = app(dataset=dataset)
    section = next(e for e in at.sidebar.expander if e.label == "Data")

    def keys(node) -> list[str]:
        children = getattr(node, "children", {}).values()
        return [
            k
            for c in children
            for k in ([c.key] if getattr(c, "key", None) else []) + keys(c)
        ]

    assert sorted(keys(section)) == sorted(["dataset", *data_keys(dataset)])


# ---------------------------------------------------------------- the Learn page's step
# in the link
def test_the_share_link_carries_the_learn_pages_step():
    at = app("pages/learn.py")
    at.slider(key="learn_step").set_value(57).run()
    assert query(at)["learn_step"] == "57"
    assert "learn_step=57" in at.code[-1].value  # the share link shown on the page
    reopened = app("pages/learn.py", **query(at))
    assert_ok(reopened)
    assert reopened.slider(key="learn_step").value == 57
    theta = run(Settings()).traj.theta[58]  # the update 57 -> 58
    assert (
        f"{theta[0]:.4g}" in reopened.latex[3].value
        and f"{theta[1]:.4g}" in reopened.latex[3].value
    )


def test_the_learn_step_stays_across_pages_and_follows_a_shorter_run():
    at = app("pages/learn.py")
    at.slider(key="learn_step").set_value(57).run()
    at.switch_page("pages/playground.py").run()
    assert query(at)["learn_step"] == "57"
    # 20 updates: 0 -> 1 .. 19 -> 20
    at.sidebar.number_input(key="epochs").set_value(20).run()
    at.switch_page("pages/learn.py").run()
    assert_ok(at)
    assert (
        at.slider(key="learn_step").value == 19
        and "Step 57 is past" in at.info[0].value
    )


def test_a_learn_step_past_the_run_shows_its_last_update_and_says_so():
    # the lesson's run has 2000 updates: 0 -> 1 .. 1999 -> 2000
    at = app("pages/learn.py", learn_step=5000)
    assert_ok(at)
    assert at.slider(key="learn_step").value == 1999
    assert "Step 5,000 is past this run's last update" in at.info[0].value
    assert query(at)["learn_step"] == "1999"


@pytest.mark.parametrize("bad", ["-3", "2.5", "lots", str(10**9)])
def test_a_bad_learn_step_is_cleaned_like_every_key(bad):
    at = app(learn_step=bad)
    assert_ok(at)
    assert any("`learn_step=" in w.value and "instead" in w.value for w in at.warning)
    at.switch_page("pages/learn.py").run()
    assert_ok(at)
    assert at.slider(key="learn_step").value == 0 and "learn_step" not in query(at)
