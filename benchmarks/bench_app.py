"""App speed, measured in one run: server time per rerun (AppTest) and, in real
chromium, the time from a learning-rate change to the charts painted, beside the stack's
floor.

The floor is the smallest Streamlit app that redraws the same figure when a number
changes (benchmarks/floor_app.py: no training, no figure building): Streamlit's round
trip plus Plotly drawing that figure.  The app and the floor run side by side, their
changes interleaved, in one chromium.  Targets (2-core machine): a cached rerun <= 100
ms; a change to the charts painted <= 1.3x the floor, with the step player's frames and
with the learning-rate scrubber's 60 runs in the figure; figure < 1 MB.

python benchmarks/bench_app.py
"""

from __future__ import annotations

import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

import plotly.io as pio

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT))

from browser_util import (  # noqa: E402
    CHROMIUM,
    launch,
    streamlit_server,
    time_rate_change,
    wait_ready,
)


def server_side() -> None:
    from apptest_util import app

    print("Server time per rerun (AppTest, median of 5)")
    for label, query in (
        ("defaults", {}),
        ("n=100,000, 10,000 epochs", {"n": 100_000, "epochs": 10_000}),
    ):
        at = app(**query)
        times = []
        for _ in range(5):
            t0 = time.perf_counter()
            at.run()
            times.append(time.perf_counter() - t0)
        cached = sorted(times)[2]
        t0 = time.perf_counter()
        at.sidebar.number_input(key="random_state").set_value(
            at.sidebar.number_input(key="random_state").value + 7
        ).run()
        fresh = time.perf_counter() - t0
        size = max(len(c.proto.spec) for c in at.get("plotly_chart"))
        print(
            f"  {label:26s}: cached rerun {cached * 1e3:6.0f} ms, new data"
            f" {fresh * 1e3:6.0f} ms, figure {size / 1e6:.2f} MB"
        )


CASES = (
    ("Playground, step player", ""),
    ("Playground, learning-rate scrubber", "scrub=true"),
)
RATES = tuple(f"{k / 100:g}" for k in range(2, 16))  # 14 changes each, interleaved


def floor_figures(folder: Path) -> None:
    """The figures the app draws at its defaults, for the floor app to draw."""
    from linreg.app import cache
    from linreg.app.controls import ViewOptions
    from linreg.experiment import Settings

    figures = {
        "": cache.cached_playground_figure.__wrapped__(
            Settings(), ViewOptions(), None, False
        ),
        "scrub=true": cache.cached_scrubber_figure.__wrapped__(Settings(), False),
    }
    for query, fig in figures.items():
        (folder / f"{query.replace('=', '_') or 'steps'}.json").write_text(
            pio.to_json(fig.to_dict(), validate=False)
        )


def browser_side() -> None:
    if CHROMIUM is None:
        print("Browser: chromium not installed, skipped")
        return
    from playwright.sync_api import sync_playwright

    print(
        "Browser, 1280 x 720: learning-rate change to charts painted, the app beside"
        " the floor (ms, medians)"
    )
    with tempfile.TemporaryDirectory() as folder:
        floor_figures(Path(folder))
        floor_env = {"FLOOR_FIGURES": folder}
        with (
            streamlit_server() as app_url,
            streamlit_server(
                script="benchmarks/floor_app.py", env=floor_env
            ) as floor_url,
            sync_playwright() as p,
        ):
            browser = launch(p)
            for label, query in CASES:
                name = query.replace("=", "_") or "steps"
                pages = {
                    "app": browser.new_page(viewport={"width": 1280, "height": 720}),
                    "floor": browser.new_page(viewport={"width": 1280, "height": 720}),
                }
                pages["app"].goto(f"{app_url}/?{query}")
                pages["floor"].goto(f"{floor_url}/?figure={name}")
                for page in pages.values():
                    wait_ready(page)
                    page.wait_for_selector('[data-testid="stPlotlyChart"] .main-svg')
                times = {"app": [], "floor": []}
                # interleaved: both see the same moment of a shared, noisy machine
                for lr in RATES:
                    for who, page in pages.items():
                        times[who].append(time_rate_change(page, lr))
                app, floor = (statistics.median(times[k]) for k in ("app", "floor"))
                print(
                    f"  {label:36s}: app {app:5.0f}"
                    f" {json.dumps([round(t) for t in times['app']])}, floor"
                    f" {floor:5.0f} {json.dumps([round(t) for t in times['floor']])}:"
                    f" {app / floor:.2f}x the floor"
                )
                for page in pages.values():
                    page.close()
            browser.close()


if __name__ == "__main__":
    server_side()
    browser_side()
