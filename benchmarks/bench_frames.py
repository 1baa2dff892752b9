"""The Playground's frames in headless chromium at 1280 x 720: the run drawn as it
happens (the path, the loss and the fourth view growing, the readout) beside today's
light frames (a git ref's own figure, by default main's: a marker and a short tail
moving over curves drawn once).  Budgets: each frame drawn in <= 40 ms (25 frames a
second), the figure <= 1 MB, the server's figure <= 50 ms once cached.

Each figure is drawn by the plotly.js that comes with the installed plotly package, then
every frame is played with the player's own arguments (no redraw, no transition), one at
a time: a frame's time is Plotly.animate's, from the call to its promise (the traces
drawn), three passes, median and 90th percentile.  The server's side goes through the
app's own cache (linreg/app/cache.py).

python benchmarks/bench_frames.py [--against main]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT))

from browser_util import CHROMIUM, launch  # noqa: E402

#: (label, Settings' fields): the lesson, a long run, an adaptive optimizer,
#: mini-batches of a larger sample.
CASES = (
    ("defaults", {}),
    ("10,000 epochs", {"epochs": 10_000}),
    ("Adam", {"optimizer": "adam", "learning_rate": 0.05}),
    ("mini-batch, n = 2,000", {"n": 2000, "batch": "mini", "epochs": 100}),
)
#: Run inside a tree (this one or the reference's): the Playground figure of each case,
#: as JSON, on stdout.
DUMP = """
import json, sys
import orjson
from linreg.experiment import Settings, run
from linreg.viz import playground
out = []
for fields in json.loads(sys.argv[1]):
    r = run(Settings(**fields))
    f = playground.playground_figure(r.traj, r.data.X, r.data.y, r.analysis, r.theta_original, r.optimum_original,
                                     x_pull=r.x_train[:, 0], test_loss=r.test_loss)
    out.append(orjson.loads(orjson.dumps(f.to_dict(), option=orjson.OPT_SERIALIZE_NUMPY)))
sys.stdout.write(json.dumps(out))
"""  # noqa: E501
PLAY_JS = """async (fig) => {
  const gd = document.getElementById('gd');
  await Plotly.newPlot(gd, fig.data, fig.layout);
  await Plotly.addFrames(gd, fig.frames);
  const times = [];
  for (let pass = 0; pass < 3; pass++) {
    for (const f of fig.frames) {
      await new Promise(r => requestAnimationFrame(r));
      const t0 = performance.now();
      await Plotly.animate(gd, [f.name], {mode: 'immediate', frame: {duration: 0, redraw: false},
                                          transition: {duration: 0}});
      times.push(performance.now() - t0);
    }
  }
  Plotly.purge(gd);
  return times;
}"""  # noqa: E501


def figures(tree: Path) -> list[dict]:
    """Each case's figure as the code in ``tree`` builds it (its own interpreter: two
    trees' linreg never mix)."""
    cases = json.dumps([fields for _, fields in CASES])
    done = subprocess.run(
        [sys.executable, "-c", DUMP, cases],
        cwd=tree,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout)


def reference_tree(ref: str, where: Path) -> Path:
    """The files of git ref ``ref`` (git archive) under ``where``."""
    archive = subprocess.run(
        ["git", "archive", ref], cwd=ROOT, capture_output=True, check=True
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(where)], input=archive, check=True)
    return where


def frame_times(page, fig: dict) -> list[float]:
    return page.evaluate(PLAY_JS, fig)


def server_side(fields: dict) -> tuple[float, float]:
    """(ms to build the figure of a cached run, ms for the cached figure) through the
    app's cache."""
    from linreg.app import cache
    from linreg.app.controls import ViewOptions
    from linreg.experiment import Settings

    settings = Settings(**fields)
    cache.cached_run(settings)
    start = time.perf_counter()
    cache.cached_playground_figure(settings, ViewOptions(), None, False).to_dict()
    built = time.perf_counter() - start
    start = time.perf_counter()
    cache.cached_playground_figure(settings, ViewOptions(), None, False).to_dict()
    return built * 1e3, (time.perf_counter() - start) * 1e3


def summary(times: list[float]) -> str:
    return (
        f"{statistics.median(times):5.1f} (p90"
        f" {sorted(times)[int(0.9 * len(times))]:5.1f})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--against",
        default="main",
        help="the git ref whose frames are today's (default main)",
    )
    args = parser.parse_args()
    if CHROMIUM is None:
        sys.exit("chromium is not installed (apt-get install -y chromium)")
    import plotly
    from playwright.sync_api import sync_playwright

    script = (
        Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
    ).read_text()
    ours = figures(ROOT)
    with tempfile.TemporaryDirectory() as where:
        today = figures(reference_tree(args.against, Path(where)))
    print(
        "Playground frames in chromium at 1280 x 720, ms a frame (budget 40): this"
        f" tree | {args.against}"
    )
    with sync_playwright() as p:
        browser = launch(p)
        page = browser.new_page(viewport={"width": 1280, "height": 720})
        page.set_content(
            "<html><body><div id='gd'"
            f" style='width:1200px'></div><script>{script}</script></body></html>"
        )
        for (label, fields), new, old in zip(CASES, ours, today, strict=True):
            size = len(json.dumps(new, separators=(",", ":")))
            built, cached = server_side(fields)
            print(
                f"  {label:22s} {summary(frame_times(page, new))} |"
                f" {summary(frame_times(page, old))} · figure {size / 1e6:.2f} MB"
                f" (today {len(json.dumps(old, separators=(',', ':'))) / 1e6:.2f}) ·"
                f" server {built:5.1f} built, {cached:4.1f} cached"
            )
        browser.close()


if __name__ == "__main__":
    main()
