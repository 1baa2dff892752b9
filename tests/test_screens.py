"""Every page and every preset as the class sees it: a projector's 1280 x 720 (normal
and presenting), 1024 x 768, a desktop window 800 x 700 (a split screen) and a phone
(390 x 844, a phone's user agent).

Screenshots go to artifacts/screens/ (look at them); the test measures what can be
measured: no error; no two texts of a chart on top of each other (titles, legend,
annotations, labels, ticks, the player's buttons); no tick label turned sideways; no
text cut by its box (scrollWidth > clientWidth: an equation, a toggle's label, a
metric's number); nothing wider than the window; the three views stacked exactly when
the main area is narrow, whatever the user agent says; and, presenting, the presets,
Play, the step slider and the scrubber's slider on screen without scrolling.
"""

from __future__ import annotations

from typing import NamedTuple

import pytest
from browser_util import ROOT, launch, require_browser, streamlit_server, wait_ready

from linreg.app.presets import PRESETS

pytestmark = pytest.mark.browser
require_browser()

from playwright.sync_api import sync_playwright  # noqa: E402

SHOTS = ROOT / "artifacts" / "screens"
PHONE_AGENT = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15"
    " Mobile/15E148"
)
DESKTOP_AGENT = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko)"
    " Chrome/120.0 Safari/537.36"
)


class Screen(NamedTuple):
    width: int
    height: int
    agent: str = DESKTOP_AGENT
    # the three views one under another (the main area is too narrow for three)
    stacked: bool = True


SCREENS = {
    "projector": Screen(1280, 720, stacked=False),
    "small_projector": Screen(
        1024, 768
    ),  # with the sidebar open the main area is ~540 px: stacked
    "desktop_window": Screen(800, 700),
    "phone": Screen(390, 844, PHONE_AGENT),
}
PAGES = ["/", "/race", "/sweep", "/learn", "/data"]
#: Presenting (no sidebar: the main area is the window's width), every preset, with the
#: player or the scrubber.
PRESENTING = {
    "projector": Screen(1280, 720, stacked=False),
    "small_projector": Screen(1024, 768, stacked=False),
}

#: Waits for the page drawn for the widths the browser measured (the probe's mark),
#: every chart drawn.
DRAWN_JS = """() => {
  const app = document.querySelector('[data-testid="stApp"]');
  const charts = [...document.querySelectorAll('[data-testid="stMain"] [data-testid="stPlotlyChart"]')];
  return document.body.dataset.drawnFor && app && app.getAttribute('data-test-script-state') === 'notRunning'
    && document.fonts.status === 'loaded' && charts.length > 0 && charts.every(c => c.querySelector('.main-svg'));
}"""  # noqa: E501

MEASURE_JS = """() => {
  const box = e => { const r = e.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; };
  const seen = e => { const r = e.getBoundingClientRect();
                      return r.width > 0.5 && r.height > 0.5 && e.checkVisibility({visibilityProperty: true}); };
  const clear = e => { const s = getComputedStyle(e);
                       return /rgba\\(.*,\\s*0\\)$/.test(s.fill) || s.fillOpacity === '0' || s.opacity === '0'; };
  const main = document.querySelector('[data-testid="stMain"]');
  const charts = [...main.querySelectorAll('.js-plotly-plot')];
  const texts = gd => {
    const out = [];
    // every visible text of the chart, but a button's own label (the button counts as one box)
    for (const t of gd.querySelectorAll('text')) {
      if (!t.textContent.trim() || !seen(t) || clear(t) || t.closest('.updatemenu-button')) continue;
      if (t.closest('.slider-labels')) continue;  // a slider's step ticks: clear, only its value's label shows
      out.push({text: t.textContent.trim(), box: box(t)});
    }
    for (const b of gd.querySelectorAll('.updatemenu-button')) out.push({text: 'button ' + b.textContent, box: box(b)});
    const bar = gd.querySelector('.modebar');  // shown while the pointer is off the chart (on a phone: always)
    const groups = bar ? [...bar.querySelectorAll('.modebar-group')] : [];
    if (groups.some(g => getComputedStyle(g).opacity !== '0')) out.push({text: 'toolbar', box: box(bar)});
    return out;
  };
  const clipped = gd => {  // texts running past the chart's own edge: the SVG cuts them off
    const edge = box(gd.querySelector('.main-svg'));
    return texts(gd).filter(t => t.box[0] < edge[0] - 1 || t.box[2] > edge[2] + 1).map(t => t.text);
  };
  const domains = gd => Object.keys(gd._fullLayout || {}).filter(k => /^xaxis\\d*$/.test(k))
    .map(k => gd._fullLayout[k].domain.join(','));
  const scrollers = [...main.querySelectorAll('*')].filter(e => {
    // a 1 px box is a screen reader's copy (KaTeX's MathML, a toggle's input), not shown
    if (!seen(e) || e.clientWidth <= 1 || !e.textContent.trim()) return false;
    if (e.closest('.js-plotly-plot, [data-testid="stDataFrame"]')) return false;  // measured as charts, or a canvas
    const s = getComputedStyle(e);
    // 2 px of slack: an italic glyph's overhang (KaTeX) is no cut
    return (s.overflowX !== 'visible' || s.textOverflow === 'ellipsis') && e.scrollWidth > e.clientWidth + 2;
  });
  const slider = gd => {  // what a hand needs: the value's label, the rail and the grip (the ticks are clear)
    const parts = ['.slider-label', '.slider-rail-rect', '.slider-grip-rect'].map(s => gd.querySelector(s))
      .filter(Boolean);
    const boxes = parts.map(box);
    return parts.length < 3 ? null : [0, 1, 2, 3].map(i => (i < 2 ? Math.min : Math.max)(...boxes.map(b => b[i])));
  };
  const keyOf = gd => [...(gd.closest('[class*="st-key-"]')?.classList || [])].find(c => c.startsWith('st-key-'));
  const player = document.querySelector('.st-key-playground .js-plotly-plot');
  const scrubber = document.querySelector('.st-key-scrubber .js-plotly-plot');
  return {
    errors: main.querySelectorAll('[data-testid="stException"]').length,
    charts: charts.map(gd => ({texts: texts(gd), clipped: clipped(gd), domains: domains(gd), key: keyOf(gd)})),
    main_chart: (gd => gd ? domains(gd) : null)(
      document.querySelector('.st-key-playground .js-plotly-plot, .st-key-race .js-plotly-plot')),
    rotated: [...main.querySelectorAll('.xtick text, .ytick text')].filter(
      t => /rotate\\((?!0[,)])/.test(t.getAttribute('transform') || '')).map(t => t.textContent),
    tick_px: [...main.querySelectorAll('.xtick text, .ytick text')].map(t => parseFloat(getComputedStyle(t).fontSize)),
    buttons: player ? [...player.querySelectorAll('.updatemenu-button')].map(box) : [],
    cut: scrollers.map(e => `${e.className}: ${e.textContent.slice(0, 60)} (${e.scrollWidth} > ${e.clientWidth} px)`),
    metrics: [...main.querySelectorAll('[data-testid="stMetricValue"]')].map(
      m => ({text: m.textContent, cut: m.scrollWidth > m.clientWidth + 1 || m.textContent.includes('…')})),
    wide: [document.documentElement.scrollWidth, main.scrollWidth, main.clientWidth],
    play: player ? box(player.querySelector('.updatemenu-button')) : null,
    step_slider: player ? slider(player) : null,
    rate_slider: scrubber ? slider(scrubber) : null,
    presets: box(document.querySelector('[data-testid="stButtonGroup"]') || main),
    present_toggle: (() => { const t = document.querySelector('.st-key-present'); return t ? box(t) : null; })(),
  };
}"""  # noqa: E501


def overlap(a, b) -> bool:
    return a[0] < b[2] - 1 and b[0] < a[2] - 1 and a[1] < b[3] - 1 and b[1] < a[3] - 1


def overlapping(texts: list[dict]) -> list[tuple[str, str]]:
    return [
        (a["text"], b["text"])
        for i, a in enumerate(texts)
        for b in texts[i + 1 :]
        if overlap(a["box"], b["box"])
    ]


@pytest.fixture(scope="module")
def browser():
    with streamlit_server() as url, sync_playwright() as p:
        chromium = launch(p)
        chromium.base_url = url
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def tabs(browser):
    """One browser tab per screen, reused by every test on that screen."""
    opened = {}

    def tab(screen: Screen):
        if screen not in opened:
            context = browser.new_context(
                viewport={"width": screen.width, "height": screen.height},
                user_agent=screen.agent,
                is_mobile=screen.agent == PHONE_AGENT,
                has_touch=screen.agent == PHONE_AGENT,
            )
            opened[screen] = context.new_page()
        return opened[screen]

    yield tab
    for page in opened.values():
        page.context.close()


def visit(page, browser, target: str) -> None:
    """Open ``target`` by the sidebar's link (the same session: no second measuring of
    the widths), or by loading it where the sidebar is folded away (a phone); until the
    page is drawn for the measured widths.
    """
    link = page.locator(f'[data-testid="stSidebarNavLink"][href$="{target}"]')
    # the new page's probe marks it again
    page.evaluate("() => { delete document.body.dataset.drawnFor; }")
    box = (
        link.first.bounding_box()
        if page.url.startswith(browser.base_url) and link.count()
        else None
    )
    # the sidebar is open (on a phone it waits folded, off the screen's left edge)
    if box and box["x"] >= 0:
        link.first.click()
    else:
        page.goto(browser.base_url + target)
    page.wait_for_function(DRAWN_JS, timeout=90_000)
    # Plotly lays out text after the script's last message: until the page is still
    wait_ready(page)


def measure(page, shot: str) -> dict:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{shot}.png"))
    return page.evaluate(MEASURE_JS)


def check_readable(m: dict, where: str, screen: Screen) -> None:
    """What holds on every screen: no error, no overlap, nothing cut, turned or too
    wide."""
    assert m["errors"] == 0, where
    for chart in m["charts"]:
        assert not overlapping(chart["texts"]), (
            where,
            chart["key"],
            overlapping(chart["texts"]),
        )
        assert not chart["clipped"], (
            where,
            chart["key"],
            "text cut at the chart's edge",
            chart["clipped"],
        )
    assert not m["rotated"], (where, "tick labels turned sideways", m["rotated"][:5])
    assert m["tick_px"] and min(m["tick_px"]) >= 14, (where, min(m["tick_px"] or [0]))
    for button in m["buttons"]:
        assert button[3] - button[1] >= 24, (where, "a player button is under 24 px")
    assert not m["cut"], (where, "text cut by its box", m["cut"][:5])
    assert not [x["text"] for x in m["metrics"] if x["cut"]], (
        where,
        "metric truncated",
        m["metrics"],
    )
    page_width, main_width, main_box = m["wide"]
    assert page_width <= screen.width + 1 and main_width <= main_box + 1, (
        where,
        "wider than the window",
        m["wide"],
    )
    if m["main_chart"] and len(m["main_chart"]) > 1:
        stacked = len(set(m["main_chart"])) == 1
        assert stacked == screen.stacked, (
            where,
            "stacked" if stacked else "side by side",
            m["main_chart"],
        )


def check_presentable(m: dict, where: str, screen: Screen, scrub: bool) -> None:
    """Presenting: everything the presenter needs on screen, nothing below the fold."""
    on_screen = {"presets": m["presets"], "the Present toggle": m["present_toggle"]}
    if scrub:
        on_screen["the learning-rate slider"] = m["rate_slider"]
    else:
        on_screen |= {"Play": m["play"], "the step slider": m["step_slider"]}
    for name, box in on_screen.items():
        assert box is not None, (where, f"no {name}")
        assert box[1] >= 0 and box[3] <= screen.height, (
            where,
            f"{name} off screen",
            box,
            screen.height,
        )


@pytest.mark.parametrize("name", list(SCREENS))
def test_every_page_on_every_screen(browser, tabs, name):
    screen, page, problems = SCREENS[name], tabs(SCREENS[name]), []
    for target in PAGES:
        shot = f"{name}_{target.strip('/') or 'playground'}"
        visit(page, browser, target)
        m = measure(page, shot)
        try:
            check_readable(m, shot, screen)
        except AssertionError as exc:
            problems.append(exc.args)
    assert not problems, problems


def every_preset(
    page, browser, start: str, prefix: str, screen: Screen, scrub: bool | None = None
) -> list:
    """Open ``start``, then click through the presets in that session (as a presenter
    does); what is wrong with each (every preset is seen, whatever the first one's
    trouble)."""
    problems = []
    page.goto(browser.base_url + start)
    wait_ready(page, still_frames=0)
    for preset, spec in PRESETS.items():
        page.locator(
            '[data-testid="stButtonGroup"] button', has_text=spec.label
        ).first.click()
        page.wait_for_function(CLAIMED_JS, arg=spec.claim[:40], timeout=90_000)
        page.wait_for_function(DRAWN_JS, timeout=90_000)
        wait_ready(page)
        shot = f"{prefix}_{preset}"
        m = measure(page, shot)
        try:
            check_readable(m, shot, screen)
            if scrub is not None:
                check_presentable(m, shot, screen, scrub)
        except AssertionError as exc:
            problems.append(exc.args)
    return problems


#: The header names the preset's lesson once its run is drawn.
CLAIMED_JS = (
    """(claim) => """
    """document.querySelector('[data-testid="stMain"]').textContent.includes(claim)"""
)


def test_every_preset_on_a_projector(browser, tabs):
    problems = every_preset(
        tabs(SCREENS["projector"]), browser, "/", "projector", SCREENS["projector"]
    )
    assert not problems, problems


@pytest.mark.parametrize("scrub", [False, True], ids=["player", "scrubber"])
@pytest.mark.parametrize("name", list(PRESENTING))
def test_every_preset_presented(browser, tabs, name, scrub):
    screen = PRESENTING[name]
    start = "/?present=true" + ("&scrub=true" if scrub else "")
    problems = every_preset(
        tabs(screen),
        browser,
        start,
        f"{name}_present{'_scrub' if scrub else ''}",
        screen,
        scrub,
    )
    assert not problems, problems


@pytest.mark.parametrize(
    ("agent", "size", "stacked"),
    [(PHONE_AGENT, (1280, 720), False), (DESKTOP_AGENT, (390, 844), True)],
    ids=["phone_agent_wide_window", "desktop_agent_narrow_window"],
)
def test_the_layout_follows_the_width_not_the_user_agent(
    browser, tabs, agent, size, stacked
):
    screen = Screen(*size, agent, stacked)
    page = tabs(screen)
    page.goto(browser.base_url + "/")
    page.wait_for_function(DRAWN_JS, timeout=90_000)
    wait_ready(page)
    check_readable(
        measure(
            page, f"agent_{'phone' if agent == PHONE_AGENT else 'desktop'}_{size[0]}"
        ),
        "playground",
        screen,
    )
    # the same window, resized across the threshold: the views follow without a reload
    other = (800, 700) if size[0] > 800 else (1280, 720)
    page.set_viewport_size({"width": other[0], "height": other[1]})
    page.wait_for_function(
        f"() => document.body.dataset.drawnFor?.split(' ')[1] === '{other[0]}'",
        timeout=60_000,
    )
    page.wait_for_function(DRAWN_JS, timeout=60_000)
    wait_ready(page)
    domains = page.evaluate(MEASURE_JS)["main_chart"]
    assert (len(set(domains)) == 1) == (not stacked), (other, domains)
