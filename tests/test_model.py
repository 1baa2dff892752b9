import numpy as np
import pytest

from linreg.model import (
    closed_form_theta,
    design_matrix,
    gradient,
    hessian,
    loss_value,
    predict,
    quadratic,
)

SEED_X = np.array([[1.0, 2.0], [1.0, 4.0], [1.0, 6.0]])
SEED_W = np.array([0.5, 1.2])
SEED_Y = np.array([3.0, 5.0, 8.0])


def test_seed_worked_exercise_predictions():
    # The lesson's exercise: X w for X = [[1,2],[1,4],[1,6]], w = [0.5, 1.2]
    np.testing.assert_allclose(predict(SEED_X, SEED_W, 0.0), [2.9, 5.3, 7.7])


def test_seed_worked_exercise_mse():
    # residuals 0.1, -0.3, 0.3 -> (0.01 + 0.09 + 0.09) / 3 = 0.19 / 3 = 0.0633
    A = np.hstack([SEED_X, np.zeros((3, 1))])  # the exercise has no separate bias
    assert loss_value(A, SEED_Y, np.array([0.5, 1.2, 0.0])) == pytest.approx(0.19 / 3)
    # as the lesson prints it
    assert f"{loss_value(A, SEED_Y, np.array([0.5, 1.2, 0.0])):.4f}" == "0.0633"
    assert loss_value(
        A, SEED_Y, np.array([0.5, 1.2, 0.0]), "half_mse"
    ) == pytest.approx(0.19 / 6)


@pytest.mark.parametrize("loss", ["mse", "half_mse"])
@pytest.mark.parametrize("alpha", [0.0, 0.3])
def test_gradient_matches_finite_differences(multi_data, loss, alpha):
    X, y = multi_data
    A = design_matrix(X)
    theta = np.array([0.2, -0.4, 1.0, 0.7])
    h = 1e-6
    fd = [
        (
            loss_value(A, y, theta + h * e, loss, alpha)
            - loss_value(A, y, theta - h * e, loss, alpha)
        )
        / (2 * h)
        for e in np.eye(4)
    ]
    np.testing.assert_allclose(
        gradient(A, y, theta, loss, alpha), fd, rtol=1e-6, atol=1e-8
    )


def test_hessian_matches_finite_differences_of_gradient(multi_data):
    X, y = multi_data
    A = design_matrix(X)
    theta = np.array([0.2, -0.4, 1.0, 0.7])
    fd = np.column_stack(
        [
            (
                gradient(A, y, theta + e, "mse", 0.5)
                - gradient(A, y, theta - e, "mse", 0.5)
            )
            / 2
            for e in np.eye(4)
        ]
    )
    np.testing.assert_allclose(hessian(A, "mse", 0.5), fd, rtol=1e-10)


def test_half_convention_halves_loss_and_gradient(line_data):
    X, y = line_data
    A = design_matrix(X)
    theta = np.array([1.0, 1.0])
    assert loss_value(A, y, theta, "half_mse") == pytest.approx(
        loss_value(A, y, theta) / 2
    )
    np.testing.assert_allclose(
        gradient(A, y, theta, "half_mse"), gradient(A, y, theta) / 2
    )


def test_bias_is_not_penalised(line_data):
    X, y = line_data
    A = design_matrix(X)
    g0 = gradient(A, y, np.array([1.0, 5.0]))
    g1 = gradient(A, y, np.array([1.0, 5.0]), alpha=2.0)
    assert g1[1] == pytest.approx(g0[1])
    assert g1[0] == pytest.approx(g0[0] + 2 * 2.0 * 1.0)


def test_closed_form_matches_textbook_normal_equation(multi_data):
    X, y = multi_data
    A = design_matrix(X)
    np.testing.assert_allclose(
        closed_form_theta(A, y), np.linalg.solve(A.T @ A, A.T @ y), rtol=1e-10
    )
    # ridge in the mse convention: (A^T A + n alpha D) theta = A^T y
    D = np.diag([1.0, 1, 1, 0])
    ridge = np.linalg.solve(A.T @ A + len(y) * 0.2 * D, A.T @ y)
    np.testing.assert_allclose(closed_form_theta(A, y, "mse", 0.2), ridge, rtol=1e-10)
    ridge_half = np.linalg.solve(A.T @ A + 2 * len(y) * 0.2 * D, A.T @ y)
    np.testing.assert_allclose(
        closed_form_theta(A, y, "half_mse", 0.2), ridge_half, rtol=1e-10
    )


def test_constant_feature_is_legal():
    X = np.column_stack([np.linspace(0, 1, 20), np.ones(20)])
    y = 2 * X[:, 0] + 1
    q = quadratic(X, y)
    np.testing.assert_allclose(
        predict(X, q.theta_ref[:-1], q.theta_ref[-1]), y, atol=1e-10
    )


def test_quadratic_reproduces_direct_loss_and_gradient(multi_data):
    X, y = multi_data
    A = design_matrix(X)
    q = quadratic(X, y, "half_mse", 0.1)
    thetas = np.random.default_rng(0).normal(size=(5, 4)) * 3
    for t in thetas:
        assert q.loss_at(t) == pytest.approx(
            loss_value(A, y, t, "half_mse", 0.1), rel=1e-12
        )
        np.testing.assert_allclose(
            q.gradient_at(t), gradient(A, y, t, "half_mse", 0.1), rtol=1e-10, atol=1e-12
        )
    np.testing.assert_allclose(
        q.loss_at(thetas), [loss_value(A, y, t, "half_mse", 0.1) for t in thetas]
    )


def test_unknown_loss_is_a_clear_error(line_data):
    with pytest.raises(ValueError, match="unknown loss 'mae'"):
        quadratic(*line_data, loss="mae")


def test_large_offset_keeps_loss_precise():
    rng = np.random.default_rng(5)
    x = rng.uniform(1e4, 1e4 + 1, 500)
    y = 1e6 + 2 * (x - 1e4) + rng.normal(0, 0.01, 500)
    q = quadratic(x, y)
    A = design_matrix(x[:, None])
    direct = loss_value(A, y, closed_form_theta(A, y))
    assert q.loss_ref == pytest.approx(direct, rel=1e-6)
    assert q.loss_ref == pytest.approx(1e-4, rel=0.2)
