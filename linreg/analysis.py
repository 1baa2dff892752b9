"""The loss's geometry on this data (exact: the loss is a quadratic): its optimum and
its Hessian's eigen-decomposition, lambda_min <= ... <= lambda_max = L, kappa = L /
lambda_min.

What that means for each optimizer's learning rate is derived from its own dynamics in
dynamics.py and theory.py.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .dynamics import FAMILIES
from .model import Quadratic, quadratic

#: Eigenvalues below this fraction of L count as zero (a constant or duplicated
#: feature).
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
        """Full-batch GD's limit (2/L, from its dynamics): the scale the learning-rate
        controls follow."""
        return FAMILIES["gd"].limit(0.0) / self.L


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
