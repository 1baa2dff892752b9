"""Gradient descent for linear regression, step by step: the router.

streamlit run app.py
"""

import streamlit as st

from linreg import ui

st.set_page_config(page_title="Gradient descent, step by step", page_icon="📉", layout="wide")
ui.disable_legacy_pages_folder()
ui.apply_url_preset()
ui.sidebar()
st.navigation(
    [
        st.Page("pages/playground.py", title="Playground", icon=":material/play_circle:", default=True),
        st.Page("pages/race.py", title="Optimizer race", icon=":material/sports_score:"),
        st.Page("pages/sweep.py", title="Learning-rate sweep", icon=":material/show_chart:"),
        st.Page("pages/learn.py", title="Learn", icon=":material/school:"),
        st.Page("pages/data.py", title="Data", icon=":material/table:"),
    ]
).run()
