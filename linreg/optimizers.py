"""Optimizers as pure ``(init, update)`` pairs, with torch.optim's update rules and defaults.

Convention: ``update(g, state, lr) -> (step, new_state)`` and the caller applies
``theta <- theta - step``.  States are NamedTuples; nothing is mutated.

The rules use only arithmetic operators (``x ** 0.5`` for the square root), so one function serves
a NumPy vector, a Python float (one coordinate: every rule here is coordinate-wise given g) and a
batch of runs stacked along a leading axis (learning-rate sweeps).  ``init`` returns zeros shaped
like its argument.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple


class Optimizer(NamedTuple):
    """A named pair of pure functions plus the hyperparameters they were built with."""

    name: str
    init: Callable[[Any], Any]
    update: Callable[[Any, Any, Any], tuple[Any, Any]]
    hyperparameters: dict


class EmptyState(NamedTuple):
    pass


class VelocityState(NamedTuple):
    velocity: Any


class AccumulatorState(NamedTuple):
    accumulator: Any
    t: int


class AdamState(NamedTuple):
    m: Any
    v: Any
    t: int


def _check_unit_interval(name: str, value: float, *, closed: bool = True) -> float:
    ok = 0.0 <= value <= 1.0 if closed else 0.0 <= value < 1.0
    if not ok:
        bound = "[0, 1]" if closed else "[0, 1)"
        raise ValueError(f"{name} must be in {bound}, got {value!r}")
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
    """
    mu = _check_unit_interval("momentum", momentum, closed=False)

    def init(theta):
        return VelocityState(theta * 0.0)

    def update(g, state, lr):
        v = mu * state.velocity + g
        return lr * v, VelocityState(v)

    return Optimizer("momentum", init, update, {"momentum": mu})


def nesterov(momentum: float = 0.9) -> Optimizer:
    """Nesterov momentum, torch.optim.SGD(momentum=mu, nesterov=True, dampening=0).

    v_t = mu * v_{t-1} + g_t
    theta_t = theta_{t-1} - lr * (g_t + mu * v_t)
    """
    mu = _check_unit_interval("momentum", momentum, closed=False)

    def init(theta):
        return VelocityState(theta * 0.0)

    def update(g, state, lr):
        v = mu * state.velocity + g
        return lr * (g + mu * v), VelocityState(v)

    return Optimizer("nesterov", init, update, {"momentum": mu})


def adagrad(eps: float = 1e-10) -> Optimizer:
    """Adagrad, torch.optim.Adagrad (lr_decay = 0, initial accumulator 0).

    G_t = G_{t-1} + g_t^2
    theta_t = theta_{t-1} - lr * g_t / (sqrt(G_t) + eps)      (eps outside the square root)
    """
    eps = _check_positive("eps", eps)

    def init(theta):
        return AccumulatorState(theta * 0.0, 0)

    def update(g, state, lr):
        acc = state.accumulator + g * g
        return lr * g / (acc**0.5 + eps), AccumulatorState(acc, state.t + 1)

    return Optimizer("adagrad", init, update, {"eps": eps})


def rmsprop(rho: float = 0.99, eps: float = 1e-8) -> Optimizer:
    """RMSprop, torch.optim.RMSprop (its ``alpha`` is our ``rho``; centered=False, momentum=0).

    v_t = rho * v_{t-1} + (1 - rho) * g_t^2
    theta_t = theta_{t-1} - lr * g_t / (sqrt(v_t) + eps)
    """
    rho = _check_unit_interval("rho", rho, closed=False)
    eps = _check_positive("eps", eps)

    def init(theta):
        return AccumulatorState(theta * 0.0, 0)

    def update(g, state, lr):
        v = rho * state.accumulator + (1.0 - rho) * g * g
        return lr * g / (v**0.5 + eps), AccumulatorState(v, state.t + 1)

    return Optimizer("rmsprop", init, update, {"rho": rho, "eps": eps})


def adam(beta1: float = 0.9, beta2: float = 0.999, eps: float = 1e-8) -> Optimizer:
    """Adam, torch.optim.Adam (amsgrad=False), bias-corrected.

    m_t = beta1 * m_{t-1} + (1 - beta1) * g_t
    v_t = beta2 * v_{t-1} + (1 - beta2) * g_t^2
    m_hat = m_t / (1 - beta1^t),   v_hat = v_t / (1 - beta2^t)
    theta_t = theta_{t-1} - lr * m_hat / (sqrt(v_hat) + eps)
    """
    beta1 = _check_unit_interval("beta1", beta1, closed=False)
    beta2 = _check_unit_interval("beta2", beta2, closed=False)
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


OPTIMIZERS: dict[str, Callable[..., Optimizer]] = {
    "gd": gd,
    "momentum": momentum,
    "nesterov": nesterov,
    "adagrad": adagrad,
    "rmsprop": rmsprop,
    "adam": adam,
}

#: Each optimizer's own hyperparameters and torch's defaults (the UI shows only these).
HYPERPARAMETERS: dict[str, dict[str, float]] = {
    "gd": {},
    "momentum": {"momentum": 0.9},
    "nesterov": {"momentum": 0.9},
    "adagrad": {"eps": 1e-10},
    "rmsprop": {"rho": 0.99, "eps": 1e-8},
    "adam": {"beta1": 0.9, "beta2": 0.999, "eps": 1e-8},
}


def make_optimizer(name: str, **hyperparameters: float) -> Optimizer:
    """Build an optimizer by name, keeping only the hyperparameters it takes."""
    if name not in OPTIMIZERS:
        raise ValueError(f"unknown optimizer {name!r}: choose one of {list(OPTIMIZERS)}")
    own = {k: v for k, v in hyperparameters.items() if k in HYPERPARAMETERS[name] and v is not None}
    return OPTIMIZERS[name](**own)
