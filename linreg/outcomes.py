"""What a run did, in one vocabulary for every screen (the scrubber, the race, the
sweep, the reveal, the example runs, the gauge of the adaptive optimizers):

    converged               reached the tolerance (||grad J|| < tol) and stayed below it
                            to the end
    still descending        not there yet, and the loss is still clearly falling at the
                            end: too slow for the epochs given
    stalled or oscillating  bounded, but no longer getting closer: it hovers, bounces or
                            has stopped
    diverged                stopped as diverged (non-finite, or beyond the divergence
                            threshold), or it ended above its start and was still
                            climbing

"Still falling" compares the excess loss J - J* over the last quarter of the run with
the quarter before it: its largest value must fall by at least DESCENT (0.1%), and its
smallest must not rise.  The largest, not the last, so that a run that spirals or
zig-zags in (its loss rises on some steps) still counts as falling when its envelope
falls; the smallest, so that a run closing in on a cycle around the optimum (RMSprop at
a large rate: the loss bounces between two values that meet far above J*) does not.

The evidence is gathered step by step (``Watch``) for one run or a stack of runs at
once, so the stacked sweeps, the scrubber's runs and ``train``'s trajectories are judged
by one rule.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

CONVERGED, DESCENDING, STALLED, DIVERGED = OUTCOMES = (
    "converged",
    "still descending",
    "stalled or oscillating",
    "diverged",
)
#: The excess loss's envelope must fall by at least this fraction between the last two
#: quarters.
DESCENT = 1e-3


def first_step(mask: np.ndarray, k0: int = 0) -> np.ndarray:
    """Per run (column), the first step where ``mask`` holds, its rows being steps k0,
    k0 + 1, ...; nan where it never does."""
    return np.where(mask.any(axis=0), k0 + np.argmax(mask, axis=0), np.nan)


def windows(steps: int) -> tuple[int, int]:
    """(a, m): the quarter before the last is steps a..m-1, the last quarter m..steps
    (step 0 is the start)."""
    a = steps // 2
    m = max((steps + a + 1) // 2, a + 1)
    return a, m


@dataclass
class Watch:
    """Evidence about ``runs`` stacked runs of ``steps`` steps, fed chunk by chunk
    (``see``)."""

    steps: int
    runs: int
    tol: float
    loss_star: float
    start_loss: np.ndarray | float

    def __post_init__(self):
        self.a, self.m = windows(self.steps)
        # largest excess loss in the quarter before the last
        self.before = np.full(self.runs, -np.inf)
        self.last = np.full(self.runs, -np.inf)  # ... in the last quarter
        # the smallest excess loss in the quarter before the last
        self.before_low = np.full(self.runs, np.inf)
        self.last_low = np.full(self.runs, np.inf)  # ... in the last quarter
        self.diverged_at = np.full(self.runs, np.nan)
        # the first step with ||grad|| < tol
        self.first_below = np.full(self.runs, np.nan)
        # the last step with ||grad|| >= tol (0: the start)
        self.last_above = np.zeros(self.runs)
        self.final_loss = np.full(self.runs, np.nan)
        self.final_grad = np.full(self.runs, np.nan)

    def see(
        self, k0: int, loss: np.ndarray, grad_norm: np.ndarray, beyond: np.ndarray
    ) -> None:
        """Steps k0, k0 + 1, ... with their losses, gradient norms and divergence flags,
        each (chunk, runs)."""
        loss, grad_norm, beyond = (
            np.asarray(v).reshape(len(v), self.runs) for v in (loss, grad_norm, beyond)
        )
        k = np.arange(k0, k0 + len(loss))[:, None]
        live = np.isnan(self.diverged_at)
        first_bad = first_step(beyond & live, k0)
        self.diverged_at = np.where(
            live & ~np.isnan(first_bad), first_bad, self.diverged_at
        )
        ok = ~beyond & (np.isnan(self.diverged_at) | (k < self.diverged_at))
        with np.errstate(invalid="ignore"):
            below = ok & (grad_norm < self.tol)
            above = ok & ~(grad_norm < self.tol)
        self.first_below = np.where(
            np.isnan(self.first_below), first_step(below, k0), self.first_below
        )
        self.last_above = np.maximum(
            self.last_above, np.max(np.where(above, k, 0), axis=0)
        )
        excess = np.where(ok, loss - self.loss_star, np.nan)
        before, last = (k >= self.a) & (k < self.m), k >= self.m
        self.before = np.maximum(self.before, _extreme(np.max, excess, before, -np.inf))
        self.last = np.maximum(self.last, _extreme(np.max, excess, last, -np.inf))
        self.before_low = np.minimum(
            self.before_low, _extreme(np.min, excess, before, np.inf)
        )
        self.last_low = np.minimum(
            self.last_low, _extreme(np.min, excess, last, np.inf)
        )
        if k0 + len(loss) - 1 == self.steps:
            self.final_loss, self.final_grad = (
                loss[-1].astype(float),
                grad_norm[-1].astype(float),
            )

    @property
    def settled_at(self) -> np.ndarray:
        """The step from which ||grad|| stayed below tol to the end (nan: it did
        not)."""
        return np.where(self.outcome == CONVERGED, self.last_above + 1, np.nan)

    @property
    def outcome(self) -> np.ndarray:
        """Each run's outcome word."""
        stopped = ~np.isnan(self.diverged_at)
        with np.errstate(invalid="ignore"):
            converged = ~stopped & (self.final_grad < self.tol)
            falling = (self.last < (1.0 - DESCENT) * self.before) & (
                self.last_low <= self.before_low
            )
            climbing = (self.final_loss > self.start_loss) & (self.last > self.before)
        return np.select(
            [stopped | (~converged & climbing), converged, falling],
            [DIVERGED, CONVERGED, DESCENDING],
            default=STALLED,
        )


def _extreme(reduce, values: np.ndarray, mask: np.ndarray, empty: float) -> np.ndarray:
    """max or min over the steps in ``mask`` (nan values skipped), ``empty`` where there
    are none."""
    keep = mask & ~np.isnan(values)
    return reduce(np.where(keep, values, empty), axis=0)


def judge(
    loss: np.ndarray,
    grad_norm: np.ndarray,
    steps: int,
    tol: float,
    loss_star: float,
    diverged_at: int | None,
) -> Watch:
    """The evidence for one whole run: losses and gradient norms of steps 0..n (n <
    ``steps`` when it stopped early, as diverged or at the tolerance)."""
    n = len(loss) - 1
    watch = Watch(
        steps if diverged_at is not None else n, 1, tol, loss_star, float(loss[0])
    )
    watch.see(0, loss, grad_norm, np.zeros(n + 1, dtype=bool))
    if diverged_at is not None:
        watch.diverged_at[:] = diverged_at
    return watch
