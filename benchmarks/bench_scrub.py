"""The scrubber in real chromium, beside the server round trip, measured in one run.

Scrubber: a hand drags a slider inside the figure across its rail (31 positions, 60 ms
apart; for Momentum and Nesterov the learning rate's, then the momentum's); each move is
timed from Plotly's slider change to the paint that shows the new frame's traces (the
"next paint": browser_util.SCRUB_LISTEN_JS), with no message to the server (websocket
frames sent during the drag are counted).  Each drag is also timed without the app's
memo of Plotly's schema crawl (app/plotly_memo.py: Plotly's own function put back),
side by side on the same page.  Server round trip: the
learning-rate box changed, to the charts redrawn.  Server build: the scrubber's runs and
figure made anew (Python, the run and the rate maps already cached), and the figure's
size as sent.  Targets: median move <= 33 ms, figure <= 2 MB, build <= 300 ms.

python benchmarks/bench_scrub.py
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT))

from browser_util import (  # noqa: E402
    CHROMIUM,
    drag_scrubber,
    launch,
    streamlit_server,
    time_rate_change,
    wait_ready,
)

CASES = (
    ("Playground, defaults", "?scrub=true"),
    ("Playground, 10,000 epochs", "?scrub=true&epochs=10000"),
    ("Learning-rate sweep page", "sweep"),
    ("Playground, Momentum", "?scrub=true&optimizer=momentum"),
    ("Playground, Nesterov", "?scrub=true&optimizer=nesterov"),
)
SLIDERS = ("learning rate", "momentum")
#: Plotly's own schema crawl put back, and the app's memo of it (app/plotly_memo.py).
WITHOUT_MEMO_JS = """() => {
    const schema = window.Plotly.PlotSchema;
    window.__memo = schema.findArrayAttributes;
    schema.findArrayAttributes = window.__memo.original;
}"""
WITH_MEMO_JS = "() => { window.Plotly.PlotSchema.findArrayAttributes = window.__memo; }"


def server_round_trip(page) -> float:
    """Median ms from a new learning rate typed in the sidebar to the charts redrawn
    with it, painted."""
    return statistics.median(
        time_rate_change(page, lr) for lr in ("0.02", "0.03", "0.04")
    )


def server_build(optimizer: str, epochs: int = 2000) -> tuple[float, float]:
    """(median ms to make the scrubber's runs and figure, serialised; MB of the figure)
    for the lesson's data."""
    from linreg.app import cache, views
    from linreg.experiment import Settings

    settings = Settings(optimizer=optimizer, epochs=epochs)
    cache.cached_run(settings)
    if views.scrubbed_momenta(settings) is not None:
        cache.momentum_rate_maps(settings)
    took = []
    for _ in range(3):
        cache.cached_rate_paths.clear()
        cache.cached_scrubber_figure.clear()
        start = time.perf_counter()
        spec = cache.cached_scrubber_figure(settings, False).to_dict()
        took.append(1000 * (time.perf_counter() - start))
    return statistics.median(took), len(json.dumps(spec, default=str)) / 1e6


def main() -> None:
    if CHROMIUM is None:
        sys.exit("chromium is not installed (apt-get install -y chromium)")
    from playwright.sync_api import sync_playwright

    print(
        "Server build of the scrubber (runs + figure, Python; run and rate maps cached)"
    )
    for optimizer in ("gd", "momentum", "nesterov"):
        ms, mb = server_build(optimizer)
        print(f"  {optimizer:9s} {ms:5.0f} ms, figure {mb:.2f} MB")
    print("Scrubber, real chromium at 1280 x 720 (ms)")
    with streamlit_server() as url, sync_playwright() as p:
        browser = launch(p)
        for label, query in CASES:
            page = browser.new_page(viewport={"width": 1280, "height": 720})
            sent = []
            page.on(
                "websocket",
                lambda ws, sent=sent: ws.on("framesent", lambda _: sent.append(1)),
            )
            page.goto(f"{url}/{query}")
            # the width probe
            page.wait_for_function(
                "() => !!document.body.dataset.drawnFor", timeout=60_000
            )
            wait_ready(page)
            sliders = SLIDERS if "optimizer=" in query else SLIDERS[:1]
            trip = server_round_trip(page) if "scrub" in query else float("nan")
            for k, slider in enumerate(sliders):
                before = len(sent)
                moves, plain = [], []
                for _ in range(2):  # interleaved: the machine's load falls on both
                    moves += drag_scrubber(page, slider=k)["moves"]
                    page.evaluate(WITHOUT_MEMO_JS)
                    plain += drag_scrubber(page, slider=k)["moves"]
                    page.evaluate(WITH_MEMO_JS)
                during = len(sent) - before
                median, p90 = (
                    statistics.median(moves),
                    sorted(moves)[int(0.9 * len(moves))],
                )
                print(
                    f"  {label:27s} {slider:13s} move median {median:5.0f} (p90"
                    f" {p90:4.0f}, {len(moves)} moves, {during} websocket messages)"
                    f" | without the memo {statistics.median(plain):4.0f}:"
                    f" {statistics.median(plain) / median:.1f}x"
                    + (
                        f" | server round trip median {trip:4.0f}: {trip / median:.1f}x"
                        if trip == trip
                        else ""
                    )
                )
            page.close()
        browser.close()


if __name__ == "__main__":
    main()
