"""The learning-rate scrubber in real chromium, beside the server round trip, measured in one run.

Scrubber: a hand drags the slider inside the figure across its rail (31 positions, 60 ms apart); each move
is timed from Plotly's slider change to the second animation frame after the new rate's traces are
drawn (painted), with no message to the server (websocket frames sent during the drag are counted).
Server round trip: the learning-rate box changed, to the charts redrawn.  Target: median move <= 100 ms.

python benchmarks/bench_scrub.py
"""

from __future__ import annotations

import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from browser_util import CHROMIUM, drag_scrubber, launch, streamlit_server, time_rate_change, wait_ready  # noqa: E402

CASES = (("Playground, defaults", "?scrub=true"), ("Playground, 10,000 epochs", "?scrub=true&epochs=10000"),
         ("Learning-rate sweep page", "sweep"))  # fmt: skip


def server_round_trip(page) -> float:
    """Median ms from a new learning rate typed in the sidebar to the charts redrawn with it, painted."""
    return statistics.median(time_rate_change(page, lr) for lr in ("0.02", "0.03", "0.04"))


def main() -> None:
    if CHROMIUM is None:
        sys.exit("chromium is not installed (apt-get install -y chromium)")
    from playwright.sync_api import sync_playwright

    print("Learning-rate scrubber, real chromium at 1280 x 720 (ms)")
    with streamlit_server() as url, sync_playwright() as p:
        browser = launch(p)
        for label, query in CASES:
            page = browser.new_page(viewport={"width": 1280, "height": 720})
            sent = []
            page.on("websocket", lambda ws, sent=sent: ws.on("framesent", lambda _: sent.append(1)))
            page.goto(f"{url}/{query}")
            wait_ready(page)
            before = len(sent)
            drag = drag_scrubber(page)
            during = len(sent) - before
            moves = drag["moves"]
            trip = server_round_trip(page) if "scrub" in query else float("nan")
            print(
                f"  {label:27s} scrubber move median {statistics.median(moves):5.0f} (p90 "
                f"{sorted(moves)[int(0.9 * len(moves))]:4.0f}, {len(moves)} moves, {during} websocket messages)"
                + (
                    f" | server round trip median {trip:4.0f}: {trip / statistics.median(moves):.1f}x"
                    if trip == trip
                    else ""
                )
            )
            page.close()
        browser.close()


if __name__ == "__main__":
    main()
