"""Each linear optimizer's theory (dynamics.py) against torch.optim's own runs and the
closed forms of the literature: limits, zones, contraction per step, best rates, the
fastest (lr, momentum) pair.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from torch_reference import hessian_eigen, torch_run

from linreg.datasets import cortical_thickness
from linreg.dynamics import FAMILIES, LinearTheory, best_pair, contraction

DATA = cortical_thickness()
LAM, VECS = hessian_eigen(DATA.X, DATA.y)
OPTIMIZER = {"gd": "gd", "heavy_ball": "momentum", "nesterov": "nesterov"}
CASES = [
    ("gd", 0.0),
    ("heavy_ball", 0.5),
    ("heavy_ball", 0.9),
    ("nesterov", 0.5),
    ("nesterov", 0.9),
]


def error_along(thetas: np.ndarray, axis: int, theta_star: np.ndarray) -> np.ndarray:
    return (thetas - theta_star) @ VECS[:, axis]


THETA_STAR = np.linalg.lstsq(
    np.column_stack([DATA.X, np.ones(len(DATA.y))]), DATA.y, rcond=None
)[0]


def run(family: str, mu: float, lr: float, steps: int) -> np.ndarray:
    return torch_run(DATA.X, DATA.y, OPTIMIZER[family], lr, steps, {"momentum": mu})


def test_the_lesson_data_has_the_spectrum_the_issue_quotes():
    assert LAM[-1] == pytest.approx(2.536, abs=1e-3) and LAM[0] == pytest.approx(
        0.134, abs=1e-3
    )


@pytest.mark.parametrize(("family", "mu"), CASES)
def test_the_limit_holds_at_097_and_breaks_at_103(family, mu):
    limit = LinearTheory(family, LAM, mu).limit
    below = run(family, mu, 0.97 * limit, 4000)
    assert np.linalg.norm(below[-1] - THETA_STAR) < 1e-3 * np.linalg.norm(
        below[0] - THETA_STAR
    )
    with np.errstate(all="ignore"):
        above = run(family, mu, 1.03 * limit, 4000)
        assert len(above) < 4001 or np.linalg.norm(above[-1]) > 1e3


def test_the_limits_are_the_literatures():
    L = LAM[-1]
    assert LinearTheory("gd", LAM).limit == pytest.approx(2 / L)
    assert LinearTheory("heavy_ball", LAM, 0.9).limit == pytest.approx(3.8 / L)
    assert LinearTheory("nesterov", LAM, 0.9).limit * L == pytest.approx(
        1.357, abs=1e-3
    )
    assert LinearTheory("nesterov", LAM, 0.99).limit * L == pytest.approx(
        1.336, abs=1e-3
    )
    assert LinearTheory("nesterov", LAM, 0.9).limit == pytest.approx(0.535, abs=1e-3)


@pytest.mark.parametrize(("family", "mu"), CASES)
@pytest.mark.parametrize("fraction", [0.02, 0.3, 0.8])
def test_the_contraction_is_what_torch_measures(family, mu, fraction):
    """The error's decay per step over a late window of a torch run equals the largest
    root modulus."""
    theory = LinearTheory(family, LAM, mu)
    lr = fraction * theory.limit
    rho = float(theory.contraction(lr))
    # to ~1e-9 of the start: well above rounding
    steps = min(6000, int(20 / -math.log(rho)))
    thetas = run(family, mu, lr, steps)
    err = np.linalg.norm(thetas - THETA_STAR, axis=1)
    late, window = steps - 1, steps // 3
    # the envelope over a few steps: a spiral's error is not monotone step by step
    peak = lambda k: err[k - 8 : k + 1].max()  # noqa: E731
    assert (peak(late) / peak(late - window)) ** (1 / window) == pytest.approx(
        rho, rel=0.01
    )


@pytest.mark.parametrize(("family", "mu"), CASES)
def test_zones_name_what_the_steep_axis_does(family, mu):
    """monotone: the steep axis' error keeps its sign; spiral: it changes sign, but not
    every step; zig-zag: it flips every step; diverging: it grows.  Checked on torch
    runs in each zone's middle.
    """
    theory = LinearTheory(family, LAM, mu)
    for name, a, b in theory.zones():
        lr = 1.05 * a if name == "diverging" else (math.sqrt(max(a, b * 1e-3) * b))
        e = error_along(run(family, mu, lr, 60), -1, THETA_STAR)[1:]
        # above rounding
        e = e[np.abs(e) > 1e-9 * np.abs(e).max()] if name != "diverging" else e
        flips = np.sign(e[1:]) != np.sign(e[:-1])
        if name == "monotone":
            assert not flips[5:].any(), name
        elif name == "spiral":
            assert flips.any() and not flips.all(), (name, lr)
        elif name == "zig-zag":
            assert flips[10:].all(), name
        else:
            assert abs(e[-1]) > abs(e[0]), name


def test_zone_edges_are_the_closed_forms():
    L = LAM[-1]
    gd = dict((n, (a, b)) for n, a, b in LinearTheory("gd", LAM).zones())
    assert set(gd) == {"monotone", "zig-zag", "diverging"}
    assert gd["monotone"][1] == pytest.approx(1 / L) and gd["zig-zag"][
        1
    ] == pytest.approx(2 / L)
    hb = dict((n, (a, b)) for n, a, b in LinearTheory("heavy_ball", LAM, 0.9).zones())
    assert hb["spiral"] == pytest.approx(
        ((1 - math.sqrt(0.9)) ** 2 / L, (1 + math.sqrt(0.9)) ** 2 / L)
    )
    ne = dict((n, (a, b)) for n, a, b in LinearTheory("nesterov", LAM, 0.5).zones())
    assert ne["spiral"] == pytest.approx(((0.5 / 1.5) ** 2 / L, 1 / L))


@pytest.mark.parametrize(("family", "mu"), CASES)
def test_the_best_rate_is_within_1_percent_of_the_smallest_contraction(family, mu):
    theory = LinearTheory(family, LAM, mu)
    grid = np.linspace(1e-5, 1, 200_001) * theory.limit
    smallest = contraction(family, LAM, grid, mu).min()
    best = theory.best
    assert best.contraction == pytest.approx(smallest, rel=0.01)
    assert float(theory.contraction(best.learning_rate)) == pytest.approx(
        best.contraction, rel=1e-9
    )
    assert best.learning_rate < theory.limit


def test_best_rates_are_the_literatures_on_the_lesson_data():
    gd = LinearTheory("gd", LAM).best
    kappa = LAM[-1] / LAM[0]
    assert gd.learning_rate == pytest.approx(2 / (LAM[0] + LAM[-1]), rel=1e-4)
    assert (
        gd.contraction == pytest.approx((kappa - 1) / (kappa + 1), rel=1e-6)
        and gd.interval is None
    )
    assert gd.learning_rate == pytest.approx(
        0.749, abs=1e-3
    ) and gd.contraction == pytest.approx(0.900, abs=1e-3)
    # flat: every rate in the interval contracts by sqrt(mu)
    hb = LinearTheory("heavy_ball", LAM, 0.9).best
    assert hb.contraction == pytest.approx(math.sqrt(0.9), rel=1e-9)
    lo, hi = (1 - math.sqrt(0.9)) ** 2 / LAM[0], (1 + math.sqrt(0.9)) ** 2 / LAM[-1]
    assert hb.interval == pytest.approx((lo, hi), rel=1e-6)
    assert hb.interval == pytest.approx((0.0196, 1.497), abs=1e-3)
    hb5 = LinearTheory("heavy_ball", LAM, 0.5).best
    assert hb5.contraction == pytest.approx(
        0.707, abs=1e-3
    ) and hb5.interval == pytest.approx((0.64, 1.15), abs=0.01)
    ne = LinearTheory("nesterov", LAM, 0.9).best
    assert ne.contraction == pytest.approx(
        0.915, abs=1e-3
    ) and ne.learning_rate == pytest.approx(0.519, abs=2e-3)
    ne5 = LinearTheory("nesterov", LAM, 0.5).best
    assert ne5.contraction == pytest.approx(
        0.834, abs=1e-3
    ) and ne5.learning_rate == pytest.approx(0.551, abs=2e-3)


def test_the_fastest_heavy_ball_is_polyaks_pair():
    lr, mu, rho = best_pair("heavy_ball", LAM)
    sl, sL = math.sqrt(LAM[0]), math.sqrt(LAM[-1])
    assert lr == pytest.approx((2 / (sl + sL)) ** 2, rel=1e-3)
    assert mu == pytest.approx(((sL - sl) / (sL + sl)) ** 2, rel=1e-3)
    sk = math.sqrt(LAM[-1] / LAM[0])
    assert rho == pytest.approx((sk - 1) / (sk + 1), rel=1e-3)


def test_the_fastest_nesterov_pair_beats_every_pair_on_a_grid():
    lr, mu, rho = best_pair("nesterov", LAM)
    mus = np.linspace(0, 0.99, 100)
    for m in mus:
        rates = np.linspace(1e-4, 1, 2000) * FAMILIES["nesterov"].limit(m) / LAM[-1]
        assert contraction("nesterov", LAM, rates, m).min() >= rho - 1e-3
    assert float(contraction("nesterov", LAM, lr, mu)) == pytest.approx(rho, rel=1e-9)


def test_a_contraction_just_over_one_is_not_shown_as_one():
    from linreg.theory import per_step

    # a diverging Nesterov pair grows ×1.0024 a step: "×1" would read as neither
    assert per_step(1.0024) == "×1.0024" and per_step(0.99987) == "×0.99987"
    assert per_step(1.0) == "×1" and per_step(0.9) == "×0.900"  # exactly one: the limit
