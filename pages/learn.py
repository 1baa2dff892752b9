"""Learn: each equation with the run's numbers, beside the code that computes it;
exercises; exports."""

import re
from functools import partial

import numpy as np
import streamlit as st

from linreg import lesson, model, reference, words
from linreg.app import cache, labels, router
from linreg.app.display import (
    CODE_BESIDE_MATHS_PX,
    chart,
    current_run,
    narrow,
    page_style,
    wider_than,
)
from linreg.app.state import seed
from linreg.app.url import share_link
from linreg.experiment import Run
from linreg.lesson import StepDetails, step_details
from linreg.optimizers import REGISTRY
from linreg.outcomes import OUTCOMES
from linreg.theory import question_rate, why
from linreg.viz import gif, lessons

router.disable_legacy_pages_folder()


def _vec(v) -> str:
    return ", ".join(f"{x:.4g}" for x in np.atleast_1d(v))


#: Numbers per line in a vector: more would not fit a phone's 356 px of maths.
VECTOR_LINE = 3


def _num(x: float, digits: int = 4) -> str:
    """A number in LaTeX, 4 significant digits: 1.135 × 10^5 rather than 1.135e+05."""
    text = f"{x:.{digits}g}"
    if "e" not in text:
        return text
    mantissa, exponent = text.split("e")
    return f"{mantissa}\\times 10^{{{int(exponent)}}}"


def _vector(v) -> str:
    """[a, b, c, d] as LaTeX, broken after every VECTOR_LINE numbers (inside an aligned
    block); a scalar (Adam's step count t) as itself."""
    if np.ndim(v) == 0:
        return _num(v)
    values = [_num(x) for x in np.atleast_1d(v)]
    lines = [
        ", ".join(values[i : i + VECTOR_LINE])
        for i in range(0, len(values), VECTOR_LINE)
    ]
    return "[" + ",\\\\ &\\quad ".join(lines) + "]"


def _aligned(lines: list[str]) -> str:
    """Several short lines: an equation never wider than a phone or a projector's
    column.  A line with its own ``&`` aligns there (at its "="), any other starts at
    the left."""
    rows = (line if "&" in line.split("\\\\")[0] else f"&{line}" for line in lines)
    return "\\begin{aligned}" + "\\\\".join(rows) + "\\end{aligned}"


def _statements(latex: str) -> list[str]:
    """A rule written as statements separated by ``,\\quad`` or ``,\\ `` (the registry's
    style), one each."""
    return [
        part.strip() for part in re.split(r",\\(?:quad|\s)\s*", latex) if part.strip()
    ]


def step_to_explain(r: Run) -> int:
    """The update to explain: the slider's, kept across pages and carried by the link
    (``learn_step``); a step past this run's last update (a link to a longer run, fewer
    epochs since) becomes the last, and says so."""
    last = r.traj.n_steps - 1
    if last < 1:
        return 0
    seed("learn_step")
    if (asked := st.session_state["learn_step"]) > last:
        st.info(
            f"Step {asked:,} is past this run's last update ({last:,} → {last + 1:,}):"
            " showing that one."
        )
        st.session_state["learn_step"] = last
    return int(
        st.slider(
            "Step to explain (update k → k + 1)",
            0,
            last,
            key="learn_step",
            persist_state="session",
        )
    )


def shown_row(X: np.ndarray) -> int:
    """The batch's row whose prediction says most: the largest features (a row of zeros
    shows 0 × 0 + 0)."""
    return int(np.argmax(np.abs(X).sum(axis=1)))


def model_latex(X: np.ndarray, d: StepDetails) -> list[str]:
    w, b = d.theta[:-1], d.theta[-1]
    i = shown_row(X)
    row = int(d.rows[i]) + 1  # rows as a table numbers them, from 1
    if X.shape[1] == 1:
        x = _num(X[i, 0]) if X[i, 0] >= 0 else f"({_num(X[i, 0])})"
        return [
            "\\hat y_i &= w\\,x_i + b",
            (
                f"\\hat y_{{{row}}} &= {_num(w[0])}\\times{x} {'-' if b < 0 else '+'}"
                f" {_num(abs(b))} = {_num(d.y_hat[i])}"
            ),
        ]
    return ["\\hat y &= X w + b", f"\\hat y_{{{row}}} &= {_num(d.y_hat[i])}"]


def equations(r: Run, d: StepDetails, code_beside: bool) -> None:
    """Each equation with the run's numbers at step k, beside the source lines that
    compute it (under them when the page is too narrow for both)."""
    t = r.traj
    conv = model.LOSSES[t.loss_name]
    n = len(d.rows)
    l2 = f" + {t.alpha:g}\\,\\lVert w\\rVert^2" if t.alpha else ""
    batch = (
        "all rows" if n == r.data.n_samples else f"a batch of {words.count(n, 'row')}"
    )
    g = conv.latex_gradient_scale
    rows = [
        ("Model", model_latex(r.x_train[d.rows], d), lesson.source_of(model.predict)),
        (
            f"Loss ({conv.symbol}, over {batch})",
            [
                f"J &= {conv.latex_scale}\\sum_i (\\hat y_i - y_i)^2{l2}",
                f"&= {_num(d.batch_loss, 6)}",
            ],
            lesson.source_of(model.loss_value),
        ),
        (
            "Gradient",
            [
                f"\\nabla_w J &= {g}\\sum_i r_i x_i{' + 2α w' if t.alpha else ''}",
                f"&= {_vector(d.gradient[:-1])}",
                (
                    f"\\frac{{\\partial J}}{{\\partial b}} &= {g}\\sum_i r_i ="
                    f" {_num(d.gradient[-1])}"
                ),
            ],
            lesson.source_of(model.gradient),
        ),
        (
            f"Update ({labels.OPTIMIZERS[t.optimizer]})",
            update_lines(t.optimizer, d),
            lesson.update_source(t),
        ),
    ]
    for title, lines, source in rows:
        st.markdown(f"**{title}**")
        maths, code = st.columns(2) if code_beside else (st.container(), st.container())
        maths.latex(_aligned(lines))
        # never cut, whatever the column's width
        code.code(source, language="python", wrap_lines=True)


def update_lines(optimizer: str, d: StepDetails) -> list[str]:
    """The registry's rule, one statement a line, then the state after the update and
    the new theta, with the run's numbers."""
    state = [
        f"{name} = {_vector(value)}" for name, value in d.state_after._asdict().items()
    ]
    return [
        *_statements(REGISTRY[optimizer].latex),
        *state,
        f"\\theta = {_vector(d.theta_next)}",
    ]


def worked_exercise() -> None:
    """The lesson's exercise, editable: y_hat = X w for a 3 x 2 X, then the MSE
    table."""
    st.markdown("**y_hat = X w** (edit any number)")
    c1, c2, c3 = st.columns([3, 1, 1])
    # a name over each table also keeps the next table's toolbar (always up on a touch
    # screen) off its last row
    c1.caption("X (rows: examples)")
    c2.caption("w")
    c3.caption("y")
    X = c1.data_editor(
        {"x0 (ones)": [1.0, 1.0, 1.0], "x1": [2.0, 4.0, 6.0]},
        key="exercise_X",
        hide_index=True,
    )
    w = c2.data_editor({"w": [0.5, 1.2]}, key="exercise_w", hide_index=True)
    yv = c3.data_editor({"y": [3.0, 5.0, 8.0]}, key="exercise_y", hide_index=True)
    Xa = np.column_stack(
        [np.asarray(X["x0 (ones)"], float), np.asarray(X["x1"], float)]
    )
    wa, ya = np.asarray(w["w"], float), np.asarray(yv["y"], float)
    if not (
        np.all(np.isfinite(Xa)) and np.all(np.isfinite(wa)) and np.all(np.isfinite(ya))
    ):
        st.warning("Every cell needs a number.")
        return
    y_hat = model.predict(Xa, wa, 0.0)
    r = y_hat - ya
    st.dataframe(
        {
            "y": ya,
            "ŷ = Xw": y_hat.round(6),
            "r = ŷ − y": r.round(6),
            "r²": (r**2).round(6),
        },
        hide_index=True,
    )
    mse = float(np.mean(r**2))
    st.latex(
        _aligned(
            [
                (
                    "\\text{MSE} &= \\frac{1}{n}\\sum r_i^2 ="
                    f" \\frac{{{_num(np.sum(r**2))}}}{{{len(r)}}}"
                ),
                f"&= {mse:.4f}",
                (
                    "\\nabla_w &= \\frac{2}{n} X^\\top r ="
                    f" {_vector(2 / len(r) * Xa.T @ r)}"
                ),
            ]
        )
    )
    st.caption(
        "Derivation, one feature: J = (1/n) Σ (w xᵢ + b − yᵢ)²  ⇒  ∂J/∂w = (2/n) Σ rᵢ"
        " xᵢ,  ∂J/∂b = (2/n) Σ rᵢ."
    )


def predict_then_reveal(r: Run) -> None:
    """A question for the class, answered by running it: the rate is drawn among stable,
    near the limit and beyond (the adaptive optimizers: among their measured outcomes);
    the answer is the run's outcome.
    """
    s = r.settings
    m = cache.rate_map_of(s)
    draw = st.session_state.setdefault("reveal_draw", 0)
    lr = question_rate(m, draw)
    epochs = f"{s.epochs:,} epoch{'s' if s.epochs != 1 else ''}"
    st.markdown(
        f"**What will a learning rate of {lr:g} do in {epochs}**"
        f" ({labels.OPTIMIZERS[s.optimizer]})?"
    )
    guess = st.radio(
        "Your prediction",
        list(OUTCOMES),
        horizontal=True,
        index=None,
        key="reveal_guess",
    )
    c1, c2 = st.columns(2)
    c2.button("Another question", key="reveal_next", on_click=_next_question)
    if c1.button("Run it and reveal", key="reveal", disabled=guess is None):
        answer = cache.cached_run(s.replace(learning_rate=lr))
        outcome = answer.traj.outcome
        show = st.success if guess == outcome else st.warning
        show(
            f"{'Right' if guess == outcome else 'Not this time'}: **{outcome}**."
            f" {why(m, lr)}"
        )


def _next_question() -> None:
    st.session_state["reveal_draw"] = st.session_state.get("reveal_draw", 0) + 1
    st.session_state["reveal_guess"] = None


def exports(r: Run) -> None:
    t = r.traj
    # wraps on a narrow page rather than cutting the buttons' labels
    row = st.container(horizontal=True)
    # made on the click: 1.6 s at 200,000 steps
    trajectory = partial(lesson.trajectory_csv, t, r.data.feature_names)
    row.download_button("Trajectory (CSV)", trajectory, "trajectory.csv", "text/csv")
    row.download_button(
        "Settings (JSON)",
        lesson.settings_json(r.settings),
        "settings.json",
        "application/json",
    )
    try:
        script = lesson.export_script(t, r.x_train, r.data.y, r.data.title)
    except ValueError as exc:
        row.caption(f"No script: {exc}")
    else:
        row.download_button(
            "Reproduce in NumPy (.py)", script, "reproduce_run.py", "text/x-python"
        )
    if r.data.n_features == 1:
        s = r.settings
        own = "".join(
            f" · {k} {v:g}"
            for k, v in REGISTRY[s.optimizer].own(s.hyperparameters).items()
        )
        title = (
            f"{r.data.title} · {labels.OPTIMIZERS[s.optimizer]} · learning rate"
            f" {s.learning_rate:g}{own}"
        )
        axes = (r.data.feature_names[0], r.data.target_name, "w", "b")
        # made on the click: ~1 s
        frames = partial(gif.playground_gif, r, title=title, labels=axes)
        st.download_button(
            "Animated GIF of the three views (for slides)",
            frames,
            "gradient_descent.gif",
            "image/gif",
        )
    st.markdown("**Share link** (the address bar carries every control; this is it):")
    st.code(share_link(st.context.url or ""), language=None, wrap_lines=True)
    st.caption(
        "Pictures for slides: every chart's camera button saves a PNG (2× resolution)."
    )


page_style(present=False)
st.markdown("### The maths beside the code")
run = current_run()
if run.traj.n_steps < 1:
    st.info(
        "This run stopped before its first update: lower the learning rate to see a"
        " step."
    )
    st.stop()
k = step_to_explain(run)
details = step_details(run.traj, run.x_train, run.data.y, k)
equations(run, details, code_beside=wider_than(CODE_BESIDE_MATHS_PX))
if run.data.n_features == 1:
    velocity = (
        details.state_after.v if REGISTRY[run.traj.optimizer].has_velocity else None
    )
    fig = lessons.inspector_figure(
        run.traj,
        run.analysis,
        run.x_train[:, 0],
        run.data.y,
        k,
        details.gradient,
        details.step,
        velocity,
        stacked=narrow(),
    )
    chart(fig, "inspector")
    st.markdown("#### Untrained vs trained")
    chart(
        lessons.before_after_figure(
            run.data.X[:, 0], run.data.y, run.theta_original[0], run.theta_original[-1]
        ),
        "before_after",
    )
with st.expander(
    "The textbook model these fast paths are tested against (`linreg/reference.py`)"
):
    st.code(lesson.source_of(reference.LinearModel), language="python")
st.markdown("#### Worked exercise")
worked_exercise()
st.markdown("#### Predict, then reveal")
predict_then_reveal(run)
st.markdown("#### Export")
exports(run)
