"""The learning-rate scrubber on a page: the figure, what it shows exactly, and a click
that makes a rate the run."""

import streamlit as st

from .. import words
from ..experiment import Run
from ..optimizers import spec
from ..sweep import SCRUB_RATES
from ..viz import export, scrubber
from ..viz.scrubber import PAIR_SLIDERS_JS
from . import cache, views
from .display import CHART_CONFIG, FOUR_VIEWS_BESIDE_PX, wider_than
from .labels import CONTROL_OF_PARAMETER, OPTIMIZERS, hyperparameter_text
from .plotly_memo import ARRAY_ATTRIBUTES_MEMO_JS
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


def view_caption(
    r: Run, link: str, opens: dict[str, float], opens_link: str
) -> list[str]:
    """What a saved view shows: the data, the run and its settings, the learning rate
    (and momentum) the scrubber opens at, the map's key, and the links: the one it came
    from and the one that makes the pair shown the run."""
    s = r.settings
    own = hyperparameter_text(spec(s.optimizer).own(s.hyperparameters))
    batch = "full batch" if s.batch == "full" else f"mini-batches of {s.batch_size}"
    at = ", ".join(
        f"{CONTROL_OF_PARAMETER[k][1].lower()} {v:g}" for k, v in opens.items()
    )
    return [
        f"{r.data.title} · {OPTIMIZERS[s.optimizer]} · the run: learning rate"
        f" {s.learning_rate:g}"
        + (f" · {own}" if own else "")
        + f" · {words.count(s.epochs, 'epoch')} · {batch}",
        (
            f"The scrubber opens at {at}: drag its sliders and every view redraws for"
            " that learning rate (and momentum), whole full-batch runs computed at"
            " once." + map_key(s) + " The step player under it: ▶ Play replays the run"
            " itself."
        ),
        f"Made from {link}",
        f"The pair shown as the run: {opens_link}",
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


#: "Download this view", a button that saves the scrubber at the pair (or rate) the
#: reader dragged to.  The drag never reaches the server, so on the click this constant
#: script (no data in it) reads the shown frame from the chart's own sliders (Plotly's
#: public ``layout.sliders[].active``) and sends its name as the trigger ``save``; the
#: rerun hands back the file, which the script saves once (``data.nonce``).
#: tests/test_browser.py drags both sliders, saves, and opens the file at that pair.
SAVE_VIEW_JS = """
export default function (component) {
  const { parentElement, data, setTriggerValue } = component;
  const shown = () => {
    const gd = document.querySelector('.st-key-' + data.chart + ' .js-plotly-plot');
    const sliders = (gd && gd.layout && gd.layout.sliders) || [];
    const step = s => s.steps[s.active || 0];
    const lr = sliders.find(s => s.name === 'learning_rate');
    const mu = sliders.find(s => s.name === 'momentum');
    if (lr && mu) return step(lr).value + ' ' + step(mu).value;
    return sliders.length ? step(sliders[0]).args[0][0] : '';
  };
  const button = parentElement.querySelector('button');
  button.onclick = () => setTriggerValue('save', shown());
  if (data.html && window.__savedView !== data.nonce) {
    window.__savedView = data.nonce;
    const url = URL.createObjectURL(new Blob([data.html], {type: 'text/html'}));
    const link = document.createElement('a');
    link.href = url;
    link.download = data.file;
    document.body.appendChild(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60000);
  }
}
"""
SAVE_VIEW_CSS = """
button { font: inherit; color: inherit; background: var(--st-background-color);
  border: 1px solid rgba(49, 51, 63, 0.2); border-radius: 0.5rem;
  padding: 0.25rem 0.75rem; min-height: 2.5rem; cursor: pointer; }
button:hover { border-color: var(--st-primary-color); color: var(--st-primary-color); }
"""
SAVE_VIEW_HTML = (
    '<button title="One HTML file with the scrubber, at the rate (and momentum) shown,'
    " and the step player: it opens from disk, offline; its sliders and Play work"
    ' there.">⤓ Download this view</button>'
)
SAVE_VIEW = st.components.v2.component(
    "save_view",
    html=SAVE_VIEW_HTML,
    css=SAVE_VIEW_CSS,
    js=SAVE_VIEW_JS,
)
FILE_NAME = "gradient-descent-view.html"


def _asked_to_save(key: str) -> None:
    """on_save_change: note the frame the reader saw, for this rerun to save."""
    st.session_state[f"{key}_frame"] = st.session_state[key].get("save")


def _pair_of(r: Run, frame: str | None) -> dict[str, float]:
    """The learning rate (and momentum) of the scrubber's frame ``frame`` (None: the
    run's own), by the names of their controls."""
    s = r.settings
    momenta = views.scrubbed_momenta(s)
    if frame is None:
        pair = {"learning_rate": s.learning_rate}
        if momenta is not None:
            pair["momentum"] = s.hyperparameters["momentum"]
        return pair
    paths, _ = cache.cached_rate_paths(s)
    rates = len(paths.learning_rates) // (1 if momenta is None else len(momenta[0]))
    k = scrubber.frame_run(frame, rates)
    pair = {"learning_rate": float(f"{paths.learning_rates[k]:.4g}")}
    if paths.momenta is not None:
        pair["momentum"] = float(paths.momenta[k])
    return pair


def download(r: Run, scrubber_figure, stacked: bool, chart: str) -> None:
    """ "Download this view": the scrubber (at the frame shown in the browser) and the
    run's step player in one HTML file that works offline, made on the click."""
    key = f"{chart}_save"
    frame = st.session_state.pop(f"{key}_frame", None)
    html = None
    if frame is not None:
        try:
            shown = scrubber.opened_at(scrubber_figure.to_dict(), frame)
        except KeyError:
            st.toast("The rate shown was not found: the view is saved at yours.")
            shown, frame = scrubber_figure, None
        player = cache.cached_playground_figure(
            r.settings, current_view(), None, stacked
        )
        opens = _pair_of(r, frame)
        base = st.context.url or ""
        caption = view_caption(r, share_link(base), opens, share_link(base, opens))
        html = export.view_html(
            [shown, player],
            f"Gradient descent: {r.data.title}",
            caption,
            (PAIR_SLIDERS_JS,),
        )
    nonce = st.session_state[f"{key}_count"] = st.session_state.get(
        f"{key}_count", 0
    ) + (html is not None)
    SAVE_VIEW(
        key=key,
        data={"chart": chart, "html": html, "nonce": nonce, "file": FILE_NAME},
        on_save_change=lambda: _asked_to_save(key),
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
    # joins the momentum scrubber's two sliders; keeps each move within its budget
    st.html(PAIR_SLIDERS_JS + ARRAY_ATTRIBUTES_MEMO_JS, unsafe_allow_javascript=True)
    if not present:
        pairs = (
            "(rate, momentum) pair" if views.scrubbed_momenta(s) is not None else "rate"
        )
        st.caption(
            f"Every {pairs}'s whole run, {words.count(s.epochs, 'epoch')}, {exact}. The"
            f" run stays at learning rate {s.learning_rate:g}: click a rate on the"
            " strip to make it the run." + map_key(s)
        )
        download(r, figure, stacked, key)
