"""Step by step, checked: each frame draws the run up to its own step and no further,
the readout says what the trajectory holds at that step, the fourth view's errors are
the projections of theta_k - theta* on the Hessian's eigenvectors (GD: shrinking by 1 -
lr * lambda a step), and the adaptive optimizers' effective steps are torch.optim's own
state."""

from __future__ import annotations

import re

import numpy as np
import pytest
from plotly_util import values
from torch_reference import TORCH, hessian_eigen, torch

from linreg.analysis import analyse
from linreg.datasets import cortical_thickness
from linreg.experiment import Settings, run
from linreg.optimizers import REGISTRY
from linreg.stepwise import (
    axis_errors,
    effective_steps,
    ema,
    extreme_axes,
    run_effective_steps,
    theory_guide,
)
from linreg.training import train
from linreg.viz import playground
from linreg.viz.animation import frame_steps

DATA = cortical_thickness()


def figure(r, **options):
    effective = run_effective_steps(r.traj, r.x_train, r.data.y)
    options = playground.PlotOptions(**options)
    return playground.run_figure(r, options, effective_steps=effective)


def moving(fig, name: str) -> list[tuple[int, dict]]:
    """(frame's step, the frame's data of the trace ``name``) for every frame."""
    index = [t.get("name") for t in fig.to_dict()["data"]].index(name)
    out = []
    for f in fig.to_dict()["frames"]:
        assert index in f["traces"], f"{name} does not move"
        out.append((int(f["name"]), f["data"][f["traces"].index(index)]))
    return out


def plain_gradient(theta: np.ndarray) -> np.ndarray:
    """grad of J = (1/n) sum (w x + b - y)^2, by hand."""
    r = theta[0] * DATA.X[:, 0] + theta[1] - DATA.y
    return np.array([2 * np.mean(r * DATA.X[:, 0]), 2 * np.mean(r)])


@pytest.mark.parametrize("optimizer", ["gd", "momentum", "adam"])
def test_each_frame_draws_the_path_and_the_loss_up_to_its_step_and_no_further(
    optimizer,
):
    r = run(
        Settings(
            optimizer=optimizer,
            epochs=400,
            learning_rate=0.05 if optimizer == "adam" else 0.01,
        )
    )
    t, fig = r.traj, figure(r)
    steps = frame_steps(t.n_steps)
    for name in ("path", "path halo", "training loss"):
        frames = moving(fig, name)
        assert [s for s, _ in frames] == steps.tolist()
        for s, data in frames:
            x, y = values(data["x"]), values(data["y"])
            # the prefix at the frame steps, ending on s itself
            drawn = steps[steps <= s]
            if name == "training loss":
                assert x.tolist() == drawn.tolist()
                np.testing.assert_allclose(y, t.loss[drawn], rtol=1e-6)
            else:
                np.testing.assert_allclose(
                    np.column_stack([x, y]), t.theta[drawn], rtol=1e-6, atol=1e-7
                )
                # its last point is theta_k
                np.testing.assert_allclose([x[-1], y[-1]], t.theta[s], rtol=1e-6)


def test_the_whole_run_toggle_draws_every_curve_at_once_and_moves_only_markers():
    r = run(Settings(epochs=400))
    fig = figure(r, whole_run=True).to_dict()
    names = [t.get("name") for t in fig["data"]]
    moved = {names[i] for f in fig["frames"] for i in f["traces"]}
    assert {"path", "path halo", "training loss"}.isdisjoint(moved)
    assert {"tail", "current step", "readout"} <= moved
    path = fig["data"][names.index("path")]
    # the end, from the start
    assert values(path["x"])[-1] == pytest.approx(r.traj.theta[-1, 0], rel=1e-6)


def number_after(label: str, text: str) -> float:
    return float(
        re.search(rf"{re.escape(label)} (-?[\d.,e+-]+)", text).group(1).replace(",", "")
    )


@pytest.mark.parametrize("schedule", ["constant", "step"])
def test_the_readout_says_what_the_trajectory_holds_at_each_frame(schedule):
    settings = Settings(
        epochs=300,
        learning_rate=0.05,
        schedule=schedule,
        step_size=50,
        gamma=0.5,
        batch="mini",
        batch_size=25,
    )
    r = run(settings)
    t = r.traj
    for s, data in moving(figure(r), "readout"):
        text = data["text"][0]
        # 100 rows, batches of 25
        assert f"step {s:,} of {t.n_steps:,}" in text and f"epoch {-(-s // 4)}" in text
        assert number_after("loss", text) == pytest.approx(
            np.mean((t.theta[s] @ [DATA.X[:, 0], np.ones(100)] - DATA.y) ** 2), rel=1e-3
        )
        # the epoch of the step's update
        halvings = (max(s, 1) - 1) // 4 // 50 if schedule == "step" else 0
        assert number_after("lr", text) == pytest.approx(0.05 * 0.5**halvings, rel=1e-3)
        assert number_after("‖∇J‖", text) == pytest.approx(
            np.linalg.norm(plain_gradient(t.theta[s])), rel=1e-3
        )
        # the outcome word, at the end only
        assert (t.outcome in text) == (s == t.n_steps)


def test_axis_errors_are_projections_on_the_hessians_eigenvectors_and_gd_shrinks_them_by_1_minus_lr_lambda():  # noqa: E501
    lr = 0.6  # above 1/L: the steep axis' error flips sign every step (zig-zag)
    t = train(DATA.X, DATA.y, learning_rate=lr, epochs=60)
    lam, V = hessian_eigen(DATA.X, DATA.y)  # plain numpy, on (2/n) A^T A
    a = analyse(t.quadratic)
    axes = extreme_axes(a)
    assert a.eigenvalues[axes["steepest"]] == pytest.approx(
        lam.max()
    ) and a.eigenvalues[axes["shallowest"]] == (pytest.approx(lam.min()))
    theta_star = np.linalg.lstsq(
        np.column_stack([DATA.X[:, 0], np.ones(100)]), DATA.y, rcond=None
    )[0]
    errors = axis_errors(t.theta, a, [axes["steepest"], axes["shallowest"]])
    by_hand = (t.theta - theta_star) @ V[:, [1, 0]]
    # eigenvectors' sign is free
    np.testing.assert_allclose(np.abs(errors), np.abs(by_hand), rtol=1e-6, atol=1e-12)
    ratio = errors[1:31] / errors[:30]
    np.testing.assert_allclose(ratio[:, 0], 1 - lr * lam.max(), rtol=1e-6)
    np.testing.assert_allclose(ratio[:, 1], 1 - lr * lam.min(), rtol=1e-6)
    assert np.all(ratio[:, 0] < 0)  # the zig-zag: the sign flips
    guide = theory_guide(t, a, [axes["steepest"], axes["shallowest"]])
    k = np.arange(61)[:, None]
    np.testing.assert_allclose(
        guide, np.abs(by_hand[:1]) * np.abs(1 - lr * lam[[1, 0]]) ** k, rtol=1e-9
    )


@pytest.mark.parametrize("optimizer", ["momentum", "nesterov"])
def test_the_momentum_guide_shrinks_by_the_largest_root_of_its_polynomial(optimizer):
    lr, mu = 0.3, 0.8
    t = train(
        DATA.X, DATA.y, optimizer=optimizer, learning_rate=lr, momentum=mu, epochs=40
    )
    a = analyse(t.quadratic)
    guide = theory_guide(t, a, [0, 1])
    for column, lam in enumerate(hessian_eigen(DATA.X, DATA.y)[0]):
        h = lr * lam
        a1, c = (
            (1 + mu - h, mu)
            if optimizer == "momentum"
            else ((1 + mu) * (1 - h), mu * (1 - h))
        )
        rho = max(abs(np.roots([1.0, -a1, c])))
        np.testing.assert_allclose(
            guide[1:, column] / guide[:-1, column], rho, rtol=1e-9
        )


def test_the_fourth_view_draws_those_errors():
    r = run(Settings(epochs=200, learning_rate=0.6))
    a = r.analysis
    frames = moving(figure(r), f"steep axis, λ {a.L:.3g}")
    V = hessian_eigen(DATA.X, DATA.y)[1]
    theta_star = np.linalg.lstsq(
        np.column_stack([DATA.X[:, 0], np.ones(100)]), DATA.y, rcond=None
    )[0]
    for s, data in frames:
        x = values(data["x"]).astype(int)
        assert x[-1] == s and np.all(x <= s)
        np.testing.assert_allclose(
            values(data["y"]),
            np.abs((r.traj.theta[x] - theta_star) @ V[:, 1]),
            rtol=1e-5,
            atol=1e-12,
        )


def torch_states(name: str, gradients: np.ndarray, lr: float, hp: dict) -> list[dict]:
    """torch's optimizer state after each of these gradients (the parameter's own values
    do not matter)."""
    theta = torch.zeros(gradients.shape[1], dtype=torch.float64, requires_grad=True)
    opt = TORCH[name]([theta], lr, hp)
    out = []
    for g in gradients:
        theta.grad = torch.tensor(g)
        opt.step()
        out.append(
            {
                k: v.detach().numpy().copy() if hasattr(v, "numpy") else v
                for k, v in opt.state[theta].items()
            }
        )
    return out


@pytest.mark.parametrize("name", ["adagrad", "rmsprop", "adam"])
def test_effective_steps_are_computed_from_torchs_own_state(name):
    lr, hp = 0.05, REGISTRY[name].own({})
    t = train(DATA.X, DATA.y, optimizer=name, learning_rate=lr, epochs=500)
    # full batch: the update's gradients
    gradients = np.array([plain_gradient(theta) for theta in t.theta[:-1]])
    ours = effective_steps(t, gradients)
    expected = []
    for state in torch_states(name, gradients, lr, hp):
        if name == "adagrad":
            expected.append(lr / (np.sqrt(state["sum"]) + hp["eps"]))
        elif name == "rmsprop":
            expected.append(lr / (np.sqrt(state["square_avg"]) + hp["eps"]))
        else:
            step = float(state["step"])
            m_hat = state["exp_avg"] / (1 - hp["beta1"] ** step)
            v_hat = state["exp_avg_sq"] / (1 - hp["beta2"] ** step)
            expected.append(lr * m_hat / (np.sqrt(v_hat) + hp["eps"]))
    np.testing.assert_allclose(ours, np.array(expected), rtol=1e-7)


@pytest.mark.parametrize("name", ["adagrad", "rmsprop", "adam"])
def test_effective_steps_of_a_mini_batch_run_make_its_own_steps(name):
    """Batches of 16 of 100 rows (each epoch's last one has 4), with L2: the replayed
    state makes every step."""
    r = run(
        Settings(
            optimizer=name,
            learning_rate=0.02,
            epochs=30,
            batch="mini",
            batch_size=16,
            alpha=0.1,
        )
    )
    t = r.traj
    eff = run_effective_steps(t, r.x_train, r.data.y)
    moved = t.theta[:-1] - t.theta[1:]
    if name == "adam":
        # Adam's effective step is its step
        np.testing.assert_allclose(eff, moved, rtol=1e-7, atol=1e-14)
        return
    for k in (1, 2, 7, 40, t.n_steps):
        rows = t.rows_of_step(k)
        theta = t.theta[k - 1]
        res = theta[0] * DATA.X[rows, 0] + theta[1] - DATA.y[rows]
        # b: no L2
        g = np.array(
            [2 * np.mean(res * DATA.X[rows, 0]) + 2 * 0.1 * theta[0], 2 * np.mean(res)]
        )
        np.testing.assert_allclose(eff[k - 1] * g, moved[k - 1], rtol=1e-7)


def test_the_blocked_moving_average_matches_the_plain_recursion():
    rng = np.random.default_rng(3)
    x = rng.normal(size=(3000, 2)) ** 2 * 10.0 ** rng.uniform(-4, 4, size=(3000, 1))
    for decay in (0.0, 0.5, 0.9, 0.99, 0.999):
        y, out = np.zeros(2), []
        for row in x:
            y = decay * y + (1 - decay) * row
            out.append(y)
        np.testing.assert_allclose(ema(x, decay), out, rtol=1e-10)


def test_the_fourth_view_is_the_effective_step_for_adaptive_optimizers():
    r = run(Settings(optimizer="rmsprop", learning_rate=0.01, epochs=100))
    fig = figure(r).to_dict()
    titles = [a["text"] for a in fig["layout"]["annotations"]]
    assert "Effective step per coordinate, lr/(√v + ε)" in titles and not any(
        "eigen" in t for t in titles
    )
    assert (
        figure(run(Settings(epochs=100)), convergence_panel=False)
        .to_dict()["layout"]
        .get("xaxis4")
        is None
    )


@pytest.mark.parametrize("optimizer", ["gd", "adam"])
def test_with_the_whole_run_every_view_moves_something_at_each_frame(optimizer):
    """Plotly blanks a view in which no trace moves (the fourth view went empty on
    Play): with the whole run drawn, a marker moves on each of the fourth view's
    curves, at the frame's step."""
    r = run(Settings(epochs=400, optimizer=optimizer))
    fig = figure(r, whole_run=True, convergence_panel=True).to_dict()
    axes_of = [(t.get("xaxis", "x"), t.get("yaxis", "y")) for t in fig["data"]]
    moved = {axes_of[i] for f in fig["frames"] for i in f["traces"]}
    data = fig["data"]
    fourth = {
        a for a, t in zip(axes_of, data, strict=True) if t.get("legend") == "legend2"
    }
    assert fourth and fourth <= moved
    frame = fig["frames"][len(fig["frames"]) // 2]
    step = int(frame["name"]) if frame["name"].isdigit() else None
    for i, data in zip(frame["traces"], frame["data"], strict=True):
        if fig["data"][i].get("legend") == "legend2" and step is not None:
            assert values(data["x"])[-1] == step


def test_a_mini_batch_run_keeps_its_jitter_in_view_under_the_part_drawn():
    """Frames sample a long SGD run; the whole run lies faint under the part drawn so
    far, every ups and downs of its loss there; full batch has none."""
    r = run(Settings(batch="sgd", epochs=20))
    fig = figure(r).to_dict()
    faint = [t for t in fig["data"] if t.get("opacity") == pytest.approx(0.25)]
    assert len(faint) == 2  # the loss and the path
    loss = next(t for t in faint if len(values(t["x"])) and t.get("xaxis") == "x2")
    steps = values(loss["x"]).astype(int)
    np.testing.assert_allclose(values(loss["y"]), r.traj.loss[steps], rtol=1e-6)
    assert (np.diff(values(loss["y"])) > 0).sum() > 10  # the loss goes up on many steps
    full = figure(run(Settings(epochs=50))).to_dict()
    assert not [t for t in full["data"] if t.get("opacity") == pytest.approx(0.25)]


def test_the_sign_the_log_scale_hides_is_marked_where_it_flips():
    """|error| cannot show a zig-zag: a × marks each drawn step whose signed projection
    of θ_k − θ* (numpy's own eigenvectors here) has the other sign than at k − 1.  At
    the zig-zag preset's rate the steep axis flips every step, the shallow one never."""
    from linreg.app.presets import preset_settings
    from linreg.viz.panels import FLIPPED

    r = run(preset_settings("oscillating"))
    fig = figure(r).to_dict()
    names = [t.get("name") for t in fig["data"]]
    marks = [i for i, n in enumerate(names) if n == FLIPPED]
    assert len(marks) == 2  # the steep and the shallow axis
    H = r.traj.quadratic.hessian
    lam, V = np.linalg.eigh(H)
    star = np.linalg.solve(H, r.traj.quadratic.linear_term)
    last = fig["frames"][-1]
    drawn = dict(zip(last["traces"], last["data"], strict=True))
    cases = [(marks[0], np.argmax(lam), True), (marks[1], np.argmin(lam), False)]
    for mark, axis, flips_every_step in cases:
        error = (r.traj.theta - star) @ V[:, axis]
        flipped = np.append(False, np.sign(error[1:]) != np.sign(error[:-1]))
        x = values(drawn[mark]["x"])
        steps = x[np.isfinite(x)].astype(
            int
        )  # no mark yet: one point that is not there
        name = "steep axis" if flips_every_step else "shallow axis"
        curve = next(i for i in drawn if (names[i] or "").startswith(name))
        shown = values(drawn[curve]["x"]).astype(int)
        np.testing.assert_array_equal(steps, shown[flipped[shown]])
        assert (len(steps) == len(shown) - 1) if flips_every_step else not len(steps)


def test_no_frame_shows_a_sign_flip_from_a_later_step():
    """Before an axis's first flip a frame holds no mark at all (one point that is not
    there: empty arrays would leave the opening's marks, from later steps, on
    screen)."""
    from linreg.viz.panels import FLIPPED

    r = run(Settings(batch="sgd", epochs=5))
    fig = figure(r).to_dict()
    marks = {i for i, t in enumerate(fig["data"]) if t.get("name") == FLIPPED}
    for frame in fig["frames"]:
        step = int(float(frame["name"]))
        for i, data in zip(frame["traces"], frame["data"], strict=True):
            if i in marks:
                x = values(data["x"])
                assert len(x) >= 1
                assert (x[np.isfinite(x)] <= step).all(), (step, x)
