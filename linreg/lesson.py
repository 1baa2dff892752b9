"""What the Learn page shows for one step of a run: the numbers of each equation, the
source that computes them, and exports (trajectory CSV, settings, a standalone script
that reproduces the run).
"""

from __future__ import annotations

import inspect
import json
import textwrap
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from . import model
from .model import batch_gradient_terms, check_loss, design_matrix
from .optimizers import Optimizer, make_optimizer
from .training import Trajectory
from .validation import ParameterError


@dataclass(frozen=True)
class StepDetails:
    """Update k -> k + 1 with every intermediate quantity."""

    k: int
    theta: np.ndarray  # theta_k
    rows: np.ndarray  # rows of the batch that made the update
    y_hat: np.ndarray  # predictions on those rows
    residuals: np.ndarray  # y_hat - y on those rows
    batch_loss: float
    gradient: np.ndarray  # gradient of the batch loss at theta_k
    # optimizer state after the update (velocity, moments, accumulators)
    state_after: Any
    step: np.ndarray  # theta_k - theta_(k+1)
    learning_rate: float
    theta_next: np.ndarray


def optimizer_of(traj: Trajectory) -> Optimizer:
    return make_optimizer(traj.optimizer, **traj.hyperparameters)


def step_details(traj: Trajectory, X: np.ndarray, y: np.ndarray, k: int) -> StepDetails:
    """Update k -> k + 1 and its quantities, with the optimizer's state rebuilt from the
    training loop's last snapshot before step k (``Trajectory.state_snapshots``; the
    start if none) by the optimizer's own ``update`` over the gradients since then.
    Those gradients come from the data's statistics (full batch: no pass over the rows)
    or the recorded batches (mini-batch: the rows of the updates since the snapshot), so
    the work is bounded by one chunk of the loop whatever k is.  The step explained is
    computed from its batch's rows by ``model.gradient``, the source shown beside it.
    """
    if not 0 <= k < traj.n_steps:
        raise ParameterError("k", f"step must be in 0..{traj.n_steps - 1}, got {k}")
    A = design_matrix(X)
    opt = optimizer_of(traj)
    start, state = state_before(traj, opt, k)
    # a diverging run's last steps overflow, as they did in training
    with np.errstate(all="ignore"):
        for g, lr in zip(
            update_gradients(traj, A, y, start, k),
            traj.learning_rate[start:k],
            strict=True,
        ):
            _, state = opt.update(g, state, lr)
        rows = traj.rows_of_step(k + 1)
        g = model.gradient(A[rows], y[rows], traj.theta[k], traj.loss_name, traj.alpha)
        step, state = opt.update(g, state, traj.learning_rate[k])
        y_hat = A[rows] @ traj.theta[k]
        batch_loss = model.loss_value(
            A[rows], y[rows], traj.theta[k], traj.loss_name, traj.alpha
        )
    return StepDetails(
        k=k,
        theta=traj.theta[k],
        rows=rows,
        y_hat=y_hat,
        residuals=y_hat - y[rows],
        batch_loss=batch_loss,
        gradient=g,
        state_after=state,
        step=step,
        learning_rate=float(traj.learning_rate[k]),
        theta_next=traj.theta[k] - step,
    )


def state_before(traj: Trajectory, opt: Optimizer, k: int) -> tuple[int, Any]:
    """(j, the optimizer's state after j updates) for the latest snapshot with j <= k (j
    = 0: the start; j = k for a state with no fields, plain GD's: no earlier update
    leaves anything in it).
    """
    start = opt.init(traj.theta[0])
    if len(start) == 0:
        return k, start
    taken = [(j, state) for j, state in traj.state_snapshots if j <= k]
    return taken[-1] if taken else (0, start)


def update_gradients(
    traj: Trajectory, A: np.ndarray, y: np.ndarray, start: int, stop: int
) -> np.ndarray:
    """The gradients that made updates start + 1 .. stop, one row each: grad
    J_B(theta_j) = H_B theta_j - c_B (model.batch_gradient_terms, as the training loop
    computes them) at theta_j, j = start .. stop - 1.
    """
    theta = traj.theta[start:stop]
    # full batch: the data's statistics, no pass over the rows
    if traj.row_order is None:
        q = traj.quadratic
        return theta @ q.hessian.T - q.linear_term
    per_epoch, bs = traj.steps_per_epoch, traj.batch_size
    parts = []
    for epoch in range(start // per_epoch, -(-stop // per_epoch)):
        first, last = max(start, epoch * per_epoch), min(stop, (epoch + 1) * per_epoch)
        rows = traj.row_order[
            epoch, (first - epoch * per_epoch) * bs : (last - epoch * per_epoch) * bs
        ]
        H, c = batch_gradient_terms(A[rows], y[rows], bs, traj.loss_name, traj.alpha)
        parts.append(np.einsum("kij,kj->ki", H, traj.theta[first:last]) - c)
    return np.concatenate(parts) if parts else np.empty((0, theta.shape[1]))


def source_of(obj) -> str:
    """The source of the function that runs (read at run time, so it cannot drift from
    the code)."""
    return inspect.getsource(obj)


def update_source(traj: Trajectory) -> str:
    return source_of(optimizer_of(traj).update)


def safe_cell(text: str) -> str:
    """CSV cell that a spreadsheet will not run as a formula (leading = + - @ tab
    CR)."""
    text = str(text)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def trajectory_csv(traj: Trajectory, feature_names) -> str:
    """step, epoch, learning rate, w..., b, loss, gradient norm: one row per step
    (linear in the steps)."""
    names = [safe_cell(f"w[{n}]") for n in feature_names] + ["b"]
    header = ["step", "epoch", "learning_rate", *names, "loss", "grad_norm"]
    lr = np.append(np.nan, traj.learning_rate).tolist()
    grad_norm = np.linalg.norm(traj.grad, axis=1).tolist()
    epochs, thetas, losses = (
        traj.epoch.tolist(),
        traj.theta.tolist(),
        traj.loss.tolist(),
    )
    lines = [",".join(_quote(h) for h in header)]
    for k in range(traj.n_steps + 1):
        values = [lr[k], *thetas[k], losses[k], grad_norm[k]]
        lines.append(f"{k},{epochs[k]}," + ",".join(map(repr, values)))
    return "\n".join(lines) + "\n"


def _quote(cell: str) -> str:
    return (
        '"' + cell.replace('"', '""') + '"' if any(c in cell for c in ',"\n') else cell
    )


def settings_json(settings) -> str:
    """The settings by their keys (the URL's and the CLI's), hyperparameters resolved to
    the values trained."""
    return json.dumps(
        {**asdict(settings), **settings.hyperparameters}, indent=2, default=list
    )


SCRIPT_MAX_ROWS = 20_000


def optimizer_code(opt: Optimizer) -> str:
    """The optimizer's own init and update, as standalone code: its state classes, the
    hyperparameters its closures hold, and the two functions' source (read at run time:
    the script runs the same rule).
    """
    classes, constants = {}, {}
    for fn in (opt.init, opt.update):
        found = inspect.getclosurevars(fn)
        constants.update(found.nonlocals)
        classes.update({k: v for k, v in found.globals.items() if isinstance(v, type)})
    return "\n\n".join(
        [
            *(inspect.getsource(c) for c in classes.values()),
            "\n".join(f"{k} = {v!r}" for k, v in constants.items()),
            textwrap.dedent(inspect.getsource(opt.init)),
            textwrap.dedent(inspect.getsource(opt.update)),
        ]
    )


def export_script(
    traj: Trajectory, X_train: np.ndarray, y: np.ndarray, title: str
) -> str:
    """A standalone NumPy script that replays the run on the same (embedded) training
    data.

    ``X_train`` is what was trained on (standardised if the run was).  It prints one
    line per step ("step w... b loss") so its output can be compared with the
    trajectory.
    """
    if len(y) > SCRIPT_MAX_ROWS:
        raise ParameterError(
            "X_train",
            f"the script embeds the data: at most {SCRIPT_MAX_ROWS:,} rows (this run"
            f" has {len(y):,})",
        )
    s = check_loss(traj.loss_name)
    lrs = [float(v) for v in traj.learning_rate]
    lr_line = (
        f"lrs = [{lrs[0]!r}] * {len(lrs)}" if len(set(lrs)) == 1 else f"lrs = {lrs!r}"
    )
    orders = "None" if traj.row_order is None else repr(traj.row_order.tolist())
    return f'''"""Reproduces a run of the gradient-descent visualizer: {title}.

Optimizer {traj.optimizer} {traj.hyperparameters}, loss {traj.loss_name} (scale {s}), L2 alpha {traj.alpha},
batch size {traj.batch_size}, {traj.n_steps} updates.  Prints "step w... b loss" for every step.
"""
from typing import Any, NamedTuple

import numpy as np

X = np.array({np.asarray(X_train, dtype=float).tolist()!r})
y = np.array({np.asarray(y, dtype=float).tolist()!r})
A = np.hstack([X, np.ones((len(y), 1))])
theta = np.array({traj.theta[0].tolist()!r})
{lr_line}
batch_size = {traj.batch_size}
steps_per_epoch = {traj.steps_per_epoch}
row_orders = {orders}  # each epoch's shuffled rows (drawn with np.random.default_rng(random_state).permutation)
s, alpha = {s!r}, {traj.alpha!r}
D = np.append(np.ones(len(theta) - 1), 0.0)  # L2 penalises the weights, not b

# The optimizer, exactly as the visualizer runs it (torch.optim's rule):
{optimizer_code(optimizer_of(traj))}

def loss(theta):
    r = A @ theta - y
    return s / len(y) * (r @ r) + alpha * np.sum(theta[:-1] ** 2)


state = init(theta)
print(0, *theta, loss(theta))
for k in range(len(lrs)):
    if row_orders is None:
        rows = np.arange(len(y))
    else:
        epoch, j = divmod(k, steps_per_epoch)
        rows = np.array(row_orders[epoch][j * batch_size : (j + 1) * batch_size])
    Ab = A[rows]
    g = 2 * s / len(rows) * Ab.T @ (Ab @ theta - y[rows]) + 2 * alpha * D * theta
    step, state = update(g, state, lrs[k])
    theta = theta - step
    print(k + 1, *theta, loss(theta))
'''  # noqa: E501
