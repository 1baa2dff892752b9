"""Start a real Streamlit server and a headless Debian chromium (shared by browser tests
and benchmarks)."""

from __future__ import annotations

import contextlib
import importlib.util
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-dev-shm-usage",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def streamlit_server(port: int | None = None, *extra: str, **kwargs):
    """A fresh `streamlit run app.py` on loopback (``extra``: more CLI options); yields
    its base URL."""
    with streamlit_process(port, *extra, **kwargs) as (url, _):
        yield url


def cpu_seconds(pid: int) -> float:
    """User + system CPU time the process has used so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@contextlib.contextmanager
def streamlit_process(
    port: int | None = None,
    *extra: str,
    script: str = "app.py",
    env: dict | None = None,
):
    """streamlit_server, yielding (base URL, the server's Popen); ``script`` and more
    ``env`` for benchmarks."""
    port = port or free_port()
    env = {**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            script,
            "--server.headless",
            "true",
            "--server.address",
            "127.0.0.1",
            "--server.port",
            str(port),
            *extra,
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(url, proc)
        yield url, proc
    finally:
        proc.terminate()
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(10)


#: How long a server may take to start before the test fails (a failure bound: a loaded
#: machine imports Streamlit, NumPy and Plotly slowly).
START_TIMEOUT_S = 180.0


def wait_healthy(url: str, proc: subprocess.Popen) -> None:
    """Until the server answers its health check; fails at once if it exited."""
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"streamlit server exited with code {proc.returncode}")
        with (
            contextlib.suppress(OSError),
            urllib.request.urlopen(f"{url}/_stcore/health", timeout=5) as answer,
        ):
            if answer.status == 200:
                return
        time.sleep(0.1)  # a refused connection returns at once: poll, do not spin
    raise RuntimeError(f"streamlit server not healthy after {START_TIMEOUT_S:.0f} s")


def launch(playwright):
    return playwright.chromium.launch(
        executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
    )


#: The script has finished and, on a page that measures the browser's widths
#: (display.SCREEN_JS), the page was drawn for them: a new session's first run is
#: followed by the run the measurement asks for.  With ``text``, that text is on the
#: page at the same moment.
READY_JS = """(text) => {
    const app = document.querySelector('[data-testid="stApp"]');
    const measuring = document.querySelector('.st-key-screen_probe') && !document.body.dataset.drawnFor;
    return app && app.getAttribute('data-test-script-state') === 'notRunning' && !measuring
        && (!text || app.textContent.includes(text));
}"""  # noqa: E501

#: Counts the browser's painted frames in which nothing on the page changed (a
#: MutationObserver resets the count): Plotly and Streamlit lay out what the script sent
#: over a few frames after its last message.
STILL_JS = """(frames) => {
    const s = window.__still || (window.__still = {calls: 0});
    if (!s.observer) {
        s.observer = new MutationObserver(() => { s.calls = 0; });
        s.observer.observe(document.body, {subtree: true, childList: true, attributes: true, characterData: true});
    }
    s.calls += 1;
    return s.calls > frames;
}"""  # noqa: E501


def wait_still(page, frames: int = 5, timeout: float = 60_000) -> None:
    """Until nothing on the page has changed for ``frames`` painted frames in a row:
    what the script sent is laid out (Playwright polls on every animation frame, and a
    page busy laying out paints no frame, however loaded the machine)."""
    page.evaluate("() => { if (window.__still) window.__still.calls = 0; }")
    page.wait_for_function(STILL_JS, arg=frames, timeout=timeout)


def wait_ready(
    page, text: str | None = None, timeout: float = 60_000, still_frames: int = 5
) -> None:
    """Until the script has finished running (for the measured widths) with ``text``
    (optional) on the page, and the page has stopped changing (``still_frames``).

    After an action, pass a ``text`` (or first wait for something) that only the new run
    shows: until the rerun starts, the previous run's state reads as finished.
    """
    page.wait_for_selector('[data-testid="stApp"]', timeout=timeout)
    page.wait_for_function(READY_JS, arg=text, timeout=timeout)
    if still_frames:
        wait_still(page, still_frames, timeout)


SCRUBBER_JS = """[...document.querySelectorAll('.js-plotly-plot')]
        .find(g => ((g.layout.sliders || [])[0]?.currentvalue?.prefix || '').startsWith('learning rate'))"""  # noqa: E501
#: Marks the page's animation-frame callbacks as they run (``window.__inFrame``): a
#: frame drawn from one of them (Plotly's own slider runs its step from one) is painted
#: at the end of that same frame; one drawn from an input event, at the next.
IN_FRAME_JS = """() => {
    if (window.__inFrameWrapped) return;
    window.__inFrameWrapped = true;
    const raf = window.requestAnimationFrame.bind(window);
    window.requestAnimationFrame = callback => raf(time => {
        const was = window.__inFrame;
        window.__inFrame = true;
        try { return callback(time); } finally { window.__inFrame = was; }
    });
}"""

SCRUB_LISTEN_JS = (
    """(k) => {
    const gd = """
    + SCRUBBER_JS
    + """;
    // a rerun may be putting a new chart in the old one's place: polled until drawn
    if (!gd || !gd.on || !gd.querySelectorAll('.slider-rail-rect')[k]) return null;
    const drawn = name => {  // what a trace shows: its text, or its line's SVG path
        const i = gd.data.findIndex(t => t.name === name);
        if (i < 0) return null;
        const trace = gd.querySelectorAll('.scatterlayer .trace')[i];
        return (gd.data[i].text || [])[0] || trace.querySelector('.js-line')?.getAttribute('d') || null;
    };
    window.__scrub = {moves: [], labels: [], said: [], paths: []};
    if (gd.__scrubListeners) gd.__scrubListeners.forEach(([e, f]) => gd.removeListener(e, f));
    const changed = e => {
        window.__scrub.t0 = performance.now();
        window.__scrub.labels.push(e.step.label);
    };
    // Plotly draws the frame's traces in the promise jobs that follow its
    // plotly_animatingframe, before the page paints again.  Painted: a task queued
    // after that paint runs (the "next paint" of web-vitals): queued at once from
    // inside an animation-frame callback (its frame paints next), else from the next
    // animation frame.  (plotly_animated comes one frame later: Plotly's loop notices
    // on its next frame that no frame is left.)
    const animating = () => {
        const t0 = window.__scrub.t0;
        const afterPaint = () => {
            const after = new MessageChannel();
            after.port1.onmessage = () => {
                window.__scrub.moves.push(performance.now() - t0);
                window.__scrub.said.push(drawn('verdict'));
                window.__scrub.paths.push(drawn('path'));
            };
            after.port2.postMessage(null);
        };
        if (window.__inFrame) afterPaint(); else requestAnimationFrame(afterPaint);
    };
    gd.__scrubListeners = [['plotly_sliderchange', changed], ['plotly_animatingframe', animating]];
    gd.__scrubListeners.forEach(([e, f]) => gd.on(e, f));
    const rail = gd.querySelectorAll('.slider-rail-rect')[k], grip = gd.querySelectorAll('.slider-grip-rect')[k];
    rail.scrollIntoView({block: 'center'});
    const r = rail.getBoundingClientRect(), g = grip.getBoundingClientRect();
    return {left: r.left, right: r.right, y: g.top + g.height / 2, grip: g.left + g.width / 2};
}"""  # noqa: E501
)


RATE_TICK_JS = (
    """(k) => {
    const gd = """
    + SCRUBBER_JS
    + """;
    const trace = gd.querySelectorAll('.scatterlayer .trace')[gd.data.findIndex(t => t.name === 'rates')];
    const tick = trace.querySelectorAll('path.point')[k];
    tick.scrollIntoView({block: 'center'});
    window.__hovered = null;  // set by Plotly's hover event once the tick is under the pointer
    if (gd.__tickHover) gd.removeListener('plotly_hover', gd.__tickHover);
    gd.__tickHover = e => {
        if (e.points.some(p => p.data.name === 'rates' && p.pointNumber === k)) window.__hovered = k;
    };
    gd.on('plotly_hover', gd.__tickHover);
    const r = tick.getBoundingClientRect();
    return {x: r.left + r.width / 2, y: r.top + r.height / 2, rate: gd._fullData.find(t => t.name === 'rates').x[k]};
}"""  # noqa: E501
)


def click_rate(page, k: int) -> float:
    """Point at the k-th rate's tick on the scrubber's strip, wait for its hover (a
    Plotly click selects the point under the hover), click it; the rate."""
    tick = page.evaluate(RATE_TICK_JS, k)
    page.mouse.move(tick["x"], tick["y"])
    page.wait_for_function(f"() => window.__hovered === {int(k)}", timeout=30_000)
    page.mouse.click(tick["x"], tick["y"])
    return tick["rate"]


#: Resolves after the browser's next two painted frames: an input event sent before is
#: handled by then (Chromium hands mouse moves to the page aligned to its frames).
TWO_FRAMES_JS = (
    "() => new Promise(done =>"
    " requestAnimationFrame(() => requestAnimationFrame(done)))"
)
#: Every slider change of the drag so far is painted (SCRUB_LISTEN_JS's record).
SCRUB_PAINTED_JS = "() => window.__scrub.moves.length >= window.__scrub.labels.length"


def wait_scrub_painted(page) -> None:
    """Until the last pointer event was handled and the frame of every slider change it
    made is painted."""
    page.evaluate(TWO_FRAMES_JS)
    page.wait_for_function(SCRUB_PAINTED_JS, timeout=60_000)


def drag_scrubber(
    page, positions: int = 30, pause_ms: int = 60, slider: int = 0
) -> dict:
    """Drag the scrubber's grip (``slider`` 0: the learning rate's, 1: the momentum's)
    across its rail in ``positions`` moves, as a hand would: each move waits for the
    frame it asked for to be painted, then ``pause_ms`` (a hand's tempo, for the
    benchmark; tests pass 0: what they check is the frames, not the time).

    Returns the time from each slider change to the next painted frame (ms), the labels
    passed, and after each move the pair's verdict (None without a momentum slider) and
    the path's SVG line: one of each per slider change.
    """
    page.evaluate(IN_FRAME_JS)
    rail = page.wait_for_function(
        SCRUB_LISTEN_JS, arg=slider, timeout=60_000
    ).json_value()
    page.mouse.move(rail["grip"], rail["y"])
    page.mouse.down()
    wait_scrub_painted(page)
    for k in range(positions + 1):
        page.mouse.move(
            rail["left"] + (rail["right"] - rail["left"]) * k / positions, rail["y"]
        )
        wait_scrub_painted(page)
        if pause_ms:
            page.wait_for_timeout(pause_ms)
    page.mouse.up()
    wait_scrub_painted(page)
    return page.evaluate("() => window.__scrub")


#: Keeps, on every frame the player draws, when its next frame is due by Plotly's own
#: clock: the frame's time (Date.now(), as Plotly's animation loop reckons) plus its
#: duration.
FRAME_CLOCK_JS = """(selector) => {
    const gd = document.querySelector(selector);
    gd.on('plotly_animatingframe', e => { window.__nextFrameDue = Date.now() + e.animation.frame.duration; });
}"""  # noqa: E501
#: True from the third poll (Playwright polls once at once, then on every painted
#: frame) after Date.now() passed ``due``.
PAST_DUE_JS = """(due) => {
    if (Date.now() <= due) return false;
    window.__pastDue = (window.__pastDue || 0) + 1;
    return window.__pastDue >= 3;
}"""


def wait_past_next_frame(page, timeout: float = 60_000) -> None:
    """Until the player's next frame was due (FRAME_CLOCK_JS, listening since before it
    played) and the browser has painted twice since.

    Plotly's animation loop draws a frame on the first painted frame after the last
    one's time plus its duration, so a player still playing has drawn that frame by
    then: this bounds a check that no frame came after a pause by the player's own
    schedule, not by a guess at how long a loaded machine takes.
    """
    due = page.evaluate("() => { window.__pastDue = 0; return window.__nextFrameDue; }")
    assert due is not None, "FRAME_CLOCK_JS saw no frame: nothing played"
    page.wait_for_function(PAST_DUE_JS, arg=due, timeout=timeout)


#: Timed inside the page, from the Enter key to the main chart redrawn (Plotly's
#: afterplot) with the new rate on the page, two animation frames later (painted).
#: Playwright's own round trips are not counted, nor the elements a page draws after its
#: chart.
TIME_CHANGE_JS = """(text) => {
    window.__took = undefined;
    let t0 = null, drawn = false;
    const chart = () => document.querySelector('[data-testid="stMain"] .js-plotly-plot');
    const old = chart();  // Streamlit gives a new spec a new element: either it is replaced or redrawn
    old.on('plotly_afterplot', () => { if (t0 !== null) drawn = true; });
    document.addEventListener('keydown', e => { if (e.key === 'Enter') t0 = performance.now(); },
                              {capture: true, once: true});
    const check = () => {
        const now = chart();
        drawn = drawn || (t0 !== null && now && now !== old && !!now._fullLayout && !!now.querySelector('.main-svg'));
        if (!drawn || !document.querySelector('[data-testid="stMain"]').textContent.includes(text))
            return requestAnimationFrame(check);
        requestAnimationFrame(() => requestAnimationFrame(() => { window.__took = performance.now() - t0; }));
    };
    requestAnimationFrame(check);
}"""  # noqa: E501


def time_rate_change(page, lr: str) -> float:
    """Milliseconds from a learning rate typed into the box (Enter) to the charts
    showing it, painted."""
    page.bring_to_front()  # a page in the background gets no animation frames
    # Streamlit loads its chart code once the page is up: the chart may come later
    page.wait_for_selector('[data-testid="stMain"] .js-plotly-plot', timeout=60_000)
    box = page.locator('input[aria-label^="Learning rate (type"]')
    box.fill(lr)
    page.evaluate(TIME_CHANGE_JS, f"learning rate {lr}")
    box.press("Enter")
    page.wait_for_function("() => window.__took !== undefined", timeout=30_000)
    took = page.evaluate("() => window.__took")
    wait_ready(page)
    return took


def require_browser() -> None:
    """Skip a module's browser tests where chromium or playwright is missing: on a
    laptop, never in CI, where it is a failure."""
    if CHROMIUM is None or importlib.util.find_spec("playwright") is None:
        if os.environ.get("CI") == "true":
            raise RuntimeError(
                "browser tests need chromium and playwright in CI (see .ci/run)"
            )
        pytest.skip("chromium or playwright not installed", allow_module_level=True)


@pytest.fixture(scope="module")
def browser():
    """One chromium for a test module."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = launch(p)
        yield b
        b.close()


@pytest.fixture(scope="module")
def server():
    """One app server for a test module: its URL."""
    with streamlit_server() as url:
        yield url
