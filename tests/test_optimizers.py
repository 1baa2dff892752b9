"""First steps of each optimizer, worked by hand from torch.optim's documented
algorithms."""

import math

import numpy as np
import pytest

from linreg.optimizers import REGISTRY, make_optimizer

G1, G2 = np.array([0.5, -2.0]), np.array([0.3, 1.0])
LR = 0.1


def two_steps(name, **hp):
    opt = make_optimizer(name, **hp)
    state = opt.init(np.zeros(2))
    s1, state = opt.update(G1, state, LR)
    s2, state = opt.update(G2, state, LR)
    return s1, s2


def test_gd():
    s1, s2 = two_steps("gd")
    np.testing.assert_allclose(s1, [0.05, -0.2])
    np.testing.assert_allclose(s2, [0.03, 0.1])


def test_momentum_buffer_starts_at_first_gradient():
    s1, s2 = two_steps("momentum", momentum=0.9)
    np.testing.assert_allclose(s1, LR * G1)
    np.testing.assert_allclose(s2, LR * np.array([0.9 * 0.5 + 0.3, 0.9 * -2.0 + 1.0]))


def test_nesterov():
    s1, s2 = two_steps("nesterov", momentum=0.5)
    np.testing.assert_allclose(s1, LR * (G1 + 0.5 * G1))
    v2 = 0.5 * G1 + G2
    np.testing.assert_allclose(s2, LR * (G2 + 0.5 * v2))


def test_adagrad():
    s1, s2 = two_steps("adagrad")
    np.testing.assert_allclose(s1, LR * G1 / (np.abs(G1) + 1e-10))
    np.testing.assert_allclose(s2, LR * G2 / (np.sqrt(G1**2 + G2**2) + 1e-10))


def test_rmsprop():
    s1, s2 = two_steps("rmsprop")
    v1 = 0.01 * G1**2
    v2 = 0.99 * v1 + 0.01 * G2**2
    np.testing.assert_allclose(s1, LR * G1 / (np.sqrt(v1) + 1e-8))
    np.testing.assert_allclose(s2, LR * G2 / (np.sqrt(v2) + 1e-8))


def test_adam_first_step_is_lr_times_sign():
    s1, s2 = two_steps("adam")
    np.testing.assert_allclose(s1, LR * np.sign(G1), rtol=1e-7)
    m2 = 0.9 * 0.1 * G1 + 0.1 * G2
    v2 = 0.999 * 0.001 * G1**2 + 0.001 * G2**2
    m_hat, v_hat = m2 / (1 - 0.81), v2 / (1 - 0.999**2)
    np.testing.assert_allclose(s2, LR * m_hat / (np.sqrt(v_hat) + 1e-8))


@pytest.mark.parametrize("name", list(REGISTRY))
def test_same_rule_on_floats_and_vectors(name):
    """Coordinate-wise use on Python floats gives exactly the vector result."""
    opt = make_optimizer(name)
    vec_state = opt.init(np.zeros(2))
    states = [opt.init(0.0), opt.init(0.0)]
    for g in (G1, G2, G1 * 3):
        vec_step, vec_state = opt.update(g, vec_state, LR)
        for i in range(2):
            step, states[i] = opt.update(float(g[i]), states[i], LR)
            assert step == pytest.approx(vec_step[i], rel=1e-15)


@pytest.mark.parametrize(
    ("name", "hp", "match"),
    [
        ("momentum", {"momentum": 1.0}, "momentum must be in"),
        ("adam", {"beta1": -0.1}, "beta1"),
        ("adam", {"eps": 0.0}, "eps must be > 0"),
        ("rmsprop", {"rho": 1.5}, "rho"),
    ],
)
def test_bad_hyperparameters(name, hp, match):
    with pytest.raises(ValueError, match=match):
        make_optimizer(name, **hp)


def test_unknown_optimizer():
    with pytest.raises(ValueError, match="unknown optimizer 'lbfgs'"):
        make_optimizer("lbfgs")


def test_defaults_are_torch_defaults():
    assert make_optimizer("adam").hyperparameters == {
        "beta1": 0.9,
        "beta2": 0.999,
        "eps": 1e-8,
    }
    assert make_optimizer("rmsprop").hyperparameters == {"rho": 0.99, "eps": 1e-8}
    assert make_optimizer("adagrad").hyperparameters == {"eps": 1e-10}
    assert make_optimizer("momentum").hyperparameters == {"momentum": 0.9}
    assert math.isclose(make_optimizer("nesterov").hyperparameters["momentum"], 0.9)
