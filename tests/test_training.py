import warnings

import numpy as np
import pytest

from linreg import analyse_data, cortical_thickness, train
from linreg.optimizers import REGISTRY
from linreg.theory import limit as rate_limit


def seed_loop(x, y, lr, epochs, half=False):
    """The lesson's per-epoch loop, written out plainly (seed 001: mse, gradient (2/n)
    sum r x)."""
    w = b = 0.0
    path = [(w, b)]
    c = 1.0 if half else 2.0
    for _ in range(epochs):
        r = w * x + b - y
        w, b = w - lr * c * np.mean(r * x), b - lr * c * np.mean(r)
        path.append((w, b))
    return np.array(path)


@pytest.mark.parametrize("loss", ["mse", "half_mse"])
def test_full_batch_equals_seed_loop(loss):
    data = cortical_thickness(n=100, seed=1)
    traj = train(data.X, data.y, learning_rate=0.01, epochs=2000, loss=loss)
    ref = seed_loop(data.X[:, 0], data.y, 0.01, 2000, half=loss == "half_mse")
    np.testing.assert_allclose(traj.theta, ref, rtol=1e-9)
    x, y = data.X[:, 0], data.y
    scale = 1.0 if loss == "mse" else 0.5
    ref_loss = [scale * np.mean((w * x + b - y) ** 2) for w, b in ref[::100]]
    np.testing.assert_allclose(traj.loss[::100], ref_loss, rtol=1e-9)


def test_lesson_log_at_epoch_200_is_close_to_the_seed_output():
    # The lesson prints "Epoch  200: w=0.881, b=2.311, Loss=0.0727"; the noise draw
    # differs, the dynamics do not.
    traj = train(
        *(lambda d: (d.X, d.y))(cortical_thickness()), learning_rate=0.01, epochs=200
    )
    w, b = traj.theta[200]
    assert (
        abs(w - 0.881) < 0.02
        and abs(b - 2.311) < 0.02
        and abs(traj.loss[200] - 0.0727) < 0.005
    )


def reference_run(name, A, y, lr, epochs, hp):
    """Direct per-step implementation of each optimizer from its textbook rule (no
    linreg code)."""
    theta = np.zeros(A.shape[1])
    m = np.zeros_like(theta)
    v = np.zeros_like(theta)
    out = [theta]
    for t in range(1, epochs + 1):
        g = 2 / len(y) * A.T @ (A @ theta - y)
        if name == "gd":
            step = lr * g
        elif name in ("momentum", "nesterov"):
            m = hp["momentum"] * m + g
            step = lr * (g + hp["momentum"] * m) if name == "nesterov" else lr * m
        elif name == "adagrad":
            v = v + g * g
            step = lr * g / (np.sqrt(v) + 1e-10)
        elif name == "rmsprop":
            v = 0.99 * v + 0.01 * g * g
            step = lr * g / (np.sqrt(v) + 1e-8)
        else:
            m = 0.9 * m + 0.1 * g
            v = 0.999 * v + 0.001 * g * g
            step = lr * (m / (1 - 0.9**t)) / (np.sqrt(v / (1 - 0.999**t)) + 1e-8)
        theta = theta - step
        out.append(theta)
    return np.array(out)


@pytest.mark.parametrize("name", list(REGISTRY))
# the one-feature float steps and the vector loop
@pytest.mark.parametrize("n_features", [1, 4])
def test_every_optimizer_matches_reference(name, n_features):
    rng = np.random.default_rng(n_features)
    X = rng.normal(size=(50, n_features))
    y = X @ np.arange(1, n_features + 1) + 0.5 + rng.normal(0, 0.1, 50)
    A = np.hstack([X, np.ones((50, 1))])
    traj = train(X, y, optimizer=name, learning_rate=0.05, epochs=100, momentum=0.8)
    ref = reference_run(name, A, y, 0.05, 100, {"momentum": 0.8})
    np.testing.assert_allclose(traj.theta, ref, rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("batch_size", [1, 7, 10])
def test_mini_batch_matches_plain_loop_on_recorded_rows(line_data, batch_size):
    X, y = line_data
    traj = train(
        X,
        y,
        optimizer="momentum",
        learning_rate=0.001,
        epochs=3,
        batch_size=batch_size,
        random_state=4,
    )
    assert traj.steps_per_epoch == -(-100 // batch_size)
    assert traj.n_steps == 3 * traj.steps_per_epoch
    theta, v = np.zeros(2), np.zeros(2)
    A = np.hstack([X, np.ones((100, 1))])
    for k in range(1, traj.n_steps + 1):
        rows = traj.rows_of_step(k)
        g = 2 / len(rows) * A[rows].T @ (A[rows] @ theta - y[rows])
        v = 0.9 * v + g
        theta = theta - 0.001 * v
        np.testing.assert_allclose(traj.theta[k], theta, rtol=1e-9)
    for epoch_rows in traj.row_order:
        assert sorted(epoch_rows) == list(range(100))


def test_deterministic_for_a_seed(line_data):
    a = train(*line_data, learning_rate=0.001, epochs=5, batch_size=8, random_state=11)
    b = train(*line_data, learning_rate=0.001, epochs=5, batch_size=8, random_state=11)
    c = train(*line_data, learning_rate=0.001, epochs=5, batch_size=8, random_state=12)
    np.testing.assert_array_equal(a.theta, b.theta)
    assert not np.array_equal(a.theta, c.theta)


def test_longer_run_extends_shorter_one(line_data):
    short = train(
        *line_data, learning_rate=0.001, epochs=3, batch_size=8, random_state=2
    )
    long = train(
        *line_data, learning_rate=0.001, epochs=2000, batch_size=8, random_state=2
    )
    np.testing.assert_array_equal(long.theta[: len(short.theta)], short.theta)


def test_full_data_loss_and_gradient_recorded(line_data):
    X, y = line_data
    traj = train(X, y, learning_rate=0.001, epochs=4, batch_size=10)
    A = np.hstack([X, np.ones((100, 1))])
    for k in (0, 5, 40):
        r = A @ traj.theta[k] - y
        assert traj.loss[k] == pytest.approx(np.mean(r**2), rel=1e-10)
        np.testing.assert_allclose(traj.grad[k], 2 / 100 * A.T @ r, rtol=1e-9)


@pytest.mark.parametrize("factor", [0.97, 1.03])
def test_gd_stability_limit(line_data, factor):
    info = analyse_data(*line_data)
    traj = train(
        *line_data, learning_rate=factor * rate_limit(info, "gd"), epochs=20000
    )
    assert traj.diverged == (factor > 1)
    if factor < 1:
        np.testing.assert_allclose(traj.theta[-1], info.theta_star, rtol=1e-6)


@pytest.mark.parametrize("factor", [0.97, 1.03])
def test_momentum_stability_limit(line_data, factor):
    info = analyse_data(*line_data)
    lr = factor * rate_limit(info, "momentum", momentum=0.5)
    traj = train(
        *line_data, optimizer="momentum", momentum=0.5, learning_rate=lr, epochs=20000
    )
    assert traj.diverged == (factor > 1)


def test_divergence_is_recorded_without_warnings(line_data):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        traj = train(*line_data, learning_rate=10.0, epochs=10000)
        huge = train(*line_data, optimizer="adam", learning_rate=1e300, epochs=100)
    assert traj.diverged and traj.diverged_at == traj.n_steps
    assert traj.n_steps < 100
    assert np.all(np.isfinite(traj.theta)) and np.all(np.isfinite(traj.loss))
    assert traj.loss[-1] > 1e6 * traj.loss[0]
    assert "loss" in traj.divergence_reason
    assert np.all(np.isfinite(huge.theta)) and np.all(np.isfinite(huge.loss))


def test_standardized_data_converges_in_one_step(line_data):
    X, y = line_data
    Xs = (X - X.mean()) / X.std()
    traj = train(Xs, y, learning_rate=0.5, epochs=50, tol=1e-9)
    assert traj.steps_to_tol == 1
    np.testing.assert_allclose(
        traj.theta[1], np.linalg.lstsq(np.hstack([Xs, np.ones((100, 1))]), y)[0]
    )


def test_tolerance_stop_and_criterion(line_data):
    traj = train(
        *line_data, learning_rate=0.02, epochs=5000, tol=1e-3, stop_at_tol=True
    )
    k = traj.steps_to_tol
    assert traj.stopped_at_tol and traj.n_steps == k
    assert np.linalg.norm(traj.grad[k]) < 1e-3 <= np.linalg.norm(traj.grad[k - 1])
    lc = train(
        *line_data, learning_rate=0.02, epochs=5000, tol=1e-6, tol_on="loss_change"
    )
    j = lc.steps_to_tol
    assert (
        abs(lc.loss[j] - lc.loss[j - 1]) < 1e-6 <= abs(lc.loss[j - 1] - lc.loss[j - 2])
    )
    assert lc.n_steps == 5000


def test_schedule_rates_recorded(line_data):
    traj = train(
        *line_data,
        learning_rate=0.01,
        epochs=6,
        schedule="step",
        schedule_params={"gamma": 0.5, "step_size": 2},
    )
    np.testing.assert_allclose(
        traj.learning_rate, [0.01, 0.01, 0.005, 0.005, 0.0025, 0.0025]
    )


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"learning_rate": 0.0}, "learning_rate must be a finite number > 0"),
        ({"learning_rate": float("nan")}, "learning_rate"),
        ({"learning_rate": float("inf")}, "learning_rate"),
        ({"epochs": 0}, "epochs must be a whole number >= 1"),
        ({"batch_size": 0}, "batch_size must be between 1 and n_samples = 100"),
        ({"batch_size": 101}, "batch_size"),
        ({"optimizer": "sgd2"}, "unknown optimizer"),
        ({"alpha": -1.0}, "alpha"),
        ({"theta0": [1.0]}, "theta0 must be 2 finite numbers"),
        ({"tol": -1.0}, "tol must be"),
    ],
)
def test_bad_arguments(line_data, kwargs, match):
    with pytest.raises(ValueError, match=match):
        train(*line_data, **kwargs)


@pytest.mark.parametrize(
    ("X", "y", "match"),
    [
        (np.zeros((0, 1)), np.zeros(0), "at least 2 samples"),
        (np.zeros((1, 1)), np.zeros(1), "at least 2 samples"),
        (np.zeros((3, 1)), np.zeros(4), "X has 3 rows but y has 4"),
        (np.array([[1.0], [np.nan], [2.0]]), np.zeros(3), "NaN or infinite"),
        (
            np.array([[1.0], [2.0], [3.0]]),
            np.array([1.0, np.inf, 2.0]),
            "y contains 1 NaN",
        ),
        (np.array([["a"], ["b"]]), np.zeros(2), "must be numeric"),
        (np.array([[1e300], [2.0]]), np.zeros(2), "overflow when squared"),
    ],
)
def test_bad_data(X, y, match):
    with pytest.raises(ValueError, match=match):
        train(X, y)


def test_feature_too_small_to_square_is_a_clear_error():
    # found by the fuzz test: x = [0, 5.9e-160] squares to a subnormal and the weight
    # overflowed
    with pytest.raises(ValueError, match="underflow"):
        train(np.array([[0.0], [5.91324035e-160]]), np.array([0.0, 1.0]), epochs=1)
    # a constant feature stays legal
    train(np.array([[1.0], [1.0], [1.0]]), np.array([0.0, 1.0, 2.0]), epochs=2)


class AbandonedError(Exception):
    pass


def counting_checkpoint(stop_after: int | None = None):
    calls = []

    def checkpoint():
        calls.append(1)
        if stop_after is not None and len(calls) >= stop_after:
            raise AbandonedError

    return checkpoint, calls


@pytest.mark.parametrize("optimizer", ["momentum", "adam"])
def test_the_checkpoint_runs_after_every_chunk_of_steps(optimizer):
    from linreg.training import CHUNK_STEPS

    data = cortical_thickness()
    checkpoint, calls = counting_checkpoint()
    epochs = 2 * CHUNK_STEPS + 1  # three chunks: two full, one of a single step
    t = train(
        data.X,
        data.y,
        optimizer=optimizer,
        learning_rate=1e-6,
        epochs=epochs,
        checkpoint=checkpoint,
    )
    assert t.n_steps == epochs
    assert len(calls) == 3


def test_a_raising_checkpoint_abandons_the_run_at_once():
    data = cortical_thickness()
    checkpoint, calls = counting_checkpoint(stop_after=1)
    with pytest.raises(AbandonedError):
        train(
            data.X,
            data.y,
            optimizer="adam",
            batch_size=1,
            learning_rate=1e-3,
            epochs=10_000,
            checkpoint=checkpoint,
        )
    # not one call per chunk of the whole run: the work stopped there
    assert len(calls) == 1
