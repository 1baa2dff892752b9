"""The learning-rate scrubber on a page: the figure, what it shows exactly, and a click that makes a rate the run."""

import streamlit as st

from ..experiment import Run
from ..sweep import SCRUB_RATES
from . import cache
from .display import CHART_CONFIG

HELP = (
    "The learning-rate scrubber: drag the slider in the figure and every view redraws for that rate in the "
    f"browser (whole full-batch runs for {SCRUB_RATES + 1} rates, yours among them, computed at once). The step "
    "player and the metrics are set aside meanwhile; click a rate on the strip to make it the run."
)


def rate_from_click(key: str) -> None:
    """on_select callback: a click on a rate of the scrubber's strip makes it the run (and the link's)."""
    points = [p for p in st.session_state[key].selection.points if "x" in p]
    if points:
        st.session_state["learning_rate"] = float(f"{points[-1]['x']:.4g}")


def section(r: Run, stacked: bool, present: bool = False, key: str = "scrubber") -> None:
    """The scrubber figure and, unless presenting, what it shows: the run itself stays as it is."""
    s = r.settings
    exact = (
        "exact: the same runs as the Playground's"
        if s.batch == "full"
        else "full batch: the run itself uses mini-batches, whose path is noisier around these"
    )
    st.plotly_chart(
        cache.cached_scrubber_figure(s, stacked, 1.25 if present else 1.0), key=key,
        config={**CHART_CONFIG, "displayModeBar": False}, on_select=lambda: rate_from_click(key),
        selection_mode="points",
    )  # fmt: skip
    if not present:
        st.caption(
            f"Every rate's whole run, {s.epochs:,} epochs, {exact}. The run stays at learning rate "
            f"{s.learning_rate:g}: click a rate on the strip to make it the run."
        )
