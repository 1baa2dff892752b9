"""Learning-rate sweep: where the learning rate stops working, and four runs that show why."""

import numpy as np
import streamlit as st

from linreg import words
from linreg.app import cache, labels, router, scrub
from linreg.app.display import chart, current_run, on_phone, page_style
from linreg.sweep import Sweep

router.disable_legacy_pages_folder()


def empty_panel_words(sweep: Sweep) -> str | None:
    """Why the steps-to-tolerance panel is empty, when it is (None: some rate reached the tolerance)."""
    if np.isfinite(sweep.steps_to_tol).any():
        return None
    return (
        f"The steps-to-tolerance panel is empty: no rate brought ‖∇J‖ below {sweep.tol:g} within "
        f"{words.count(sweep.epochs, 'epoch')}. The slow rates do not get there in time; the fast ones diverge "
        "or, with mini-batches, keep jittering above it. A larger tolerance (sidebar: Loss, L2 and start) or "
        "more epochs fill it."
    )


page_style(present=False)
st.markdown("### Learning-rate sweep")
run = current_run()
settings = run.settings
sweep = cache.cached_sweep(settings)  # mini-batch: a progress bar counts the rates done meanwhile
if sweep.note:
    st.info(sweep.note)
st.caption(
    f"{labels.OPTIMIZERS[settings.optimizer]}: {len(sweep.learning_rates)} learning rates from 1e-4 to 10, "
    f"{words.count(sweep.epochs, 'epoch')} each, same data and start. Best here: {sweep.best_learning_rate:.3g}; "
    f"{int(sweep.diverging.sum())} of {len(sweep.learning_rates)} diverge."
)
chart(cache.cached_sweep_figure(settings, on_phone()), "sweep")
if why_empty := empty_panel_words(sweep):
    st.caption(why_empty)
st.markdown("#### Scrub the learning rate: every view redraws as you drag")
scrub.section(run, on_phone())
st.markdown("#### Four rates on one surface: too small, best, oscillating, diverging")
chart(cache.cached_ghost_figure(settings, on_phone()), "ghost")
with st.expander(
    "Momentum: convergence rate over (learning rate, momentum)", expanded=settings.optimizer == "momentum"
):
    chart(cache.cached_momentum_map(settings), "momentum_map")
