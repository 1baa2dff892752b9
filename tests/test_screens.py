"""Every page and every preset as the class sees it, at a projector's 1280 x 720 and a phone's 390 x 844.

Screenshots go to artifacts/screens/ (look at them); the test measures what can be measured: no error,
type of at least 14 px on the charts, Play on screen without scrolling on the projector, the player
covering no text and its buttons at least 24 px high, the three views stacked on the phone with titles
that do not overlap.
"""

from __future__ import annotations

import os

import pytest
from browser_util import CHROMIUM, ROOT, launch, streamlit_server, wait_ready

from linreg.app.presets import PRESETS

pytestmark = pytest.mark.browser
if CHROMIUM is None or not __import__("importlib").util.find_spec("playwright"):
    if os.environ.get("CI") == "true":
        raise RuntimeError("browser tests need chromium and playwright in CI (see .ci/run)")
    pytest.skip("chromium or playwright not installed", allow_module_level=True)

from playwright.sync_api import sync_playwright  # noqa: E402

SHOTS = ROOT / "artifacts" / "screens"
PHONE_AGENT = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148"
SCREENS = {"projector": ({"width": 1280, "height": 720}, None), "phone": ({"width": 390, "height": 844}, PHONE_AGENT)}
TARGETS = [f"/?preset={name}" for name in PRESETS] + ["/?present=true&preset=oscillating", "/race", "/sweep",
                                                       "/learn", "/data"]  # fmt: skip

MEASURE = """() => {
  const rect = e => { const r = e.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; };
  const main = document.querySelector('.st-key-playground .js-plotly-plot, .st-key-race .js-plotly-plot');
  const ticks = [...document.querySelectorAll('.js-plotly-plot .xtick text, .js-plotly-plot .ytick text')];
  return {
    errors: document.querySelectorAll('[data-testid="stException"]').length,
    tick_px: ticks.map(t => parseFloat(getComputedStyle(t).fontSize)),
    play: main ? rect(main.querySelector('.updatemenu-button')) : null,
    buttons: main ? [...main.querySelectorAll('.updatemenu-button')].map(rect) : [],
    texts: main ? [...main.querySelectorAll('.slider-group text.slider-label, .g-xtitle text, .g-x2title text,'
                                            + ' .g-x3title text, .gtitle, .annotation-text')].map(rect) : [],
    titles: [...document.querySelectorAll('[data-testid="stMain"] .js-plotly-plot')].map(
      chart => [...chart.querySelectorAll('.annotation-text')].map(rect)),
    page_width: document.documentElement.scrollWidth,
  };
}"""


def overlap(a, b) -> bool:
    return a[0] < b[2] - 1 and b[0] < a[2] - 1 and a[1] < b[3] - 1 and b[1] < a[3] - 1


@pytest.fixture(scope="module")
def server():
    with streamlit_server() as url:
        yield url


@pytest.mark.parametrize("screen", list(SCREENS))
def test_every_page_and_preset_on_a_projector_and_a_phone(server, screen):
    viewport, agent = SCREENS[screen]
    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = launch(p)
        context = browser.new_context(viewport=viewport, user_agent=agent, is_mobile=agent is not None)
        page = context.new_page()
        for target in TARGETS:
            page.goto(server + target)
            wait_ready(page, settle_ms=800)
            try:
                page.wait_for_selector('[data-testid="stMain"] [data-testid="stPlotlyChart"] .main-svg', timeout=60_000)
            except Exception as exc:
                page.screenshot(path=str(SHOTS / f"{screen}_failed.png"))
                raise AssertionError(f"{target}: no chart drawn on the {screen}") from exc
            page.wait_for_timeout(500)
            name = target.strip("/").replace("?", "").replace("&", "_").replace("=", "-") or "home"
            page.screenshot(path=str(SHOTS / f"{screen}_{name}.png"))
            m = page.evaluate(MEASURE)
            assert m["errors"] == 0, target
            assert m["tick_px"] and min(m["tick_px"]) >= 14, (target, min(m["tick_px"]))
            for button in m["buttons"]:
                assert not any(overlap(button, text) for text in m["texts"]), (target, "the player covers text")
                assert button[3] - button[1] >= 24, (target, "a player button is under 24 px")
            if screen == "projector" and m["play"] and "/race" not in target:
                assert m["play"][3] <= viewport["height"], (target, "Play is below the fold")
            for titles in m["titles"]:  # subplot titles and notes on every chart
                assert not any(overlap(a, b) for i, a in enumerate(titles) for b in titles[i + 1 :]), target
            if screen == "phone":
                assert m["page_width"] <= viewport["width"] + 1, (target, "wider than the phone")
        browser.close()
