"""Gradient descent for linear regression, step by step: the router.

streamlit run app.py
"""

import streamlit as st

from linreg import ui

st.set_page_config(page_title="Gradient descent, step by step", page_icon="📉", layout="wide")
ui.disable_legacy_pages_folder()
ui.apply_url_preset()
ui.sidebar()
st.navigation(ui.pages()).run()
