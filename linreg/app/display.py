"""What every page shows the same way: charts, user text, the current run or one clear message."""

from __future__ import annotations

import plotly.graph_objects as go
import streamlit as st

from ..experiment import Run, Settings
from . import labels
from .cache import cached_run
from .presets import PRESETS
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
#: The player's keys, whatever has focus (a preset, the Present toggle, a radio) except a box being typed
#: in or a slider being dragged: space plays or pauses the main chart, ← and → step it, PageDown and
#: PageUp (a presenter's remote) apply the next and the previous preset as a click would.  Caught on the
#: window in the capture phase, before the page's own handlers (the preset bar's arrow keys move focus,
#: space flips a focused toggle), which then never see them.  Our own constant script: no user input;
#: the preset on screen comes from PRESET_MARK beside it.
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
  const TEXT = 'textarea, [contenteditable=""], [contenteditable="true"], [role="combobox"], [role="listbox"]';
  const NOT_TEXT = ['checkbox', 'radio', 'button', 'submit', 'reset', 'file', 'color', 'image', 'range'];
  const typing = t =>
    !!(t && t.closest) && (!!t.closest(TEXT) || (t.tagName === 'INPUT' && !NOT_TEXT.includes(t.type)));
  let dragging = false;  // a slider held by the pointer (its own arrow keys are not wanted then either)
  window.addEventListener('pointerdown', e => {
    dragging = !!(e.target.closest && e.target.closest('[role="slider"], [data-testid="stSlider"]'));
  }, true);
  window.addEventListener('pointerup', () => { dragging = false; }, true);
  window.addEventListener('pointercancel', () => { dragging = false; }, true);
  window.addEventListener('blur', () => { dragging = false; });  // released outside the window
  const presets = () => [...document.querySelectorAll('.st-key-preset_choice button[role="radio"]')];
  const slides = {at: -1, mark: null};  // the preset last shown or applied; the mark last read
  document.addEventListener('click', e => {
    const i = presets().indexOf(e.target.closest && e.target.closest('button'));
    if (i >= 0) slides.at = i;
  }, true);
  const nextPreset = step => {
    const buttons = presets();
    if (!buttons.length) return false;
    const mark = document.querySelector('[data-gd-preset]');
    const shown = mark ? Number(mark.getAttribute('data-gd-preset')) : -1;
    if (shown >= 0 && shown !== slides.mark) slides.at = shown;  // the page changed preset since
    slides.mark = shown;
    const j = slides.at < 0 ? (step > 0 ? 0 : buttons.length - 1) : slides.at + step;
    if (j >= 0 && j < buttons.length) { slides.at = j; buttons[j].click(); }
    return true;
  };
  const swallow = e => { e.preventDefault(); e.stopPropagation(); e.stopImmediatePropagation(); };
  let spaceDown = false;
  window.addEventListener('keydown', e => {
    if (typing(e.target) || dragging || e.ctrlKey || e.metaKey || e.altKey) return;
    if (e.key === 'PageDown' || e.key === 'PageUp') {
      if (nextPreset(e.key === 'PageDown' ? 1 : -1)) swallow(e);
      return;
    }
    const player = e.code === 'Space' || e.key === 'ArrowRight' || e.key === 'ArrowLeft';
    const gd = chart();
    if (!player || !gd || !window.Plotly) return;
    swallow(e);
    watch(gd);
    const all = names(gd), i = at(gd);
    if (e.code === 'Space') {
      spaceDown = true;
      if (e.repeat) return;
      if (gd.__playing) { window.Plotly.animate(gd, [null], still); return; }
      const rest = i >= all.length - 1 ? all : all.slice(i + 1);
      window.Plotly.animate(gd, rest, {...still, frame: {duration: 80, redraw: false}});
    } else {
      const j = Math.max(0, Math.min(all.length - 1, i + (e.key === 'ArrowRight' ? 1 : -1)));
      window.Plotly.animate(gd, [all[j]], still);
    }
  }, true);
  // a focused button or toggle acts on space's release: that release is the player's too
  const release = e => {
    if (e.code !== 'Space' || !spaceDown) return;
    swallow(e);
    if (e.type === 'keyup') spaceDown = false;
  };
  window.addEventListener('keypress', release, true);
  window.addEventListener('keyup', release, true);
})();
</script>"""
#: Beside the script: the index of the preset on screen in the preset bar (-1: none), for PageUp/PageDown.
PRESET_MARK = '<span hidden data-gd-preset="{}"></span>'


def page_style(present: bool) -> None:
    """The page's spacing (and, presenting, no sidebar); style only, so it takes no room."""
    st.html(f"<style>{PAGE_CSS}{PRESENT_CSS if present else ''}</style>")


def keyboard_player(preset: str | None = None) -> None:
    """Space plays and pauses the main chart, ← and → step it, PageDown and PageUp apply the next and the
    previous preset (``preset``: the one on screen); the script runs once per page load."""
    shown = list(PRESETS).index(preset) if preset in PRESETS else -1
    st.html(KEYS_JS + PRESET_MARK.format(shown), unsafe_allow_javascript=True)


def on_phone() -> bool:
    """A phone or a small tablet, by its browser's own word (the server cannot see the screen's width)."""
    agent = (st.context.headers or {}).get("User-Agent", "")
    return "Mobi" in agent or "Android" in agent
