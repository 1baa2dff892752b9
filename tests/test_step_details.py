"""The Learn page's step inspector: any step explained with bounded work, and the same
numbers as replaying every update from the start (the plain loop below) and as the
textbook model."""

import numpy as np
import pytest

from linreg import lesson, model
from linreg.experiment import Settings, run
from linreg.lesson import step_details
from linreg.optimizers import REGISTRY, make_optimizer
from linreg.reference import LinearModel


def replayed(traj, X, y, k):
    """Every update from the start, each gradient on its batch's rows (what step_details
    did before)."""
    A = np.hstack([X, np.ones((len(y), 1))])
    opt = make_optimizer(traj.optimizer, **traj.hyperparameters)
    state = opt.init(traj.theta[0])
    for j in range(k + 1):
        rows = traj.rows_of_step(j + 1)
        r = A[rows] @ traj.theta[j] - y[rows]
        g = 2 * model.LOSSES[traj.loss_name].scale / len(rows) * A[rows].T @ r
        g = g + 2 * traj.alpha * np.append(np.ones(len(g) - 1), 0.0) * traj.theta[j]
        step, state = opt.update(g, state, traj.learning_rate[j])
    return g, step, state


def assert_same_state(a, b):
    assert type(a) is type(b)
    for x, y in zip(a, b, strict=True):
        np.testing.assert_allclose(x, y, rtol=1e-9, atol=1e-12)


CASES = {
    f"{name}, {batch}": Settings(
        optimizer=name, batch=batch, epochs=epochs, learning_rate=lr, batch_size=7
    )
    for name in REGISTRY
    for batch, epochs, lr in (
        ("full", 3000, 0.3),
        ("mini", 200, 0.05),
        ("sgd", 25, 0.01),
    )
}
CASES["schedule and L2, mini-batch"] = Settings(
    dataset="synthetic",
    standardize=True,
    optimizer="adam",
    batch="mini",
    batch_size=16,
    epochs=400,
    learning_rate=0.05,
    schedule="step",
    step_size=50,
    alpha=0.1,
    loss="half_mse",
)


@pytest.mark.parametrize("case", list(CASES))
def test_every_step_is_the_replayed_one(case):
    """Runs over 2,048 updates, so steps after the loop's snapshots are explained from
    them."""
    r = run(CASES[case])
    t = r.traj
    # GD's full-batch run has no loop, no state
    closed_form = t.optimizer == "gd" and t.row_order is None
    assert t.n_steps > 2048 and (t.state_snapshots or closed_form), (
        "the case must reach past a snapshot"
    )
    last = t.n_steps - 1
    after_snapshots = [j for j, _ in t.state_snapshots[:2]] + [
        j + 1 for j, _ in t.state_snapshots[:2]
    ]
    for k in sorted(
        k
        for k in {0, 1, 2047, 2048, 2049, *after_snapshots, last // 2, last}
        if k <= last
    ):
        d = step_details(t, r.x_train, r.data.y, k)
        g, step, state = replayed(t, r.x_train, r.data.y, k)
        np.testing.assert_allclose(d.gradient, g, rtol=1e-9, atol=1e-12)
        np.testing.assert_allclose(d.step, step, rtol=1e-8, atol=1e-13)
        assert_same_state(d.state_after, state)
        np.testing.assert_allclose(d.theta_next, t.theta[k + 1], rtol=1e-12, atol=1e-13)


def test_full_batch_gd_is_the_textbook_model():
    r = run(Settings(learning_rate=0.3, epochs=50))
    X, y = r.x_train, r.data.y
    for k in (0, 7, 49):
        textbook = LinearModel(1)
        textbook.fit(X, y, 0.3, k)
        y_hat = textbook.forward(X)
        dw, db = textbook.backward(X, y_hat, y)
        d = step_details(r.traj, X, y, k)
        assert d.batch_loss == pytest.approx(textbook.loss(y_hat, y), rel=1e-10)
        np.testing.assert_allclose(d.theta, [*textbook.w, textbook.b], rtol=1e-10)
        np.testing.assert_allclose(d.gradient, [*dw, db], rtol=1e-9)
        textbook.update(dw, db, 0.3)
        np.testing.assert_allclose(d.theta_next, [*textbook.w, textbook.b], rtol=1e-10)


@pytest.fixture
def counted(monkeypatch):
    """Rows that step_details passes to a gradient formula, and how many updates it
    replays."""
    seen = {"gradient_rows": 0, "gradient_calls": 0, "batch_rows": 0, "updates": 0}
    gradient, terms = model.gradient, lesson.batch_gradient_terms

    def counting_gradient(A, y, *args):
        seen["gradient_calls"] += 1
        seen["gradient_rows"] += len(y)
        return gradient(A, y, *args)

    def counting_terms(A, y, *args):
        seen["batch_rows"] += len(y)
        return terms(A, y, *args)

    def counting_optimizer(traj):
        opt = make_optimizer(traj.optimizer, **traj.hyperparameters)

        def update(g, state, lr):
            seen["updates"] += 1
            return opt.update(g, state, lr)

        return opt._replace(update=update)

    monkeypatch.setattr(model, "gradient", counting_gradient)
    monkeypatch.setattr(lesson, "batch_gradient_terms", counting_terms)
    monkeypatch.setattr(lesson, "optimizer_of", counting_optimizer)
    return seen


BIG = {"dataset": "synthetic", "n": 200_000, "epochs": 10_000, "standardize": True}


@pytest.mark.parametrize("optimizer", ["momentum", "adam", "gd"])
def test_the_last_of_10000_full_batch_steps_on_200000_rows_takes_one_pass(
    counted, optimizer
):
    """The replay evaluated 10,000 gradients on all 200,000 rows (2e9 rows); now one, on
    the step shown."""
    r = run(Settings(**BIG, optimizer=optimizer, learning_rate=0.01))
    assert r.traj.n_steps == 10_000
    d = step_details(r.traj, r.x_train, r.data.y, 9_999)
    assert counted["gradient_calls"] == 1 and counted["gradient_rows"] == 200_000
    assert counted["batch_rows"] == 0
    # from the loop's last snapshot (GD keeps no state: 1)
    assert counted["updates"] <= 2_048 + 1
    np.testing.assert_allclose(d.theta_next, r.traj.theta[-1], rtol=1e-12)


def test_the_last_mini_batch_step_touches_a_chunk_of_rows_not_the_run(counted):
    """Batches of 256 on 200,000 rows: 50 epochs (a run reads 10 million rows), all of
    them replayed before; now one chunk of the loop, 3 epochs of 782 batches (the first
    2,048 steps' worth of whole epochs).
    """
    r = run(
        Settings(
            **BIG, optimizer="adam", batch="mini", batch_size=256, learning_rate=0.01
        )
    )
    t = r.traj
    k = t.n_steps - 1
    assert k * 256 > 9_900_000
    d = step_details(t, r.x_train, r.data.y, k)
    assert counted["gradient_rows"] <= 256
    assert counted["batch_rows"] <= 3 * 200_000  # 6% of the replay's rows
    assert counted["updates"] <= 3 * 782 + 1
    np.testing.assert_allclose(d.theta_next, t.theta[-1], rtol=1e-12)


def test_a_step_outside_the_run_is_refused():
    r = run(Settings(epochs=5))
    with pytest.raises(ValueError, match=r"step must be in 0\.\.4"):
        step_details(r.traj, r.x_train, r.data.y, 5)
