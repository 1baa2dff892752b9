"""App speed, measured in one run: server time per rerun (AppTest) and, in real chromium, the time
from a control change to the charts updated.  Targets (2-core machine): rerun <= 100 ms, slider to
charts <= 500 ms at defaults and <= 1.5 s at n = 100,000 and 10,000 epochs; figure < 1 MB.

python benchmarks/bench_app.py
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT))


def server_side() -> None:
    from apptest_util import app

    print("Server time per rerun (AppTest, median of 5)")
    for label, query in (("defaults", {}), ("n=100,000, 10,000 epochs", {"n": 100_000, "epochs": 10_000})):
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
            f"  {label:26s}: cached rerun {cached * 1e3:6.0f} ms, new data {fresh * 1e3:6.0f} ms, "
            f"figure {size / 1e6:.2f} MB"
        )


def browser_side() -> None:
    from browser_util import CHROMIUM, launch, streamlit_server, wait_ready

    if CHROMIUM is None:
        print("Browser: chromium not installed, skipped")
        return
    from playwright.sync_api import sync_playwright

    print("Browser: learning-rate change to charts updated (real chromium)")
    with streamlit_server() as url, sync_playwright() as p:
        browser = launch(p)
        for label, query in (("defaults", ""), ("n=100,000, 10,000 epochs", "?n=100000&epochs=10000")):
            page = browser.new_page(viewport={"width": 1600, "height": 1000})
            page.goto(url + "/" + query)
            wait_ready(page)
            page.wait_for_selector('[data-testid="stPlotlyChart"] .main-svg')
            box = page.locator('input[aria-label^="Learning rate (type"]')
            times = []
            for lr in ("0.02", "0.03", "0.04"):
                title = f"learning rate {lr}"
                t0 = time.perf_counter()
                box.fill(lr)
                box.press("Enter")
                page.get_by_text(title).first.wait_for(timeout=30_000)
                wait_ready(page, settle_ms=0)
                times.append(time.perf_counter() - t0)
            print(
                f"  {label:26s}: {json.dumps([round(t * 1e3) for t in times])} ms (median {sorted(times)[1] * 1e3:.0f})"
            )
            page.close()
        browser.close()


if __name__ == "__main__":
    server_side()
    browser_side()
