"""What the screen says of the adaptive optimizers' steps (the registry's statements),
proved by running torch.optim's own Adagrad, RMSprop and Adam, and our update rules
beside them."""

from __future__ import annotations

import numpy as np
import pytest
from torch_reference import TORCH, torch, torch_run

from linreg.datasets import cortical_thickness
from linreg.optimizers import REGISTRY, make_optimizer

LR = 0.1
ADAPTIVE = ["adagrad", "rmsprop", "adam"]


def torch_steps(name: str, gradients: np.ndarray) -> np.ndarray:
    """|step| per coordinate of torch's optimizer fed these gradients (rows: steps)."""
    theta = torch.zeros(gradients.shape[1], dtype=torch.float64, requires_grad=True)
    opt = TORCH[name]([theta], LR, REGISTRY[name].own({}))
    out, before = [], theta.detach().numpy().copy()
    for g in gradients:
        theta.grad = torch.tensor(g)
        opt.step()
        now = theta.detach().numpy().copy()
        out.append(np.abs(now - before))
        before = now
    return np.array(out)


def our_steps(name: str, gradients: np.ndarray) -> np.ndarray:
    opt = make_optimizer(name)
    state, out = opt.init(np.zeros(gradients.shape[1])), []
    for g in gradients:
        step, state = opt.update(g, state, LR)
        out.append(np.abs(step))
    return np.array(out)


def random_gradients(seed: int, steps: int = 300) -> np.ndarray:
    """Gradients of scales from 1e-4 to 1e4, sign flips, sudden growth: the cases the
    bounds must survive."""
    rng = np.random.default_rng(seed)
    scale = 10.0 ** rng.uniform(-4, 4, size=(steps, 1)) * np.exp(
        np.cumsum(rng.normal(0, 0.3, (steps, 1)), 0)
    )
    return rng.normal(size=(steps, 3)) * scale


@pytest.mark.parametrize("name", ADAPTIVE)
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_first_step_and_the_largest_step_are_as_stated(name, seed):
    first, most = REGISTRY[name].step_sizes()
    g = random_gradients(seed)
    steps = torch_steps(name, g)
    # same rule as torch
    np.testing.assert_allclose(steps, our_steps(name, g), rtol=1e-9, atol=1e-15)
    # whatever the gradient's size (eps aside)
    np.testing.assert_allclose(steps[0], first * LR, rtol=1e-3)
    assert steps.max() <= most * LR * (1 + 1e-9)


def test_rmsprops_first_step_is_ten_times_lr():
    first, most = REGISTRY["rmsprop"].step_sizes()
    assert first == most == pytest.approx(10.0)
    assert "10·lr" in REGISTRY["rmsprop"].steps_statement()


def test_rmsprop_keeps_taking_large_steps_on_the_lessons_data():
    """No bias correction and a decaying memory: after 1,000 updates its steps are still
    several times lr."""
    data = cortical_thickness()
    lr = 0.01
    thetas = torch_run(data.X, data.y, "rmsprop", lr, 2000, {"rho": 0.99, "eps": 1e-8})
    late = np.abs(np.diff(thetas, axis=0))[1000:]
    assert late.max() > 3 * lr


def test_adams_largest_step_approaches_its_bound_after_a_long_calm():
    """A gradient of 1 after 10,000 tiny ones: m_hat ~ (1 - b1), v_hat ~ (1 - b2): the
    step is lr (1 - b1) / sqrt(1 - b2) = 3.16 lr, the bound the statement names."""
    g = np.vstack([np.full((10_000, 1), 1e-12), [[1.0]]])
    steps = torch_steps("adam", g)
    most = REGISTRY["adam"].step_sizes()[1]
    assert most == pytest.approx(0.1 / np.sqrt(0.001))
    assert steps[-1, 0] == pytest.approx(most * LR, rel=0.01)
    assert "3.16·lr" in REGISTRY["adam"].steps_statement()


def test_adagrads_steps_shrink_as_squared_gradients_add_up():
    g = np.ones((50, 2))
    steps = torch_steps("adagrad", g)
    np.testing.assert_allclose(steps[:, 0], LR / np.sqrt(np.arange(1, 51)), rtol=1e-8)
