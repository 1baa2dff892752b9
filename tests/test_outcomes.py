"""The outcome vocabulary (outcomes.py): hand-made loss histories with known answers,
then real runs whose behaviour is known from their dynamics or measured here
independently."""

from __future__ import annotations

import numpy as np
import pytest

from linreg import train
from linreg.datasets import cortical_thickness
from linreg.outcomes import (
    CONVERGED,
    DESCENDING,
    DIVERGED,
    STALLED,
    Watch,
    first_step,
    judge,
    windows,
)

STAR = 1.0


def word(loss, grad, tol=1e-6, diverged_at=None) -> str:
    loss, grad = np.asarray(loss, dtype=float), np.asarray(grad, dtype=float)
    return str(judge(loss, grad, len(loss) - 1, tol, STAR, diverged_at).outcome[0])


def test_the_first_step_where_a_mask_holds_counts_from_the_chunks_first_step():
    # three steps (rows 7, 8, 9) of three runs: from step 8, from step 7, never
    mask = np.array([[False, True, False], [True, True, False], [False, True, False]])
    np.testing.assert_array_equal(first_step(mask, 7), [8.0, 7.0, np.nan])


K = np.arange(401)


def test_a_run_whose_gradient_stays_below_the_tolerance_converged():
    grad = 0.9**K
    assert word(STAR + grad**2, grad) == CONVERGED


def test_touching_the_tolerance_and_leaving_it_again_is_not_converged():
    grad = 0.9**K
    grad[-1] = 1e-3  # it bounced out on the last step
    assert word(STAR + grad**2, grad) != CONVERGED


def test_slow_but_steady_is_still_descending():
    excess = 0.999**K  # loses 10% over the last quarter
    assert word(STAR + excess, np.sqrt(excess)) == DESCENDING


def test_a_falling_envelope_counts_even_when_the_loss_rises_on_some_steps():
    excess = 0.995**K * (1.5 + np.cos(K))  # a spiral: up and down, shrinking
    assert word(STAR + excess, np.sqrt(excess)) == DESCENDING


def test_hovering_is_stalled():
    excess = 0.5 + 0.1 * np.cos(K)
    assert word(STAR + excess, np.sqrt(excess)) == STALLED


def test_closing_in_on_a_cycle_far_from_the_optimum_is_stalled():
    """Both envelopes meet at 0.5 above the minimum: the top falls, but the bottom
    rises."""
    amp = 0.3 * 0.995**K
    excess = 0.5 + amp * np.cos(np.pi * K)
    assert word(STAR + excess, np.sqrt(excess)) == STALLED


def test_stopped_or_still_climbing_is_diverged():
    assert word(STAR + 1.1 ** K[:50], 1.1 ** K[:50], diverged_at=50) == DIVERGED
    excess = 1.001**K  # ends above its start and still rising, below any threshold
    assert word(STAR + excess, np.sqrt(excess)) == DIVERGED


def test_stacked_evidence_fed_in_chunks_equals_one_run_at_a_time():
    rng = np.random.default_rng(0)
    runs = [
        STAR + 0.99**K,
        STAR + 0.5 + 0.1 * np.cos(K),
        STAR + 0.9**K * 0.0 + 1e-20,
        STAR + 1.002**K,
    ]
    grads = [np.sqrt(r - STAR) for r in runs]
    watch = Watch(400, 4, 1e-6, STAR, np.array([r[0] for r in runs]))
    cuts = np.sort(rng.choice(np.arange(1, 400), 7, replace=False))
    for a, b in zip(np.r_[0, cuts], np.r_[cuts, 401], strict=True):
        watch.see(
            a,
            np.stack([r[a:b] for r in runs], 1),
            np.stack([g[a:b] for g in grads], 1),
            np.zeros((b - a, 4), bool),
        )
    assert list(watch.outcome) == [word(r, g) for r, g in zip(runs, grads, strict=True)]


@pytest.mark.parametrize("steps", [1, 2, 3, 7, 100])
def test_the_two_quarters_are_consecutive_and_end_at_the_last_step(steps):
    a, m = windows(steps)
    assert 0 <= a < m <= steps


DATA = cortical_thickness()


@pytest.mark.parametrize(
    ("optimizer", "lr", "expected"),
    [
        (
            "gd",
            0.01,
            DESCENDING,
        ),  # contraction 1 - 0.01 * 0.134 per step: 2000 steps are not enough
        ("gd", 0.7, CONVERGED),
        ("gd", 0.8, DIVERGED),  # above 2/L = 0.789
        ("nesterov", 0.6, DIVERGED),  # above its own limit 0.535
        (
            "rmsprop",
            0.946,
            STALLED,
        ),  # the example: 227x the minimum, never settling
        (
            "adam",
            1e-4,
            DESCENDING,
        ),  # the example: 3,200x the minimum after 500 epochs, still falling
    ],
)
def test_real_runs(optimizer, lr, expected):
    epochs = 500 if lr == 1e-4 else 2000
    t = train(
        DATA.X, DATA.y, optimizer=optimizer, learning_rate=lr, epochs=epochs, tol=1e-6
    )
    assert t.outcome == expected
    excess = t.loss - t.quadratic.loss_ref
    # measured here: the last quarter's bottom is not below the one before it
    if expected == STALLED:
        assert (
            excess[-500:].min() >= excess[-1000:-500].min()
            and excess[-1] > 100 * t.quadratic.loss_ref
        )
    if expected == DESCENDING:
        assert np.all(np.diff(excess[len(excess) // 2 :]) < 0)
