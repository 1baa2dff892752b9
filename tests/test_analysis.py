import numpy as np
import pytest

from linreg import analyse_data
from linreg.theory import limit, rate_map


def test_design_example_raw_and_standardized():
    rng = np.random.default_rng(0)
    x = rng.uniform(0, 10, 100)
    y = 3 * x + 2 + rng.normal(0, 1, 100)
    raw = analyse_data(x, y)
    # H = 2 [[E x^2, E x], [E x, 1]]; for x ~ U(0,10): E x = 5, E x^2 = 100/3 -> kappa ~
    # 174
    H = 2 * np.array([[np.mean(x**2), np.mean(x)], [np.mean(x), 1.0]])
    lam = np.linalg.eigvalsh(H)
    assert raw.kappa == pytest.approx(lam[1] / lam[0])
    assert 150 < raw.kappa < 200
    assert limit(raw, "gd") == pytest.approx(0.025, rel=0.05)
    std = analyse_data((x - x.mean()) / x.std(), y)
    assert std.kappa == pytest.approx(1.0)
    assert limit(std, "gd") == pytest.approx(1.0)
    assert rate_map(std, "gd").best_lr == pytest.approx(0.5, rel=1e-6)


def test_half_convention_doubles_stable_rate(line_data):
    half, full = analyse_data(*line_data, loss="half_mse"), analyse_data(*line_data)
    for name, hp in (
        ("gd", {}),
        ("momentum", {"momentum": 0.9}),
        ("nesterov", {"momentum": 0.5}),
    ):
        assert limit(half, name, **hp) == pytest.approx(2 * limit(full, name, **hp))
        assert rate_map(half, name, **hp).best_lr == pytest.approx(
            2 * rate_map(full, name, **hp).best_lr, rel=1e-5
        )


def test_l2_shifts_weight_curvature(line_data):
    a0, a1 = analyse_data(*line_data), analyse_data(*line_data, alpha=0.5)
    np.testing.assert_allclose(a1.hessian - a0.hessian, np.diag([1.0, 0.0]))


def test_constant_feature_gives_infinite_kappa():
    X = np.column_stack([np.linspace(0, 1, 20), np.full(20, 3.0)])
    info = analyse_data(X, np.linspace(0, 1, 20))
    assert info.kappa == float("inf")
