import numpy as np
import pytest

from linreg import analyse_data, train


def test_design_example_raw_and_standardized():
    rng = np.random.default_rng(0)
    x = rng.uniform(0, 10, 100)
    y = 3 * x + 2 + rng.normal(0, 1, 100)
    raw = analyse_data(x, y)
    # H = 2 [[E x^2, E x], [E x, 1]]; for x ~ U(0,10): E x = 5, E x^2 = 100/3 -> kappa ~ 174
    H = 2 * np.array([[np.mean(x**2), np.mean(x)], [np.mean(x), 1.0]])
    lam = np.linalg.eigvalsh(H)
    assert raw.kappa == pytest.approx(lam[1] / lam[0])
    assert 150 < raw.kappa < 200
    assert raw.gd_limit == pytest.approx(0.025, rel=0.05)
    std = analyse_data((x - x.mean()) / x.std(), y)
    assert std.kappa == pytest.approx(1.0)
    assert std.gd_limit == pytest.approx(1.0)
    assert std.best_lr == pytest.approx(0.5)


def test_half_convention_doubles_stable_rate(line_data):
    assert analyse_data(*line_data, loss="half_mse").gd_limit == pytest.approx(2 * analyse_data(*line_data).gd_limit)


def test_l2_shifts_weight_curvature(line_data):
    a0, a1 = analyse_data(*line_data), analyse_data(*line_data, alpha=0.5)
    np.testing.assert_allclose(a1.hessian - a0.hessian, np.diag([1.0, 0.0]))


def test_constant_feature_gives_infinite_kappa():
    X = np.column_stack([np.linspace(0, 1, 20), np.full(20, 3.0)])
    info = analyse_data(X, np.linspace(0, 1, 20))
    assert info.kappa == float("inf")


def test_gd_rate_predicts_observed_contraction(line_data):
    info = analyse_data(*line_data)
    lr = 0.6 * info.gd_limit
    traj = train(*line_data, learning_rate=lr, epochs=400)
    err = np.linalg.norm(traj.theta - info.theta_star, axis=1)
    observed = (err[400] / err[300]) ** (1 / 100)
    assert observed == pytest.approx(float(info.gd_rate(lr)), rel=1e-3)
    # the best constant step is faster than any other constant step
    grid = np.linspace(0.05, 1.95, 400) * info.gd_limit
    assert info.gd_rate(info.best_lr) <= info.gd_rate(grid).min() + 1e-12
    assert float(info.gd_rate(info.best_lr)) == pytest.approx((info.kappa - 1) / (info.kappa + 1))


def test_momentum_rate_and_optimum(line_data):
    info = analyse_data(*line_data)
    lr, mu = info.optimal_momentum
    sk = np.sqrt(info.kappa)
    assert float(info.momentum_rate(lr, mu)) == pytest.approx((sk - 1) / (sk + 1), rel=1e-6)
    traj = train(*line_data, optimizer="momentum", learning_rate=0.5 * lr, momentum=mu, epochs=300)
    err = np.linalg.norm(traj.theta - info.theta_star, axis=1)
    observed = (err[250] / err[150]) ** (1 / 100)
    assert observed == pytest.approx(float(info.momentum_rate(0.5 * lr, mu)), rel=2e-2)


def test_zones(line_data):
    info = analyse_data(*line_data)
    L = float(np.linalg.eigvalsh(info.hessian).max())
    gd = info.zone_edges("gd")
    assert gd[3] == pytest.approx(2 / L) and gd[2] == pytest.approx(2 / (info.lambda_min + L))
    assert info.zone(0.1 / L, gd) == "slow"
    assert info.zone(0.9 / L, gd) == "good"
    assert info.zone(info.best_lr, gd) == "good"  # the best constant step is not called oscillating
    assert info.zone(1.005 * info.best_lr, gd) == "oscillating"  # kappa 174: best is 0.989 x 2/L
    assert info.zone(1.99 / L, gd) == "oscillating"
    assert info.zone(2.01 / L, gd) == "diverging"
    heavy = info.zone_edges("momentum", momentum=0.9)
    assert heavy[3] == pytest.approx(3.8 / L)
    assert info.zone(3.7 / L, heavy) == "oscillating"
    assert info.zone(3.81 / L, heavy) == "diverging"
    assert info.zone_edges("adam") is None
