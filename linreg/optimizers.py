"""The optimizer registry: every optimizer's name, family, defaults, update rule and
stability limit.

Each optimizer is a pair of pure functions built by a factory: ``init(theta) -> state``
and ``update(g, state, lr) -> (step, new_state)``; the caller applies
``theta <- theta - step``. States are NamedTuples; nothing is mutated.  The rules are
torch.optim's (momentum buffer starts at the first gradient, dampening 0, eps outside
the square root, Adam bias-corrected) and so are the defaults, which are written once:
in the factory's signature.  ``REGISTRY`` reads them from there.

The rules use only arithmetic operators (``x ** 0.5`` for the square root), so one
function serves a NumPy vector, a Python float (one coordinate: every rule here is
coordinate-wise given g) and a batch of runs stacked along a leading axis (learning-rate
sweeps).
"""

from __future__ import annotations

import difflib
import inspect
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, NamedTuple

import numpy as np

from .validation import ParameterError


class Optimizer(NamedTuple):
    """A named pair of pure functions plus the hyperparameters they were built with."""

    name: str
    init: Callable[[Any], Any]
    update: Callable[[Any, Any, Any], tuple[Any, Any]]
    hyperparameters: dict


class EmptyState(NamedTuple):
    pass


# State fields are named as the update rules name them (the Learn page shows them by
# these names).
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


def _check_unit_interval(name: str, value):
    """A float in [0, 1); or, for runs stacked along a leading axis, one per run (an
    array shaped to broadcast against them, e.g. (runs, 1): the scrubber's (learning
    rate, momentum) pairs)."""
    values = np.asarray(value, dtype=float)
    if not np.all((values >= 0.0) & (values < 1.0)):
        raise ParameterError(name, f"{name} must be in [0, 1), got {value!r}")
    return float(values) if values.ndim == 0 else values


def _check_positive(name: str, value: float) -> float:
    if not value > 0:
        raise ParameterError(name, f"{name} must be > 0, got {value!r}")
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

    v_t = mu * v_{t-1} + g_t          (v_0 = 0, so the buffer starts at the first
                                      gradient)
    theta_t = theta_{t-1} - lr * v_t
    mu is ``momentum``.  torch's SGD has momentum 0 by default (plain GD); 0.9 is the
    usual choice.
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
    theta_t = theta_{t-1} - lr * g_t / (sqrt(G_t) + eps)
    (eps outside the square root)
    """
    eps = _check_positive("eps", eps)

    def init(theta):
        return AdagradState(theta * 0.0)

    def update(g, state, lr):
        G = state.G + g * g
        return lr * g / (G**0.5 + eps), AdagradState(G)

    return Optimizer("adagrad", init, update, {"eps": eps})


def rmsprop(rho: float = 0.99, eps: float = 1e-8) -> Optimizer:
    """RMSprop, torch.optim.RMSprop (its ``alpha`` is our ``rho``; centered=False,
    momentum=0).

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


# ---------------------------------------------------------------- what each optimizer's
# steps do GD, heavy ball and Nesterov are linear iterations on the quadratic loss:
# their limit, best rate, zones and contraction come from their characteristic
# polynomials (dynamics.py, by ``family``).  The adaptive ones rescale each coordinate's
# step by the gradients seen so far, so no fixed limit applies; what is true of their
# steps is stated here, per coordinate, as multiples of lr (tests run them to prove it).
def _adagrad_steps(hp: dict) -> tuple[float, float]:
    """First step g/|g| * lr = lr; later |g_t| / sqrt(sum g_i^2) <= 1, so never more
    than lr."""
    return 1.0, 1.0


def _rmsprop_steps(hp: dict) -> tuple[float, float]:
    """v_t >= (1 - rho) g_t^2, so |step| <= lr / sqrt(1 - rho), reached on the first
    step (v_0 = 0, no bias correction)."""
    bound = 1.0 / (1.0 - hp["rho"]) ** 0.5
    return bound, bound


def _adam_steps(hp: dict) -> tuple[float, float]:
    """First step m_hat / sqrt(v_hat) = g / |g|: lr.  Later at most (1 - beta1) / sqrt(1
    - beta2) x lr when that exceeds 1, else lr (Kingma & Ba 2015, section 2.1)."""
    return 1.0, max(1.0, (1.0 - hp["beta1"]) / (1.0 - hp["beta2"]) ** 0.5)


@dataclass(frozen=True)
class OptimizerSpec:
    """One row of the registry: everything the app, CLI, estimator, exports and lessons
    say of an optimizer."""

    name: str
    family: str  # "gd", "heavy_ball", "nesterov" (linear: dynamics.py) or "adaptive"
    factory: Callable[..., Optimizer]
    latex: str  # the update rule, in the symbols of the docstring
    # the full-batch limit in symbols ("2/L"; mu is the momentum); "" for the adaptive
    # ones
    limit_text: str
    # adaptive: (first step, largest step) / lr
    steps: Callable[[dict], tuple[float, float]] | None = None
    # adaptive: what is true of its steps, with {first} and {most} as multiples of lr
    steps_text: str = ""

    @property
    def defaults(self) -> dict[str, float]:
        """torch.optim's defaults, read from the factory's signature (their only
        home)."""
        return {
            p.name: p.default
            for p in inspect.signature(self.factory).parameters.values()
        }

    @property
    def adaptive(self) -> bool:
        return self.family == "adaptive"

    @property
    def has_velocity(self) -> bool:
        """Heavy ball and Nesterov keep a velocity v (the Learn page draws it)."""
        return self.family in ("heavy_ball", "nesterov")

    def own(self, hyperparameters: dict) -> dict:
        """The hyperparameters this optimizer takes, defaults filled in (unknown names
        and None ignored)."""
        return {
            **self.defaults,
            **{
                k: v
                for k, v in hyperparameters.items()
                if k in self.defaults and v is not None
            },
        }

    def step_sizes(self, **hyperparameters: float | None) -> tuple[float, float] | None:
        """Adaptive: (first step, largest possible step) per coordinate, as multiples of
        lr; else None."""
        return None if self.steps is None else self.steps(self.own(hyperparameters))

    def steps_statement(self, **hyperparameters: float | None) -> str:
        """Adaptive: one sentence on its step sizes at these hyperparameters; else
        ""."""
        sizes = self.step_sizes(**hyperparameters)
        return (
            ""
            if sizes is None
            else self.steps_text.format(first=f"{sizes[0]:.3g}", most=f"{sizes[1]:.3g}")
        )

    def build(self, **hyperparameters: float | None) -> Optimizer:
        """The optimizer with these hyperparameters (unknown names and None values are
        ignored)."""
        return self.factory(**self.own(hyperparameters))


REGISTRY: dict[str, OptimizerSpec] = {
    spec.name: spec
    for spec in (
        OptimizerSpec("gd", "gd", gd, r"\theta \leftarrow \theta - \eta\, g", "2/L"),
        OptimizerSpec(
            "momentum",
            "heavy_ball",
            momentum,
            r"v \leftarrow \mu v + g,\quad \theta \leftarrow \theta - \eta\, v",
            "(2 + 2μ)/L",
        ),
        OptimizerSpec(
            "nesterov",
            "nesterov",
            nesterov,
            r"v \leftarrow \mu v + g,\quad \theta \leftarrow \theta - \eta\,(g +"
            r" \mu v)",
            "(2 + 2μ)/((1 + 2μ)·L)",
        ),
        OptimizerSpec(
            "adagrad",
            "adaptive",
            adagrad,
            r"G \leftarrow G + g^2,\quad \theta \leftarrow \theta -"
            r" \eta\,\frac{g}{\sqrt{G} + \epsilon}",
            "",
            _adagrad_steps,
            "Adagrad's first step moves each parameter by lr; later steps shrink as"
            " squared gradients add up (never more than lr).",
        ),
        OptimizerSpec(
            "rmsprop",
            "adaptive",
            rmsprop,
            r"v \leftarrow \rho v + (1 - \rho) g^2,\quad "
            r"\theta \leftarrow \theta - \eta\,\frac{g}{\sqrt{v} + \epsilon}",
            "",
            _rmsprop_steps,
            "RMSprop has no bias correction: its first step moves each parameter by"
            " lr/√(1−ρ) = {first}·lr, and steps several times lr recur whenever the"
            " gradient grows.",
        ),
        OptimizerSpec(
            "adam",
            "adaptive",
            adam,
            r"m \leftarrow \beta_1 m + (1 - \beta_1) g,\ v \leftarrow \beta_2 v + (1 -"
            r" \beta_2) g^2,\ "
            r"\theta \leftarrow \theta - \eta\,\frac{m / (1 - \beta_1^t)}{\sqrt{v / (1"
            r" - \beta_2^t)} + \epsilon}",
            "",
            _adam_steps,
            "Adam's first step moves each parameter by lr·sign(g); no step is larger"
            " than lr·(1−β₁)/√(1−β₂) = {most}·lr, and steps shrink as the gradient's"
            " sign starts to flip near the optimum.",
        ),
    )
}
#: Every hyperparameter any optimizer takes (the app's and the CLI's controls).
HYPERPARAMETER_NAMES: tuple[str, ...] = tuple(
    dict.fromkeys(k for s in REGISTRY.values() for k in s.defaults)
)


def spec(name: str) -> OptimizerSpec:
    """The registry row of ``name``, or a ParameterError naming the choices."""
    if name not in REGISTRY:
        raise ParameterError(
            "optimizer", f"unknown optimizer {name!r}: choose one of {list(REGISTRY)}"
        )
    return REGISTRY[name]


def check_hyperparameter_names(
    hyperparameters: dict, arguments: tuple[str, ...] = ()
) -> None:
    """Every name is some optimizer's hyperparameter (or one of the caller's
    ``arguments``): a misspelt argument (``learning_rat=0.5``) raises, naming the
    nearest known name and the known ones, instead of being dropped while the run goes
    on with the defaults."""
    unknown = [k for k in hyperparameters if k not in HYPERPARAMETER_NAMES]
    if unknown:
        what = (
            "unknown argument"
            + ("s " if len(unknown) > 1 else " ")
            + ", ".join(repr(k) for k in unknown)
        )
        near = difflib.get_close_matches(unknown[0], arguments + HYPERPARAMETER_NAMES)
        hint = f" (did you mean {near[0]!r}?)" if near else ""
        known = ", ".join(HYPERPARAMETER_NAMES)
        own = f"the arguments are {', '.join(arguments)}; " if arguments else ""
        raise ParameterError(
            unknown[0],
            f"{what}{hint}: {own}the optimizers' hyperparameters are {known}",
        )


def make_optimizer(
    name: str, /, arguments: tuple[str, ...] = (), **hyperparameters: float | None
) -> Optimizer:
    """Build an optimizer by name, keeping only the hyperparameters it takes (None: its
    default); a name that is no optimizer's hyperparameter raises (the nearest of them
    or of the caller's ``arguments`` named)."""
    check_hyperparameter_names(hyperparameters, arguments)
    return spec(name).build(**hyperparameters)
