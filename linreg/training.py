"""Training: train(...) -> Trajectory, and the one engine every run goes through
(``stacked_run``).

Every step is theta <- theta - step, with step from the optimizer (optimizers.py) and
the gradient of the batch loss in the form grad J_B(theta) = H_B theta - c_B
(model.batch_gradient_terms).  For full batch H_B, c_B are the data's sufficient
statistics, computed once, so a step costs O(p^2) whatever n.

The engine advances a stack of L runs together, theta of shape (L, p): the optimizers'
rules are elementwise, so one NumPy step moves every run.  ``train`` is a stack of one;
the learning-rate sweeps (sweep.py) stack one run per rate.  Full-batch GD at constant
rates runs no loop: it is the closed form of its linear recursion.  The steps come in
chunks; each chunk's full-data loss and gradient are evaluated at once from the same
statistics, and one rule marks divergence (``beyond_limit``).

Step k = 0 is the start; step k >= 1 is the state after k updates.  Step k belongs to
epoch ceil(k / steps_per_epoch).
"""

from __future__ import annotations

import inspect
import math
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import cached_property
from itertools import repeat
from typing import Any

import numpy as np

from .model import Quadratic, batch_gradient_terms, check_loss, design_matrix, quadratic
from .optimizers import Optimizer, make_optimizer
from .outcomes import Watch, first_step, judge
from .schedules import epoch_learning_rates
from .validation import (
    ParameterError,
    check_alpha,
    check_batch_size,
    check_epochs,
    check_learning_rate,
    check_shapes,
)

#: Training stops as diverged once the loss exceeds this factor times max(J_0, J(theta =
#: 0)).
DIVERGENCE_FACTOR = 1e6
#: The engine hands its steps over in chunks of at most this many: the checkpoint, the
#: loss and gradient of every step, and the divergence and tolerance checks run once per
#: chunk.
CHUNK_STEPS = 2048
#: Mini-batch terms are built a whole number of epochs at a time: about CHUNK_STEPS
#: steps, at most this many rows.
CHUNK_ROWS = 2_000_000
TOL_CRITERIA = ("grad_norm", "loss_change")
#: Called between chunks of a long computation.  It may raise to abandon the work: the
#: app's raises when the user has switched page or changed a control, so the new request
#: takes effect at once.
Checkpoint = Callable[[], None]


def no_checkpoint() -> None:
    """The checkpoint of a run that nothing interrupts."""


@dataclass(frozen=True)
class Trajectory:
    """Everything one run did; arrays are indexed by step (0 = start)."""

    theta: np.ndarray  # (steps + 1, p): [w..., b] at every step
    loss: np.ndarray  # (steps + 1,): full-data loss J(theta_k)
    grad: np.ndarray  # (steps + 1, p): full-data gradient at theta_k
    # (steps,): rate used by update k (1-based: learning_rate[k - 1])
    learning_rate: np.ndarray
    steps_per_epoch: int
    batch_size: int
    # (epochs_run, n) row order of each epoch; None for full batch
    row_order: np.ndarray | None
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
    #: (k, the optimizer's state after k updates) at the end of each chunk of the loop:
    #: the Learn page explains a step from the snapshot before it instead of replaying
    #: every update from the start.
    state_snapshots: tuple[tuple[int, Any], ...] = ()

    @cached_property
    def judged(self) -> Watch:
        """The run's evidence, judged by the rule every screen uses (outcomes.py)."""
        requested = self.epochs_requested * self.steps_per_epoch
        return judge(
            self.loss,
            np.linalg.norm(self.grad, axis=1),
            requested,
            self.tol or 0.0,
            self.quadratic.loss_ref,
            self.diverged_at,
        )

    @property
    def outcome(self) -> str:
        """converged, still descending, stalled or oscillating, or diverged
        (outcomes.py)."""
        return str(self.judged.outcome[0])

    @property
    def settled_at(self) -> int | None:
        """The step from which ||grad J|| stayed below tol to the end (None: it did
        not)."""
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


def divergence_threshold(q: Quadratic, theta0: np.ndarray) -> np.ndarray:
    """The loss above which a run counts as diverged: DIVERGENCE_FACTOR x
    max(J(theta_0), J(0)); one per run for a stack of starts (L, p)."""
    start = np.maximum(q.loss_at(theta0), q.loss_at(np.zeros(np.shape(theta0)[-1])))
    return DIVERGENCE_FACTOR * np.maximum(start, np.finfo(float).tiny)


def beyond_limit(loss: np.ndarray, limit: np.ndarray | float) -> np.ndarray:
    """The divergence rule, for every loss given: not finite, or above ``limit``
    (divergence_threshold)."""
    return ~np.isfinite(loss) | (loss > limit)


@dataclass(frozen=True)
class Chunk:
    """Steps k0 .. k0 + m - 1 of a stack of L runs, each judged on the full data."""

    k0: int
    theta: np.ndarray  # (m, L, p)
    loss: np.ndarray  # (m, L) full-data loss J(theta_k)
    grad: np.ndarray  # (m, L, p) full-data gradient
    beyond: np.ndarray  # (m, L) the divergence rule (beyond_limit)
    # the optimizer's state after the chunk's last step, its arrays stacked like theta
    state: Any

    @property
    def grad_norm(self) -> np.ndarray:
        # a diverging run's gradient overflows, as its steps did
        with np.errstate(all="ignore"):
            return np.linalg.norm(self.grad, axis=-1)


def reached_tol(
    chunk: Chunk, prev_loss: np.ndarray, tol: float, tol_on: str
) -> np.ndarray:
    """(m, L): where the tolerance criterion holds (grad_norm: ||grad J|| < tol;
    loss_change: |J_k - J_(k-1)| < tol, J_(k0-1) being ``prev_loss``)."""
    if tol_on == "grad_norm":
        return chunk.grad_norm < tol
    with np.errstate(invalid="ignore"):
        return (
            np.abs(np.diff(np.concatenate([prev_loss[None], chunk.loss]), axis=0)) < tol
        )


def run_state(state: Any, run: int | tuple[int, int] = 0) -> Any:
    """One run's optimizer state out of a stack's: its arrays' row ``run`` (or one
    coordinate, ``(run, i)``, as a Python float); counters such as Adam's t are shared
    by the runs."""
    return type(state)(*(_pick(v, run) for v in state))


def _pick(value: Any, index: int | tuple[int, int]) -> Any:
    if not isinstance(value, np.ndarray):
        return value
    return float(value[index]) if isinstance(index, tuple) else value[index].copy()


def stacked_run(
    q: Quadratic,
    theta0: np.ndarray,
    optimizer: Optimizer,
    rates: np.ndarray,
    terms: Iterable[tuple[np.ndarray, np.ndarray]] | None = None,
    checkpoint: Checkpoint = no_checkpoint,
) -> Iterator[Chunk]:
    """Runs stacked along axis 0 of ``theta0`` (L, p), advanced together for len(rates)
    steps.

    ``rates`` (steps, L) is each run's learning rate at each step; ``terms`` the
    gradient terms (H_B, c_B) of every step in blocks, shared by the runs (mini-batch:
    the same batches), or None for full batch. Yields the start (k0 = 0, one step) and
    then the steps in chunks of at most CHUNK_STEPS, each after a call to
    ``checkpoint``.  Full-batch GD at constant rates is the closed form of its
    recursion.
    """
    limit = divergence_threshold(q, theta0)

    def judged(k0: int, theta: np.ndarray, state: Any) -> Chunk:
        # one (m L, p) product, not m small ones
        flat = theta.reshape(-1, theta.shape[-1])
        loss, grad = (
            q.loss_at(flat).reshape(theta.shape[:-1]),
            q.gradient_at(flat).reshape(theta.shape),
        )
        return Chunk(k0, theta, loss, grad, beyond_limit(loss, limit), state)

    yield judged(0, theta0[None], optimizer.init(theta0))
    if terms is None and optimizer.name == "gd" and bool(np.all(rates == rates[:1])):
        steps = zip(
            _gd_closed_form(q, theta0, rates[0], len(rates)),
            repeat(optimizer.init(theta0)),
        )
    else:
        steps = _loop(q, theta0, optimizer, rates, terms)
    k0 = 1
    for theta, state in steps:
        checkpoint()
        yield judged(k0, theta, state)
        k0 += len(theta)


def _gd_closed_form(
    q: Quadratic, theta0: np.ndarray, lr: np.ndarray, steps: int
) -> Iterator[np.ndarray]:
    """Full-batch GD at a constant rate is the linear recursion e_k = (I - lr H)
    e_(k-1), e = theta - theta*.

    With H = V diag(lambda) V^T: theta_k = theta* + V diag((1 - lr lambda)^k) V^T
    (theta_0 - theta*), each run at its own lr.  Same numbers as the loop (to rounding;
    tested against the textbook loop), at O(p) per step in NumPy."""
    lam, V = np.linalg.eigh(q.hessian)
    e0 = (theta0 - q.theta_ref) @ V  # (L, p): the start's error along each eigen-axis
    factor = 1.0 - lr[:, None] * lam  # (L, p)
    for start in range(0, steps, CHUNK_STEPS):
        k = np.arange(start + 1, min(start + CHUNK_STEPS, steps) + 1)[:, None, None]
        with np.errstate(all="ignore"):
            # (m L, p): one product, not m small ones
            errors = (factor**k * e0).reshape(-1, len(lam))
            yield q.theta_ref + (errors @ V.T).reshape(len(k), *theta0.shape)


def _loop(
    q: Quadratic, theta0: np.ndarray, optimizer: Optimizer, rates: np.ndarray, terms
) -> Iterator[tuple[np.ndarray, Any]]:
    """The optimizer's update, step after step, on the whole stack, CHUNK_STEPS steps at
    a time."""
    if terms is None:  # full batch: the data's H, c at every step (views, no copies)
        p = len(q.linear_term)
        terms = [
            (
                np.broadcast_to(q.hessian, (len(rates), p, p)),
                np.broadcast_to(q.linear_term, (len(rates), p)),
            )
        ]
    steps = _steps_one_feature if theta0.shape == (1, 2) else _steps
    theta, state = theta0, optimizer.init(theta0)
    k = 0
    for H, c in terms:
        for i in range(0, len(H), CHUNK_STEPS):
            m = min(CHUNK_STEPS, len(H) - i)
            thetas, state = steps(
                theta,
                state,
                H[i : i + m],
                c[i : i + m],
                rates[k : k + m],
                optimizer.update,
            )
            theta, k = thetas[-1], k + m
            yield thetas, state


def _steps(theta, state, H, c, rates, update) -> tuple[np.ndarray, Any]:
    """theta <- theta - step for each (H_k, c_k, lr_k), every run of the stack at once:
    the runs' gradients, one row each, are (H_k theta_l - c_k)^T = theta_l^T H_k^T -
    c_k."""
    out = []
    with np.errstate(all="ignore"):
        for HkT, ck, lr in zip(H.transpose(0, 2, 1), c, rates[:, :, None], strict=True):
            step, state = update(theta @ HkT - ck, state, lr)
            theta = theta - step
            out.append(theta)
    return np.array(out), state


def _steps_one_feature(theta, state, H, c, rates, update) -> tuple[np.ndarray, Any]:
    """``_steps`` for a stack of one run of one feature (w, b), the lessons' case, on
    Python floats: the same arithmetic, written out per coordinate, about three times
    faster (a NumPy call on a 2-vector costs more than the arithmetic; bench_core's SGD
    figures).  tests/test_reference.py holds both to the textbook.
    """
    ((t0, t1),) = theta.tolist()
    s0, s1 = (run_state(state, (0, i)) for i in (0, 1))
    # the same H, c at every step: one list, not one per step
    full_batch = H.strides[0] == 0
    Hs, cs = (
        (repeat(H[0].tolist(), len(H)), repeat(c[0].tolist(), len(H)))
        if full_batch
        else (H.tolist(), c.tolist())
    )
    out = []
    for ((h00, h01), (h10, h11)), (c0, c1), lr in zip(
        Hs, cs, rates[:, 0].tolist(), strict=True
    ):
        step0, s0 = update(h00 * t0 + h01 * t1 - c0, s0, lr)
        step1, s1 = update(h10 * t0 + h11 * t1 - c1, s1, lr)
        t0 -= step0
        t1 -= step1
        out.append((t0, t1))
    stacked = type(s0)(
        *(
            np.array([[a, b]]) if isinstance(a, float) else a
            for a, b in zip(s0, s1, strict=True)
        )
    )
    return np.array(out)[:, None, :], stacked


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

    batch_size None (or n) is full-batch GD; 1 is stochastic; between is mini-batch.
    Rows are reshuffled each epoch by ``np.random.default_rng(random_state)`` when
    ``shuffle``.  Divergence (loss non-finite, or above DIVERGENCE_FACTOR x its start)
    stops the run and is recorded, keeping the steps up to the last finite loss.
    ``tol`` records the first step where the criterion ``tol_on`` holds (grad_norm:
    ||grad J|| < tol; loss_change: |J_k - J_(k-1)| < tol) and, with ``stop_at_tol``,
    stops there.  ``checkpoint`` is called after every chunk of steps.
    """
    X, y = check_shapes(X, y)
    check_loss(loss)
    lr0 = check_learning_rate(learning_rate)
    epochs = check_epochs(epochs)
    alpha = check_alpha(alpha)
    n, p = X.shape[0], X.shape[1] + 1
    bs = check_batch_size(batch_size, n)
    opt = make_optimizer(optimizer, TRAIN_ARGUMENTS, **hyperparameters)
    if tol_on not in TOL_CRITERIA:
        raise ParameterError(
            "tol_on", f"tol_on must be one of {TOL_CRITERIA}, got {tol_on!r}"
        )
    if tol is not None and not (math.isfinite(tol) and tol > 0):
        raise ParameterError("tol", f"tol must be a finite number > 0, got {tol!r}")
    theta0 = np.zeros(p) if theta0 is None else np.asarray(theta0, dtype=float).ravel()
    if theta0.shape != (p,) or not np.all(np.isfinite(theta0)):
        raise ParameterError(
            "theta0", f"theta0 must be {p} finite numbers [w..., b], got {theta0!r}"
        )

    q = quadratic(X, y, loss, alpha)
    epoch_lrs = epoch_learning_rates(lr0, epochs, schedule, **(schedule_params or {}))
    full_batch = bs >= n
    steps_per_epoch = 1 if full_batch else -(-n // bs)
    terms, orders = batches(X, y, bs, epochs, shuffle, random_state, loss, alpha)
    rates = np.repeat(epoch_lrs, steps_per_epoch)[:, None]

    chunks = stacked_run(q, theta0[None], opt, rates, terms, checkpoint)
    # the start, then each chunk cut to the steps the run keeps
    kept: list[Chunk] = [next(chunks)]
    diverged_at = reason = steps_to_tol = None
    stopped_at_tol = False
    snapshots = []
    for chunk in chunks:
        keep = len(chunk.theta)
        bad = first_step(chunk.beyond, chunk.k0)[0]
        if not np.isnan(bad):
            finite = bool(np.isfinite(chunk.loss[int(bad) - chunk.k0, 0]))
            reason = (
                f"loss exceeded {DIVERGENCE_FACTOR:.0e} x its start"
                if finite
                else "loss became infinite or NaN"
            )
            diverged_at, keep = int(bad), int(bad) - chunk.k0 + finite
        if tol is not None and steps_to_tol is None:
            hit = first_step(
                reached_tol(chunk, kept[-1].loss[-1], tol, tol_on)[:keep], chunk.k0
            )[0]
            if not np.isnan(hit):
                steps_to_tol = int(hit)
                if stop_at_tol:
                    diverged_at = reason = None
                    stopped_at_tol, keep = True, steps_to_tol - chunk.k0 + 1
        if stopped_at_tol or diverged_at is not None:
            kept.append(_cut(chunk, keep))
            break
        kept.append(chunk)
        snapshots.append((chunk.k0 + keep - 1, run_state(chunk.state)))

    theta = np.concatenate([c.theta[:, 0] for c in kept])
    return Trajectory(
        theta=theta,
        loss=np.concatenate([c.loss[:, 0] for c in kept]),
        grad=np.concatenate([c.grad[:, 0] for c in kept]),
        learning_rate=rates[: len(theta) - 1, 0],
        steps_per_epoch=steps_per_epoch,
        batch_size=bs,
        row_order=(
            np.array(orders[: -(-(len(theta) - 1) // steps_per_epoch)], dtype=np.int64)
            if orders
            else None
        ),
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


#: train's own keyword arguments (a misspelt one is told from them)
TRAIN_ARGUMENTS: tuple[str, ...] = tuple(
    name
    for name, p in inspect.signature(train).parameters.items()
    if p.kind is p.KEYWORD_ONLY or (p.default is not p.empty)
)


def batches(
    X, y, bs: int, epochs: int, shuffle: bool, random_state, loss: str, alpha: float
) -> tuple[Any, list]:
    """The gradient terms of every step (None: full batch, the data's own) and the list
    that fills with each epoch's row order as they are drawn, by one
    ``np.random.default_rng(random_state)``: runs given the same seed see the same
    batches, so a stack of them shares one set of terms."""
    if bs >= len(y):
        return None, []
    orders: list[np.ndarray] = []
    rng = np.random.default_rng(random_state)
    return (
        _mini_batch_terms(X, y, bs, epochs, shuffle, rng, orders, loss, alpha),
        orders,
    )


def _cut(chunk: Chunk, steps: int) -> Chunk:
    """The chunk's first ``steps`` steps."""
    return Chunk(
        chunk.k0,
        chunk.theta[:steps],
        chunk.loss[:steps],
        chunk.grad[:steps],
        chunk.beyond[:steps],
        None,
    )


def _mini_batch_terms(
    X, y, bs, epochs, shuffle, rng, orders, loss, alpha
) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """Per-batch (H_B, c_B) for blocks of whole epochs; each epoch's row order is drawn
    from ``rng`` and kept."""
    A = design_matrix(X)
    n = len(y)
    per_epoch = -(-n // bs)
    epochs_per_chunk = max(1, min(-(-CHUNK_STEPS // per_epoch), CHUNK_ROWS // n))
    for e0 in range(0, epochs, epochs_per_chunk):
        chunk_orders = [
            rng.permutation(n) if shuffle else np.arange(n)
            for _ in range(e0, min(epochs, e0 + epochs_per_chunk))
        ]
        orders.extend(chunk_orders)
        idx = np.concatenate(chunk_orders)
        if n % bs == 0:
            yield batch_gradient_terms(A[idx], y[idx], bs, loss, alpha)
        else:  # batches never span two epochs
            parts = [
                batch_gradient_terms(A[e], y[e], bs, loss, alpha) for e in chunk_orders
            ]
            yield (
                np.concatenate([h for h, _ in parts]),
                np.concatenate([c for _, c in parts]),
            )
