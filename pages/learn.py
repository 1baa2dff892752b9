"""Learn: each equation with the run's numbers, beside the code that computes it; exercises; exports."""

from functools import partial

import numpy as np
import streamlit as st

from linreg import lesson, model, reference, words
from linreg.app import cache, labels, router
from linreg.app.display import chart, current_run, page_style
from linreg.app.url import share_link
from linreg.experiment import Run
from linreg.lesson import StepDetails, step_details
from linreg.optimizers import REGISTRY
from linreg.viz import gif, lessons

router.disable_legacy_pages_folder()


def _vec(v) -> str:
    return ", ".join(f"{x:.4g}" for x in np.atleast_1d(v))


def step_to_explain(r: Run) -> int:
    last = r.traj.n_steps - 1
    if last < 1:
        return 0
    return int(st.slider("Step to explain (update k → k + 1)", 0, last, 0, key="learn_step"))


def equations(r: Run, d: StepDetails) -> None:
    """Each equation with the run's numbers at step k, beside the source lines that compute it."""
    t = r.traj
    conv = model.LOSSES[t.loss_name]
    w, b = d.theta[:-1], d.theta[-1]
    X = r.x_train[d.rows]
    n = len(d.rows)
    l2 = f" + {t.alpha:g}\\,\\lVert w\\rVert^2" if t.alpha else ""
    batch = "all rows" if n == r.data.n_samples else f"a batch of {words.count(n, 'row')}"
    model_latex = (
        f"\\hat y_i = w\\,x_i + b \\qquad \\hat y_1 = {w[0]:.4g}\\times{X[0, 0]:.4g} + {b:.4g} = {d.y_hat[0]:.4g}"
        if X.shape[1] == 1
        else f"\\hat y = X w + b \\qquad \\hat y_1 = {d.y_hat[0]:.4g}"
    )
    g = conv.latex_gradient_scale
    rows = [
        ("Model", model_latex, lesson.source_of(model.predict)),
        (
            f"Loss ({conv.symbol}, over {batch})",
            f"J = {conv.latex_scale}\\sum_i (\\hat y_i - y_i)^2{l2} = {d.batch_loss:.6g}",
            lesson.source_of(model.loss_value),
        ),
        (
            "Gradient",
            f"\\nabla_w J = {g}\\sum_i r_i x_i{' + 2α w' if t.alpha else ''} = [{_vec(d.gradient[:-1])}],\\quad "
            f"\\frac{{\\partial J}}{{\\partial b}} = {g}\\sum_i r_i = {d.gradient[-1]:.4g}",
            lesson.source_of(model.gradient),
        ),
        (f"Update ({labels.OPTIMIZERS[t.optimizer]})", update_latex(t.optimizer, d), lesson.update_source(t)),
    ]
    for title, latex, source in rows:
        st.markdown(f"**{title}**")
        c1, c2 = st.columns([3, 2])
        c1.latex(latex)
        c2.code(source, language="python")


def update_latex(optimizer: str, d: StepDetails) -> str:
    """The registry's rule, then the state after the update and the new theta, with the run's numbers."""
    state = ",\\ ".join(f"{name} = [{_vec(value)}]" for name, value in d.state_after._asdict().items())
    numbers = f"{state},\\quad " if state else ""
    return f"{REGISTRY[optimizer].latex} \\qquad {numbers}\\theta = [{_vec(d.theta_next)}]"


def worked_exercise() -> None:
    """The lesson's exercise, editable: y_hat = X w for a 3 x 2 X, then the MSE table."""
    st.markdown("**y_hat = X w** (edit any number)")
    c1, c2, c3 = st.columns([3, 1, 1])
    X = c1.data_editor({"x0 (ones)": [1.0, 1.0, 1.0], "x1": [2.0, 4.0, 6.0]}, key="exercise_X", hide_index=True)
    w = c2.data_editor({"w": [0.5, 1.2]}, key="exercise_w", hide_index=True)
    yv = c3.data_editor({"y": [3.0, 5.0, 8.0]}, key="exercise_y", hide_index=True)
    Xa = np.column_stack([np.asarray(X["x0 (ones)"], float), np.asarray(X["x1"], float)])
    wa, ya = np.asarray(w["w"], float), np.asarray(yv["y"], float)
    if not (np.all(np.isfinite(Xa)) and np.all(np.isfinite(wa)) and np.all(np.isfinite(ya))):
        st.warning("Every cell needs a number.")
        return
    y_hat = model.predict(Xa, wa, 0.0)
    r = y_hat - ya
    st.dataframe({"y": ya, "ŷ = Xw": y_hat.round(6), "r = ŷ − y": r.round(6), "r²": (r**2).round(6)}, hide_index=True)
    mse = float(np.mean(r**2))
    st.latex(
        f"\\text{{MSE}} = \\frac{{1}}{{n}}\\sum r_i^2 = \\frac{{{np.sum(r**2):.4g}}}{{{len(r)}}} = {mse:.4f}"
        f"\\qquad \\nabla_w = \\frac{{2}}{{n}} X^\\top r = [{_vec(2 / len(r) * Xa.T @ r)}]"
    )
    st.caption("Derivation, one feature: J = (1/n) Σ (w xᵢ + b − yᵢ)²  ⇒  ∂J/∂w = (2/n) Σ rᵢ xᵢ,  ∂J/∂b = (2/n) Σ rᵢ.")


def predict_then_reveal(r: Run) -> None:
    """A question for the class, answered by running it; the reason quotes the running optimizer's own limit."""
    s, a = r.settings, r.analysis
    spec = REGISTRY[s.optimizer]
    limit = a.limit(s.optimizer, **s.hyperparameters)
    lr = float(f"{0.9 * limit:.3g}") if limit is not None else float(f"{1.2 * a.gd_limit:.3g}")
    st.markdown(f"**Will a learning rate of {lr:g} converge on this data** ({labels.OPTIMIZERS[s.optimizer]})?")
    guess = st.radio("Your prediction", ["converge", "diverge"], horizontal=True, index=None, key="reveal_guess")
    if st.button("Run it and reveal", key="reveal", disabled=guess is None):
        answer = cache.cached_run(s.replace(learning_rate=lr))
        outcome = "diverge" if answer.traj.diverged else "converge"
        if limit is not None:
            why = f"Its limit here is {spec.limit_text} = {limit:.3g}, and {lr:g} is {lr / limit:.2f} × that."
        else:
            why = f"{spec.stability} (For plain GD the limit would be 2/L = {a.gd_limit:.3g}.)"
        show = st.success if guess == outcome else st.warning
        show(f"{'Right' if guess == outcome else 'Not this time'}: it **{outcome}s**. {why}")


def exports(r: Run) -> None:
    t = r.traj
    c1, c2, c3 = st.columns(3)
    trajectory = partial(lesson.trajectory_csv, t, r.data.feature_names)  # made on the click: 1.6 s at 200,000 steps
    c1.download_button("Trajectory (CSV)", trajectory, "trajectory.csv", "text/csv")
    c2.download_button("Settings (JSON)", lesson.settings_json(r.settings), "settings.json", "application/json")
    try:
        script = lesson.export_script(t, r.x_train, r.data.y, r.data.title)
    except ValueError as exc:
        c3.caption(f"No script: {exc}")
    else:
        c3.download_button("Reproduce in NumPy (.py)", script, "reproduce_run.py", "text/x-python")
    if r.data.n_features == 1:
        frames = partial(gif.playground_gif, t, r.data.X[:, 0], r.data.y, r.theta_original)  # on the click: ~1.3 s
        st.download_button("Animated GIF of the three views (for slides)", frames, "gradient_descent.gif", "image/gif")
    st.markdown("**Share link** (the address bar carries every control; this is it):")
    st.code(share_link(st.context.url or ""), language=None)
    st.caption("Pictures for slides: every chart's camera button saves a PNG (2× resolution).")


page_style(present=False)
st.markdown("### The maths beside the code")
run = current_run()
if run.traj.n_steps < 1:
    st.info("This run stopped before its first update: lower the learning rate to see a step.")
    st.stop()
k = step_to_explain(run)
details = step_details(run.traj, run.x_train, run.data.y, k)
equations(run, details)
if run.data.n_features == 1:
    velocity = details.state_after.v if REGISTRY[run.traj.optimizer].has_velocity else None
    fig = lessons.inspector_figure(
        run.traj, run.analysis, run.x_train[:, 0], run.data.y, k, details.gradient, details.step, velocity
    )
    chart(fig, "inspector")
    st.markdown("#### Untrained vs trained")
    chart(lessons.before_after_figure(run.data.X[:, 0], run.data.y, run.theta_original[0], run.theta_original[-1]),
          "before_after")  # fmt: skip
with st.expander("The textbook model these fast paths are tested against (`linreg/reference.py`)"):
    st.code(lesson.source_of(reference.LinearModel), language="python")
st.markdown("#### Worked exercise")
worked_exercise()
st.markdown("#### Predict, then reveal")
predict_then_reveal(run)
st.markdown("#### Export")
exports(run)
