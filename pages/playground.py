"""Playground: the fitted line, the loss curve and the path on the loss surface, in
sync."""

import numpy as np
import streamlit as st

from linreg import words
from linreg.app import cache, labels, router, scrub
from linreg.app.controls import learning_rate_options, learning_rate_range
from linreg.app.display import (
    CHART_CONFIG,
    chart,
    current_run,
    keyboard_player,
    narrow,
    page_style,
    sidebar_covers_page,
)
from linreg.app.presets import PRESETS, matching_preset
from linreg.app.sidebar import preset_bar
from linreg.app.state import current_view, seed
from linreg.experiment import Run, divergence_message, low_r2_note, r2_rmse
from linreg.model import LOSSES
from linreg.viz.data import partial_plots_figure

router.disable_legacy_pages_folder()
KEYS_HELP = (
    "Keys: space plays or pauses, ← → step one frame, PageDown/PageUp the next/previous"
    " preset."
)


def header(r: Run, present: bool, narrow_main: bool) -> None:
    """One line that names the run and, for a preset, the lesson it shows (the
    presentation toggles beside it, or under it when the page is narrow); a divergence,
    explained, with one-click fixes.
    """
    s = r.settings
    name = matching_preset(s)
    lesson = f" — **{PRESETS[name].label}:** {PRESETS[name].claim}" if name else ""
    if narrow_main:
        text, toggles = st.container(), st.container(horizontal=True)
    else:
        text, side = st.columns([6, 2 if present else 1.3], vertical_alignment="top")
        # presenting: one row
        toggles = side.container(horizontal=True, gap="small") if present else side
    text.markdown(
        f"**{r.data.title} · {labels.OPTIMIZERS[s.optimizer]} · learning rate"
        f" {s.learning_rate:g}**{lesson}"
    )
    seed("present")
    toggles.toggle(
        "Present",
        key="present",
        help="Presentation mode: only the views, the player and the presets. "
        + KEYS_HELP,
    )
    seed("scrub")
    toggles.toggle("Scrub lr", key="scrub", help=scrub.HELP)
    if msg := divergence_message(r):
        divergence_banner(msg, s.standardize, narrow_main)


def divergence_banner(msg: str, standardized: bool, narrow_main: bool) -> None:
    """The divergence explained, and its one-click fixes beside it (under it when the
    page is narrow)."""
    if narrow_main:
        banner, fixes = st.container(), st.container(horizontal=True)
    else:
        banner, side = st.columns([3, 2], vertical_alignment="center")
        fixes = side.container(horizontal=True, horizontal_alignment="right")
    banner.error(msg, icon=":material/error:")
    fixes.button("Halve lr", on_click=_halve_rate, icon=":material/trending_down:")
    if not standardized:
        fixes.button(
            "Standardize", on_click=lambda: st.session_state.update(standardize=True)
        )


def details(r: Run) -> None:
    """Everything else about the run, under the chart."""
    s = r.settings
    for note in r.notes:
        st.info(note)
    batch = {
        "full": "full batch",
        "mini": f"mini-batches of {r.traj.batch_size}",
        "sgd": "stochastic (batch 1)",
    }
    hp = labels.hyperparameter_text(r.traj.hyperparameters)
    st.caption(
        f"Loss: {labels.LOSS[s.loss]}"
        + (f" + {s.alpha:g}·‖w‖²" if s.alpha else "")
        + (
            " · features standardized (contour in standardized units)"
            if r.scaler
            else ""
        )
        + f" · n = {r.data.n_samples} · {batch[s.batch]} ·"
        f" {words.count(r.traj.n_steps, 'update')}"
        + (f" · {labels.OPTIMIZERS[s.optimizer]}: {hp}" if hp else "")
        + f" · {KEYS_HELP}"
    )


def rate_over_chart(r: Run) -> None:
    """On a phone the open sidebar covers the charts: the learning rate, in step with
    the sidebar's, over them (its own key: two widgets cannot share one; each writes the
    learning rate both show).
    """
    lr = st.session_state["learning_rate"]
    st.session_state["lr_over_chart"] = lr
    options = sorted({*learning_rate_options(r.analysis.gd_limit), lr})
    st.select_slider(
        "Learning rate",
        options=options,
        format_func=lambda v: f"{v:g}",
        key="lr_over_chart",
        on_change=lambda: st.session_state.update(
            learning_rate=st.session_state["lr_over_chart"]
        ),
    )


def _halve_rate() -> None:
    r = st.session_state.get("last_good_run")
    lowest, _ = learning_rate_range(r.analysis.gd_limit if r else None)
    st.session_state["learning_rate"] = max(
        st.session_state.get("learning_rate", 0.01) / 2, lowest
    )


#: The settings of the run the step inspector's number belongs to.
INSPECTED_RUN = "_inspected_run"


def inspected_step(r: Run) -> int:
    """The step the chart opens on: a new run (other settings) on its last step, never
    where the last run's inspector was; within one run, the inspector's."""
    if (
        st.session_state.get(INSPECTED_RUN) != r.settings
        or st.session_state.get("inspect_step") is None
    ):
        st.session_state["inspect_step"] = r.traj.n_steps
        st.session_state[INSPECTED_RUN] = r.settings
    return min(int(st.session_state["inspect_step"]), r.traj.n_steps)


def step_inspector(r: Run) -> None:
    """A step number whose ± buttons step back and forward (server side); the chart
    opens on it."""
    with st.expander("Inspect one step", expanded=False):
        t = r.traj
        k = st.number_input(
            "Step",
            0,
            t.n_steps,
            step=1,
            key="inspect_step",
            help="± step back / forward",
        )
        st.caption(
            f"Step {k} (epoch {int(t.epoch[k])}): w ="
            f" {labels.number(r.theta_original[k, 0])}, b ="
            f" {labels.number(r.theta_original[k, -1])}, loss ="
            f" {labels.number(t.loss[k])}, ‖∇J‖ ="
            f" {labels.number(float(np.linalg.norm(t.grad[k])))}"
        )


def metrics_row(r: Run) -> None:
    t = r.traj
    r2, rmse = r2_rmse(r)
    dist = float(np.linalg.norm(t.theta[-1] - r.analysis.theta_star))
    cols = st.columns(5)
    minimum = (
        f"{LOSSES[t.loss_name].symbol}; the minimum possible is"
        f" {r.analysis.loss_star:.4g}"
    )
    cols[0].metric("Final loss", labels.number(t.final_loss), help=minimum)
    if r.test is not None:
        r2_test, rmse_test = r2_rmse(r, on_test=True)
        cols[1].metric(
            "R² train / test", f"{labels.number(r2, 3)} / {labels.number(r2_test, 3)}"
        )
        cols[2].metric(
            "RMSE train / test",
            f"{labels.number(rmse, 3)} / {labels.number(rmse_test, 3)}",
        )
    else:
        cols[1].metric("R²", labels.number(r2))
        cols[2].metric("RMSE", labels.number(rmse))
    settled = (
        f"step {t.settled_at:,}"
        if t.settled_at is not None
        else "never: it diverged"
        if t.diverged
        else "not yet"
    )
    first = (
        f"; it first dipped below at step {t.steps_to_tol:,}"
        if t.steps_to_tol is not None
        else ""
    )
    help_ = (
        f"the step from which ‖∇J‖ stays below {r.settings.tol:g} (the run converged"
        f" there){first}"
    )
    cols[3].metric("Converged at", settled, help=help_)
    cols[4].metric(
        "Distance to optimum",
        labels.number(dist),
        help="‖θ − θ*‖ in the trained parameters",
    )
    if note := low_r2_note(r):
        st.caption(note)


def start_from_click() -> None:
    """on_select callback: a click on the contour's invisible grid moves the start there
    (in the data's units; the contour is in the trained ones).  A callback, since the
    start's boxes exist by now.
    """
    r = st.session_state.get("last_good_run")
    points = [
        p
        for p in st.session_state["playground"].selection.points
        if "x" in p and "y" in p
    ]
    if r is None or not points:
        return
    theta = np.array([points[-1]["x"], points[-1]["y"]], dtype=float)
    if r.scaler:
        theta = r.scaler.params_to_original(theta)
    st.session_state["w0"], st.session_state["b0"] = (
        float(f"{v:.3g}") for v in np.clip(theta, -100, 100)
    )


view = current_view()
page_style(view.present)
preset_bar()
run = current_run()
settings = run.settings  # the settings of the run shown (the last good one)
narrow_main = narrow()
header(run, view.present, narrow_main)
stacked = view.layout == "stacked" or (view.layout == "auto" and narrow_main)
if sidebar_covers_page():
    rate_over_chart(run)
if view.surface == "3-D" and not view.present:
    chart(cache.cached_surface3d(settings), "surface3d")
if view.scrub:
    scrub.section(run, stacked, view.present)
    if not view.present:
        st.caption(
            "The run's step player, step inspector and metrics are set aside: turn off"
            " “Scrub lr” for them."
        )
else:
    inspected = inspected_step(run)
    current = None if inspected >= run.traj.n_steps else inspected
    st.plotly_chart(
        cache.cached_playground_figure(settings, view, current, stacked),
        key="playground",
        config={**CHART_CONFIG, "displayModeBar": not (stacked or narrow_main)},
        on_select=start_from_click if run.data.n_features == 1 else "ignore",
        selection_mode="points",
    )
    if not view.present:
        details(run)
        step_inspector(run)
        metrics_row(run)
        if run.data.n_features > 1:
            partials = partial_plots_figure(
                run.data.X, run.data.y, run.theta_original[-1], run.data.feature_names
            )
            chart(partials, "partials")
# with the scrubber too: PageUp/PageDown still step the presets
keyboard_player(matching_preset(settings))
