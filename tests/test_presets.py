"""Every preset's on-screen claim, checked on the preset's own run against independent
arithmetic."""

import numpy as np
import pytest
from apptest_util import app, assert_ok, main_figure

from linreg.app.presets import PRESETS, preset_settings
from linreg.datasets import Standardizer
from linreg.experiment import make_dataset, run


def eigenvalues(name: str) -> np.ndarray:
    """The Hessian's eigenvalues by hand: (2/n) A^T A for the preset's (standardized if
    asked) data."""
    s = preset_settings(name)
    data, _ = make_dataset(s)
    X = Standardizer.fit(data.X).transform(data.X) if s.standardize else data.X
    A = np.column_stack([X, np.ones(len(data.y))])
    return np.linalg.eigvalsh(2 / len(data.y) * A.T @ A)


def steep_error(r) -> np.ndarray:
    """The error theta_k - theta* along the steepest eigen-direction, at every step."""
    return (r.traj.theta - r.analysis.theta_star) @ r.analysis.eigenvectors[:, -1]


def minimum(name: str) -> float:
    """The least loss by least squares (numpy), on the preset's (standardized if asked)
    data."""
    s = preset_settings(name)
    data, _ = make_dataset(s)
    X = Standardizer.fit(data.X).transform(data.X) if s.standardize else data.X
    A = np.column_stack([X, np.ones(len(data.y))])
    theta = np.linalg.lstsq(A, data.y, rcond=None)[0]
    return float(np.mean((A @ theta - data.y) ** 2))


def factors(name: str, lr: float | None = None) -> np.ndarray:
    """|1 - lr lambda| on each axis (ascending lambda): GD's error factor per step, by
    hand."""
    lr = preset_settings(name).learning_rate if lr is None else lr
    return np.abs(1 - lr * eigenvalues(name))


def test_lesson_every_step_lowers_the_loss_and_is_still_descending():
    r = run(preset_settings("lesson"))
    assert np.all(np.diff(r.traj.loss) < 0) and r.traj.outcome == "still descending"
    assert r.traj.final_loss / minimum("lesson") - 1 == pytest.approx(0.24, abs=0.005)


def test_too_small_is_still_61_times_the_minimum():
    r = run(preset_settings("too_small"))
    assert (
        r.traj.outcome == "still descending"
        and round(r.traj.final_loss / minimum("too_small")) == 61
    )


def test_one_over_L_solves_the_steep_axis_in_one_step_and_never_zig_zags():
    lam = eigenvalues("one_over_L")
    r = run(preset_settings("one_over_L"))
    assert (
        r.settings.learning_rate == pytest.approx(1 / lam[-1], rel=2e-3)
        and f"{1 / lam[-1]:.3g}" == "0.394"
    )
    e = steep_error(r)
    # 1/L to 3 digits
    assert f"{abs(e[1] / e[0]):.1g}" == "0.0008" == f"{factors('one_over_L')[-1]:.1g}"
    for axis in range(len(lam)):  # no axis ever changes sign
        err = (r.traj.theta - r.analysis.theta_star) @ r.analysis.eigenvectors[:, axis]
        big = np.abs(err) > 1e-9 * np.abs(err).max()
        assert np.all(np.sign(err[big][1:]) == np.sign(err[big][:-1]))
    assert (
        f"{factors('one_over_L')[0]:.3g}" == "0.947" and r.traj.outcome == "converged"
    )


def test_best_shrinks_both_axes_equally_at_the_best_guaranteed_rate_and_still_zig_zags():  # noqa: E501
    lam = eigenvalues("best")
    r = run(preset_settings("best"))
    lr = r.settings.learning_rate
    kappa = lam[-1] / lam[0]
    assert factors("best") == pytest.approx([(kappa - 1) / (kappa + 1)] * 2, rel=2e-3)
    assert f"{(kappa - 1) / (kappa + 1):.3f}" == "0.900" and f"{lr:.3g}" == "0.749"
    error = np.linalg.norm(r.traj.theta - r.analysis.theta_star, axis=1)
    assert (error[100] / error[50]) ** (1 / 50) == pytest.approx(
        (kappa - 1) / (kappa + 1), rel=2e-3
    )
    # no constant rate has a smaller worst-case factor
    rates = np.linspace(0.01, 2 / lam[-1], 2000)
    assert (
        np.max(np.abs(1 - np.outer(rates, lam)), axis=1).min()
        >= factors("best").max() - 1e-3
    )
    assert lr > 1 / lam[-1] and f"{1 / lam[-1]:.3g}" == "0.394"
    e = steep_error(r)[:40]
    assert np.all(np.sign(e[1:]) == -np.sign(e[:-1]))  # the steep axis zig-zags


def test_zig_zag_flips_the_steep_error_each_step_and_is_slower_than_the_best():
    lam = eigenvalues("oscillating")
    r = run(preset_settings("oscillating"))
    assert r.settings.learning_rate == pytest.approx(0.97 * 2 / lam[-1], rel=2e-3)
    e = steep_error(r)[:60]
    assert np.all(np.sign(e[1:]) == -np.sign(e[:-1])) and np.all(
        np.abs(e[1:]) < np.abs(e[:-1])
    )
    assert f"{factors('oscillating')[-1]:.3f}" == "0.940" and abs(
        e[40] / e[39]
    ) == pytest.approx(0.940, abs=1e-3)
    best = run(preset_settings("best"))
    assert r.traj.settled_at > best.traj.settled_at


def test_diverging_diverges_just_over_the_limit():
    lam = eigenvalues("diverging")
    r = run(preset_settings("diverging"))
    assert (
        2 / lam[-1] < r.settings.learning_rate < 1.1 * 2 / lam[-1]
        and r.traj.outcome == "diverged"
    )
    e = np.abs(steep_error(r))
    assert np.all(e[2:] > e[1:-1])  # each overshoot larger than the last


def test_unscaled_crawls_along_the_valley_floor():
    lam = eigenvalues("unscaled")
    r = run(preset_settings("unscaled"))
    assert round(lam[-1] / lam[0]) == 174 and r.settings.learning_rate < 2 / lam[-1]
    assert f"{factors('unscaled')[0]:.3f}" == "0.991"
    assert 0 < r.traj.final_loss / minimum("unscaled") - 1 < 0.003
    b, b_star = r.theta_original[-1, -1], r.optimum_original[-1]
    assert (f"{b:.2f}", f"{b_star:.2f}") == (
        "1.90",
        "1.99",
    ) and r.traj.outcome == "still descending"


def test_standardized_is_round_and_converges_in_one_step():
    lam = eigenvalues("standardized")
    assert lam[-1] / lam[0] == pytest.approx(1.0, abs=1e-9)
    r = run(preset_settings("standardized"))
    assert r.settings.learning_rate == pytest.approx(1 / lam[-1])
    assert r.traj.loss[1] == pytest.approx(r.analysis.loss_star, rel=1e-9)
    at = app(preset="standardized")
    layout = main_figure(at)["layout"]
    contour_y = next(
        v
        for k, v in layout.items()
        if k.startswith("yaxis") and v.get("anchor") == "x3"
    )
    # one scale on both axes: drawn as circles
    assert contour_y.get("scaleanchor") == "x3"


def test_momentum_beats_gd_at_its_own_best_rate_on_the_narrow_valley():
    lam = eigenvalues("momentum")
    s = preset_settings("momentum")
    mu = s.hyperparameters["momentum"]
    # heavy ball's roots are complex, of modulus sqrt(mu), for (1 - sqrt mu)^2 < lr
    # lambda < (1 + sqrt mu)^2
    lo, hi = (1 - np.sqrt(mu)) ** 2 / lam[0], (1 + np.sqrt(mu)) ** 2 / lam[-1]
    # inside the interval
    assert lo <= 0.00574 and hi >= 0.0474 and f"{np.sqrt(mu):.3f}" == "0.949"
    for lr in (0.00574, 0.02, 0.0474):  # every rate named contracts by sqrt(mu)
        assert max(
            abs(np.roots([1, -(1 + mu - lr * x), mu])).max() for x in lam
        ) == pytest.approx(np.sqrt(mu))
    r = run(s)
    assert (
        lo < s.learning_rate < hi
        and r.traj.outcome == "converged"
        and r.traj.settled_at == 372
    )
    gd_best = 2 / (lam[0] + lam[-1])
    assert (
        f"{gd_best:.3g}" == "0.0248"
        and f"{factors('momentum', gd_best).max():.3f}" == "0.989"
    )
    gd = run(s.replace(optimizer="gd", learning_rate=float(f"{gd_best:.3g}")))
    assert gd.traj.outcome == "still descending" and gd.traj.n_steps == 400


def test_adams_first_step_is_the_learning_rate_per_parameter():
    r = run(preset_settings("adam"))
    np.testing.assert_allclose(
        np.abs(r.traj.theta[1] - r.traj.theta[0]), r.settings.learning_rate, rtol=1e-6
    )
    assert r.traj.outcome == "still descending"


def test_sgd_is_noisy_never_settles_yet_ends_near_the_minimum():
    r = run(preset_settings("sgd"))
    ups = np.mean(np.diff(r.traj.loss) > 0)
    assert ups > 0.1 and r.traj.final_loss <= 1.001 * minimum("sgd")
    assert r.traj.outcome == "stalled or oscillating"
    # the last 5 epochs jitter by over a tenth of the path's whole travel in b
    last = r.theta_original[-500:]
    view_b = abs(r.theta_original[0, -1] - r.optimum_original[-1])
    assert np.ptp(last[:, -1]) > 0.1 * view_b


@pytest.mark.parametrize("name", list(PRESETS))
def test_the_claim_is_on_screen_and_the_run_opens_at_its_end(name):
    at = app(preset=name)
    assert_ok(at)
    assert any(PRESETS[name].claim in m.value for m in at.markdown)
    fig = main_figure(at)
    assert fig["layout"]["sliders"][0]["active"] == len(fig["frames"]) - 1
