"""Learn: each equation with the run's numbers, beside the code that computes it; exercises; exports."""

import streamlit as st

from linreg import ui
from linreg.lesson import step_details

ui.disable_legacy_pages_folder()  # a fresh server may run this page without app.py: restart via the router
st.markdown("### The maths beside the code")
run = ui.current_run()
if run.traj.n_steps < 1:
    st.info("This run stopped before its first update: lower the learning rate to see a step.")
    st.stop()
k = ui.learn_step(run)
details = step_details(run.traj, run.x_train, run.data.y, k)
ui.equations(run, details)
if run.data.n_features == 1:
    ui.inspector(run, k, details)
    st.markdown("#### Untrained vs trained")
    ui.before_after(run)
st.markdown("#### Worked exercise")
ui.worked_exercise()
st.markdown("#### Predict, then reveal")
ui.predict_then_reveal(run)
st.markdown("#### Export")
ui.exports(run)
