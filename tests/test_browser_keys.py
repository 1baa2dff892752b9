"""Real browser: the player's keys in front of a class.  Space, ← and → drive the main
chart whatever has focus (a preset button, the Present toggle) except a box being typed
in; PageDown/PageUp step the presets like slides.  Screenshots (1280x720, presentation
mode) go to artifacts/."""

from __future__ import annotations

from pathlib import Path

import pytest
from browser_util import ROOT, require_browser, wait_ready

pytestmark = pytest.mark.browser
require_browser()


from linreg.app.presets import PRESETS  # noqa: E402

SHOTS = ROOT / "artifacts"
PLAYER = ".st-key-playground .js-plotly-plot"
FRAME_JS = f"() => document.querySelector('{PLAYER}').layout.sliders[0].active"
LAST_JS = f"() => document.querySelector('{PLAYER}').layout.sliders[0].steps.length - 1"
#: Keys that got past the app's handler to the page's own (bubbling) handlers, and
#: whether it took them.
REACHED_JS = """() => {
    window.__reached = [];
    window.addEventListener('keydown', e => window.__reached.push(e.key + ':' + e.defaultPrevented));
}"""  # noqa: E501
FOCUSED_JS = (
    "() => (document.activeElement.getAttribute('aria-label') ||"
    " document.activeElement.textContent)"
)


def presenting(browser, url: str):
    """A 1280x720 window in presentation mode, the player drawn; counts the messages
    sent to the server."""
    page = browser.new_page(viewport={"width": 1280, "height": 720})
    page.sent = []
    page.on("websocket", lambda ws: ws.on("framesent", lambda _: page.sent.append(1)))
    page.goto(url)
    wait_ready(page)
    page.wait_for_selector(f"{PLAYER} .main-svg", timeout=60_000)
    page.evaluate(REACHED_JS)
    return page


def frame(page) -> int:
    return page.evaluate(FRAME_JS)


def claim(name: str) -> str:
    return PRESETS[name].claim[:30]


def shot(page, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    # the window the class sees, 1280x720
    page.screenshot(path=str(Path(SHOTS) / f"{name}.png"))


def test_keys_on_a_focused_preset_drive_the_player_not_the_preset_bar(browser, server):
    page = presenting(browser, f"{server}/?present=true")
    page.locator(".st-key-preset_choice button").filter(
        has_text=PRESETS["momentum"].label
    ).click()
    page.get_by_text(claim("momentum")).first.wait_for(timeout=30_000)
    wait_ready(page)
    page.wait_for_selector(f"{PLAYER} .main-svg", timeout=60_000)
    last = page.evaluate(LAST_JS)
    # a new run opens on its last step
    page.wait_for_function(f"() => ({FRAME_JS})() === {last}")
    assert page.evaluate(FOCUSED_JS) == PRESETS["momentum"].label
    sent = len(page.sent)

    page.keyboard.press("ArrowLeft")
    page.keyboard.press("ArrowLeft")
    page.wait_for_function(f"() => ({FRAME_JS})() === {last - 2}")
    page.keyboard.press("ArrowRight")
    page.wait_for_function(f"() => ({FRAME_JS})() === {last - 1}")
    # focus did not move along the bar
    assert page.evaluate(FOCUSED_JS) == PRESETS["momentum"].label
    # plays the rest of the run, does not apply the focused preset
    page.keyboard.press("Space")
    page.wait_for_function(f"() => ({FRAME_JS})() === {last}")
    shot(page, "keys_present_preset_focused")
    # every key's handlers have run (the frames they asked for are drawn): a preset or
    # a toggle they changed would have sent its message from them
    assert len(page.sent) == sent, (
        "a key sent a message to the server (a preset or a toggle changed)"
    )
    # the preset bar's own handlers never saw them
    assert page.evaluate("() => window.__reached") == []
    assert "optimizer=momentum" in page.url
    page.close()


def test_space_on_the_present_toggle_plays_and_the_toggle_stays(browser, server):
    page = presenting(browser, f"{server}/?present=true&epochs=300")
    toggle = page.locator('.st-key-present input[role="switch"]')
    toggle.focus()
    sent = len(page.sent)
    last = page.evaluate(LAST_JS)
    assert frame(page) == last
    page.keyboard.press("Space")  # at the last step: plays the run again from the start
    page.wait_for_function(f"() => ({FRAME_JS})() < {last}")
    page.wait_for_function(f"() => ({FRAME_JS})() > 2")  # and moves on
    page.keyboard.press("Space")  # pauses
    page.wait_for_function(
        f"() => document.querySelector('{PLAYER}').__playing === false"
    )
    paused = frame(page)
    page.keyboard.press("ArrowLeft")
    page.wait_for_function(f"() => ({FRAME_JS})() === {paused - 1}")
    page.keyboard.press("ArrowRight")
    page.wait_for_function(f"() => ({FRAME_JS})() === {paused}")
    shot(page, "keys_present_toggle_focused")
    assert toggle.is_checked() and page.evaluate(FOCUSED_JS) == "Present"
    assert page.locator('[data-testid="stSidebar"]').is_hidden()  # still presenting
    assert len(page.sent) == sent and "present=true" in page.url
    page.close()


def test_page_down_and_up_step_through_the_presets(browser, server):
    names = list(PRESETS)
    i = names.index("momentum")
    page = presenting(browser, f"{server}/?present=true&preset=momentum")
    # a remote works whatever has focus
    page.locator('.st-key-present input[role="switch"]').focus()
    page.keyboard.press("PageDown")
    page.get_by_text(claim(names[i + 1])).first.wait_for(timeout=30_000)
    wait_ready(page)
    assert "optimizer=adam" in page.url
    page.keyboard.press("PageUp")
    page.keyboard.press("PageUp")  # two slides back, before the first has come
    page.get_by_text(claim(names[i - 1])).first.wait_for(timeout=30_000)
    wait_ready(page)
    page.wait_for_selector(f"{PLAYER} .main-svg", timeout=60_000)
    shot(page, "keys_present_page_up")
    assert page.evaluate("() => window.__reached") == []  # the page did not scroll
    assert page.locator('.st-key-present input[role="switch"]').is_checked()
    page.close()


def test_keys_typed_in_a_box_stay_in_the_box(browser, server):
    page = presenting(browser, f"{server}/?epochs=300")
    box = page.locator(
        '[data-testid="stSidebar"] input[aria-label^="Learning rate (type"]'
    )
    box.click()
    last = frame(page)
    for key in ("ArrowLeft", "Space", "PageDown"):
        box.press(key)
        page.wait_for_function(
            "() => window.__reached.some(k =>"
            f" k.startsWith('{key.replace('Space', ' ')}:'))"
        )
    assert frame(page) == last and page.evaluate(
        "() => window.__reached.every(k => k.endsWith(':false'))"
    )
    page.close()
