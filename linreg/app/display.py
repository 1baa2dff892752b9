"""What every page shows the same way: charts, user text, the current run or one clear
message."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from ..experiment import Run, Settings
from . import labels
from .cache import cached_run
from .plotly_memo import ARRAY_ATTRIBUTES_MEMO_JS
from .presets import PRESETS
from .state import current_settings
from .url import link_notices

#: Plotly options for every chart: no logo, and the camera button saves a 2x PNG for
#: slides.
CHART_CONFIG = {
    "displaylogo": False,
    "toImageButtonOptions": {"format": "png", "scale": 2},
}


def chart(fig: go.Figure, key: str) -> None:
    st.plotly_chart(fig, key=key, config=chart_config())


def chart_config() -> dict:
    """CHART_CONFIG, without Plotly's toolbar on a narrow page: on a touch screen it
    stays up, over the legend."""
    return {**CHART_CONFIG, "displayModeBar": False} if narrow() else CHART_CONFIG


def records_table(rows: list[dict], name: str) -> None:
    """One row per record (``name``: the field that names each); on a narrow page one
    column per record instead, so that no field hides off the table's right edge."""
    if narrow():
        fields = [k for k in rows[0] if k != name]
        st.table(
            pd.DataFrame(
                {str(row[name]): [row[k] for k in fields] for row in rows}, index=fields
            )
        )
    else:
        st.dataframe(rows, hide_index=True, width="stretch")


def plain(text: str) -> str:
    """User text (file and column names) shown literally in Markdown: no formatting,
    links or HTML."""
    return "".join(
        "\\" + ch if ch in "\\`*_{}[]()<>#+-.!|~$" else ch for ch in str(text)
    )


def safe_run(settings: Settings) -> Run:
    """Run, or show one clear message and keep the last good run on screen (never a
    traceback); with no good run yet (a link that cannot be rebuilt on a fresh session),
    the default run."""
    try:
        result = cached_run(settings)
    except ValueError as exc:
        _, where = labels.control_of(exc)
        previous = st.session_state.get("last_good_run")
        shown = "the last good run is shown" if previous else "the default run is shown"
        st.error(f"These settings cannot run: {exc}. Change {where}; {shown}.")
        return previous or cached_run(Settings())
    st.session_state["last_good_run"] = result
    return result


def current_run() -> Run:
    """The run for the current controls (or the last good one, or the default one), and
    what the link asked for that could not be had."""
    for notice in link_notices():
        st.warning(f"From the link: {notice}", icon=":material/link_off:")
    return safe_run(current_settings())


#: Less empty space above the page: on a projector's 720 px the player must fit under
#: the charts.
PAGE_CSS = (
    '[data-testid="stMainBlockContainer"] {padding-top: 3.8rem; padding-bottom: 1rem;}'
    # presets on one row
    '[data-testid="stButtonGroup"] button {padding: 0.1rem 0.6rem; min-height: 2rem;}'
    # measures, shows nothing: no gap in the page either
    ".st-key-screen_probe {display: none;}"
    # a row of metrics wraps rather than cutting its numbers to "0.…"
    '[data-testid="stHorizontalBlock"]:has(> [data-testid="stColumn"]'
    ' [data-testid="stMetric"]) {flex-wrap: wrap;}'
    '[data-testid="stColumn"]:has([data-testid="stMetric"]) {flex: 1 1 auto; width:'
    " auto; min-width: max-content;}"
)
#: Presentation mode: no sidebar and no toolbar, only what the class needs, larger; all
#: of it within a projector's 1280 x 720 (and 1024 x 768), the divergence banner
#: included.
PRESENT_CSS = (
    '[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"],'
    ' [data-testid="stHeader"] {display: none;}[data-testid="stMainBlockContainer"]'
    ' {max-width: 100%; padding: 0.8rem 1.5rem 0;}[data-testid="stAlertContainer"]'
    " {padding: 0.45rem 1rem;}"
)
#: The player's keys, whatever has focus (a preset, the Present toggle, a radio) except
#: a box being typed in or a slider being dragged: space plays or pauses the main chart,
#: ← and → step it, PageDown and PageUp (a presenter's remote) apply the next and the
#: previous preset as a click would.  Caught on the window in the capture phase, before
#: the page's own handlers (the preset bar's arrow keys move focus, space flips a
#: focused toggle), which then never see them.  Our own constant script: no user input;
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
</script>"""  # noqa: E501
#: Beside the script: the index of the preset on screen in the preset bar (-1: none),
#: for PageUp/PageDown.
PRESET_MARK = '<span hidden data-gd-preset="{}"></span>'


def page_style(present: bool) -> None:
    """The page's spacing (and, presenting, no sidebar), and the browser's widths
    measured for the server."""
    st.html(f"<style>{PAGE_CSS}{PRESENT_CSS if present else ''}</style>")
    measure_screen()


def keyboard_player(preset: str | None = None) -> None:
    """Space plays and pauses the main chart, ← and → step it, PageDown and PageUp apply
    the next and the previous preset (``preset``: the one on screen); the script runs
    once per page load.
    """
    shown = list(PRESETS).index(preset) if preset in PRESETS else -1
    # a number: no text joins a script
    st.html(
        KEYS_JS + ARRAY_ATTRIBUTES_MEMO_JS + PRESET_MARK.format(int(shown)),
        unsafe_allow_javascript=True,
    )


#: Widths (CSS px) that change what the server draws.  Side by side, each of the three
#: views needs ~230 px besides its axis titles: below this width of the main area (the
#: charts' own) they stack.
STACK_BELOW_PX = 700
#: The Learn page sets an equation and its source side by side from this main-area width
#: (code lines are ~80 characters); narrower, the code goes under the maths.
CODE_BESIDE_MATHS_PX = 1100
#: The momentum scrubber's four views (the rate map the fourth) sit in one row from this
#: main-area width (a 1280 px laptop with the sidebar open measures ~790, ~775 with a
#: classic scrollbar): then the sliders are on screen with the views they move.
#: Narrower, two by two.
FOUR_VIEWS_BESIDE_PX = 760
MAIN_BANDS = tuple(sorted({STACK_BELOW_PX, CODE_BESIDE_MATHS_PX, FOUR_VIEWS_BESIDE_PX}))
#: Below this window width Streamlit's sidebar, when open, covers the page (it no longer
#: sits beside it).
SIDEBAR_COVERS_BELOW_PX = 768
# session key: the widths last measured by the browser (the probe's state survives no
# page switch)
SCREEN = "_screen"
#: The browser measures the main area and the window, once and again whenever a width
#: crosses a threshold (``data.bands``, for each), and hands both to the server;
#: ``data.known`` is what the server already has, so a page load that changes nothing
#: reruns nothing.  One observer per mounted probe (the function runs on every rerun,
#: its cleanup only when the probe goes).  ``body[data-drawn-for]`` says which widths
#: the page was drawn for (browser tests wait for it).  Our own constant script: no user
#: input in it.
SCREEN_JS = """
export default function({data, setStateValue, parentElement}) {
  const probe = parentElement.__probe || (parentElement.__probe = {});
  probe.data = data;
  if (data.known) document.body.dataset.drawnFor = `${data.known.main} ${data.known.window}`;  // for tests
  if (probe.observer) { probe.report(); return; }
  const measure = () => {
    const main = document.querySelector('[data-testid="stMainBlockContainer"]');
    const style = main ? getComputedStyle(main) : null;
    const inner = main ? main.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight) : 0;
    return {main: Math.round(inner), window: window.innerWidth};
  };
  const band = (which, px) => probe.data.bands[which].filter(b => px >= b).length;
  const same = (a, b) => !!b && ['main', 'window'].every(w => band(w, a[w]) === band(w, b[w]));
  probe.report = () => {
    const now = measure();
    if (now.main > 0 && !same(now, probe.sent || probe.data.known)) {
      probe.sent = now;
      setStateValue('widths', now);
    }
  };
  probe.observer = new ResizeObserver(probe.report);
  probe.observer.observe(document.querySelector('[data-testid="stMain"]') || document.body);
  window.addEventListener('resize', probe.report);
  probe.report();
  return () => { probe.observer.disconnect(); window.removeEventListener('resize', probe.report); };
}
"""  # noqa: E501
_screen_probe = st.components.v2.component("gdv.screen_probe", js=SCREEN_JS)


def _widths_measured() -> None:
    widths = st.session_state["screen_probe"]["widths"]
    st.session_state[SCREEN] = {
        "main": int(widths["main"]),
        "window": int(widths["window"]),
    }


def measure_screen() -> None:
    """Mount the probe that tells the server the browser's widths (every page, before it
    draws)."""
    bands = {"main": list(MAIN_BANDS), "window": [SIDEBAR_COVERS_BELOW_PX]}
    data = {"bands": bands, "known": st.session_state.get(SCREEN)}
    _screen_probe(
        key="screen_probe", data=data, on_widths_change=_widths_measured, height=0
    )


def narrow() -> bool:
    """The main area is too narrow for three views side by side (as the browser measured
    it; until it has, a desktop's width is assumed).  Never the browser's user agent: a
    phone held sideways or a desktop window half a screen wide is whatever its width
    is."""
    widths = st.session_state.get(SCREEN)
    return widths is not None and widths["main"] < STACK_BELOW_PX


def wider_than(px: int) -> bool:
    """The main area is at least ``px`` wide (one of MAIN_BANDS: the browser reports
    only their crossings)."""
    assert px in MAIN_BANDS, f"{px} px is not a width the browser reports"
    widths = st.session_state.get(SCREEN)
    return widths is not None and widths["main"] >= px


def sidebar_covers_page() -> bool:
    """The window is so narrow that the open sidebar covers the charts (a phone)."""
    widths = st.session_state.get(SCREEN)
    return widths is not None and widths["window"] < SIDEBAR_COVERS_BELOW_PX
