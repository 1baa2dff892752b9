"""The optimizer registry: every optimizer's name, family, defaults, update rule and stability limit.

Each optimizer is a pair of pure functions built by a factory: ``init(theta) -> state`` and
``update(g, state, lr) -> (step, new_state)``; the caller applies ``theta <- theta - step``.
States are NamedTuples; nothing is mutated.  The rules are torch.optim's (momentum buffer starts at
the first gradient, dampening 0, eps outside the square root, Adam bias-corrected) and so are the
defaults, which are written once: in the factory's signature.  ``REGISTRY`` reads them from there.

The rules use only arithmetic operators (``x ** 0.5`` for the square root), so one function serves
a NumPy vector, a Python float (one coordinate: every rule here is coordinate-wise given g) and a
batch of runs stacked along a leading axis (learning-rate sweeps).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, NamedTuple


class Optimizer(NamedTuple):
    """A named pair of pure functions plus the hyperparameters they were built with."""

    name: str
    init: Callable[[Any], Any]
    update: Callable[[Any, Any, Any], tuple[Any, Any]]
    hyperparameters: dict


class EmptyState(NamedTuple):
    pass


# State fields are named as the update rules name them (the Learn page shows them by these names).
class VelocityState(NamedTuple):
    v: Any


class AdagradState(NamedTuple):
    G: Any


class RMSpropState(NamedTuple):
    v: Any


class AdamState(NamedTuple):
    m: Any
    v: Any
    t: int


def _check_unit_interval(name: str, value: float) -> float:
    if not 0.0 <= value < 1.0:
        raise ValueError(f"{name} must be in [0, 1), got {value!r}")
    return float(value)


def _check_positive(name: str, value: float) -> float:
    if not value > 0:
        raise ValueError(f"{name} must be > 0, got {value!r}")
    return float(value)


def gd() -> Optimizer:
    """Plain gradient descent (batch, mini-batch or stochastic by the batch size).

    theta_t = theta_{t-1} - lr * g_t
    """

    def init(theta):
        return EmptyState()

    def update(g, state, lr):
        return lr * g, state

    return Optimizer("gd", init, update, {})


def momentum(momentum: float = 0.9) -> Optimizer:
    """Heavy-ball momentum, torch.optim.SGD(momentum=mu, dampening=0).

    v_t = mu * v_{t-1} + g_t          (v_0 = 0, so the buffer starts at the first gradient)
    theta_t = theta_{t-1} - lr * v_t
    mu is ``momentum``.  torch's SGD has momentum 0 by default (plain GD); 0.9 is the usual choice.
    """
    mu = _check_unit_interval("momentum", momentum)

    def init(theta):
        return VelocityState(theta * 0.0)

    def update(g, state, lr):
        v = mu * state.v + g
        return lr * v, VelocityState(v)

    return Optimizer("momentum", init, update, {"momentum": mu})


def nesterov(momentum: float = 0.9) -> Optimizer:
    """Nesterov momentum, torch.optim.SGD(momentum=mu, nesterov=True, dampening=0).

    v_t = mu * v_{t-1} + g_t
    theta_t = theta_{t-1} - lr * (g_t + mu * v_t)
    """
    mu = _check_unit_interval("momentum", momentum)

    def init(theta):
        return VelocityState(theta * 0.0)

    def update(g, state, lr):
        v = mu * state.v + g
        return lr * (g + mu * v), VelocityState(v)

    return Optimizer("nesterov", init, update, {"momentum": mu})


def adagrad(eps: float = 1e-10) -> Optimizer:
    """Adagrad, torch.optim.Adagrad (lr_decay = 0, initial accumulator 0).

    G_t = G_{t-1} + g_t^2
    theta_t = theta_{t-1} - lr * g_t / (sqrt(G_t) + eps)      (eps outside the square root)
    """
    eps = _check_positive("eps", eps)

    def init(theta):
        return AdagradState(theta * 0.0)

    def update(g, state, lr):
        G = state.G + g * g
        return lr * g / (G**0.5 + eps), AdagradState(G)

    return Optimizer("adagrad", init, update, {"eps": eps})


def rmsprop(rho: float = 0.99, eps: float = 1e-8) -> Optimizer:
    """RMSprop, torch.optim.RMSprop (its ``alpha`` is our ``rho``; centered=False, momentum=0).

    v_t = rho * v_{t-1} + (1 - rho) * g_t^2
    theta_t = theta_{t-1} - lr * g_t / (sqrt(v_t) + eps)
    """
    rho = _check_unit_interval("rho", rho)
    eps = _check_positive("eps", eps)

    def init(theta):
        return RMSpropState(theta * 0.0)

    def update(g, state, lr):
        v = rho * state.v + (1.0 - rho) * g * g
        return lr * g / (v**0.5 + eps), RMSpropState(v)

    return Optimizer("rmsprop", init, update, {"rho": rho, "eps": eps})


def adam(beta1: float = 0.9, beta2: float = 0.999, eps: float = 1e-8) -> Optimizer:
    """Adam, torch.optim.Adam (amsgrad=False), bias-corrected.

    m_t = beta1 * m_{t-1} + (1 - beta1) * g_t
    v_t = beta2 * v_{t-1} + (1 - beta2) * g_t^2
    m_hat = m_t / (1 - beta1^t),   v_hat = v_t / (1 - beta2^t)
    theta_t = theta_{t-1} - lr * m_hat / (sqrt(v_hat) + eps)
    """
    beta1 = _check_unit_interval("beta1", beta1)
    beta2 = _check_unit_interval("beta2", beta2)
    eps = _check_positive("eps", eps)

    def init(theta):
        return AdamState(theta * 0.0, theta * 0.0, 0)

    def update(g, state, lr):
        t = state.t + 1
        m = beta1 * state.m + (1.0 - beta1) * g
        v = beta2 * state.v + (1.0 - beta2) * g * g
        m_hat = m / (1.0 - beta1**t)
        v_hat = v / (1.0 - beta2**t)
        return lr * m_hat / (v_hat**0.5 + eps), AdamState(m, v, t)

    return Optimizer("adam", init, update, {"beta1": beta1, "beta2": beta2, "eps": eps})


# ---------------------------------------------------------------- stability on a quadratic
# Full batch on J = 1/2 e^T H e, each eigen-direction (eigenvalue lambda, h = lr * lambda) evolves alone.
def _gd_limit(hp: dict) -> float:
    """e <- (1 - h) e: stable iff |1 - h| < 1, i.e. h < 2."""
    return 2.0


def _heavy_ball_limit(hp: dict) -> float:
    """z^2 - (1 + mu - h) z + mu = 0: both roots inside the unit circle iff h < 2 + 2 mu (Goh, Distill 2017)."""
    return 2.0 + 2.0 * hp["momentum"]


def _nesterov_limit(hp: dict) -> float:
    """p(z) = z^2 - (1 + mu)(1 - h) z + mu (1 - h).  Jury's conditions: p(1) = h > 0, |mu (1 - h)| < 1 and
    p(-1) = 1 + (1 + 2 mu)(1 - h) > 0: stable iff h < (2 + 2 mu) / (1 + 2 mu) (1.357 at mu = 0.9)."""
    mu = hp["momentum"]
    return (2.0 + 2.0 * mu) / (1.0 + 2.0 * mu)


@dataclass(frozen=True)
class OptimizerSpec:
    """One row of the registry: everything the app, CLI, estimator, exports and lessons say of an optimizer."""

    name: str
    family: str  # "gd", "heavy_ball", "nesterov" or "adaptive"
    factory: Callable[..., Optimizer]
    latex: str  # the update rule, in the symbols of the docstring
    limit_rule: Callable[[dict], float] | None  # full-batch limit of lr * L; None: no fixed limit
    limit_text: str  # the limit in symbols ("2/L"; mu is the momentum)
    stability: str  # one sentence: when full-batch training on this data diverges

    @property
    def defaults(self) -> dict[str, float]:
        """torch.optim's defaults, read from the factory's signature (their only home)."""
        return {p.name: p.default for p in inspect.signature(self.factory).parameters.values()}

    @property
    def adaptive(self) -> bool:
        return self.family == "adaptive"

    @property
    def has_velocity(self) -> bool:
        """Heavy ball and Nesterov keep a velocity v (the Learn page draws it)."""
        return self.family in ("heavy_ball", "nesterov")

    def own(self, hyperparameters: dict) -> dict:
        """The hyperparameters this optimizer takes, defaults filled in (unknown names and None ignored)."""
        return {**self.defaults, **{k: v for k, v in hyperparameters.items() if k in self.defaults and v is not None}}

    def limit_factor(self, **hyperparameters: float | None) -> float | None:
        """c such that full-batch training diverges once lr > c / L (None: no fixed limit)."""
        return None if self.limit_rule is None else self.limit_rule(self.own(hyperparameters))

    def build(self, **hyperparameters: float | None) -> Optimizer:
        """The optimizer with these hyperparameters (unknown names and None values are ignored)."""
        return self.factory(**self.own(hyperparameters))


_ADAPTIVE = (
    "Its step is rescaled per coordinate by the gradients seen so far, so no fixed learning-rate limit "
    "like 2/L applies: each step moves each parameter by about lr at most."
)
REGISTRY: dict[str, OptimizerSpec] = {
    spec.name: spec
    for spec in (
        OptimizerSpec(
            "gd", "gd", gd, r"\theta \leftarrow \theta - \eta\, g", _gd_limit, "2/L",
            "Full-batch GD diverges once lr > 2/L (L: the largest eigenvalue of the Hessian).",
        ),
        OptimizerSpec(
            "momentum", "heavy_ball", momentum,
            r"v \leftarrow \mu v + g,\quad \theta \leftarrow \theta - \eta\, v", _heavy_ball_limit, "(2 + 2μ)/L",
            "Heavy-ball momentum diverges once lr > (2 + 2·momentum)/L.",
        ),
        OptimizerSpec(
            "nesterov", "nesterov", nesterov,
            r"v \leftarrow \mu v + g,\quad \theta \leftarrow \theta - \eta\,(g + \mu v)", _nesterov_limit,
            "(2 + 2μ)/((1 + 2μ)·L)",
            "Nesterov momentum diverges once lr > (2 + 2·momentum)/((1 + 2·momentum) L): below 2/L, unlike heavy ball.",
        ),
        OptimizerSpec(
            "adagrad", "adaptive", adagrad,
            r"G \leftarrow G + g^2,\quad \theta \leftarrow \theta - \eta\,\frac{g}{\sqrt{G} + \epsilon}", None, "",
            _ADAPTIVE,
        ),
        OptimizerSpec(
            "rmsprop", "adaptive", rmsprop,
            r"v \leftarrow \rho v + (1 - \rho) g^2,\quad "
            r"\theta \leftarrow \theta - \eta\,\frac{g}{\sqrt{v} + \epsilon}",
            None, "", _ADAPTIVE,
        ),
        OptimizerSpec(
            "adam", "adaptive", adam,
            r"m \leftarrow \beta_1 m + (1 - \beta_1) g,\ v \leftarrow \beta_2 v + (1 - \beta_2) g^2,\ "
            r"\theta \leftarrow \theta - \eta\,\frac{m / (1 - \beta_1^t)}{\sqrt{v / (1 - \beta_2^t)} + \epsilon}",
            None, "", _ADAPTIVE,
        ),
    )
}  # fmt: skip
#: Every hyperparameter any optimizer takes (the app's and the CLI's controls).
HYPERPARAMETER_NAMES: tuple[str, ...] = tuple(dict.fromkeys(k for s in REGISTRY.values() for k in s.defaults))


def spec(name: str) -> OptimizerSpec:
    """The registry row of ``name``, or a ValueError naming the choices."""
    if name not in REGISTRY:
        raise ValueError(f"unknown optimizer {name!r}: choose one of {list(REGISTRY)}")
    return REGISTRY[name]


def make_optimizer(name: str, **hyperparameters: float | None) -> Optimizer:
    """Build an optimizer by name, keeping only the hyperparameters it takes (None: its default)."""
    return spec(name).build(**hyperparameters)
