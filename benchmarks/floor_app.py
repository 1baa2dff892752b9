"""The stack's floor for bench_app.py: the smallest Streamlit app that redraws a given
Plotly figure when a number changes.  No training, no figure building: a rerun only
serialises the figure (cached per value), so a change's time is Streamlit's round trip
plus Plotly drawing that figure.

FLOOR_FIGURES=dir streamlit run benchmarks/floor_app.py
# then open /?figure=NAME for dir/NAME.json
"""

from __future__ import annotations

import json
import os

import plotly.graph_objects as go
import streamlit as st


@st.cache_resource
def spec(name: str) -> dict:
    with open(os.path.join(os.environ["FLOOR_FIGURES"], f"{name}.json")) as f:
        return json.load(f)


@st.cache_resource
def figure(name: str, value: float) -> go.Figure:
    """The figure, labelled with the value as the app labels its own (bench_app waits
    for the label)."""
    fig = go.Figure(spec(name), _validate=False)
    fig.update_layout(title_text=f"learning rate {value:g}")
    return fig


value = st.number_input("Learning rate (type a value)", value=0.01, format="%g")
st.plotly_chart(figure(st.query_params["figure"], value), width="stretch")
