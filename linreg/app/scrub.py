"""The learning-rate scrubber on a page: the figure, what it shows exactly, and a click
that makes a rate the run."""

import streamlit as st

from .. import words
from ..experiment import Run
from ..optimizers import spec
from ..sweep import SCRUB_RATES
from ..viz import export
from ..viz.scrubber import PAIR_SLIDERS_JS
from . import cache, views
from .display import CHART_CONFIG, FOUR_VIEWS_BESIDE_PX, wider_than
from .labels import OPTIMIZERS, hyperparameter_text
from .state import current_view
from .url import share_link

HELP = (
    "The learning-rate scrubber: drag the slider in the figure and every view redraws"
    f" for that rate in the browser (whole full-batch runs for {SCRUB_RATES + 1} rates,"
    " yours among them, computed at once); for Momentum and Nesterov a second slider"
    " sets the momentum, beside the map of every (rate, momentum) pair. The step"
    " player and the metrics are set aside meanwhile; click a rate on the strip to"
    " make it the run."
)


#: Plotly (3.x, in Streamlit 1.67) throws in its click-to-select once an animation has
#: replaced a trace ("Cannot read properties of undefined (reading 'selectAll')"): after
#: the slider was dragged, a click on a rate selected nothing.  This constant script (no
#: user input) notes the rate under the pointer and, when Plotly's own selection did not
#: come, hands Streamlit the same selection event Plotly would have emitted.
#: tests/test_browser.py clicks a rate after a drag.
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
</script>"""  # noqa: E501


def rate_from_click(key: str) -> None:
    """on_select callback: a click on a rate of the scrubber's strip makes it the run
    (and the link's)."""
    points = [p for p in st.session_state[key].selection.points if "x" in p]
    if points:
        st.session_state["learning_rate"] = float(f"{points[-1]['x']:.4g}")


def view_caption(r: Run, link: str) -> list[str]:
    """What a saved view shows: the data, the optimizer and its settings, and the link
    it came from."""
    s = r.settings
    own = hyperparameter_text(spec(s.optimizer).own(s.hyperparameters))
    batch = "full batch" if s.batch == "full" else f"mini-batches of {s.batch_size}"
    return [
        f"{r.data.title} · {OPTIMIZERS[s.optimizer]} · learning rate"
        f" {s.learning_rate:g}"
        + (f" · {own}" if own else "")
        + f" · {words.count(s.epochs, 'epoch')} · {batch}",
        (
            "The scrubber: drag its sliders and every view redraws for that learning"
            " rate (and momentum), whole full-batch runs computed at once. The step"
            " player under it: ▶ Play replays the run itself."
        ),
        f"Made from {link}",
    ]


#: What the (learning rate, momentum) map's marks are (their names show on hover only).
MAP_KEY = (
    " On the map: the dashed orange line is the stability limit (beyond it every run"
    " diverges), the star the fastest pair, the × the pair shown{flat}."
)
FLAT_KEY = (
    "; the white dotted outline holds heavy ball's flat region, where every rate"
    " shrinks the error ×√μ a step"
)


def map_key(s) -> str:
    """The map's key under a momentum scrubber ('' without one)."""
    if views.scrubbed_momenta(s) is None:
        return ""
    return MAP_KEY.format(flat=FLAT_KEY if s.optimizer == "momentum" else "")


def download(r: Run, scrubber_figure, stacked: bool) -> None:
    """ "Download this view": the scrubber and the run's step player in one HTML file
    that works offline. Made on the click (Streamlit runs the callable then), from the
    figures already drawn."""
    player = cache.cached_playground_figure(r.settings, current_view(), None, stacked)
    caption = view_caption(r, share_link(st.context.url or ""))
    title = f"Gradient descent: {r.data.title}"
    st.download_button(
        "Download this view",
        lambda: export.view_html(
            [scrubber_figure, player], title, caption, (PAIR_SLIDERS_JS,)
        ),
        file_name="gradient-descent-view.html",
        mime="text/html",
        on_click="ignore",
        icon=":material/download:",
        help=(
            "One HTML file with the scrubber and the step player: it opens from disk,"
            " offline; its sliders and Play work there."
        ),
    )


def section(
    r: Run, stacked: bool, present: bool = False, key: str = "scrubber"
) -> None:
    """The scrubber figure and, unless presenting, what it shows: the run itself stays
    as it is."""
    s = r.settings
    exact = (
        "exact: the same runs as the Playground's"
        if s.batch == "full"
        else (
            "full batch: the run itself uses mini-batches, whose path is noisier around"
            " these"
        )
    )
    # four views two by two where the page is narrow; presenting, in one row (the
    # sliders stay on screen)
    square = (
        views.scrubbed_momenta(s) is not None
        and not present
        and not wider_than(FOUR_VIEWS_BESIDE_PX)
    )
    figure = cache.cached_scrubber_figure(s, stacked, 1.25 if present else 1.0, square)
    st.plotly_chart(
        figure,
        key=key,
        config={**CHART_CONFIG, "displayModeBar": False},
        on_select=lambda: rate_from_click(key),
        selection_mode="points",
    )
    st.html(CLICK_AFTER_DRAG_JS, unsafe_allow_javascript=True)
    # joins the momentum scrubber's two sliders
    st.html(PAIR_SLIDERS_JS, unsafe_allow_javascript=True)
    if not present:
        pairs = (
            "(rate, momentum) pair" if views.scrubbed_momenta(s) is not None else "rate"
        )
        st.caption(
            f"Every {pairs}'s whole run, {words.count(s.epochs, 'epoch')}, {exact}. The"
            f" run stays at learning rate {s.learning_rate:g}: click a rate on the"
            " strip to make it the run." + map_key(s)
        )
        download(r, figure, stacked)
