"""The app reads every optimizer fact from the registry: defaults trained, limits
quoted, rules shown."""

import math
import re

import numpy as np
import pytest
from apptest_util import app, assert_ok
from test_registry import TORCH_DEFAULTS

from linreg.datasets import cortical_thickness
from linreg.optimizers import REGISTRY

SYMBOLS = {"momentum": "μ", "beta1": "β₁", "beta2": "β₂", "rho": "ρ", "eps": "ε"}


def trained_hyperparameters(at) -> str:
    return next(c.value for c in at.caption if c.value.startswith("Loss:"))


def steepest_eigenvalue() -> float:
    """L of the default data, by hand: the largest eigenvalue of (2/n) A^T A."""
    d = cortical_thickness()
    A = np.column_stack([d.X[:, 0], np.ones(len(d.y))])
    return float(np.linalg.eigvalsh(2 / len(d.y) * A.T @ A)[-1])


@pytest.mark.parametrize("optimizer", list(REGISTRY))
def test_app_trains_every_optimizer_with_torchs_defaults(optimizer):
    at = app(epochs=20)
    at.sidebar.selectbox(key="optimizer").set_value(optimizer).run()
    assert_ok(at)
    shown = trained_hyperparameters(at)
    for name, value in TORCH_DEFAULTS[optimizer].items():
        assert f"{SYMBOLS[name]} {value:g}" in shown, shown


def test_switching_optimizer_takes_the_new_ones_defaults():
    at = app(optimizer="adam", eps=1e-6, epochs=20)
    assert "ε 1e-06" in trained_hyperparameters(at)
    at.sidebar.selectbox(key="optimizer").set_value("adagrad").run()
    assert "ε 1e-10" in trained_hyperparameters(at)


@pytest.mark.parametrize("optimizer", list(REGISTRY))
def test_learn_page_shows_the_registrys_rule(optimizer):
    at = app("pages/learn.py", optimizer=optimizer, epochs=5)
    assert_ok(at)
    # each statement of the rule on a line of its own (the page breaks the rule where it
    # writes ",\\quad")
    statements = re.split(r",\\(?:quad|\s)\s*", REGISTRY[optimizer].latex)
    update = next(latex.value for latex in at.latex if statements[-1] in latex.value)
    assert all(f"&{s.strip()}\\\\" in update for s in statements), (statements, update)


@pytest.mark.parametrize(
    ("optimizer", "factor"), [("gd", 2.0), ("momentum", 3.8), ("nesterov", 3.8 / 2.8)]
)
def test_reveal_asks_about_the_running_optimizers_limit_and_is_right(optimizer, factor):
    limit = factor / steepest_eigenvalue()
    asked = set()
    for draw in range(8):
        at = app("pages/learn.py", optimizer=optimizer)
        at.session_state["reveal_draw"] = draw
        at.run()
        question = next(
            m.value for m in at.markdown if "What will a learning rate" in m.value
        )
        lr = float(question.split("of ")[1].split(" ")[0])
        asked.add(round(lr / limit, 2))
        at.radio(key="reveal_guess").set_value("diverged").run()
        at.button(key="reveal").click().run()
        assert_ok(at)
        answer = (at.success or at.warning)[0].value
        shown = math.floor(limit * 10 ** (2 - math.floor(math.log10(limit)))) / 10 ** (
            2 - math.floor(math.log10(limit))
        )
        assert REGISTRY[optimizer].limit_text in answer and f"{shown:g}" in answer
        assert ("**diverged**" in answer) == (lr > limit)
    assert (
        {0.5, 0.97, 1.03} & asked
        and any(f > 1 for f in asked)
        and any(f < 1 for f in asked)
    )


def test_reveal_for_adaptive_optimizers_says_there_is_no_fixed_limit():
    at = app("pages/learn.py", optimizer="adam")
    at.radio(key="reveal_guess").set_value("converged").run()
    at.button(key="reveal").click().run()
    assert_ok(at)
    assert "No fixed limit applies" in (at.success or at.warning)[0].value


@pytest.mark.parametrize(
    ("optimizer", "momentum", "factor"),
    [("nesterov", 0.99, 3.98 / 2.98), ("momentum", 0.5, 3.0)],
)
def test_divergence_banner_quotes_the_running_optimizers_limit(
    optimizer, momentum, factor
):
    limit = factor / steepest_eigenvalue()
    at = app(
        optimizer=optimizer,
        momentum=momentum,
        learning_rate=f"{1.1 * limit:.4g}",
        epochs=3000,
    )
    assert_ok(at)
    banner = at.error[0].value
    assert (
        REGISTRY[optimizer].limit_text in banner
        and f"{limit:.4g}" in banner
        and "1.10 ×" in banner
    )


def test_gauge_caption_for_every_optimizer():
    for optimizer, spec in REGISTRY.items():
        at = app(optimizer=optimizer, epochs=10)
        caption = " ".join(c.value for c in at.sidebar.caption)
        assert (
            (spec.limit_text in caption)
            if spec.limit_text
            else ("Measured on 60 full-batch runs" in caption)
        )
