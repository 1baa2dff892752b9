"""The textbook LinearModel (linreg/reference.py) against the lesson's hand-worked
numbers and finite differences, then every fast path of the core against it."""

import numpy as np
import pytest

from linreg import LinearModel, cortical_thickness, quadratic, train
from linreg.optimizers import REGISTRY, make_optimizer
from linreg.sweep import stacked


def model_at(w, b, loss="mse"):
    m = LinearModel(len(w), loss)
    m.w, m.b = np.asarray(w, dtype=float), float(b)
    return m


def test_lessons_worked_exercise():
    # X = [[1, 2], [1, 4], [1, 6]] (a column of ones), w = [0.5, 1.2], y = [3, 5, 8]:
    # the lesson's table.
    m = model_at([1.2], 0.5)
    X, y = np.array([[2.0], [4.0], [6.0]]), np.array([3.0, 5.0, 8.0])
    y_hat = m.forward(X)
    np.testing.assert_allclose(y_hat, [2.9, 5.3, 7.7])
    assert m.loss(y_hat, y) == pytest.approx(0.19 / 3)
    dw, db = m.backward(X, y_hat, y)  # r = [-0.1, 0.3, -0.3]
    np.testing.assert_allclose(dw, [2 / 3 * (-0.1 * 2 + 0.3 * 4 - 0.3 * 6)])
    assert db == pytest.approx(2 / 3 * -0.1)
    m.update(dw, db, 0.1)
    np.testing.assert_allclose([*m.w, m.b], [1.2 - 0.1 * dw[0], 0.5 - 0.1 * db])


@pytest.mark.parametrize("loss", ["mse", "half_mse"])
def test_backward_is_the_derivative_of_the_loss(multi_data, loss):
    X, y = multi_data
    m = model_at([0.3, -1.0, 0.5], 0.7, loss)
    dw, db = m.backward(X, m.forward(X), y)
    h = 1e-6
    for i in range(3):
        e = np.eye(3)[i] * h
        up, down = model_at(m.w + e, m.b, loss), model_at(m.w - e, m.b, loss)
        numeric = (up.loss(up.forward(X), y) - down.loss(down.forward(X), y)) / (2 * h)
        assert dw[i] == pytest.approx(numeric, rel=1e-6)
    up, down = model_at(m.w, m.b + h, loss), model_at(m.w, m.b - h, loss)
    assert db == pytest.approx(
        (up.loss(up.forward(X), y) - down.loss(down.forward(X), y)) / (2 * h), rel=1e-6
    )


@pytest.mark.parametrize("loss", ["mse", "half_mse"])
@pytest.mark.parametrize("which", ["cortical", "multi"])
def test_full_batch_fast_paths_equal_the_textbook_loop(which, loss, multi_data):
    """Sufficient statistics and the closed-form GD recursion give the textbook loop's
    every step."""
    if which == "cortical":
        d = cortical_thickness()
        X, y, lr = d.X, d.y, 0.5
    else:
        X, y, lr = *multi_data, 0.02
    m = LinearModel(X.shape[1], loss)
    path = [np.zeros(X.shape[1] + 1)]
    history = []
    for _ in range(300):
        history += m.fit(X, y, lr, 1)[:1]
        path.append(np.append(m.w, m.b))
    traj = train(X, y, learning_rate=lr, epochs=300, loss=loss)
    np.testing.assert_allclose(traj.theta, path, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(traj.loss[:-1], history, rtol=1e-8)


def textbook_path(X, y, optimizer, learning_rate, rows_of_step, steps):
    """theta at every step of the textbook model from zero: its backward pass on each
    step's rows, then the registry's update rule (the rules themselves are held to
    torch.optim in tests/test_claims.py).
    """
    m = LinearModel(X.shape[1])
    opt = make_optimizer(optimizer)
    state = opt.init(np.zeros(X.shape[1] + 1))
    path = [np.append(m.w, m.b)]
    for k in range(1, steps + 1):
        rows = rows_of_step(k)
        dw, db = m.backward(X[rows], m.forward(X[rows]), y[rows])
        step, state = opt.update(np.append(dw, db), state, learning_rate)
        m.w, m.b = m.w - step[:-1], m.b - step[-1]
        path.append(np.append(m.w, m.b))
    return np.array(path)


def far_data(n_features):
    """40 rows whose optimum is far from the start, so that 2,000 small steps stay on
    the way to it (near the optimum the gradient is rounding noise, which the adaptive
    rules would amplify)."""
    rng = np.random.default_rng(n_features)
    X = rng.normal(size=(40, n_features))
    return X, X @ np.linspace(3, -4, n_features) + 5 + rng.normal(0, 0.1, 40)


#: Each case runs past the engine's first chunk (CHUNK_STEPS = 2048 steps), so the
#: optimizer's state crosses a chunk boundary: (batch size, epochs) for 40 rows.
BATCH_MODES = {"full": (None, 2100), "mini": (7, 350), "sgd": (1, 53)}


@pytest.mark.parametrize("optimizer", list(REGISTRY))
@pytest.mark.parametrize("batch", list(BATCH_MODES))
# one feature: the loop on floats; three: on vectors
@pytest.mark.parametrize("n_features", [1, 3])
def test_every_path_of_train_is_the_textbook_run_step_by_step(
    optimizer, batch, n_features
):
    """Every optimizer in every batch mode, through each of the engine's paths
    (full-batch GD's closed form, the loop), against the textbook model stepping on the
    recorded batches."""
    X, y = far_data(n_features)
    batch_size, epochs = BATCH_MODES[batch]
    traj = train(
        X,
        y,
        optimizer=optimizer,
        learning_rate=1e-4,
        epochs=epochs,
        batch_size=batch_size,
        random_state=4,
    )
    assert traj.n_steps > 2048
    expected = textbook_path(X, y, optimizer, 1e-4, traj.rows_of_step, traj.n_steps)
    np.testing.assert_allclose(traj.theta, expected, rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("optimizer", list(REGISTRY))
@pytest.mark.parametrize("n_features", [1, 3])
# a stack of one, and of three
@pytest.mark.parametrize("rates", [[1e-4], [3e-5, 1e-4, 3e-4]])
def test_every_run_of_a_stacked_sweep_is_the_textbook_run_step_by_step(
    optimizer, n_features, rates
):
    X, y = far_data(n_features)
    steps = 2100
    path = np.concatenate(
        [chunk.theta for chunk in stacked(quadratic(X, y), rates, steps, optimizer)]
    )
    # the start, then every step of every run
    assert path.shape == (steps + 1, len(rates), n_features + 1)
    for run, lr in enumerate(rates):
        expected = textbook_path(
            X, y, optimizer, lr, lambda k: np.arange(len(y)), steps
        )
        np.testing.assert_allclose(path[:, run], expected, rtol=1e-9, atol=1e-12)
