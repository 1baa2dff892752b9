"""Learning-rate sweep: where the learning rate stops working, and four runs that show why."""

import streamlit as st

from linreg.app import cache, labels, router, scrub
from linreg.app.display import chart, current_run, narrow, page_style

router.disable_legacy_pages_folder()

page_style(present=False)
st.markdown("### Learning-rate sweep")
run = current_run()
settings = run.settings
sweep = cache.cached_sweep(settings)  # says what it computes when it takes over half a second
if sweep.note:
    st.info(sweep.note)
st.caption(
    f"{labels.OPTIMIZERS[settings.optimizer]}: {len(sweep.learning_rates)} learning rates from 1e-4 to 10, "
    f"{sweep.epochs:,} epochs each, same data and start. Best here: {sweep.best_learning_rate:.3g}; "
    f"{int(sweep.diverging.sum())} of {len(sweep.learning_rates)} diverge."
)
chart(cache.cached_sweep_figure(settings, narrow()), "sweep")
st.markdown("#### Scrub the learning rate: every view redraws as you drag")
scrub.section(run, narrow())
st.markdown("#### Four rates on one surface: too small, best, oscillating, diverging")
chart(cache.cached_ghost_figure(settings, narrow()), "ghost")
with st.expander(
    "Momentum: convergence rate over (learning rate, momentum)", expanded=settings.optimizer == "momentum"
):
    chart(cache.cached_momentum_map(settings), "momentum_map")
