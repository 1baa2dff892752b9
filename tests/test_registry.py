"""The optimizer registry against independent references: torch.optim's documented
defaults, and each stability statement against runs at 0.97x and 1.03x of the limit it
states."""

import numpy as np
import pytest

from linreg import analyse_data, cortical_thickness, train
from linreg.datasets import Standardizer, synthetic_linear
from linreg.optimizers import REGISTRY, make_optimizer
from linreg.theory import limit as rate_limit

# torch.optim's signatures (torch 2.x documentation): Adagrad(lr_decay=0, eps=1e-10),
# RMSprop(alpha=0.99, eps=1e-08) (our rho is its alpha), Adam(betas=(0.9, 0.999),
# eps=1e-08). SGD's momentum defaults to 0 (plain GD); 0.9 is the customary value and
# the lessons'.
TORCH_DEFAULTS = {
    "gd": {},
    "momentum": {"momentum": 0.9},
    "nesterov": {"momentum": 0.9},
    "adagrad": {"eps": 1e-10},
    "rmsprop": {"rho": 0.99, "eps": 1e-8},
    "adam": {"beta1": 0.9, "beta2": 0.999, "eps": 1e-8},
}


def test_defaults_are_torchs():
    assert {name: spec.defaults for name, spec in REGISTRY.items()} == TORCH_DEFAULTS
    for name, hp in TORCH_DEFAULTS.items():
        assert make_optimizer(name).hyperparameters == hp


def test_none_means_default_and_foreign_names_are_ignored():
    assert make_optimizer("adagrad", eps=None, momentum=0.5).hyperparameters == {
        "eps": 1e-10
    }


def test_every_optimizer_has_a_rule_and_a_statement_of_its_own():
    for spec in REGISTRY.values():
        assert spec.latex and spec.factory.__doc__
        assert (spec.step_sizes() is None) == (spec.family != "adaptive")
        assert bool(spec.steps_statement()) == (spec.family == "adaptive")
        assert bool(spec.limit_text) == (spec.family != "adaptive")


def _steep_error(traj, info) -> tuple[float, float]:
    """|error| along the steepest eigen-direction at the start and at the end."""
    v = info.eigenvectors[:, -1]
    return abs(v @ (traj.theta[0] - info.theta_star)), abs(
        v @ (traj.theta[-1] - info.theta_star)
    )


def _data(kind):
    if kind == "raw":
        d = synthetic_linear(n=100, noise=1.0, seed=7)
        return d.X, d.y
    d = cortical_thickness()
    return Standardizer.fit(d.X).transform(d.X), d.y


@pytest.mark.parametrize("kind", ["raw", "standardized"])
@pytest.mark.parametrize(
    ("optimizer", "momentum", "by_hand"),
    [
        ("gd", None, lambda mu: 2.0),
        ("momentum", 0.5, lambda mu: 2 + 2 * mu),
        ("momentum", 0.9, lambda mu: 2 + 2 * mu),
        ("nesterov", 0.5, lambda mu: (2 + 2 * mu) / (1 + 2 * mu)),
        ("nesterov", 0.9, lambda mu: (2 + 2 * mu) / (1 + 2 * mu)),
        ("nesterov", 0.99, lambda mu: (2 + 2 * mu) / (1 + 2 * mu)),
    ],
)
def test_stated_limit_separates_convergence_from_divergence(
    kind, optimizer, momentum, by_hand
):
    X, y = _data(kind)
    info = analyse_data(X, y)
    limit = rate_limit(info, optimizer, momentum=momentum)
    L = np.linalg.eigvalsh(
        2
        / len(y)
        * np.column_stack([X, np.ones(len(y))]).T
        @ np.column_stack([X, np.ones(len(y))])
    )
    # the limit as derived by hand
    assert limit == pytest.approx(by_hand(momentum) / L[-1], rel=1e-9)
    below = train(
        X,
        y,
        optimizer=optimizer,
        learning_rate=0.97 * limit,
        epochs=6000,
        momentum=momentum,
    )
    above = train(
        X,
        y,
        optimizer=optimizer,
        learning_rate=1.03 * limit,
        epochs=6000,
        momentum=momentum,
    )
    start, end = _steep_error(below, info)
    assert not below.diverged and end < 1e-3 * start
    assert above.diverged


def test_nesterov_limit_is_tighter_than_heavy_balls():
    info = analyse_data(*_data("raw"))
    assert rate_limit(info, "nesterov", momentum=0.9) == pytest.approx(
        1.357 / info.L, rel=1e-3
    )
    assert rate_limit(info, "nesterov", momentum=0.99) == pytest.approx(
        1.336 / info.L, rel=1e-3
    )
    gd = rate_limit(info, "gd")
    assert (
        rate_limit(info, "nesterov", momentum=0.9)
        < gd
        < rate_limit(info, "momentum", momentum=0.9)
    )


def test_adaptive_optimizers_state_no_limit():
    info = analyse_data(*_data("raw"))
    for name in ("adagrad", "rmsprop", "adam"):
        assert rate_limit(info, name) is None
