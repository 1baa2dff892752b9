"""Training loop: train(...) -> Trajectory, one record of everything a run did.

Every step is theta <- theta - step, with step from the optimizer and the gradient of the batch
loss in the form grad J_B(theta) = H_B theta - c_B (model.batch_gradient_terms).  For full batch
H_B, c_B are the data's sufficient statistics, computed once, so a step costs O(p^2) whatever n.
The loop runs in chunks; after each chunk the full-data loss and gradient of every step are
evaluated at once from the same statistics, and divergence and the tolerance are checked.

Step k = 0 is the start; step k >= 1 is the state after k updates.  Step k belongs to epoch
ceil(k / steps_per_epoch).
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np

from .model import Quadratic, batch_gradient_terms, check_loss, design_matrix, quadratic
from .optimizers import Optimizer, make_optimizer
from .outcomes import Watch, judge
from .schedules import epoch_learning_rates
from .validation import (
    ParameterError,
    check_alpha,
    check_batch_size,
    check_epochs,
    check_learning_rate,
    check_shapes,
)

#: Training stops as diverged once the loss exceeds this factor times max(J_0, J(theta = 0)).
DIVERGENCE_FACTOR = 1e6
#: Up to this many parameters, the loop runs on Python floats, one coordinate at a time
#: (a NumPy call on a 2-vector costs more than the arithmetic); above it, on NumPy vectors.
SCALAR_LOOP_MAX_PARAMS = 4
CHUNK_STEPS = 2048
CHUNK_ROWS = 2_000_000
TOL_CRITERIA = ("grad_norm", "loss_change")
#: Called between chunks of a long computation.  It may raise to abandon the work: the app's raises
#: when the user has switched page or changed a control, so the new request takes effect at once.
Checkpoint = Callable[[], None]


def no_checkpoint() -> None:
    """The checkpoint of a run that nothing interrupts."""


@dataclass(frozen=True)
class Trajectory:
    """Everything one run did; arrays are indexed by step (0 = start)."""

    theta: np.ndarray  # (steps + 1, p): [w..., b] at every step
    loss: np.ndarray  # (steps + 1,): full-data loss J(theta_k)
    grad: np.ndarray  # (steps + 1, p): full-data gradient at theta_k
    learning_rate: np.ndarray  # (steps,): rate used by update k (1-based: learning_rate[k - 1])
    steps_per_epoch: int
    batch_size: int
    row_order: np.ndarray | None  # (epochs_run, n) row order of each epoch; None for full batch
    optimizer: str
    hyperparameters: dict
    loss_name: str
    alpha: float
    epochs_requested: int
    quadratic: Quadratic
    diverged_at: int | None = None
    divergence_reason: str | None = None
    steps_to_tol: int | None = None
    tol: float | None = None
    stopped_at_tol: bool = False
    #: (k, the optimizer's state after k updates) at the end of each chunk of the loop: the Learn page
    #: explains a step from the snapshot before it instead of replaying every update from the start.
    state_snapshots: tuple[tuple[int, Any], ...] = ()

    @cached_property
    def judged(self) -> Watch:
        """The run's evidence, judged by the rule every screen uses (outcomes.py)."""
        requested = self.epochs_requested * self.steps_per_epoch
        return judge(
            self.loss, np.linalg.norm(self.grad, axis=1), requested, self.tol or 0.0, self.quadratic.loss_ref,
            self.diverged_at,
        )  # fmt: skip

    @property
    def outcome(self) -> str:
        """converged, still descending, stalled or oscillating, or diverged (outcomes.py)."""
        return str(self.judged.outcome[0])

    @property
    def settled_at(self) -> int | None:
        """The step from which ||grad J|| stayed below tol to the end (None: it did not)."""
        step = self.judged.settled_at[0]
        return None if np.isnan(step) else int(step)

    @property
    def n_steps(self) -> int:
        return len(self.theta) - 1

    @property
    def diverged(self) -> bool:
        return self.diverged_at is not None

    @property
    def w(self) -> np.ndarray:
        return self.theta[-1, :-1]

    @property
    def b(self) -> float:
        return float(self.theta[-1, -1])

    @property
    def final_loss(self) -> float:
        return float(self.loss[-1])

    @property
    def epoch(self) -> np.ndarray:
        """Epoch of each step (0 for the start)."""
        return -(-np.arange(self.n_steps + 1) // self.steps_per_epoch)

    @property
    def epochs_run(self) -> int:
        return int(self.epoch[-1])

    def rows_of_step(self, k: int) -> np.ndarray:
        """Indices of the rows whose gradient made update k (k >= 1)."""
        if not 1 <= k <= self.n_steps:
            raise ParameterError("k", f"step must be in 1..{self.n_steps}, got {k}")
        n = self.quadratic.n_samples
        if self.row_order is None:
            return np.arange(n)
        epoch, j = divmod(k - 1, self.steps_per_epoch)
        return self.row_order[epoch, j * self.batch_size : (j + 1) * self.batch_size]


def divergence_threshold(q: Quadratic, theta0: np.ndarray) -> float:
    """The loss above which a run counts as diverged: DIVERGENCE_FACTOR x max(J(theta_0), J(0))."""
    start = max(float(q.loss_at(theta0)), float(q.loss_at(np.zeros(len(theta0)))), np.finfo(float).tiny)
    return DIVERGENCE_FACTOR * start


def beyond_limit(loss: np.ndarray, limit: float) -> np.ndarray:
    """The divergence rule, for every loss given: not finite, or above ``limit`` (divergence_threshold)."""
    return ~np.isfinite(loss) | (loss > limit)


def _dot(row, theta) -> float:
    return sum(map(operator.mul, row, theta))


def _scalar_steps(theta, states, H, c, lrs, update) -> tuple[list, list]:
    """Run len(lrs) updates on Python floats, coordinate by coordinate; return all thetas."""
    out = []
    for Hk, ck, lr in zip(H, c, lrs, strict=False):
        g = [_dot(row, theta) - ci for row, ci in zip(Hk, ck, strict=False)]
        new = []
        for i, gi in enumerate(g):
            step, states[i] = update(gi, states[i], lr)
            new.append(theta[i] - step)
        theta = new
        out.append(theta)
    return out, states


def _scalar_steps_2(theta, states, H, c, lrs, update) -> tuple[list, list]:
    """_scalar_steps unrolled for one feature (w, b): the common case, about twice as fast."""
    t0, t1 = theta
    s0, s1 = states
    out = []
    for ((h00, h01), (h10, h11)), (c0, c1), lr in zip(H, c, lrs, strict=True):
        step0, s0 = update(h00 * t0 + h01 * t1 - c0, s0, lr)
        step1, s1 = update(h10 * t0 + h11 * t1 - c1, s1, lr)
        t0 -= step0
        t1 -= step1
        out.append((t0, t1))
    return out, [s0, s1]


def _vector_steps(theta, state, H, c, lrs, update):
    """Run len(lrs) updates on NumPy vectors; return all thetas."""
    out = []
    for Hk, ck, lr in zip(H, c, lrs, strict=False):
        step, state = update(Hk @ theta - ck, state, lr)
        theta = theta - step
        out.append(theta)
    return out, state


class _Runner:
    """Holds the loop state between chunks (scalar or vector representation)."""

    def __init__(self, theta0: np.ndarray, optimizer: Optimizer):
        self.scalar = len(theta0) <= SCALAR_LOOP_MAX_PARAMS
        self.update = optimizer.update
        if self.scalar:
            self.theta = [float(t) for t in theta0]
            self.state = [optimizer.init(t) for t in self.theta]
        else:
            self.theta = theta0.copy()
            self.state = optimizer.init(self.theta)

    def vector_state(self) -> Any:
        """The optimizer's state as one state of vectors (the scalar loop keeps one state per coordinate)."""
        if not self.scalar:
            return self.state
        fields = zip(*self.state, strict=True)
        return type(self.state[0])(*(np.array(v, dtype=float) if isinstance(v[0], float) else v[0] for v in fields))

    def run(self, H: np.ndarray | list, c: np.ndarray | list, lrs: list) -> np.ndarray:
        with np.errstate(all="ignore"):
            if self.scalar:
                H, c = _as_lists(H), _as_lists(c)
                steps = _scalar_steps_2 if len(self.theta) == 2 else _scalar_steps
                out, self.state = steps(self.theta, self.state, H, c, lrs, self.update)
            else:
                out, self.state = _vector_steps(self.theta, self.state, H, c, lrs, self.update)
        self.theta = list(out[-1]) if self.scalar else out[-1]
        return np.array(out, dtype=float)


def _as_lists(a):
    return a.tolist() if isinstance(a, np.ndarray) else a


def _first(mask: np.ndarray) -> int | None:
    idx = np.flatnonzero(mask)
    return int(idx[0]) if len(idx) else None


def train(
    X,
    y,
    *,
    optimizer: str = "gd",
    learning_rate: float = 0.01,
    epochs: int = 100,
    batch_size: int | None = None,
    loss: str = "mse",
    alpha: float = 0.0,
    theta0=None,
    schedule: str = "constant",
    schedule_params: dict | None = None,
    tol: float | None = None,
    tol_on: str = "grad_norm",
    stop_at_tol: bool = False,
    shuffle: bool = True,
    random_state: int | None = 0,
    checkpoint: Checkpoint = no_checkpoint,
    **hyperparameters: float,
) -> Trajectory:
    """Fit y ~ X w + b by the named optimizer and return the whole trajectory.

    batch_size None (or n) is full-batch GD; 1 is stochastic; between is mini-batch.  Rows are
    reshuffled each epoch by ``np.random.default_rng(random_state)`` when ``shuffle``.  Divergence
    (loss non-finite, or above DIVERGENCE_FACTOR x its start) stops the run and is recorded,
    keeping the steps up to the last finite loss.  ``tol`` records the first step where the
    criterion ``tol_on`` holds (grad_norm: ||grad J|| < tol; loss_change: |J_k - J_(k-1)| < tol)
    and, with ``stop_at_tol``, stops there.  ``checkpoint`` is called after every chunk of steps.
    """
    X, y = check_shapes(X, y)
    check_loss(loss)
    lr0 = check_learning_rate(learning_rate)
    epochs = check_epochs(epochs)
    alpha = check_alpha(alpha)
    n, p = X.shape[0], X.shape[1] + 1
    bs = check_batch_size(batch_size, n)
    opt = make_optimizer(optimizer, **hyperparameters)
    if tol_on not in TOL_CRITERIA:
        raise ParameterError("tol_on", f"tol_on must be one of {TOL_CRITERIA}, got {tol_on!r}")
    if tol is not None and not (math.isfinite(tol) and tol > 0):
        raise ParameterError("tol", f"tol must be a finite number > 0, got {tol!r}")
    theta0 = np.zeros(p) if theta0 is None else np.asarray(theta0, dtype=float).ravel()
    if theta0.shape != (p,) or not np.all(np.isfinite(theta0)):
        raise ParameterError("theta0", f"theta0 must be {p} finite numbers [w..., b], got {theta0!r}")

    q = quadratic(X, y, loss, alpha)
    epoch_lrs = epoch_learning_rates(lr0, epochs, schedule, **(schedule_params or {}))
    full_batch = bs >= n
    steps_per_epoch = 1 if full_batch else -(-n // bs)
    rng = np.random.default_rng(random_state)
    orders: list[np.ndarray] = []
    runner = None
    if full_batch and opt.name == "gd" and schedule == "constant":
        chunks = _gd_closed_form_chunks(q, theta0, lr0, epochs)
    else:
        runner = _Runner(theta0, opt)
        terms = (
            _full_batch_terms(q, epochs)
            if full_batch
            else _mini_batch_terms(X, y, bs, epochs, shuffle, rng, orders, loss, alpha)
        )
        chunks = _loop_chunks(runner, terms, epoch_lrs, steps_per_epoch)

    loss0 = float(q.loss_at(theta0))
    limit = divergence_threshold(q, theta0)
    thetas = [theta0[None]]
    diverged_at = reason = steps_to_tol = None
    stopped_at_tol = False
    snapshots = []
    prev_loss = loss0
    done = 0
    for chunk in chunks:
        checkpoint()
        chunk_loss = q.loss_at(chunk)
        bad = _first(beyond_limit(chunk_loss, limit))
        if bad is not None:
            finite = bool(np.isfinite(chunk_loss[bad]))
            reason = f"loss exceeded {DIVERGENCE_FACTOR:.0e} x its start" if finite else "loss became infinite or NaN"
            diverged_at = done + bad + 1
            thetas.append(chunk[: bad + 1] if finite else chunk[:bad])
            break
        if tol is not None and steps_to_tol is None:
            hit = _tol_hits(q, chunk, chunk_loss, prev_loss, tol, tol_on)
            if hit is not None:
                steps_to_tol = done + hit + 1
                if stop_at_tol:
                    thetas.append(chunk[: hit + 1])
                    stopped_at_tol = True
                    break
        thetas.append(chunk)
        prev_loss = float(chunk_loss[-1])
        done += len(chunk)
        if runner is not None:  # the generator runs lazily: the runner has just finished this chunk
            snapshots.append((done, runner.vector_state()))

    theta = np.concatenate(thetas)
    all_lrs = np.repeat(epoch_lrs, steps_per_epoch)[: len(theta) - 1]
    with np.errstate(all="ignore"):
        return Trajectory(
            theta=theta,
            loss=q.loss_at(theta),
            grad=q.gradient_at(theta),
            learning_rate=all_lrs,
            steps_per_epoch=steps_per_epoch,
            batch_size=bs,
            row_order=np.array(orders[: -(-(len(theta) - 1) // steps_per_epoch)], dtype=np.int64) if orders else None,
            optimizer=opt.name,
            hyperparameters=opt.hyperparameters,
            loss_name=loss,
            alpha=alpha,
            epochs_requested=epochs,
            quadratic=q,
            diverged_at=diverged_at,
            divergence_reason=reason,
            steps_to_tol=steps_to_tol,
            tol=tol,
            stopped_at_tol=stopped_at_tol,
            state_snapshots=tuple(snapshots),
        )


def _gd_closed_form_chunks(q: Quadratic, theta0: np.ndarray, lr: float, epochs: int) -> Iterator[np.ndarray]:
    """Full-batch GD at a constant rate is the linear recursion e_k = (I - lr H) e_(k-1), e = theta - theta*.

    With H = V diag(lambda) V^T: theta_k = theta* + V diag((1 - lr lambda)^k) V^T (theta_0 - theta*).
    Same numbers as the loop (to rounding; tested against the seed's loop), at O(p) per step in NumPy.
    """
    lam, V = np.linalg.eigh(q.hessian)
    e0 = V.T @ (theta0 - q.theta_ref)
    k = np.arange(1, epochs + 1)[:, None]
    for start in range(0, epochs, CHUNK_STEPS * 8):
        with np.errstate(all="ignore"):
            yield q.theta_ref + ((1.0 - lr * lam) ** k[start : start + CHUNK_STEPS * 8] * e0) @ V.T


def _full_batch_terms(q: Quadratic, epochs: int) -> Iterator[tuple[list, list, int]]:
    """(H, c) of grad J = H theta - c for every step: the data's statistics, the same at every step."""
    H, c = q.hessian, q.linear_term
    if len(c) <= SCALAR_LOOP_MAX_PARAMS:
        H, c = H.tolist(), c.tolist()
    for e0 in range(0, epochs, CHUNK_STEPS):
        m = min(CHUNK_STEPS, epochs - e0)
        yield [H] * m, [c] * m, m


def _mini_batch_terms(X, y, bs, epochs, shuffle, rng, orders, loss, alpha) -> Iterator[tuple]:
    """Per-batch (H_B, c_B) for chunks of epochs; each epoch's row order is drawn from ``rng`` and kept."""
    A = design_matrix(X)
    n = len(y)
    per_epoch = -(-n // bs)
    epochs_per_chunk = max(1, min(-(-CHUNK_STEPS // per_epoch), CHUNK_ROWS // n))
    for e0 in range(0, epochs, epochs_per_chunk):
        chunk_orders = [
            rng.permutation(n) if shuffle else np.arange(n) for _ in range(e0, min(epochs, e0 + epochs_per_chunk))
        ]
        orders.extend(chunk_orders)
        idx = np.concatenate(chunk_orders)
        if n % bs == 0:
            H, c = batch_gradient_terms(A[idx], y[idx], bs, loss, alpha)
        else:  # batches never span two epochs
            parts = [batch_gradient_terms(A[e], y[e], bs, loss, alpha) for e in chunk_orders]
            H, c = np.concatenate([h for h, _ in parts]), np.concatenate([c for _, c in parts])
        yield H, c, len(chunk_orders)


def _loop_chunks(runner: _Runner, terms, epoch_lrs: np.ndarray, steps_per_epoch: int) -> Iterator[np.ndarray]:
    """The runner's steps in pieces of at most CHUNK_STEPS x 8 (an epoch of 200,000 rows is 13 pieces):
    the checkpoint and the divergence check run between pieces."""
    e0 = 0
    piece = CHUNK_STEPS * 8
    for H, c, n_epochs in terms:
        lrs = np.repeat(epoch_lrs[e0 : e0 + n_epochs], steps_per_epoch).tolist()
        e0 += n_epochs
        for i in range(0, len(lrs), piece):
            yield runner.run(H[i : i + piece], c[i : i + piece], lrs[i : i + piece])


def _tol_hits(q: Quadratic, chunk, chunk_loss, prev_loss, tol, tol_on) -> int | None:
    if tol_on == "grad_norm":
        return _first(np.linalg.norm(q.gradient_at(chunk), axis=1) < tol)
    change = np.abs(np.diff(np.concatenate([[prev_loss], chunk_loss])))
    return _first(change < tol)
