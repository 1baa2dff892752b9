"""What every page shows the same way: charts, user text, the current run or one clear message."""

from __future__ import annotations

import plotly.graph_objects as go
import streamlit as st

from ..experiment import Run, Settings
from .cache import cached_run
from .state import current_settings
from .url import link_notices

#: Plotly options for every chart: no logo, and the camera button saves a 2x PNG for slides.
CHART_CONFIG = {"displaylogo": False, "toImageButtonOptions": {"format": "png", "scale": 2}}


def chart(fig: go.Figure, key: str) -> None:
    st.plotly_chart(fig, key=key, config=CHART_CONFIG)


def plain(text: str) -> str:
    """User text (file and column names) shown literally in Markdown: no formatting, links or HTML."""
    return "".join("\\" + ch if ch in "\\`*_{}[]()<>#+-.!|~$" else ch for ch in str(text))


def safe_run(settings: Settings) -> Run | None:
    """Run, or show one clear message and keep the last good run on screen (never a traceback)."""
    try:
        result = cached_run(settings)
    except ValueError as exc:
        st.error(f"These settings cannot run: {exc}. Change that setting in the sidebar; the last good run is shown.")
        return st.session_state.get("last_good_run")
    st.session_state["last_good_run"] = result
    return result


def current_run() -> Run:
    """The run for the current controls (or the last good one); stops the page if there is none."""
    for notice in link_notices():
        st.warning(f"From the link: {notice}", icon=":material/link_off:")
    if err := st.session_state.pop("url_error", None):
        st.warning(err)
    r = safe_run(current_settings())
    if r is None:
        st.stop()
    return r
