"""What each step of a run did, read from its Trajectory: the error along the Hessian's
eigen-axes (with the dynamics' contraction as a guide) and, for the adaptive optimizers,
each coordinate's effective step.

The error e_k = theta_k - theta* projected on an eigenvector of the Hessian is what
dynamics.py's linear iterations act on: full-batch GD multiplies it by 1 - lr * lambda
each step; heavy ball and Nesterov shrink it by their characteristic polynomial's
largest root modulus.  The adaptive optimizers rescale each coordinate's step by the
gradients seen so far; their state is replayed here from the gradients that made each
update (no change to the training loop), with the same rules as optimizers.py.
"""

from __future__ import annotations

import math

import numpy as np

from .analysis import Analysis
from .dynamics import root_modulus
from .model import check_loss, design_matrix, penalty_mask
from .optimizers import REGISTRY
from .training import Trajectory

#: The eigen-axes shown: the shallowest (smallest eigenvalue) and the steepest (L), by
#: index into the ascending eigenvalues.
AXES = {"shallowest": 0, "steepest": -1}
#: Within one block of a blocked moving average the weights decay**-i stay below this
#: (no overflow, no lost digits).
BLOCK_GROWTH = 1e8


def extreme_axes(analysis: Analysis) -> dict[str, int]:
    """{name: eigen-index} of the steepest and the shallowest axis (one axis when there
    is only one)."""
    p = len(analysis.eigenvalues)
    return {name: index % p for name, index in AXES.items()}


def axis_errors(
    theta: np.ndarray, analysis: Analysis, indices: list[int]
) -> np.ndarray:
    """(steps, len(indices)): theta_k - theta* projected on the eigenvectors ``indices``
    (signed)."""
    with np.errstate(all="ignore"):
        return (
            np.asarray(theta, dtype=float) - analysis.theta_star
        ) @ analysis.eigenvectors[:, indices]


def theory_guide(
    traj: Trajectory, analysis: Analysis, indices: list[int]
) -> np.ndarray | None:
    """|e_0| times the product of each update's contraction along the eigen-axes
    ``indices`` (full batch): GD |1 - lr_k * lambda|, heavy ball and Nesterov their
    largest root modulus (dynamics.root_modulus) at each update's learning rate.  (steps
    + 1, len(indices)); None for the adaptive optimizers (no fixed rule).
    """
    family = REGISTRY[traj.optimizer].family
    if family == "adaptive":
        return None
    mu = float(traj.hyperparameters.get("momentum", 0.0))
    lam = analysis.eigenvalues[indices]
    factors = root_modulus(
        family, np.asarray(traj.learning_rate, dtype=float)[:, None] * lam, mu
    )
    e0 = np.abs(axis_errors(traj.theta[:1], analysis, indices))
    with np.errstate(divide="ignore"):
        logs = np.concatenate(
            [np.zeros((1, len(indices))), np.cumsum(np.log(factors), axis=0)]
        )
        return e0 * np.exp(logs)


def ema(values: np.ndarray, decay: float) -> np.ndarray:
    """y_t = decay * y_{t-1} + (1 - decay) * x_t from y_0 = 0 along axis 0, vectorised
    in blocks: within a block y_{s+j} = decay^(j+1) y_{s-1} + (1 - decay) decay^j sum_i
    decay^-i x_{s+i}, the weights kept below BLOCK_GROWTH."""
    x = np.asarray(values, dtype=float)
    out = np.empty_like(x)
    if decay == 0.0:
        out[:] = x
        return out
    block = (
        max(1, int(math.log(BLOCK_GROWTH) / -math.log(decay)))
        if decay < 1.0
        else len(x)
    )
    carry = np.zeros(x.shape[1:])
    shape = (-1,) + (1,) * (x.ndim - 1)
    for start in range(0, len(x), block):
        part = x[start : start + block]
        j = np.arange(len(part), dtype=float).reshape(shape)
        sums = np.cumsum(decay ** (-j) * part, axis=0)
        out[start : start + block] = (
            decay ** (j + 1) * carry + (1.0 - decay) * decay**j * sums
        )
        carry = out[start + len(part) - 1]
    return out


def effective_steps(traj: Trajectory, gradients: np.ndarray) -> np.ndarray | None:
    """Each coordinate's effective step after each update (rows: updates 1 .. n_steps),
    from the optimizer's state replayed on ``gradients`` (those that made each update):
    Adagrad lr/(sqrt(G) + eps), RMSprop lr/(sqrt(v) + eps) (times g it is the step),
    Adam lr * m_hat/(sqrt(v_hat) + eps) (the step itself). None for the optimizers that
    do not adapt."""
    name, hp = traj.optimizer, traj.hyperparameters
    g = np.asarray(gradients, dtype=float)
    lr = np.asarray(traj.learning_rate, dtype=float)[: len(g), None]
    with np.errstate(all="ignore"):
        if name == "adagrad":
            return lr / (np.cumsum(g * g, axis=0) ** 0.5 + hp["eps"])
        if name == "rmsprop":
            return lr / (ema(g * g, hp["rho"]) ** 0.5 + hp["eps"])
        if name == "adam":
            t = np.arange(1, len(g) + 1, dtype=float)[:, None]
            m_hat = ema(g, hp["beta1"]) / (1.0 - hp["beta1"] ** t)
            v_hat = ema(g * g, hp["beta2"]) / (1.0 - hp["beta2"] ** t)
            return lr * m_hat / (v_hat**0.5 + hp["eps"])
    return None


def run_effective_steps(
    traj: Trajectory, X: np.ndarray, y: np.ndarray
) -> np.ndarray | None:
    """effective_steps on the gradients of the run's own batches (X, y: the data it
    trained on)."""
    if not REGISTRY[traj.optimizer].adaptive:
        return None
    return effective_steps(
        traj, batch_gradients(traj, np.asarray(X, dtype=float).reshape(len(y), -1), y)
    )


#: Rows whose gradient terms are summed at once (bounds the memory of a long mini-batch
#: run's replay).
ROWS_AT_ONCE = 1_000_000


def batch_gradients(traj: Trajectory, X: np.ndarray, y: np.ndarray) -> np.ndarray:
    """The gradient that made each update (rows: updates 1 .. n_steps): the full-data
    one for full batch, else grad J_B(theta_(k-1)) = 2s/|B| A_B^T (A_B theta_(k-1) -
    y_B) + 2 alpha D theta_(k-1) on update k's rows (its epoch's row order, batches of
    batch_size, the last one of an epoch smaller), summed by np.add.reduceat over many
    epochs at once instead of a loop over the updates."""
    if traj.row_order is None:
        return traj.grad[:-1]
    A, n, bs, per_epoch = (
        design_matrix(X),
        len(y),
        traj.batch_size,
        traj.steps_per_epoch,
    )
    starts = np.arange(per_epoch) * bs  # each batch's first row within its epoch
    sizes = np.minimum(bs, n - starts).astype(float)
    scale = 2.0 * check_loss(traj.loss_name)
    mask = penalty_mask(A.shape[1])
    out = []
    epochs_at_once = max(1, ROWS_AT_ONCE // n)
    for e0 in range(0, len(traj.row_order), epochs_at_once):
        orders = traj.row_order[e0 : e0 + epochs_at_once]
        # the update of the chunk's first batch (1-based: first + 1)
        first = e0 * per_epoch
        count = min(len(orders) * per_epoch, traj.n_steps - first)
        theta = traj.theta[first : first + count]  # theta_(k-1) of each update
        step_of_row = np.repeat(np.arange(per_epoch), sizes.astype(int))
        # each row's update in the chunk
        k = (np.arange(len(orders))[:, None] * per_epoch + step_of_row).ravel()
        keep = k < count
        rows, k = orders.ravel()[keep], k[keep]
        batch_sizes = np.tile(sizes, len(orders))[:count, None]
        with np.errstate(all="ignore"):
            residual = np.einsum("ij,ij->i", A[rows], theta[k]) - y[rows]
            sums = np.add.reduceat(
                A[rows] * residual[:, None],
                np.flatnonzero(np.diff(k, prepend=-1)),
                axis=0,
            )
            out.append(scale * sums / batch_sizes + 2.0 * traj.alpha * mask * theta)
    return np.concatenate(out)
