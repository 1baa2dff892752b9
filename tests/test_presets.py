"""Every preset's on-screen claim, checked on the preset's own run against independent arithmetic."""

import numpy as np
import pytest
from apptest_util import app, assert_ok, main_figure

from linreg.app.presets import PRESETS, preset_settings
from linreg.datasets import Standardizer
from linreg.experiment import make_dataset, run
from linreg.sweep import sweep_full_batch


def eigenvalues(name: str) -> np.ndarray:
    """The Hessian's eigenvalues by hand: (2/n) A^T A for the preset's (standardized if asked) data."""
    s = preset_settings(name)
    data, _ = make_dataset(s)
    X = Standardizer.fit(data.X).transform(data.X) if s.standardize else data.X
    A = np.column_stack([X, np.ones(len(data.y))])
    return np.linalg.eigvalsh(2 / len(data.y) * A.T @ A)


def steep_error(r) -> np.ndarray:
    """The error theta_k - theta* along the steepest eigen-direction, at every step."""
    return (r.traj.theta - r.analysis.theta_star) @ r.analysis.eigenvectors[:, -1]


def test_lesson_every_step_lowers_the_loss_without_reaching_the_tolerance():
    r = run(preset_settings("lesson"))
    assert np.all(np.diff(r.traj.loss) < 0) and r.traj.steps_to_tol is None and not r.traj.diverged


def test_too_small_is_far_from_the_tolerance():
    r = run(preset_settings("too_small"))
    assert r.traj.steps_to_tol is None and np.linalg.norm(r.traj.grad[-1]) > 100 * r.settings.tol


def test_best_shrinks_both_axes_equally_at_the_best_guaranteed_rate():
    lam = eigenvalues("best")
    r = run(preset_settings("best"))
    lr = r.settings.learning_rate
    kappa = lam[-1] / lam[0]
    factors = np.abs(1 - lr * lam)
    assert factors == pytest.approx([(kappa - 1) / (kappa + 1)] * 2, rel=2e-3)
    error = np.linalg.norm(r.traj.theta - r.analysis.theta_star, axis=1)
    observed = (error[100] / error[50]) ** (1 / 50)
    assert observed == pytest.approx((kappa - 1) / (kappa + 1), rel=2e-3)
    # fastest guaranteed rate: no constant rate has a smaller worst-case factor
    rates = np.linspace(0.01, 2 / lam[-1], 2000)
    assert np.max(np.abs(1 - np.outer(rates, lam)), axis=1).min() >= factors.max() - 1e-3
    # and on this start it is near the fewest steps any constant rate needs
    sweep = sweep_full_batch(r.traj.quadratic, rates, 400, "gd", r.traj.theta[0], r.settings.tol)
    assert r.traj.steps_to_tol <= 1.3 * np.nanmin(sweep.steps_to_tol)


def test_oscillating_flips_the_steep_error_each_step_and_shrinks_slowly():
    lam = eigenvalues("oscillating")
    r = run(preset_settings("oscillating"))
    e = steep_error(r)[:60]
    assert np.all(np.sign(e[1:]) == -np.sign(e[:-1]))  # overshoots the valley floor every step
    assert np.all(np.abs(e[1:]) < np.abs(e[:-1]))  # and still converges
    factor = abs(1 - r.settings.learning_rate * lam[-1])
    assert factor > 0.9 and abs(e[40] / e[39]) == pytest.approx(factor, rel=1e-6)
    best = run(preset_settings("best"))
    assert abs(1 - best.settings.learning_rate * lam[-1]) < factor  # zig-zags more than the best step
    assert r.traj.steps_to_tol is None or r.traj.steps_to_tol > best.traj.steps_to_tol


def test_diverging_diverges_just_over_the_limit():
    lam = eigenvalues("diverging")
    r = run(preset_settings("diverging"))
    assert 2 / lam[-1] < r.settings.learning_rate < 1.1 * 2 / lam[-1] and r.traj.diverged
    e = np.abs(steep_error(r))
    assert np.all(e[2:] > e[1:-1])  # each overshoot larger than the last


def test_unscaled_is_a_long_valley_that_does_not_converge_in_time():
    lam = eigenvalues("unscaled")
    r = run(preset_settings("unscaled"))
    assert 150 < lam[-1] / lam[0] < 200 and r.settings.learning_rate < 2 / lam[-1]
    assert r.traj.steps_to_tol is None and not r.traj.diverged


def test_standardized_is_round_and_converges_in_one_step():
    lam = eigenvalues("standardized")
    assert lam[-1] / lam[0] == pytest.approx(1.0, abs=1e-9)
    r = run(preset_settings("standardized"))
    assert r.settings.learning_rate == pytest.approx(1 / lam[-1])
    assert r.traj.loss[1] == pytest.approx(r.analysis.loss_star, rel=1e-9)
    at = app(preset="standardized")
    layout = main_figure(at)["layout"]
    contour_y = next(v for k, v in layout.items() if k.startswith("yaxis") and v.get("anchor") == "x3")
    assert contour_y.get("scaleanchor") == "x3"  # one scale on both axes: drawn as circles


def test_momentum_beats_gd_at_the_same_rate():
    s = preset_settings("momentum")
    assert run(s).traj.steps_to_tol is not None
    assert run(s.replace(optimizer="gd")).traj.steps_to_tol is None


def test_adams_first_step_is_the_learning_rate_per_parameter():
    r = run(preset_settings("adam"))
    np.testing.assert_allclose(np.abs(r.traj.theta[1] - r.traj.theta[0]), r.settings.learning_rate, rtol=1e-6)


def test_sgd_is_noisy_yet_ends_near_the_minimum():
    r = run(preset_settings("sgd"))
    ups = np.mean(np.diff(r.traj.loss) > 0)
    assert ups > 0.1 and r.traj.final_loss <= 1.01 * r.analysis.loss_star


@pytest.mark.parametrize("name", list(PRESETS))
def test_the_claim_is_on_screen_and_the_run_opens_at_its_end(name):
    at = app(preset=name)
    assert_ok(at)
    assert any(PRESETS[name].claim in m.value for m in at.markdown)
    fig = main_figure(at)
    assert fig["layout"]["sliders"][0]["active"] == len(fig["frames"]) - 1
