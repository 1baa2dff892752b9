"""The Playground's frames in real chromium at 1280 x 720: the run drawn as it happens (the path, the loss and the
fourth view growing, the readout) beside today's light frames (Whole run: a marker and a short tail move over
curves drawn once).  Budgets: each frame drawn in <= 40 ms (25 frames a second), the figure <= 1 MB, the server's
figure <= 50 ms once cached.

Frame time: the player's Fast button asks for a frame every 15 ms, so the time between two frames Plotly draws
is what one frame costs (drawing and painting); the median and the 90th percentile over a whole play.

python benchmarks/bench_frames.py
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT))

from browser_util import CHROMIUM, launch, streamlit_server, wait_ready  # noqa: E402

CASES = (
    ("today's light frames (Whole run)", "?whole_run=true&convergence_panel=hide"),
    ("unfolding, defaults", "?"),
    ("unfolding, 10,000 epochs", "?epochs=10000"),
    ("unfolding, Adam", "?optimizer=adam&learning_rate=0.05"),
    ("unfolding, 3 features, mini-batch", "?dataset=diabetes&features=bmi&features=bp&features=s5&batch=mini"),
)
#: Every frame Plotly starts, timed; resolves with the gaps between them once the play has ended.
PLAY_JS = """() => new Promise(resolve => {
  const gd = document.querySelector('.st-key-playground .js-plotly-plot');
  gd.scrollIntoView({block: 'center'});
  const times = [];
  gd.on('plotly_animatingframe', () => times.push(performance.now()));
  gd.on('plotly_animated', () => requestAnimationFrame(() => requestAnimationFrame(() => {
    const t = times.concat([performance.now()]);
    resolve({gaps: t.slice(1).map((v, i) => v - t[i]), frames: gd._transitionData._frames.length});
  })));
  [...gd.querySelectorAll('.updatemenu-button')].find(b => b.textContent.includes('Fast')).dispatchEvent(
    new MouseEvent('click', {bubbles: true}));
})"""


def frame_times(page) -> tuple[list[float], int]:
    result = page.evaluate(PLAY_JS)
    return result["gaps"][1:], result["frames"]  # the first gap waits for the button's own work


def server_side(query: str) -> tuple[float, float, int]:
    """(ms to build the figure, ms for a cached one, bytes sent) through the app's own cache."""
    import orjson

    from linreg.app import cache
    from linreg.app.controls import ViewOptions
    from linreg.experiment import Settings

    pairs = [p.split("=") for p in query.lstrip("?").split("&") if p]
    values: dict = {}
    for key, value in pairs:
        values.setdefault(key, []).append(value)
    view_keys = {"whole_run": lambda v: v == "true", "convergence_panel": str}
    view = ViewOptions(**{k: view_keys[k](v[-1]) for k, v in values.items() if k in view_keys})
    fields = {k: v for k, v in values.items() if k not in view_keys}
    numbers = {"epochs": int, "learning_rate": float}
    settings = Settings(**{k: tuple(v) if k == "features" else numbers.get(k, str)(v[-1]) for k, v in fields.items()})
    cache.cached_run(settings)
    start = time.perf_counter()
    fig = cache.cached_playground_figure(settings, view, None, False)
    size = len(orjson.dumps(fig.to_dict(), option=orjson.OPT_SERIALIZE_NUMPY))
    built = time.perf_counter() - start
    start = time.perf_counter()
    cache.cached_playground_figure(settings, view, None, False).to_dict()
    return built * 1e3, (time.perf_counter() - start) * 1e3, size


def main() -> None:
    if CHROMIUM is None:
        sys.exit("chromium is not installed (apt-get install -y chromium)")
    from playwright.sync_api import sync_playwright

    print("Playground frames, real chromium at 1280 x 720 (ms a frame; budget 40) and the server's figure")
    with streamlit_server() as url, sync_playwright() as p:
        browser = launch(p)
        for label, query in CASES:
            page = browser.new_page(viewport={"width": 1280, "height": 720})
            page.goto(f"{url}/{query}")
            wait_ready(page)
            page.wait_for_selector(".st-key-playground .main-svg", timeout=120_000)
            gaps, frames = frame_times(page)
            built, cached, size = server_side(query)
            p90 = sorted(gaps)[int(0.9 * len(gaps))]
            print(
                f"  {label:36s} frame median {statistics.median(gaps):5.1f} p90 {p90:5.1f}"
                f" ({frames} frames) | figure {size / 1e6:.2f} MB, built {built:5.1f}, cached {cached:4.1f}"
            )
            page.close()
        browser.close()


if __name__ == "__main__":
    main()
