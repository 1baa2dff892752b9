"""The learning-rate scrubber on a page: the figure, what it shows exactly, and a click that makes a rate the run."""

import streamlit as st

from .. import words
from ..experiment import Run
from ..sweep import SCRUB_RATES
from . import cache
from .display import CHART_CONFIG

HELP = (
    "The learning-rate scrubber: drag the slider in the figure and every view redraws for that rate in the "
    f"browser (whole full-batch runs for {SCRUB_RATES + 1} rates, yours among them, computed at once). The step "
    "player and the metrics are set aside meanwhile; click a rate on the strip to make it the run."
)


#: Plotly (3.x, in Streamlit 1.67) throws in its click-to-select once an animation has replaced a
#: trace ("Cannot read properties of undefined (reading 'selectAll')"): after the slider was dragged,
#: a click on a rate selected nothing.  This constant script (no user input) notes the rate under
#: the pointer and, when Plotly's own selection did not come, hands Streamlit the same selection
#: event Plotly would have emitted.  tests/test_browser.py clicks a rate after a drag.
CLICK_AFTER_DRAG_JS = """<script>
(() => {
  if (window.__scrubClicks) return;
  window.__scrubClicks = true;
  const chart = t => t && t.closest && t.closest('.st-key-scrubber .js-plotly-plot');
  const watch = gd => {
    if (gd.__rateWatch) return;
    gd.__rateWatch = true;
    gd.on('plotly_hover', e => {
      const p = (e.points || []).find(p => p.data && p.data.name === 'rates');
      gd.__rate = p ? {x: p.x, y: p.y, curveNumber: p.curveNumber, pointNumber: p.pointNumber,
                       pointIndex: p.pointIndex, data: p.data} : null;
    });
    gd.on('plotly_unhover', () => { gd.__rate = null; });
    gd.on('plotly_selected', () => { gd.__selected = true; });
  };
  document.addEventListener('mousemove', e => { const gd = chart(e.target); if (gd && gd.on) watch(gd); }, true);
  let pressed = null;  // the chart and the pointer where a press began (its release may land on Plotly's cover)
  document.addEventListener('mousedown', e => {
    const gd = chart(e.target);
    pressed = gd ? {gd, x: e.clientX, y: e.clientY} : null;
    if (gd) gd.__selected = false;
  }, true);
  document.addEventListener('mouseup', e => {
    const press = pressed;
    pressed = null;
    if (!press || !press.gd.__rate || Math.hypot(e.clientX - press.x, e.clientY - press.y) > 4) return;
    const gd = press.gd, point = gd.__rate;
    setTimeout(() => { if (!gd.__selected) gd.emit('plotly_selected', {points: [point]}); }, 50);
  }, true);
})();
</script>"""


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
    st.html(CLICK_AFTER_DRAG_JS, unsafe_allow_javascript=True)
    if not present:
        st.caption(
            f"Every rate's whole run, {words.count(s.epochs, 'epoch')}, {exact}. The run stays at learning rate "
            f"{s.learning_rate:g}: click a rate on the strip to make it the run."
        )
