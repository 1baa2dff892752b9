"""What every page shows the same way: charts, user text, the current run or one clear message."""

from __future__ import annotations

import plotly.graph_objects as go
import streamlit as st

from ..experiment import Run, Settings
from . import labels
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


def safe_run(settings: Settings) -> Run:
    """Run, or show one clear message and keep the last good run on screen (never a traceback); with no
    good run yet (a link that cannot be rebuilt on a fresh session), the default run."""
    try:
        result = cached_run(settings)
    except ValueError as exc:
        where = labels.control_of_error(str(exc))
        previous = st.session_state.get("last_good_run")
        shown = "the last good run is shown" if previous else "the default run is shown"
        st.error(f"These settings cannot run: {exc}. Change {where}; {shown}.")
        return previous or cached_run(Settings())
    st.session_state["last_good_run"] = result
    return result


def current_run() -> Run:
    """The run for the current controls (or the last good one, or the default one), and what the link
    asked for that could not be had."""
    for notice in link_notices():
        st.warning(f"From the link: {notice}", icon=":material/link_off:")
    return safe_run(current_settings())


#: Less empty space above the page: on a projector's 720 px the player must fit under the charts.
PAGE_CSS = (
    '[data-testid="stMainBlockContainer"] {padding-top: 3.8rem; padding-bottom: 1rem;}'
    '[data-testid="stButtonGroup"] button {padding: 0.1rem 0.6rem; min-height: 2rem;}'  # presets on one row
)
#: Presentation mode: no sidebar, only what the class needs, larger.
PRESENT_CSS = (
    '[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"] {display: none;}'
    '[data-testid="stMainBlockContainer"] {max-width: 100%; padding-left: 1.5rem; padding-right: 1.5rem;}'
)
#: Space plays or pauses the main chart, the arrow keys step it (our own constant script, no user input).
KEYS_JS = """<script>
(() => {
  if (window.__gdKeys) return;
  window.__gdKeys = true;
  const still = {mode: 'immediate', frame: {duration: 0, redraw: false}, transition: {duration: 0}};
  const chart = () => document.querySelector('.st-key-playground .js-plotly-plot, .st-key-race .js-plotly-plot');
  const names = gd => ((gd._transitionData || {})._frames || []).map(f => f.name);
  const at = gd => ((gd.layout.sliders || [])[0] || {}).active || 0;
  const watch = gd => {
    if (gd.__watched) return;
    gd.__watched = true;
    gd.on('plotly_animating', () => { gd.__playing = true; });
    gd.on('plotly_animated', () => { gd.__playing = false; });
    gd.on('plotly_animationinterrupted', () => { gd.__playing = false; });
  };
  document.addEventListener('keydown', e => {
    const typing = e.target.closest && e.target.closest(
      'input, textarea, select, [contenteditable="true"], [role="slider"], [role="combobox"], [role="listbox"]');
    const gd = chart();
    if (typing || !gd || !window.Plotly || e.ctrlKey || e.metaKey || e.altKey) return;
    watch(gd);
    const all = names(gd), i = at(gd);
    if (e.code === 'Space') {
      e.preventDefault();
      if (gd.__playing) { window.Plotly.animate(gd, [null], still); return; }
      const rest = i >= all.length - 1 ? all : all.slice(i + 1);
      window.Plotly.animate(gd, rest, {...still, frame: {duration: 80, redraw: false}});
    } else if (e.key === 'ArrowRight' || e.key === 'ArrowLeft') {
      e.preventDefault();
      const j = Math.max(0, Math.min(all.length - 1, i + (e.key === 'ArrowRight' ? 1 : -1)));
      window.Plotly.animate(gd, [all[j]], still);
    }
  });
})();
</script>"""


def page_style(present: bool) -> None:
    """The page's spacing (and, presenting, no sidebar); style only, so it takes no room."""
    st.html(f"<style>{PAGE_CSS}{PRESENT_CSS if present else ''}</style>")


def keyboard_player() -> None:
    """Space plays and pauses the main chart, ← and → step it (once per page load)."""
    st.html(KEYS_JS, unsafe_allow_javascript=True)


def on_phone() -> bool:
    """A phone or a small tablet, by its browser's own word (the server cannot see the screen's width)."""
    agent = (st.context.headers or {}).get("User-Agent", "")
    return "Mobi" in agent or "Android" in agent
