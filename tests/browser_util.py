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
        for _ in range(300):
            with contextlib.suppress(OSError):
                if (
                    urllib.request.urlopen(f"{url}/_stcore/health", timeout=1).status
                    == 200
                ):
                    break
            time.sleep(0.1)
        else:
            raise RuntimeError("streamlit server did not become healthy")
        yield url, proc
    finally:
        proc.terminate()
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(10)


def launch(playwright):
    return playwright.chromium.launch(
        executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
    )


#: The script has finished and, on a page that measures the browser's widths
#: (display.SCREEN_JS), the page was drawn for them: a new session's first run is
#: followed by the run the measurement asks for.
READY_JS = """() => {
    const app = document.querySelector('[data-testid="stApp"]');
    const measuring = document.querySelector('.st-key-screen_probe') && !document.body.dataset.drawnFor;
    return app && app.getAttribute('data-test-script-state') === 'notRunning' && !measuring;
}"""  # noqa: E501


def wait_ready(
    page, text: str | None = None, timeout: float = 60_000, settle_ms: int = 300
) -> None:
    """Until the script has finished running (for the measured widths) and (optionally)
    ``text`` is on the page."""
    page.wait_for_selector('[data-testid="stApp"]', timeout=timeout)
    page.wait_for_function(READY_JS, timeout=timeout)
    if text:
        page.get_by_text(text).first.wait_for(timeout=timeout)
    page.wait_for_timeout(settle_ms)


SCRUBBER_JS = """[...document.querySelectorAll('.js-plotly-plot')]
        .find(g => ((g.layout.sliders || [])[0]?.currentvalue?.prefix || '').startsWith('learning rate'))"""  # noqa: E501
SCRUB_LISTEN_JS = (
    """(k) => {
    const gd = """
    + SCRUBBER_JS
    + """;
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
    const animated = () => {
        const t0 = window.__scrub.t0;
        requestAnimationFrame(() => requestAnimationFrame(() => {
            window.__scrub.moves.push(performance.now() - t0);
            window.__scrub.said.push(drawn('verdict'));
            window.__scrub.paths.push(drawn('path'));
        }));
    };
    gd.__scrubListeners = [['plotly_sliderchange', changed], ['plotly_animated', animated]];
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
    const r = tick.getBoundingClientRect();
    return {x: r.left + r.width / 2, y: r.top + r.height / 2, rate: gd._fullData.find(t => t.name === 'rates').x[k]};
}"""  # noqa: E501
)


def click_rate(page, k: int) -> float:
    """Point at the k-th rate's tick on the scrubber's strip (its hover comes up), click
    it; the rate."""
    tick = page.evaluate(RATE_TICK_JS, k)
    page.mouse.move(tick["x"], tick["y"])
    page.wait_for_timeout(200)
    page.mouse.click(tick["x"], tick["y"])
    return tick["rate"]


def drag_scrubber(
    page, positions: int = 30, pause_ms: int = 60, slider: int = 0
) -> dict:
    """Drag the scrubber's grip (``slider`` 0: the learning rate's, 1: the momentum's)
    across its rail in ``positions`` moves, as a hand would.

    Returns the time from each slider change to the next painted frame (ms), the labels
    passed, and after each move the pair's verdict (None without a momentum slider) and
    the path's SVG line.
    """
    page.wait_for_function(
        f"() => !!({SCRUBBER_JS})?.querySelector('.slider-grip-rect')", timeout=60_000
    )
    rail = page.evaluate(SCRUB_LISTEN_JS, slider)
    page.mouse.move(rail["grip"], rail["y"])
    page.mouse.down()
    for k in range(positions + 1):
        page.mouse.move(
            rail["left"] + (rail["right"] - rail["left"]) * k / positions, rail["y"]
        )
        page.wait_for_timeout(pause_ms)
    page.mouse.up()
    page.wait_for_timeout(200)
    return page.evaluate("() => window.__scrub")


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
    box = page.locator('input[aria-label^="Learning rate (type"]')
    box.fill(lr)
    page.evaluate(TIME_CHANGE_JS, f"learning rate {lr}")
    box.press("Enter")
    page.wait_for_function("() => window.__took !== undefined", timeout=30_000)
    took = page.evaluate("() => window.__took")
    wait_ready(page, settle_ms=200)
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
