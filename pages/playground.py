"""Playground: the fitted line, the loss curve and the path on the loss surface, in sync."""

import numpy as np
import streamlit as st

from linreg.app import cache, labels, router
from linreg.app.display import chart, current_run
from linreg.app.sidebar import preset_bar
from linreg.app.state import current_view
from linreg.experiment import Run, divergence_message, r2_rmse
from linreg.model import LOSSES
from linreg.viz.data import partial_plots_figure

router.disable_legacy_pages_folder()


def header(r: Run) -> None:
    s = r.settings
    st.markdown(f"### {r.data.title}: {labels.OPTIMIZERS[s.optimizer]}, learning rate {s.learning_rate:g}")
    if msg := divergence_message(r):
        st.error(
            f"**{msg}** The steps up to divergence are drawn; the loss axis is logarithmic.", icon=":material/error:"
        )
    for note in r.notes:
        st.info(note)
    batch = {"full": "full batch", "mini": f"mini-batches of {r.traj.batch_size}", "sgd": "stochastic (batch 1)"}
    hp = labels.hyperparameter_text(r.traj.hyperparameters)
    st.caption(
        f"Loss: {labels.LOSS[s.loss]}"
        + (f" + {s.alpha:g}·‖w‖²" if s.alpha else "")
        + (" · features standardized (contour in standardized units)" if r.scaler else "")
        + f" · n = {r.data.n_samples} · {batch[s.batch]} · {r.traj.n_steps:,} updates"
        + (f" · {labels.OPTIMIZERS[s.optimizer]}: {hp}" if hp else "")
    )


def step_inspector(r: Run) -> int | None:
    """A step number whose ± buttons step back and forward (server side); None means the start."""
    with st.expander("Inspect one step", expanded=False):
        k = st.number_input("Step", 0, r.traj.n_steps, 0, 1, key="inspect_step", help="± step back / forward")
        t = r.traj
        st.caption(
            f"Step {k} (epoch {int(t.epoch[k])}): w = {r.theta_original[k, 0]:.5g}, b = {r.theta_original[k, -1]:.5g}, "
            f"loss = {t.loss[k]:.5g}, ‖∇J‖ = {float(np.linalg.norm(t.grad[k])):.4g}"
        )
        return int(k) if k else None


def metrics_row(r: Run) -> None:
    t = r.traj
    r2, rmse = r2_rmse(r)
    dist = float(np.linalg.norm(t.theta[-1] - r.analysis.theta_star))
    cols = st.columns(5)
    minimum = f"{LOSSES[t.loss_name].symbol}; the minimum possible is {r.analysis.loss_star:.4g}"
    cols[0].metric("Final loss", f"{t.final_loss:.4g}", help=minimum)
    if r.test is not None:
        r2_test, rmse_test = r2_rmse(r, on_test=True)
        cols[1].metric("R² train / test", f"{r2:.3f} / {r2_test:.3f}" if np.isfinite(r2 + r2_test) else "—")
        cols[2].metric("RMSE train / test", f"{rmse:.3g} / {rmse_test:.3g}" if np.isfinite(rmse + rmse_test) else "—")
    else:
        cols[1].metric("R²", f"{r2:.4f}" if np.isfinite(r2) else "—")
        cols[2].metric("RMSE", f"{rmse:.4g}" if np.isfinite(rmse) else "—")
    cols[3].metric(
        "Steps to tolerance",
        f"{t.steps_to_tol:,}" if t.steps_to_tol is not None else "not reached",
        help=f"first step with ‖∇J‖ < {r.settings.tol:g}",
    )
    cols[4].metric("Distance to optimum", f"{dist:.3g}", help="‖θ − θ*‖ in the trained parameters")


def partial_plots(r: Run) -> None:
    """Several features: what each explains once the others are accounted for."""
    if r.data.n_features > 1:
        chart(partial_plots_figure(r.data.X, r.data.y, r.theta_original[-1], r.data.feature_names), "partials")


preset_bar()
run = current_run()
settings, view = run.settings, current_view()  # the settings of the run shown (the last good one)
header(run)
current = step_inspector(run)
if view.surface == "3-D":
    chart(cache.cached_surface3d(settings), "surface3d")
chart(cache.cached_playground_figure(settings, view, current), "playground")
metrics_row(run)
partial_plots(run)
