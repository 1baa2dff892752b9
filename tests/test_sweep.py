import dataclasses
import itertools

import numpy as np
import pytest

from linreg import quadratic, train
from linreg.sweep import log_grid, sweep_full_batch, sweep_runs


@pytest.fixture
def q(line_data):
    return quadratic(*line_data)


def independent_gd_limit(X, y):
    """2 / lambda_max of (2/n) A^T A, from the 2x2 matrix's closed-form eigenvalues."""
    x = X[:, 0]
    a, b, d = 2 * np.mean(x * x), 2 * np.mean(x), 2.0
    lam_max = (a + d) / 2 + np.sqrt(((a - d) / 2) ** 2 + b * b)
    return 2 / lam_max


def test_divergence_starts_at_2_over_L(line_data, q):
    limit = independent_gd_limit(*line_data)
    lrs = limit * np.array([0.5, 0.9, 0.97, 0.995, 1.005, 1.03, 1.1, 2.0])
    s = sweep_full_batch(q, lrs, 2000)
    np.testing.assert_array_equal(s.diverging, lrs > limit)


def test_momentum_divergence_starts_at_heavy_ball_limit(line_data, q):
    limit = (2 + 2 * 0.7) / (2 / independent_gd_limit(*line_data))
    lrs = limit * np.array([0.9, 0.98, 1.02, 1.1])
    s = sweep_full_batch(q, lrs, 3000, "momentum", momentum=0.7)
    np.testing.assert_array_equal(s.diverging, [False, False, True, True])


@pytest.mark.parametrize("optimizer", ["gd", "momentum", "adam", "rmsprop"])
def test_stacked_runs_equal_single_runs(line_data, q, optimizer):
    lrs = np.array([1e-4, 3e-3, 0.02])
    s = sweep_full_batch(q, lrs, 300, optimizer, tol=1e-3)
    for i, lr in enumerate(lrs):
        t = train(
            *line_data, optimizer=optimizer, learning_rate=lr, epochs=300, tol=1e-3
        )
        assert s.final_loss[i] == pytest.approx(t.final_loss, rel=1e-8)
        assert (t.settled_at or np.nan) == pytest.approx(s.settled_at[i], nan_ok=True)
        assert t.outcome == s.outcome[i]


def test_mini_batch_sweep_and_best(line_data):
    s = sweep_runs(
        *line_data, [1e-4, 1e-3, 5.0], epochs=5, batch_size=10, random_state=1
    )
    assert s.diverging.tolist() == [False, False, True]
    assert s.best_learning_rate == 1e-3


def test_grid():
    g = log_grid()
    assert len(g) >= 60 and g[0] == pytest.approx(1e-4) and g[-1] == pytest.approx(10)


def test_mini_batch_sweeps_stay_within_their_work_budget():
    from linreg.sweep import (
        MAX_SWEEP_UPDATES,
        MIN_SWEPT_RATES,
        mini_batch_plan,
        swept_epochs,
    )

    cases = [
        (2000, 7),
        (10_000, 100),
        (50, 5000),
        (10_000, 100_000),
        (3, 20),
        (10_000, 1000),
    ]
    # one sweep; one of six racers tuned
    for budget in (MAX_SWEEP_UPDATES, MAX_SWEEP_UPDATES // 6):
        for epochs, per_epoch in cases:
            plan = mini_batch_plan(epochs, per_epoch, budget=budget)
            if plan is None:
                assert (
                    MIN_SWEPT_RATES * swept_epochs(epochs, per_epoch) * per_epoch
                    > budget
                )
            else:
                runs_epochs, rates = plan
                assert 1 <= runs_epochs <= epochs and MIN_SWEPT_RATES <= rates <= 60
                assert runs_epochs * per_epoch * rates <= budget


def test_sweeps_call_the_checkpoint_and_stop_when_it_raises():
    from linreg.training import CHUNK_STEPS

    class AbandonedError(Exception):
        pass

    rng = np.random.default_rng(0)
    X = rng.normal(size=(50, 1))
    y = 2 * X[:, 0] + 1 + rng.normal(size=50)
    calls = []
    sweep_full_batch(
        quadratic(X, y),
        log_grid(count=5),
        3 * CHUNK_STEPS,
        checkpoint=lambda: calls.append(1),
    )
    assert len(calls) == 3

    def stop():
        raise AbandonedError

    with pytest.raises(AbandonedError):
        sweep_full_batch(
            quadratic(X, y), log_grid(count=5), 10 * CHUNK_STEPS, checkpoint=stop
        )
    with pytest.raises(AbandonedError):
        sweep_runs(X, y, log_grid(count=5), 10, batch_size=2, checkpoint=stop)


@pytest.mark.parametrize(
    "optimizer", ["gd", "momentum", "nesterov", "adagrad", "rmsprop", "adam"]
)
@pytest.mark.parametrize("batch_size", [1, 7])
def test_a_stacked_mini_batch_sweep_is_train_at_every_rate(
    line_data, optimizer, batch_size
):
    """One stack of runs sharing their batches does what ``train`` (itself the textbook
    run, test_reference.py) does at each rate: the same final loss, outcome, settled and
    diverged steps."""
    rates = [1e-4, 3e-3, 0.05, 0.4, 3.0]
    s = sweep_runs(
        *line_data,
        rates,
        40,
        1e-3,
        optimizer=optimizer,
        batch_size=batch_size,
        random_state=3,
    )
    for i, lr in enumerate(rates):
        t = train(
            *line_data,
            optimizer=optimizer,
            learning_rate=lr,
            epochs=40,
            batch_size=batch_size,
            random_state=3,
            tol=1e-3,
        )
        assert s.final_loss[i] == (
            np.inf if t.diverged else pytest.approx(t.final_loss, rel=1e-9)
        )
        assert s.outcome[i] == t.outcome
        assert (t.settled_at or np.nan) == pytest.approx(s.settled_at[i], nan_ok=True)
        assert (t.diverged_at or np.nan) == pytest.approx(s.diverged_at[i], nan_ok=True)


def test_a_mini_batch_sweep_counts_its_updates():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(50, 1))
    y = 2 * X[:, 0] + 1
    heard = []
    sweep_runs(
        X,
        y,
        log_grid(count=3)[:2],
        100,
        batch_size=1,
        progress=lambda done, total: heard.append((done, total)),
    )
    assert heard[-1] == (100 * 50, 100 * 50) and all(
        a < b for (a, _), (b, _) in itertools.pairwise(heard)
    )


@pytest.mark.parametrize("floor", [None, 1e-30])
def test_a_noiseless_fits_sweep_labels_a_few_decades_not_forty(floor):
    """A line without noise: the best rates reach the loss's floating-point floor (from
    1e-16 to 1e-30, by the machine's LAPACK, which solves for the optimum), and one
    label per decade stacked the labels on one another.  ``floor``: the best losses
    set to it (the 1e-30 a LAPACK may reach, whatever this machine's reaches)."""
    from linreg.analysis import analyse
    from linreg.theory import rate_map
    from linreg.viz.rates import MAX_LOSS_LABELS, sweep_figure

    X = np.linspace(0, 1, 50)[:, None]
    q = quadratic(X, 3 * X[:, 0] + 2)
    s = sweep_full_batch(q, log_grid(), 2000)
    if floor is not None:
        lowest = s.final_loss == np.nanmin(s.final_loss)
        s = dataclasses.replace(s, final_loss=np.where(lowest, floor, s.final_loss))
    finite = s.final_loss[np.isfinite(s.final_loss) & (s.final_loss > 0)]
    decades = np.log10(max(finite.max(), s.start_loss)) - np.log10(finite.min())
    assert decades > (30 if floor else 12)  # the case in point
    fig = sweep_figure(s, rate_map(analyse(q), "gd", None)).to_dict()
    assert decades / fig["layout"]["yaxis"]["dtick"] <= MAX_LOSS_LABELS
