"""Learn page: substituted numbers, the source shown, exports (the script reproduces the
run)."""

import re
import subprocess
import sys

import numpy as np
import pytest
from apptest_util import app, assert_ok

from linreg import model
from linreg.experiment import Settings, run
from linreg.lesson import export_script, safe_cell, step_details, trajectory_csv


def script_trajectory(r):
    src = export_script(r.traj, r.x_train, r.data.y, r.data.title)
    out = subprocess.run(
        [sys.executable, "-c", src], capture_output=True, text=True, check=True
    ).stdout
    return np.array([[float(v) for v in line.split()] for line in out.splitlines()])


@pytest.mark.parametrize(
    "settings",
    [
        Settings(),  # the lesson's run, 2000 epochs
        Settings(optimizer="adam", epochs=200, learning_rate=0.05),
        Settings(optimizer="nesterov", batch="mini", batch_size=7, epochs=4),
        Settings(optimizer="adagrad", batch="sgd", epochs=2, learning_rate=0.1),
        Settings(
            dataset="synthetic",
            standardize=True,
            optimizer="rmsprop",
            learning_rate=0.05,
            epochs=40,
            alpha=0.1,
        ),
    ],
)
def test_exported_script_reproduces_the_trajectory(settings):
    r = run(settings)
    out = script_trajectory(r)
    assert out.shape == (r.traj.n_steps + 1, 4)
    np.testing.assert_allclose(out[:, 1:-1], r.traj.theta, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(out[:, -1], r.traj.loss, rtol=1e-9)


def test_step_details_match_the_record():
    r = run(Settings(optimizer="momentum", batch="mini", epochs=3))
    for k in (0, 5, r.traj.n_steps - 1):
        d = step_details(r.traj, r.x_train, r.data.y, k)
        np.testing.assert_allclose(d.theta_next, r.traj.theta[k + 1], rtol=1e-12)
        np.testing.assert_array_equal(d.rows, r.traj.rows_of_step(k + 1))
        # the gradient shown is the batch's, by the direct formula
        A = np.hstack([r.x_train[d.rows], np.ones((len(d.rows), 1))])
        np.testing.assert_allclose(
            d.gradient, 2 / len(d.rows) * A.T @ (A @ d.theta - r.data.y[d.rows])
        )


def test_page_shows_the_numbers_and_the_running_source():
    at = app("pages/learn.py")
    assert_ok(at)
    r = run(Settings())
    update = at.latex[3].value
    assert (
        f"{r.traj.theta[1][0]:.4g}" in update and f"{r.traj.theta[1][1]:.4g}" in update
    )
    import inspect

    assert at.code[2].value == inspect.getsource(model.gradient).rstrip("\n")
    assert "2.0 * s / len(y)" in at.code[2].value
    at.slider(key="learn_step").set_value(10).run()
    assert f"{r.traj.theta[11][0]:.4g}" in at.latex[3].value


@pytest.mark.parametrize(
    "query",
    [
        {"optimizer": "Adam"},
        {"optimizer": "Momentum", "batch": "Mini-batch"},
        {"optimizer": "RMSprop", "batch": "Stochastic", "epochs": 2},
        {"optimizer": "Adagrad"},
        {"optimizer": "Nesterov"},
        {"learning_rate": 50},
        {"dataset": "Iris (real)", "standardize": "true"},
    ],
)
def test_page_at_extremes(query):
    at = app("pages/learn.py", **query)
    assert_ok(at)


def test_the_residuals_of_the_opening_step_are_sticks_not_a_wall():
    """Step 0 (θ₀ = 0) on the lesson's 100 points: every residual spans the view.  Side
    by side on a phone's view (about 330 px wide), the sticks' ink leaves gaps between
    them (under half the width), and they are see-through where they meet."""
    from apptest_util import chart_specs
    from plotly_util import values

    at = app("pages/learn.py")
    assert_ok(at)
    assert at.slider(key="learn_step").value == 0
    (sticks,) = (
        [t for t in spec["data"] if (t.get("name") or "").startswith("pushes w")]
        for spec in chart_specs(at)
        if "Residuals and their pull on w" in str(spec["layout"].get("annotations"))
    )
    # every stick is x, x, gap; a point at x = 0 pulls w neither way
    count = sum(len(values(t["x"])) // 3 for t in sticks)
    assert count == np.count_nonzero(run(Settings()).x_train[:, 0]) >= 99
    for t in sticks:
        assert t["line"]["width"] * count <= 0.5 * 330
        assert t["line"]["width"] >= 0.5 and t["opacity"] <= 0.7


def test_the_stacked_inspector_has_room_for_its_legend_under_the_plots():
    """On a phone the legend wraps to one entry a row (about 25 px each at the legible
    15 px type): the margin under the plots holds every entry, not the first two."""
    from linreg.lesson import step_details
    from linreg.viz.lessons import inspector_figure

    r = run(Settings(optimizer="momentum"))
    d = step_details(r.traj, r.x_train, r.data.y, 0)
    fig = inspector_figure(
        r.traj,
        r.analysis,
        r.x_train[:, 0],
        r.data.y,
        0,
        d.gradient,
        d.step,
        d.state_after.v,
        stacked=True,
    )
    entries = sum(t.showlegend is not False for t in fig.data)
    assert entries >= 6  # sticks, data, line, gradient, step, velocity, optimum
    assert fig.layout.margin.b >= 25 * entries
    assert fig.layout.legend.yanchor == "top" and fig.layout.legend.y < 0


def test_worked_exercise_numbers():
    at = app("pages/learn.py")
    table = next(d.value for d in at.dataframe if "ŷ = Xw" in d.value.columns)
    np.testing.assert_allclose(table["ŷ = Xw"], [2.9, 5.3, 7.7])
    assert "0.0633" in at.latex[4].value


def test_predict_then_reveal():
    at = app("pages/learn.py")
    at.radio(key="reveal_guess").set_value("converged").run()
    at.button(key="reveal").click().run()
    assert_ok(at)
    shown = (at.success or at.warning)[0].value
    assert re.search(
        r"\*\*(converged|still descending|stalled or oscillating|diverged)\*\*", shown
    )
    # the reason quotes GD's own limit (tests/test_claims.py proves the words)
    assert "× the limit 2/L" in shown


def test_csv_export_is_safe_and_complete():
    r = run(Settings(epochs=5))
    text = trajectory_csv(r.traj, ["=HYPERLINK(1)"])
    lines = text.strip().splitlines()
    assert lines[0].split(",")[:3] == ["step", "epoch", "learning_rate"]
    assert "'w[=HYPERLINK(1)]" not in lines[0] and "w[=HYPERLINK(1)]" in lines[0]
    assert (
        safe_cell("=1+1") == "'=1+1"
        and safe_cell("-2") == "'-2"
        and safe_cell("x") == "x"
    )
    assert len(lines) == 7
    assert float(lines[-1].split(",")[-2]) == pytest.approx(r.traj.loss[-1])


def test_equations_break_into_lines_and_show_a_row_that_says_something():
    at = app("pages/learn.py", optimizer="adam")
    assert_ok(at)
    r = run(Settings(optimizer="adam"))
    model_line, update = at.latex[0].value, at.latex[3].value
    x = r.x_train[:, 0]
    # the lesson's first row has x = 0: 0 × 0 + 0 says nothing
    row = int(np.argmax(np.abs(x)))
    assert (
        x[row] != 0
        and f"\\hat y_{{{row + 1}}}" in model_line
        and f"\\times{x[row]:.4g}" in model_line
    )
    assert "\\begin{aligned}" in update
    # Adam's three statements, then m, v, t and the new theta: one line each
    assert update.count("\\\\") >= 3 + 3
    assert "\\theta \\leftarrow" in update.split("\\\\")[2]


def test_adams_step_count_is_a_number_not_a_vector():
    at = app("pages/learn.py", optimizer="adam")
    assert_ok(at)
    latex = " ".join(e.body for e in at.get("latex") if hasattr(e, "body")) + " ".join(
        m.value for m in at.markdown
    )
    # after update 0 (the first), Adam has counted one step
    assert "t = 1" in latex and "t = [" not in latex
