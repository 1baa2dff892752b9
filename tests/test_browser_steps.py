"""The run unfolds in a real browser: play, pause at three steps, and read what chromium
drew there (the path's last point, the loss curve's last step, the readout) against the
core's own run."""

from __future__ import annotations

import re

import numpy as np
import pytest
from browser_util import (
    FRAME_CLOCK_JS,
    ROOT,
    require_browser,
    wait_past_next_frame,
    wait_ready,
)
from plotly_util import values

from linreg.experiment import Settings, run

pytestmark = pytest.mark.browser
require_browser()

SETTINGS = Settings(epochs=300, learning_rate=0.05)
LINK = "/?epochs=300&learning_rate=0.05"
SHOTS = ROOT / "artifacts"

PLAYER = ".st-key-playground .js-plotly-plot"
#: The chart with the player, listening to its own frames: every frame drawn is counted
#: and named, and at each interruption (a pause) the frames drawn so far are noted.
LISTEN_JS = """(selector) => {
  const gd = document.querySelector(selector);
  window.__frames = [];
  window.__interrupted = [];
  gd.on('plotly_animatingframe', e => window.__frames.push(e.name));
  gd.on('plotly_animationinterrupted', () => window.__interrupted.push(window.__frames.length));
  return gd.layout.sliders[0].steps.length;
}"""  # noqa: E501
#: What the chart shows now: the slider's frame, and the traces' drawn data (by name).
READ_JS = """() => {
  const gd = document.querySelector('.st-key-playground .js-plotly-plot');
  const trace = name => gd.data.find(t => t.name === name);
  // as the frame gave them: a list, or Plotly's base64 typed array ({dtype, bdata}), decoded in Python
  const raw = a => (a && a.bdata) ? {dtype: a.dtype, bdata: a.bdata} : Array.from(a);
  const path = trace('path'), loss = trace('training loss');
  const text = [...gd.querySelectorAll('.scatterlayer .trace text')].map(t => t.textContent).find(
    t => t.startsWith('step '));
  return {
    slider: gd.layout.sliders[0].steps[gd._fullLayout.sliders[0].active].label,
    path_x: raw(path.x), path_y: raw(path.y), loss_x: raw(loss.x), loss_y: raw(loss.y), readout: text || '',
    frames: window.__frames.length,
  };
}"""  # noqa: E501


def button(page, label: str):
    return page.locator(".st-key-playground .updatemenu-button").filter(has_text=label)


def test_play_pause_at_three_steps_and_read_what_is_drawn(browser, server):
    t = run(SETTINGS).traj
    page = browser.new_page(viewport={"width": 1280, "height": 720})
    page.goto(server + LINK)
    wait_ready(page)
    page.wait_for_selector(".st-key-playground .main-svg", timeout=60_000)
    n_frames = page.evaluate(LISTEN_JS, PLAYER)
    page.evaluate(FRAME_CLOCK_JS, PLAYER)
    # 300 ms a frame: time to pause where the test means to
    button(page, "Slow").click()
    seen = []
    for target in (n_frames // 5, n_frames // 2, 4 * n_frames // 5):
        page.wait_for_function(
            f"() => window.__frames.length >= {target}", timeout=60_000
        )
        pauses = page.evaluate("() => window.__interrupted.length")
        button(page, "Pause").click()
        page.wait_for_function(f"() => window.__interrupted.length > {pauses}")
        # paused: no frame comes after the pause, until the next one was due by the
        # player's own clock and then some (a player still playing draws it by then)
        wait_past_next_frame(page)
        drawn = page.evaluate(f"() => window.__interrupted[{pauses}]")
        # the readout drawn for the slider's step
        page.wait_for_function(
            """() => { const gd = document.querySelector('.st-key-playground .js-plotly-plot');
                 const step = gd.layout.sliders[0].steps[gd._fullLayout.sliders[0].active].label;
                 return [...gd.querySelectorAll('.scatterlayer .trace text')].some(
                   t => t.textContent.startsWith(`step ${Number(step).toLocaleString('en-US')} of`)); }""",  # noqa: E501
            timeout=60_000,
        )
        now = page.evaluate(READ_JS)
        assert now["frames"] == drawn, "frames kept coming after Pause"
        s = int(now["slider"])
        seen.append(s)
        assert 0 < s < t.n_steps
        path = np.column_stack([values(now["path_x"]), values(now["path_y"])])
        # the drawn path ends on theta_s
        np.testing.assert_allclose(path[-1], t.theta[s], rtol=1e-5)
        loss_x, loss_y = values(now["loss_x"]), values(now["loss_y"])
        # and holds no later step
        assert len(path) <= n_frames and loss_x[-1] == s and np.all(loss_x <= s)
        assert loss_y[-1] == pytest.approx(t.loss[s], rel=1e-5)
        readout = now["readout"].replace(",", "")
        assert f"step {s} of {t.n_steps}" in readout
        assert float(re.search(r"loss ([\d.e+-]+)", readout).group(1)) == pytest.approx(
            t.loss[s], rel=1e-3
        )
        assert float(re.search(r"‖∇J‖ ([\d.e+-]+)", readout).group(1)) == pytest.approx(
            np.linalg.norm(t.grad[s]), rel=1e-3
        )
        assert t.outcome not in readout  # the outcome word waits for the end
        if len(seen) == 2:
            SHOTS.mkdir(exist_ok=True)
            page.evaluate(
                "() =>"
                " document.querySelector('.st-key-playground').scrollIntoView({block:"
                " 'start'})"
            )
            page.screenshot(path=str(SHOTS / "playground_paused_mid_run.png"))
        button(page, "Resume").click()
    assert seen == sorted(seen) and len(set(seen)) == 3
    page.close()
