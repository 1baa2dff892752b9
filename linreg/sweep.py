"""Learning-rate sweeps: many runs at once.

Full batch, the runs are stacked along a leading axis and advanced together by the one
engine (training.stacked_run, which ``train`` runs as a stack of one): the optimizers'
update rules are elementwise (optimizers.py), so one NumPy step moves all of them, and
the gradient comes from the sufficient statistics, grad J = H theta - c, at O(p^2) per
run whatever n. Mini-batch runs are stacked too: the same seed gives every run the same
batches, whose gradient terms (H_B, c_B) the stack shares (training.batches).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from .model import Quadratic, check_loss, quadratic
from .optimizers import make_optimizer
from .outcomes import DIVERGED, Watch
from .sampling import sampled_steps
from .training import Checkpoint, Chunk, batches, no_checkpoint, stacked_run
from .validation import check_alpha, check_batch_size, check_epochs, check_shapes

#: A mini-batch sweep's runs get at most this many updates each (whole epochs), all of
#: them together at most MAX_SWEEP_UPDATES (well under a second, stacked), over at least
#: MIN_SWEPT_RATES rates.
MAX_UPDATES_PER_SWEPT_RUN = 20_000
MAX_SWEEP_UPDATES = 600_000
MIN_SWEPT_RATES = 12


def start_point(q: Quadratic, theta0=None) -> np.ndarray:
    """The runs' start: ``theta0``, or zeros."""
    return (
        np.zeros(len(q.theta_ref))
        if theta0 is None
        else np.asarray(theta0, dtype=float)
    )


@dataclass(frozen=True)
class Sweep:
    learning_rates: np.ndarray  # (L,)
    final_loss: np.ndarray  # (L,), inf where diverged
    outcome: np.ndarray  # (L,) each run's outcome word (outcomes.py)
    # (L,) float: the step from which ||grad|| < tol to the end, nan where it did not
    settled_at: np.ndarray
    diverged_at: np.ndarray  # (L,) float, nan where it was not stopped as diverged
    epochs: int
    tol: float
    start_loss: float
    note: str | None = None  # what was cut to keep the sweep's work bounded

    @property
    def diverging(self) -> np.ndarray:
        return self.outcome == DIVERGED

    @property
    def best_index(self) -> int:
        """The run that converged and stayed soonest; if none did, the lowest final loss
        not diverged."""
        if np.any(np.isfinite(self.settled_at)):
            return int(np.nanargmin(self.settled_at))
        return int(np.argmin(np.where(self.diverging, np.inf, self.final_loss)))

    @property
    def best_learning_rate(self) -> float:
        return float(self.learning_rates[self.best_index])


def stacked(
    q: Quadratic,
    learning_rates,
    steps: int,
    optimizer: str = "gd",
    theta0=None,
    checkpoint: Checkpoint = no_checkpoint,
    terms=None,
    **hyperparameters: float,
) -> Iterator[Chunk]:
    """Runs from the same start, one per learning rate, stacked
    (training.stacked_run) for ``steps`` steps: the start, then the steps in chunks.
    ``terms``: the mini-batches' gradient terms (training.batches); None, full batch."""
    lrs = np.asarray(learning_rates, dtype=float)
    starts = np.tile(start_point(q, theta0), (len(lrs), 1))
    opt = make_optimizer(optimizer, **hyperparameters)
    return stacked_run(
        q, starts, opt, np.broadcast_to(lrs, (steps, len(lrs))), terms, checkpoint
    )


def sweep_full_batch(
    q: Quadratic,
    learning_rates,
    epochs: int,
    optimizer: str = "gd",
    theta0=None,
    tol: float = 1e-6,
    checkpoint: Checkpoint = no_checkpoint,
    **hyperparameters: float,
) -> Sweep:
    """Full-batch runs for every learning rate at once, stacked along axis 0, each
    judged (outcomes.py)."""
    lrs = np.asarray(learning_rates, dtype=float)
    start = start_point(q, theta0)
    watch = watched(
        q, lrs, epochs, optimizer, start, tol, checkpoint, **hyperparameters
    ).watch
    return _swept(watch, lrs, epochs, tol, float(q.loss_at(start)))


class Watched(NamedTuple):
    """The judged runs (``watch``), theta at the kept steps (runs, kept steps, p; nan
    from a run's divergence on), and each run's theta at its end (``end``, runs x p):
    its last step, or the last before it diverged."""

    watch: Watch
    kept: np.ndarray
    end: np.ndarray


def watched(
    q: Quadratic,
    lrs: np.ndarray,
    steps: int,
    optimizer: str,
    start: np.ndarray,
    tol: float,
    checkpoint: Checkpoint = no_checkpoint,
    keep: np.ndarray | None = None,
    terms=None,
    progress: Callable[[int, int], None] | None = None,
    **hyperparameters: float,
) -> Watched:
    """Run the stack (``stacked``) and judge every run on the way; also theta at the
    steps ``keep`` and at each run's end (Watched).  ``progress`` hears (updates done,
    updates in all) after each chunk.  The work stops once every run has diverged."""
    watch = Watch(steps, len(lrs), tol, q.loss_ref, float(q.loss_at(start)))
    kept_at = np.asarray([] if keep is None else keep, dtype=int)
    kept = np.full((len(lrs), len(kept_at), len(start)), np.nan)
    end = np.repeat(np.asarray(start, dtype=float)[None], len(lrs), axis=0)
    runs = np.arange(len(lrs))
    for chunk in stacked(
        q, lrs, steps, optimizer, start, checkpoint, terms, **hyperparameters
    ):
        watch.see(chunk.k0, chunk.loss, chunk.grad_norm, chunk.beyond)
        if progress is not None:
            progress(chunk.k0 + len(chunk.theta) - 1, steps)
        here = (kept_at >= chunk.k0) & (kept_at < chunk.k0 + len(chunk.theta))
        alive = np.isnan(watch.diverged_at)[:, None] | (
            kept_at[here] < watch.diverged_at[:, None]
        )
        kept[:, here] = np.where(
            alive[:, :, None],
            chunk.theta[kept_at[here] - chunk.k0].transpose(1, 0, 2),
            np.nan,
        )
        # each run's last step before it diverged, if this chunk holds it
        last = chunk.k0 + len(chunk.theta) - 1
        upto = np.where(np.isnan(watch.diverged_at), last, watch.diverged_at - 1)
        j = upto.astype(int) - chunk.k0
        inside = (j >= 0) & (j < len(chunk.theta))
        end[inside] = chunk.theta[j[inside], runs[inside]]
        # every run stopped as diverged: nothing left to see
        if not np.isnan(watch.diverged_at).any():
            break
    return Watched(watch, kept, end)


@dataclass(frozen=True)
class RatePaths:
    """Whole full-batch runs for many learning rates, kept at a few steps each (what the
    eye needs)."""

    learning_rates: np.ndarray  # (L,)
    steps: np.ndarray  # (K,) the kept steps, 0 and the last included
    theta: np.ndarray  # (L, K, p), nan from divergence on
    loss: np.ndarray  # (L, K), nan from divergence on
    outcome: np.ndarray  # (L,) each run's outcome word (outcomes.py)
    diverged_at: np.ndarray  # (L,) float, nan where it did not diverge
    start_loss: float
    end: np.ndarray  # (L, p) each run's last step, or its last before it diverged
    # (L,) each run's momentum, when the runs were stacked over momenta too
    momenta: np.ndarray | None = None

    @property
    def diverging(self) -> np.ndarray:
        return self.outcome == DIVERGED


def kept_steps(epochs: int, count: int = 120) -> np.ndarray:
    """The steps a sweep keeps of each run (the one sampling rule)."""
    return sampled_steps(epochs, count)


def rate_paths(
    q: Quadratic,
    learning_rates,
    epochs: int,
    optimizer: str = "gd",
    theta0=None,
    checkpoint: Checkpoint = no_checkpoint,
    tol: float = 1e-6,
    momenta=None,
    **hyperparameters: float,
) -> RatePaths:
    """Full-batch runs for every learning rate at once (stacked), kept at
    ``kept_steps(epochs)`` and judged like every run.  A run stops as diverged where
    ``train`` would stop it; its later steps are nan.

    With ``momenta`` (heavy ball, Nesterov), every (momentum, learning rate) pair at
    once: run j * L + i has the j-th momentum and the i-th of the L learning rates."""
    lrs = np.asarray(learning_rates, dtype=float)
    mus = None
    if momenta is not None:
        mus = np.repeat(np.asarray(momenta, dtype=float), len(lrs))
        lrs = np.tile(lrs, len(np.atleast_1d(momenta)))
        # one per stacked run
        hyperparameters = {**hyperparameters, "momentum": mus[:, None]}
    start = start_point(q, theta0)
    steps = kept_steps(epochs)
    watch, theta, end = watched(
        q, lrs, epochs, optimizer, start, tol, checkpoint, keep=steps, **hyperparameters
    )
    with np.errstate(all="ignore"):
        loss = q.loss_at(theta.reshape(-1, len(start))).reshape(len(lrs), len(steps))
    return RatePaths(
        lrs,
        steps,
        theta,
        loss,
        watch.outcome,
        watch.diverged_at,
        float(q.loss_at(start)),
        end,
        mus,
    )


def sweep_runs(
    X,
    y,
    learning_rates,
    epochs: int,
    tol: float = 1e-6,
    *,
    optimizer: str = "gd",
    batch_size: int | None = None,
    loss: str = "mse",
    alpha: float = 0.0,
    theta0=None,
    shuffle: bool = True,
    random_state: int | None = 0,
    checkpoint: Checkpoint = no_checkpoint,
    progress: Callable[[int, int], None] | None = None,
    **hyperparameters: float,
) -> Sweep:
    """What ``train`` would do at every learning rate, mini-batches included, as one
    stack: the same seed gives every run the same batches (training.batches), so one
    loop advances them all.  ``progress`` hears (updates done, updates in all) after
    each chunk."""
    lrs = np.asarray(learning_rates, dtype=float)
    X, y = check_shapes(X, y)
    bs = check_batch_size(batch_size, len(y))
    check_loss(loss)
    q = quadratic(X, y, loss, check_alpha(alpha))
    terms, _ = batches(
        X, y, bs, check_epochs(epochs), shuffle, random_state, loss, alpha
    )
    steps = epochs * (1 if terms is None else -(-len(y) // bs))
    start = start_point(q, theta0)
    watch = watched(
        q,
        lrs,
        steps,
        optimizer,
        start,
        tol,
        checkpoint,
        terms=terms,
        progress=progress,
        **hyperparameters,
    ).watch
    return _swept(watch, lrs, epochs, tol, float(q.loss_at(start)))


def _swept(
    watch: Watch, lrs: np.ndarray, epochs: int, tol: float, start_loss: float
) -> Sweep:
    """The judged runs as a sweep: a diverged run's final loss is infinite."""
    final = np.where(np.isnan(watch.diverged_at), watch.final_loss, np.inf)
    return Sweep(
        lrs,
        final,
        watch.outcome,
        watch.settled_at,
        watch.diverged_at,
        epochs,
        tol,
        start_loss,
    )


def swept_epochs(epochs: int, steps_per_epoch: int) -> int:
    """Epochs per mini-batch sweep run: the requested ones, cut to
    MAX_UPDATES_PER_SWEPT_RUN updates."""
    return min(epochs, max(1, MAX_UPDATES_PER_SWEPT_RUN // steps_per_epoch))


def mini_batch_plan(
    epochs: int, steps_per_epoch: int, count: int = 60, budget: int = MAX_SWEEP_UPDATES
) -> tuple[int, int] | None:
    """(epochs per run, number of rates) for a mini-batch sweep within ``budget``
    updates, or None when even MIN_SWEPT_RATES runs are more work than that."""
    per_run = swept_epochs(epochs, steps_per_epoch)
    rates = min(count, budget // (per_run * steps_per_epoch))
    return None if rates < MIN_SWEPT_RATES else (per_run, rates)


#: The scrubber's rates: this many around the stability limit, the current rate added
#: among them.
SCRUB_RATES = 60


def scrub_grid(
    limit: float | None, current: float, count: int = SCRUB_RATES
) -> tuple[np.ndarray, int]:
    """``count`` log-spaced rates from limit / 1000 to 1.6 x limit (no limit, for the
    adaptive optimizers: log_grid's 1e-4 to 10), with ``current`` among them; and the
    index of ``current``.
    """
    grid = (
        log_grid(count=count)
        if limit is None
        else np.geomspace(limit / 1000, limit * 1.6, count)
    )
    rates = np.unique(np.append(grid, current))
    return rates, int(np.searchsorted(rates, current))


#: Rates per momentum when the scrubber stacks momenta too (the figure stays under 2
#: MB).
SCRUB_PAIR_RATES = 40
#: The momenta the scrubber's second slider offers (heavy ball, Nesterov), the user's
#: own added among them.
SCRUB_MOMENTA = (0.0, 0.3, 0.5, 0.7, 0.8, 0.9, 0.95, 0.99)


def scrub_momenta(current: float) -> tuple[np.ndarray, int]:
    """SCRUB_MOMENTA with ``current`` among them, and the index of ``current``."""
    momenta = np.unique(np.append(SCRUB_MOMENTA, current))
    return momenta, int(np.searchsorted(momenta, current))


def log_grid(low: float = 1e-4, high: float = 10.0, count: int = 60) -> np.ndarray:
    return np.geomspace(low, high, count)
