"""The loss over a grid of two parameters, from the sufficient statistics (cost
independent of n)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .model import Quadratic
from .validation import ParameterError


@dataclass(frozen=True)
class Surface:
    """z[i][j] is the loss at (x[j], y[i]): Plotly's contour orientation."""

    x: np.ndarray
    y: np.ndarray
    z: np.ndarray
    params: tuple[int, int]


def loss_surface(
    q: Quadratic,
    x_range: tuple[float, float],
    y_range: tuple[float, float],
    resolution: int = 100,
    params: tuple[int, int] | None = None,
    fixed: np.ndarray | None = None,
) -> Surface:
    """J over a resolution x resolution grid of parameters ``params`` = (i, j) (default
    (w_1, b)).

    The other parameters are held at ``fixed`` (default: the optimum).
    """
    p = len(q.theta_ref)
    i, j = params if params is not None else (0, p - 1)
    if i == j or not (0 <= i < p and 0 <= j < p):
        raise ParameterError(
            "params",
            f"params must be two different indices in 0..{p - 1}, got {(i, j)}",
        )
    base = (
        q.theta_ref.copy() if fixed is None else np.asarray(fixed, dtype=float).copy()
    )
    xs = np.linspace(*x_range, resolution)
    ys = np.linspace(*y_range, resolution)
    grid = np.broadcast_to(base, (resolution, resolution, p)).copy()
    grid[:, :, i] = xs[None, :]
    grid[:, :, j] = ys[:, None]
    return Surface(x=xs, y=ys, z=q.loss_at(grid), params=(i, j))


def level_ellipse(
    q: Quadratic,
    level: float,
    params: tuple[int, int] | None = None,
    n_points: int = 120,
) -> np.ndarray | None:
    """Points (n_points, 2) of the level set J = level in the plane of ``params``, the
    others at the optimum."""
    return slice_ellipse(q, q.theta_ref, level, params, n_points)


def slice_ellipse(
    q: Quadratic,
    through: np.ndarray,
    level: float,
    params: tuple[int, int] | None = None,
    n_points: int = 120,
    above_minimum: bool = False,
) -> np.ndarray | None:
    """Points (n_points, 2) of J = level in the plane of ``params`` = (i, j) through
    ``through`` (the other parameters held at its values).

    In that plane, with a = through[[i, j]], d = u - a, g and H2 the gradient and
    Hessian block there: J(u) = J(a) + g.d + 1/2 d^T H2 d, an ellipse centred at a -
    H2^-1 g, whose minimum is m = J(a) - 1/2 g^T H2^-1 g; axes along H2's eigenvectors,
    semi-axes sqrt(2 (level - m) / lambda_i). With ``above_minimum`` the level is taken
    as a height above the slice's own minimum m. None below the minimum, or along a flat
    direction (lambda = 0), where it is not a closed curve.
    """
    p = len(q.theta_ref)
    i, j = params if params is not None else (0, p - 1)
    idx = [i, j]
    H2 = q.hessian[np.ix_(idx, idx)]
    lam, vec = np.linalg.eigh(H2)
    if lam[0] <= 1e-14 * max(lam[1], 1e-300):
        return None
    through = np.asarray(through, dtype=float)
    g = q.gradient_at(through)[idx]
    shift = -np.linalg.solve(H2, g)
    minimum = float(q.loss_at(through)) + 0.5 * float(g @ shift)
    excess = level if above_minimum else level - minimum
    if not excess > 0:
        return None
    t = np.linspace(0, 2 * np.pi, n_points)
    pts = (vec * np.sqrt(2 * excess / lam)) @ np.vstack([np.cos(t), np.sin(t)])
    return (pts + (through[idx] + shift)[:, None]).T
