"""What the Hessian says about gradient descent on this data (exact: the loss is a quadratic).

With H's eigenvalues lambda_min <= ... <= lambda_max = L and kappa = L / lambda_min:
* GD converges iff 0 < lr * lambda_i < 2 for all i, i.e. lr < 2 / L.
* Best constant step 2 / (lambda_min + L), rate (kappa - 1) / (kappa + 1).
* One-step ("Goldilocks") step along the steepest axis 1 / L; between 1/L and 2/L it oscillates.
* Heavy ball (v <- mu v + g, theta <- theta - lr v): stable iff lr * lambda < 2 + 2 mu;
  optimal lr = (2 / (sqrt(lambda_min) + sqrt(L)))^2, mu = ((sqrt(L) - sqrt(lambda_min)) /
  (sqrt(L) + sqrt(lambda_min)))^2, rate (sqrt(kappa) - 1) / (sqrt(kappa) + 1)  (Goh, Distill 2017).
* Every optimizer's limit is c / L with c from the optimizer registry (optimizers.py); the adaptive
  ones have none.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .model import Quadratic, quadratic
from .optimizers import spec

ZONES = ("slow", "good", "oscillating", "diverging")
#: Eigenvalues below this fraction of L count as zero (a constant or duplicated feature).
SINGULAR_RTOL = 1e-12


@dataclass(frozen=True)
class Analysis:
    theta_star: np.ndarray
    loss_star: float
    hessian: np.ndarray
    eigenvalues: np.ndarray  # ascending
    eigenvectors: np.ndarray  # columns, matching eigenvalues

    @property
    def L(self) -> float:
        return float(self.eigenvalues[-1])

    @property
    def lambda_min(self) -> float:
        return float(self.eigenvalues[0])

    @property
    def kappa(self) -> float:
        """L / lambda_min; infinite when the Hessian is singular."""
        if self.lambda_min <= SINGULAR_RTOL * self.L:
            return float("inf")
        return self.L / self.lambda_min

    @property
    def gd_limit(self) -> float:
        """2 / L: plain GD diverges above it."""
        return 2.0 / self.L

    @property
    def best_lr(self) -> float:
        """2 / (lambda_min + L): the constant step with the fastest worst-case rate."""
        return 2.0 / (max(self.lambda_min, 0.0) + self.L)

    def momentum_limit(self, momentum) -> float:
        """(2 + 2 mu) / L: heavy-ball momentum diverges above it (``momentum`` may be an array)."""
        return spec("momentum").limit_factor(momentum=momentum) / self.L

    def limit(self, optimizer: str, **hyperparameters: float | None) -> float | None:
        """The learning rate above which full-batch ``optimizer`` diverges on this data (None: no fixed limit)."""
        factor = spec(optimizer).limit_factor(**hyperparameters)
        return None if factor is None else factor / self.L

    def best_rate(self, optimizer: str, **hyperparameters: float | None) -> float:
        """The theory's best constant rate: heavy ball's optimal lr, else 2 / (lambda_min + L)."""
        return self.optimal_momentum[0] if spec(optimizer).family == "heavy_ball" else self.best_lr

    def ghost_rates(self, optimizer: str, **hyperparameters: float | None) -> dict[str, float]:
        """Four representative rates: too small, best, oscillating (halfway from the best step to the
        limit: more zig-zag than the best, still converging), diverging (adaptive: around GD's limit)."""
        best = self.best_rate(optimizer, **hyperparameters)
        limit = self.limit(optimizer, **hyperparameters) or self.gd_limit
        return {"too small": 0.02 * best, "best": best, "oscillating": (best + limit) / 2, "diverging": 1.1 * limit}

    @property
    def optimal_momentum(self) -> tuple[float, float]:
        """(lr, mu) of the fastest heavy ball."""
        sl, sL = np.sqrt(max(self.lambda_min, 0.0)), np.sqrt(self.L)
        return float((2.0 / (sl + sL)) ** 2), float(((sL - sl) / (sL + sl)) ** 2)

    def gd_rate(self, learning_rate) -> np.ndarray:
        """Per-step contraction of the error: max_i |1 - lr lambda_i| (< 1 converges)."""
        lr = np.asarray(learning_rate, dtype=float)[..., None]
        return np.max(np.abs(1.0 - lr * self.eigenvalues), axis=-1)

    def momentum_rate(self, learning_rate, momentum) -> np.ndarray:
        """Spectral radius of heavy ball per step: max_i max|z| with z^2 - (1 + mu - lr lambda_i) z + mu = 0."""
        lr = np.asarray(learning_rate, dtype=float)[..., None]
        mu = np.asarray(momentum, dtype=float)[..., None]
        trace = 1.0 + mu - lr * self.eigenvalues
        root = np.sqrt(trace**2 - 4.0 * mu + 0j)
        radius = np.maximum(np.abs(trace + root), np.abs(trace - root)) / 2.0
        return np.max(radius, axis=-1)

    def zone_edges(self, optimizer: str, **hyperparameters: float | None) -> tuple[float, ...] | None:
        """Boundaries (0, slow|good, good|oscillating, oscillating|diverging, inf) of ``zone`` for an
        optimizer; None for the adaptive ones (no fixed limit).

        slow: below limit / 8 (0.25/L for GD);  good: up to the best constant step 2/(lambda_min + L)
        for GD (limit / 2 for momentum);  oscillating: beyond it, the steep axis's overshoot is what
        limits the speed;  diverging: from the limit on.
        """
        limit = self.limit(optimizer, **hyperparameters)
        if limit is None:
            return None
        middle = self.best_lr if spec(optimizer).family == "gd" else limit / 2
        return (0.0, limit / 8, middle, limit, float("inf"))

    @staticmethod
    def zone(learning_rate: float, edges: tuple[float, ...]) -> str:
        """The zone of ``learning_rate`` between ``edges`` (a rate at an edge counts as the lower zone)."""
        for name, upper in zip(ZONES, edges[1:], strict=False):
            if learning_rate < upper * (1 + 1e-9):
                return name
        return ZONES[-1]


def analyse(q: Quadratic) -> Analysis:
    """Eigen-decomposition of the (constant) Hessian of a loss."""
    eigenvalues, eigenvectors = np.linalg.eigh(q.hessian)
    return Analysis(
        theta_star=q.theta_ref,
        loss_star=q.loss_ref,
        hessian=q.hessian,
        eigenvalues=eigenvalues,
        eigenvectors=eigenvectors,
    )


def analyse_data(X, y, loss: str = "mse", alpha: float = 0.0) -> Analysis:
    """analyse(quadratic(X, y, loss, alpha))."""
    return analyse(quadratic(X, y, loss, alpha))
