"""The learning rate's box and slider follow the data's limit 2/L: unscaled data whose
limit is below the ordinary range (Gapminder's GDP column: 2/L ~ 7e-9) can still be
given a rate that converges.
"""

import numpy as np
import pytest
from apptest_util import app, assert_ok

from linreg.app.controls import learning_rate_options, learning_rate_range
from linreg.bundled import bundled_table


def gapminder_gdp_limit() -> float:
    """2/L for lifeExp ~ gdpPercap unscaled, from the table itself: L = the top
    eigenvalue of (2/n) A^T A."""
    x = bundled_table("gapminder").values["gdpPercap"]
    A = np.column_stack([x, np.ones_like(x)])
    return 2 / np.linalg.eigvalsh(2 / len(x) * A.T @ A)[-1]


@pytest.mark.parametrize(
    ("limit", "current", "expected"),
    [
        (0.79, (), (1e-6, 100.0)),  # the lesson's data: the ordinary range
        (
            2.6e-7,
            (),
            (1e-11, 100.0),
        ),  # 2.6e-11 is four decades below: the box reaches its decade
        (2e10, (), (1e-6, 1e12)),  # tiny features: one decade above 2e10
        (None, (), (1e-6, 100.0)),  # no data to follow
        (0.79, (1e-9, 500.0), (1e-9, 500.0)),  # a rate already set stays in its box
    ],
)
def test_the_range_follows_the_limit(limit, current, expected):
    assert learning_rate_range(limit, *current) == pytest.approx(expected)


def test_the_slider_reaches_three_decades_below_the_limit():
    options = learning_rate_options(2.6e-7)
    assert options[0] == pytest.approx(1e-10) and options[-1] == pytest.approx(10.0)
    assert np.allclose(np.diff(np.log10(options)), 0.05, atol=0.003)  # 20 a decade
    # ordinary data: 1e-4 to 10, as before
    assert learning_rate_options(0.79)[0] == pytest.approx(1e-4)


def test_unscaled_gdp_gets_a_box_that_reaches_a_rate_that_converges():
    limit = gapminder_gdp_limit()
    assert limit < 1e-6  # below the ordinary box: it could never converge there
    at = app(dataset="gapminder", standardize="false", epochs=200)
    assert_ok(at)
    box = at.sidebar.number_input(key="learning_rate")
    assert box.min <= limit / 1e4 and f"from {box.min:g} to" in box.label
    assert float(at.sidebar.select_slider(key="lr_slider").options[0]) <= limit / 1e3
    box.set_value(float(f"{limit / 2:.3g}")).run()
    assert_ok(at)
    assert not at.error  # no divergence
    # the gauge's zone
    assert "diverging" not in " ".join(c.value for c in at.sidebar.caption)


def test_a_link_may_carry_a_rate_the_data_need():
    limit = gapminder_gdp_limit()
    rate = f"{limit / 2:.3g}"
    at = app(dataset="gapminder", standardize="false", learning_rate=rate)
    assert_ok(at)
    assert not at.warning and at.sidebar.number_input(
        key="learning_rate"
    ).value == float(rate)
    at = app(learning_rate=rate)  # the lesson's data: far below its range
    assert "must be between 1e-06 and 100" in " ".join(w.value for w in at.warning)


def test_halving_a_diverging_rate_goes_below_the_ordinary_floor():
    at = app(dataset="gapminder", standardize="false", learning_rate="1e-6", epochs=50)
    assert any("Diverged" in e.value for e in at.error)
    next(b for b in at.button if b.label == "Halve lr").click().run()
    assert at.sidebar.number_input(key="learning_rate").value == pytest.approx(5e-7)
