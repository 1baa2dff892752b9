"""Data: choose or upload a dataset, and see what the model will be fitted to."""

import streamlit as st

from linreg import ui

ui.disable_legacy_pages_folder()  # a fresh server may run this page without app.py: restart via the router
st.markdown("### Data")
st.caption("Pick a dataset, features and target in the sidebar (**Data**), or upload your own CSV here.")
ui.upload_widget()
run = ui.current_run()
ui.data_overview(run)
