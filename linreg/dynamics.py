"""Full-batch GD, heavy ball and Nesterov on the quadratic loss: each is a linear
iteration.

Along an eigenvector of the Hessian with eigenvalue lambda the error e_k (of theta_k -
theta*) obeys, with h = lr * lambda and mu the momentum,

    e_{k+1} = a e_k - c e_{k-1},   characteristic polynomial  z^2 - a z + c:

    GD          a = 1 - h              c = 0              (e <- (1 - h) e)
    heavy ball  a = 1 + mu - h         c = mu
                (v <- mu v + g, theta <- theta - lr v)
    Nesterov    a = (1 + mu)(1 - h)    c = mu (1 - h)
                (torch: theta <- theta - lr (g + mu v))

The error along that axis shrinks by the larger root modulus per step: the
*contraction*; over all axes the slowest one sets the pace.  What the app says of these
optimizers' learning rates (the limit, the best rate, the zones, the contraction per
step) is derived here from these polynomials at the user's own hyperparameters, and
nowhere else.

Zones are named by what the steepest axis (lambda = L) does, since that is what the eye
sees:

    monotone  both roots real and >= 0: the error keeps its sign (GD: h <= 1; with
              momentum: overdamped)
    spiral    complex roots: the error turns around the optimum while it shrinks
              (under-damped)
    zig-zag   a negative real root: the error flips sign every step, and still shrinks
    diverging the largest root modulus is >= 1
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property

import numpy as np

ZONES = ("monotone", "spiral", "zig-zag", "diverging")
#: What each zone's rates do, in one line (the gauge and the sweep say it).
ZONE_MEANING = {
    "monotone": "the steep axis' error keeps its sign",
    "spiral": "the error spirals in (complex roots)",
    "zig-zag": "the steep axis' error flips sign every step",
    "diverging": "the error grows",
}
#: The best rate is found over this many log-spaced rates below the limit, then refined.
BEST_GRID = 4001
#: Rates whose contraction is within this of the minimum are "equally best" (a flat
#: optimum).
FLAT_TOL = 1e-9


@dataclass(frozen=True)
class Family:
    """One linear optimizer: its characteristic polynomial and the h (= lr * lambda)
    where its behaviour changes on one axis, in closed form (tests check them against
    the roots).
    """

    name: str
    # h, mu -> (a, c)
    coefficients: Callable[[np.ndarray, float], tuple[np.ndarray, np.ndarray]]
    spiral_from: Callable[[float], float]  # h where the roots turn complex
    zigzag_from: Callable[[float], float]  # h where a negative real root appears
    limit: Callable[[float], float]  # h where the largest modulus reaches 1


def _gd(h, mu):
    return 1.0 - h, np.zeros_like(h)


def _heavy_ball(h, mu):
    return 1.0 + mu - h, np.full_like(h, mu)


def _nesterov(h, mu):
    return (1.0 + mu) * (1.0 - h), mu * (1.0 - h)


FAMILIES: dict[str, Family] = {
    # GD: one root, 1 - h: negative from h = 1, |1 - h| >= 1 from h = 2.
    "gd": Family("gd", _gd, lambda mu: 1.0, lambda mu: 1.0, lambda mu: 2.0),
    # Heavy ball: a^2 < 4 mu, i.e. (1 - sqrt mu)^2 < h < (1 + sqrt mu)^2, gives complex
    # roots of modulus sqrt(mu); p(-1) = 2 + 2 mu - h > 0 keeps them inside (Goh,
    # Distill 2017).
    "heavy_ball": Family(
        "heavy_ball",
        _heavy_ball,
        lambda mu: (1.0 - math.sqrt(mu)) ** 2,
        lambda mu: (1.0 + math.sqrt(mu)) ** 2,
        lambda mu: 2.0 + 2.0 * mu,
    ),
    # Nesterov: complex for ((1 - mu)/(1 + mu))^2 < h < 1, modulus sqrt(mu (1 - h)); for
    # h > 1 the roots are real of opposite signs; Jury's p(-1) = 1 + (1 + 2 mu)(1 - h) >
    # 0 gives the limit.
    "nesterov": Family(
        "nesterov",
        _nesterov,
        lambda mu: ((1.0 - mu) / (1.0 + mu)) ** 2,
        lambda mu: 1.0,
        lambda mu: (2.0 + 2.0 * mu) / (1.0 + 2.0 * mu),
    ),
}


def root_modulus(family: str, h, mu: float = 0.0) -> np.ndarray:
    """The largest |z| with z^2 - a z + c = 0, for every h given (an array of any
    shape).  Complex roots are conjugates with |z|^2 = c: taken from c directly, since
    a^2 - 4c loses its digits near the edge.
    """
    a, c = FAMILIES[family].coefficients(np.asarray(h, dtype=float), mu)
    disc = a * a - 4.0 * c
    real = (np.abs(a) + np.sqrt(np.maximum(disc, 0.0))) / 2.0
    return np.where(disc < 0.0, np.sqrt(np.abs(c)), real)


def contraction(
    family: str, eigenvalues: np.ndarray, learning_rate, mu: float = 0.0
) -> np.ndarray:
    """Per-step contraction of the error at each learning rate: the largest root modulus
    over the axes."""
    lr = np.asarray(learning_rate, dtype=float)[..., None]
    return np.max(root_modulus(family, lr * np.asarray(eigenvalues), mu), axis=-1)


def steps_per_decade(rho: float) -> float:
    """Steps for the error to shrink tenfold at contraction rho (inf when it does not
    shrink)."""
    return (
        math.log(10.0) / -math.log(rho)
        if 0.0 < rho < 1.0
        else (0.0 if rho == 0.0 else math.inf)
    )


@dataclass(frozen=True)
class Best:
    """The fastest constant rate for the given momentum: ``learning_rate`` (the middle
    of ``interval`` when a whole interval of rates is equally fast) and its contraction
    per step."""

    learning_rate: float
    contraction: float
    # every rate in it contracts by the same factor
    interval: tuple[float, float] | None = None


@dataclass(frozen=True)
class LinearTheory:
    """What the dynamics say of full-batch ``family`` at momentum ``mu`` on Hessian
    eigenvalues ``eigenvalues``."""

    family: str
    eigenvalues: np.ndarray  # ascending
    mu: float = 0.0

    @property
    def L(self) -> float:
        return float(self.eigenvalues[-1])

    @property
    def limit(self) -> float:
        """The learning rate from which full-batch training diverges."""
        return FAMILIES[self.family].limit(self.mu) / self.L

    def contraction(self, learning_rate) -> np.ndarray:
        return contraction(self.family, self.eigenvalues, learning_rate, self.mu)

    def zones(self) -> tuple[tuple[str, float, float], ...]:
        """(zone, from, to) in learning rates, from 0 to infinity; empty zones left
        out."""
        f = FAMILIES[self.family]
        edges = [
            0.0,
            f.spiral_from(self.mu) / self.L,
            f.zigzag_from(self.mu) / self.L,
            self.limit,
            math.inf,
        ]
        return tuple(
            (name, a, b)
            for name, a, b in zip(ZONES, edges[:-1], edges[1:], strict=True)
            if b > a
        )

    def zone(self, learning_rate: float) -> str:
        """The zone of ``learning_rate`` (a rate on an edge belongs to the zone below
        it: at 1/L, GD's steep axis is solved in one step, without a zig-zag)."""
        return next(
            name for name, a, b in self.zones() if learning_rate <= b * (1 + 1e-12)
        )

    @property
    def flat_interval(self) -> tuple[float, float] | None:
        """Heavy ball: the rates at which every axis spirals, [(1 - sqrt mu)^2 /
        lambda_min, (1 + sqrt mu)^2 / L]: there every root has modulus sqrt(mu), so each
        of these rates contracts by sqrt(mu) per step (None when empty, and for the
        other families, whose spiral modulus depends on the rate)."""
        if self.family != "heavy_ball" or self.eigenvalues[0] <= 0:
            return None
        f = FAMILIES[self.family]
        lo, hi = (
            f.spiral_from(self.mu) / float(self.eigenvalues[0]),
            f.zigzag_from(self.mu) / self.L,
        )
        return (lo, hi) if hi > lo else None

    @cached_property
    def best(self) -> Best:
        """The rate below the limit with the smallest contraction, found on a fine grid
        and refined; with the interval of rates that are equally fast when the optimum
        is flat (heavy ball: sqrt(mu)).
        """
        limit = self.limit
        grid = np.geomspace(limit * 1e-6, limit, BEST_GRID)[:-1]
        rho = self.contraction(grid)
        i = int(np.argmin(rho))
        lr = self._golden(grid[max(i - 1, 0)], grid[min(i + 1, len(grid) - 1)])
        best = float(self.contraction(lr))
        # a flat direction (a singular Hessian): no rate contracts it
        if best >= 1.0 - FLAT_TOL:
            return Best(lr, best)
        flat = np.flatnonzero(rho <= best + FLAT_TOL)
        if len(flat) < 2:
            return Best(lr, best)
        below = grid[flat[0] - 1] if flat[0] > 0 else grid[0] / 2
        above = grid[flat[-1] + 1] if flat[-1] + 1 < len(grid) else limit
        lo = self._edge_of_flat(below, grid[flat[0]], best)
        hi = self._edge_of_flat(above, grid[flat[-1]], best)
        if hi <= lo * (1 + 1e-6):
            return Best(lr, best)
        middle = float(np.sqrt(lo * hi))
        return Best(middle, float(self.contraction(middle)), (lo, hi))

    def _golden(self, lo: float, hi: float) -> float:
        """The rate between lo and hi with the smallest contraction, by golden-section
        search (in log rate)."""
        a, b = math.log(lo), math.log(hi)
        ratio = (math.sqrt(5.0) - 1.0) / 2.0
        for _ in range(100):
            c, d = b - ratio * (b - a), a + ratio * (b - a)
            if self.contraction(math.exp(c)) <= self.contraction(math.exp(d)):
                b = d
            else:
                a = c
        return math.exp((a + b) / 2.0)

    def _edge_of_flat(self, outside: float, inside: float, best: float) -> float:
        """Bisect between a rate outside the flat optimum and one inside it, to where it
        starts."""
        for _ in range(60):
            middle = math.sqrt(outside * inside)
            if self.contraction(middle) <= best + FLAT_TOL:
                inside = middle
            else:
                outside = middle
        return float(inside)


def best_pair(family: str, eigenvalues: np.ndarray) -> tuple[float, float, float]:
    """(learning rate, momentum, contraction) of the fastest pair: the momentum in [0,
    MAX_MU] whose best rate contracts most, bracketed on a coarse scan and refined by
    golden-section search.
    """

    def fastest(mu: float) -> Best:
        return LinearTheory(family, eigenvalues, float(mu)).best

    mus = np.linspace(0.0, MAX_MU, 41)
    i = int(np.argmin([fastest(mu).contraction for mu in mus]))
    lo, hi = mus[max(i - 1, 0)], mus[min(i + 1, len(mus) - 1)]
    ratio = (math.sqrt(5.0) - 1.0) / 2.0
    for _ in range(40):
        a, b = hi - ratio * (hi - lo), lo + ratio * (hi - lo)
        if fastest(a).contraction <= fastest(b).contraction:
            hi = b
        else:
            lo = a
    mu = (lo + hi) / 2.0
    best = fastest(mu)
    return best.learning_rate, float(mu), best.contraction


#: The largest momentum the fastest pair is searched up to (and the momentum control
#: allows).
MAX_MU = 0.999
