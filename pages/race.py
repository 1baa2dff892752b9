"""Optimizer race: several optimizers on the same data from the same start, played together."""

import streamlit as st

from linreg import ui

ui.disable_legacy_pages_folder()  # a fresh server may run this page without app.py: restart via the router

st.markdown("### Optimizer race")
run = ui.current_run()
settings = run.settings
chosen, mode, own = ui.race_controls(settings)
if not chosen:
    st.info("Pick at least one optimizer to race.")
    st.stop()
rates = ui.race_learning_rates(settings, chosen, mode, own)
runs = ui.race_runs(settings, rates)
how = {
    "shared": f"one shared learning rate, {settings.learning_rate:g} (sidebar)",
    "own": "the learning rate you gave each",
    "tuned": "each optimizer's best rate from a sweep of 60 rates between 1e-4 and 10 (fewest steps to tolerance)",
}[mode]
st.caption(
    f"Fair race: same data (n = {run.data.n_samples}, seed {settings.seed}), same start "
    f"(w = {settings.w0:g}, b = {settings.b0:g}), same budget of {run.traj.epochs_requested:,} epochs; {how}. "
    "Momentum, β and ε come from the sidebar."
)
arrows = settings.batch != "full"
st.plotly_chart(ui.cached_race_figure(settings, tuple(rates.items()), arrows), key="race", config=ui.CHART_CONFIG)
if arrows:
    st.caption(
        "Faint purple: each mini-batch's gradient direction at the current step (first run), "
        "scaled like the full gradient."
    )
ui.race_table(runs)
