"""What the Learn page shows for one step of a run: the numbers of each equation, the source that
computes them, and exports (trajectory CSV, settings, a standalone script that reproduces the run)."""

from __future__ import annotations

import inspect
import json
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from . import model
from .model import LOSS_SCALE, design_matrix
from .optimizers import Optimizer, make_optimizer
from .training import Trajectory


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
    state_after: Any  # optimizer state after the update (velocity, moments, accumulators)
    step: np.ndarray  # theta_k - theta_(k+1)
    learning_rate: float
    theta_next: np.ndarray


def optimizer_of(traj: Trajectory) -> Optimizer:
    return make_optimizer(traj.optimizer, **traj.hyperparameters)


def step_details(traj: Trajectory, X: np.ndarray, y: np.ndarray, k: int) -> StepDetails:
    """Replay the optimizer up to update k + 1 from the recorded batches and return its quantities."""
    if not 0 <= k < traj.n_steps:
        raise ValueError(f"step must be in 0..{traj.n_steps - 1}, got {k}")
    A = design_matrix(X)
    opt = optimizer_of(traj)
    state = opt.init(traj.theta[0])
    for j in range(k + 1):
        rows = traj.rows_of_step(j + 1)
        g = model.gradient(A[rows], y[rows], traj.theta[j], traj.loss_name, traj.alpha)
        step, state = opt.update(g, state, traj.learning_rate[j])
    y_hat = A[rows] @ traj.theta[k]
    return StepDetails(
        k=k,
        theta=traj.theta[k],
        rows=rows,
        y_hat=y_hat,
        residuals=y_hat - y[rows],
        batch_loss=model.loss_value(A[rows], y[rows], traj.theta[k], traj.loss_name, traj.alpha),
        gradient=g,
        state_after=state,
        step=step,
        learning_rate=float(traj.learning_rate[k]),
        theta_next=traj.theta[k] - step,
    )


def source_of(obj) -> str:
    """The source of the function that runs (read at run time, so it cannot drift from the code)."""
    return inspect.getsource(obj)


def update_source(traj: Trajectory) -> str:
    return source_of(optimizer_of(traj).update)


def safe_cell(text: str) -> str:
    """CSV cell that a spreadsheet will not run as a formula (leading = + - @ tab CR)."""
    text = str(text)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def trajectory_csv(traj: Trajectory, feature_names) -> str:
    """step, epoch, learning rate, w..., b, loss, gradient norm: one row per step."""
    names = [safe_cell(f"w[{n}]") for n in feature_names] + ["b"]
    header = ["step", "epoch", "learning_rate", *names, "loss", "grad_norm"]
    lr = np.append(np.nan, traj.learning_rate)
    grad_norm = np.linalg.norm(traj.grad, axis=1)
    lines = [",".join(_quote(h) for h in header)]
    for k in range(traj.n_steps + 1):
        values = [k, int(traj.epoch[k]), lr[k], *traj.theta[k], traj.loss[k], grad_norm[k]]
        lines.append(",".join(repr(float(v)) if not isinstance(v, int) else str(v) for v in values))
    return "\n".join(lines) + "\n"


def _quote(cell: str) -> str:
    return '"' + cell.replace('"', '""') + '"' if any(c in cell for c in ',"\n') else cell


def settings_json(settings) -> str:
    return json.dumps(asdict(settings), indent=2, default=list)


SCRIPT_MAX_ROWS = 20_000

_UPDATE_RULES = {
    "gd": "step = lr * g",
    "momentum": "state['v'] = mu * state['v'] + g\n        step = lr * state['v']",
    "nesterov": "state['v'] = mu * state['v'] + g\n        step = lr * (g + mu * state['v'])",
    "adagrad": "state['G'] = state['G'] + g * g\n        step = lr * g / (state['G'] ** 0.5 + eps)",
    "rmsprop": "state['v'] = rho * state['v'] + (1 - rho) * g * g\n        step = lr * g / (state['v'] ** 0.5 + eps)",
    "adam": (
        "state['t'] += 1\n"
        "        state['m'] = beta1 * state['m'] + (1 - beta1) * g\n"
        "        state['v'] = beta2 * state['v'] + (1 - beta2) * g * g\n"
        "        m_hat = state['m'] / (1 - beta1 ** state['t'])\n"
        "        v_hat = state['v'] / (1 - beta2 ** state['t'])\n"
        "        step = lr * m_hat / (v_hat ** 0.5 + eps)"
    ),
}


def export_script(traj: Trajectory, X_train: np.ndarray, y: np.ndarray, title: str) -> str:
    """A standalone NumPy script that replays the run on the same (embedded) training data.

    ``X_train`` is what was trained on (standardised if the run was).  It prints one line per
    step ("step w... b loss") so its output can be compared with the trajectory.
    """
    if len(y) > SCRIPT_MAX_ROWS:
        raise ValueError(f"the script embeds the data: at most {SCRIPT_MAX_ROWS:,} rows (this run has {len(y):,})")
    hp = traj.hyperparameters
    s = LOSS_SCALE[traj.loss_name]
    lrs = [float(v) for v in traj.learning_rate]
    lr_line = f"lrs = [{lrs[0]!r}] * {len(lrs)}" if len(set(lrs)) == 1 else f"lrs = {lrs!r}"
    orders = "None" if traj.row_order is None else repr(traj.row_order.tolist())
    return f'''"""Reproduces a run of the gradient-descent visualizer: {title}.

Optimizer {traj.optimizer} {hp}, loss {traj.loss_name} (scale {s}), L2 alpha {traj.alpha},
batch size {traj.batch_size}, {traj.n_steps} updates.  Prints "step w... b loss" for every step.
"""
import numpy as np

X = np.array({np.asarray(X_train, dtype=float).tolist()!r})
y = np.array({np.asarray(y, dtype=float).tolist()!r})
A = np.hstack([X, np.ones((len(y), 1))])
theta = np.array({traj.theta[0].tolist()!r})
{lr_line}
batch_size = {traj.batch_size}
steps_per_epoch = {traj.steps_per_epoch}
row_orders = {orders}  # each epoch's shuffled rows (drawn with np.random.default_rng(seed).permutation)
s, alpha = {s!r}, {traj.alpha!r}
mu = {hp.get("momentum", 0.0)!r}
beta1, beta2 = {hp.get("beta1", 0.9)!r}, {hp.get("beta2", 0.999)!r}
rho, eps = {hp.get("rho", 0.99)!r}, {hp.get("eps", 1e-8)!r}
state = {{"v": np.zeros_like(theta), "m": np.zeros_like(theta), "G": np.zeros_like(theta), "t": 0}}
D = np.append(np.ones(len(theta) - 1), 0.0)  # L2 penalises the weights, not b


def loss(theta):
    r = A @ theta - y
    return s / len(y) * (r @ r) + alpha * np.sum(theta[:-1] ** 2)


print(0, *theta, loss(theta))
for k in range(len(lrs)):
    if row_orders is None:
        rows = np.arange(len(y))
    else:
        epoch, j = divmod(k, steps_per_epoch)
        rows = np.array(row_orders[epoch][j * batch_size : (j + 1) * batch_size])
    Ab = A[rows]
    g = 2 * s / len(rows) * Ab.T @ (Ab @ theta - y[rows]) + 2 * alpha * D * theta
    lr = lrs[k]
    if True:
        {_UPDATE_RULES[traj.optimizer]}
    theta = theta - step
    print(k + 1, *theta, loss(theta))
'''
