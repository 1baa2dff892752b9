"""Learning-rate sweep: where the learning rate stops working, and four runs that show why."""

import streamlit as st

from linreg import ui

ui.disable_legacy_pages_folder()  # a fresh server may run this page without app.py: restart via the router

st.markdown("### Learning-rate sweep")
run = ui.current_run()
settings = run.settings
sweep = ui.cached_sweep(settings)
st.caption(
    f"{ui.OPTIMIZER_LABELS[settings.optimizer]}: {len(sweep.learning_rates)} learning rates from 1e-4 to 10, "
    f"{sweep.epochs:,} epochs each, same data and start. Best here: {sweep.best_learning_rate:.3g}; "
    f"{int(sweep.diverging.sum())} of {len(sweep.learning_rates)} diverge."
)
st.plotly_chart(ui.cached_sweep_figure(settings), key="sweep", config=ui.CHART_CONFIG)
st.markdown("#### Four rates on one surface: too small, best, oscillating, diverging")
st.plotly_chart(ui.cached_ghost_figure(settings), key="ghost", config=ui.CHART_CONFIG)
with st.expander(
    "Momentum: convergence rate over (learning rate, momentum)", expanded=settings.optimizer == "momentum"
):
    st.plotly_chart(ui.cached_momentum_map(settings), key="momentum_map", config=ui.CHART_CONFIG)
