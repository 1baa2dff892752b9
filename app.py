"""Gradient descent, step by step: the router.  streamlit run app.py

Shared sidebar first (every page reads its settings), then the page; the address bar is
written after the page, so a copied link always reproduces what is on screen.
"""

import streamlit as st

from linreg.app import gate, router, sidebar, url

with gate.take_turn():  # a class changing a control at once: reruns in turn
    st.set_page_config(
        page_title="Gradient descent, step by step", page_icon="📉", layout="wide"
    )
    router.disable_legacy_pages_folder()
    url.read_link()  # the link's values, then its ?preset=, once per session
    sidebar.sidebar()
    PAGES = [
        st.Page(
            "pages/playground.py",
            title="Playground",
            icon=":material/play_circle:",
            default=True,
        ),
        st.Page(
            "pages/race.py", title="Optimizer race", icon=":material/sports_score:"
        ),
        st.Page(
            "pages/sweep.py", title="Learning-rate sweep", icon=":material/show_chart:"
        ),
        st.Page("pages/learn.py", title="Learn", icon=":material/school:"),
        st.Page("pages/data.py", title="Data", icon=":material/table:"),
    ]
    try:
        st.navigation(PAGES).run()
    finally:
        url.write_link()
