"""What the server draws for the widths the browser measured (display.SCREEN, set by the
probe in a real browser; set by hand here): three views stacked when the main area is
narrow, the learning rate over the chart when the sidebar would cover it, code under the
maths, a race table that fits.  The user agent plays no part (tests/test_screens.py: a
phone's at 1280 px, a desktop's at 390 px)."""

import pytest
from apptest_util import app, assert_ok, chart_specs, main_figure

from linreg.app.display import (
    CODE_BESIDE_MATHS_PX,
    FOUR_VIEWS_BESIDE_PX,
    SCREEN,
    SIDEBAR_COVERS_BELOW_PX,
    STACK_BELOW_PX,
)

PHONE = {"main": 358, "window": 390}
# a desktop window half a screen wide: the sidebar sits beside
SPLIT_SCREEN = {"main": 448, "window": 800}
PROJECTOR = {"main": 790, "window": 1280}


def measured(at, widths: dict, page: str | None = None):
    at.session_state[SCREEN] = widths
    if page:
        return at.switch_page(page).run()
    return at.run()


def stacked(fig: dict) -> bool:
    return fig["layout"]["xaxis"]["domain"] == fig["layout"]["xaxis3"]["domain"]


def test_the_measured_widths_sit_on_the_right_side_of_the_thresholds():
    assert (
        PHONE["main"] < STACK_BELOW_PX
        and SPLIT_SCREEN["main"] < STACK_BELOW_PX <= PROJECTOR["main"]
    )
    assert PHONE["window"] < SIDEBAR_COVERS_BELOW_PX <= SPLIT_SCREEN["window"]
    assert PROJECTOR["main"] < CODE_BESIDE_MATHS_PX
    # with a classic scrollbar (Windows) too
    assert STACK_BELOW_PX < FOUR_VIEWS_BESIDE_PX <= PROJECTOR["main"] - 17


@pytest.mark.parametrize(
    ("widths", "columns"),
    [
        (PHONE, 1),
        ({"main": FOUR_VIEWS_BESIDE_PX - 1, "window": 1100}, 2),
        (PROJECTOR, 4),
    ],
)
def test_the_momentum_scrubbers_four_views_sit_in_a_row_where_they_fit(widths, columns):
    """In a row on a laptop with the sidebar open (the sliders then sit on screen with
    the views they move), two by two narrower, stacked on a phone."""
    at = measured(app(scrub="true", optimizer="momentum"), widths)
    assert_ok(at)
    (fig,) = [s for s in chart_specs(at) if len(s["layout"].get("sliders", [])) == 2]
    starts = {fig["layout"][f"xaxis{k}"]["domain"][0] for k in ("", 2, 3, 4)}
    assert len(starts) == columns


@pytest.mark.parametrize(
    ("widths", "stack"), [(PHONE, True), (SPLIT_SCREEN, True), (PROJECTOR, False)]
)
def test_the_views_stack_when_the_main_area_is_narrow(widths, stack):
    at = measured(app(), widths)
    assert_ok(at)
    assert stacked(main_figure(at)) == stack
    toolbar = [c.proto.config for c in at.get("plotly_chart")]
    assert all(('"displayModeBar": false' in c) == stack for c in toolbar), toolbar


def test_on_a_phone_the_learning_rate_sits_over_the_chart_in_step_with_the_sidebar():
    at = measured(app(), PHONE)
    over = at.select_slider(key="lr_over_chart")
    assert over.value == at.sidebar.number_input(key="learning_rate").value == 0.01
    over.set_value(0.1).run()
    assert at.sidebar.number_input(key="learning_rate").value == 0.1
    assert at.sidebar.select_slider(key="lr_slider").value == 0.1
    # the run shown is the new rate's
    assert any("learning rate 0.1**" in m.value for m in at.markdown)
    # and the other way round
    at.sidebar.number_input(key="learning_rate").set_value(0.02).run()
    assert at.select_slider(key="lr_over_chart").value == 0.02


def test_beside_the_sidebar_the_learning_rate_stays_in_it():
    at = measured(app(), SPLIT_SCREEN)
    assert not [s for s in at.select_slider if s.key == "lr_over_chart"]


def test_learn_puts_the_code_under_the_maths_unless_there_is_room_for_both():
    at = measured(app(), PROJECTOR, "pages/learn.py")
    assert_ok(at)
    # code under the maths, not beside
    assert at.code and not any(c.get("code") for c in at.main.columns)
    wide = measured(
        app(), {"main": CODE_BESIDE_MATHS_PX, "window": 1600}, "pages/learn.py"
    )
    assert any(c.get("code") for c in wide.main.columns)


def test_the_race_table_on_a_phone_has_one_column_per_optimizer():
    at = measured(app(), PHONE, "pages/race.py")
    assert_ok(at)
    table = at.table[0].value
    assert list(table.columns) == ["GD", "Momentum", "Adam"]
    assert "final loss" in table.index and "distance to optimum" in table.index


def test_the_data_summary_on_a_phone_has_one_column_per_data_column():
    at = measured(app(), PHONE, "pages/data.py")
    assert_ok(at)
    table = at.table[0].value
    assert list(table.columns) == ["age (scaled 0-1)", "cortical thickness (mm)"]
    assert list(table.index) == ["mean", "std", "min", "max"]
    assert (
        float(table.loc["min", "age (scaled 0-1)"]) == 0.0
        and float(table.loc["max", "age (scaled 0-1)"]) == 1.0
    )
