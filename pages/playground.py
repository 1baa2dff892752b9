"""Playground: the fitted line, the loss curve and the path on the loss surface, in sync."""

import streamlit as st

from linreg import ui

ui.disable_legacy_pages_folder()  # a fresh server may run this page without app.py: restart via the router

ui.preset_bar()
run = ui.current_run()
settings, view = run.settings, ui.current_view()  # the settings of the run shown (the last good one)
ui.playground_header(run)
current = ui.step_inspector(run)
if view.surface == "3-D":
    st.plotly_chart(ui.cached_surface3d(settings), key="surface3d", config=ui.CHART_CONFIG)
st.plotly_chart(ui.cached_playground_figure(settings, view, current), key="playground", config=ui.CHART_CONFIG)
ui.metrics_row(run)
ui.partial_plots(run)
