"""The sidebar's stability gauge (plain HTML): zones, the current rate and the limit where a log scale
puts them, computed here by hand from the zone edges, and the rate's mark inside its own zone."""

from __future__ import annotations

import math
import re
from html.parser import HTMLParser

import pytest

from linreg.analysis import ZONES, Analysis
from linreg.experiment import Settings, run
from linreg.viz.rates import stability_gauge


class _Boxes(HTMLParser):
    """Every positioned box of the gauge: its left edge and width (percent), title and text."""

    def __init__(self):
        super().__init__()
        self.boxes: list[dict] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        style = a.get("style", "")
        left = re.search(r"left:([-\d.]+)%", style)
        width = re.search(r"width:calc\(([-\d.]+)% - ([-\d.]+)%\)", style)
        if left:
            self.boxes.append({
                "left": float(left.group(1)), "title": a.get("title", ""), "text": "",
                "width": float(width.group(1)) - float(width.group(2)) if width else None,
            })  # fmt: skip

    def handle_data(self, data):
        if self.boxes:
            self.boxes[-1]["text"] += data


def _boxes(html: str) -> list[dict]:
    parser = _Boxes()
    parser.feed(html)
    return parser.boxes


def _percent(rate: float, lo: float, hi: float) -> float:
    return 100 * (math.log10(rate) - math.log10(lo)) / (math.log10(hi) - math.log10(lo))


EDGES = run(Settings()).analysis.zone_edges("gd")  # the lesson's data: slow | good | oscillating | diverging


@pytest.mark.parametrize("learning_rate", [0.01, 0.2, 0.77, 2.0])
def test_the_gauge_puts_rates_where_a_log_scale_does(learning_rate):
    lo, hi = min(learning_rate, EDGES[1]) / 10, max(learning_rate, EDGES[3]) * 10
    boxes = _boxes(stability_gauge(learning_rate, EDGES))
    mark = next(b for b in boxes if b["title"].startswith("learning rate"))
    assert mark["left"] == pytest.approx(_percent(learning_rate, lo, hi), abs=0.01)
    bands = {b["title"].split(":")[0]: b for b in boxes if b["width"] is not None}
    zone = Analysis.zone(learning_rate, EDGES)
    own = bands[zone]
    assert own["left"] <= mark["left"] <= own["left"] + own["width"]  # the mark sits in its own zone
    for name, a, b in zip(ZONES, EDGES[:-1], EDGES[1:], strict=True):  # each band spans its zone's edges
        a, b = max(a, lo), min(b, hi)
        if b > a:
            assert bands[name]["left"] == pytest.approx(_percent(a, lo, hi), abs=0.01), name
            assert bands[name]["width"] == pytest.approx(_percent(b, lo, hi) - _percent(a, lo, hi), abs=0.02), name
    limit = next(b for b in boxes if b["text"].startswith("limit"))
    assert limit["text"] == f"limit {EDGES[3]:.3g}" and limit["left"] == pytest.approx(
        _percent(EDGES[3], lo, hi), abs=0.01
    )
    decades = {b["text"]: b["left"] for b in boxes if re.fullmatch(r"[\d.e+-]+", b["text"])}
    expected = [10.0**k for k in range(math.ceil(math.log10(lo)), math.floor(math.log10(hi)) + 1)]
    assert sorted(float(t) for t in decades) == pytest.approx(expected)
    assert all(left == pytest.approx(_percent(float(t), lo, hi), abs=0.01) for t, left in decades.items())


def test_the_gauge_names_only_the_zones_wide_enough():
    boxes = _boxes(stability_gauge(0.01, EDGES))
    named = {b["title"].split(":")[0]: b["text"] for b in boxes if b["width"] is not None}
    assert named["slow"] == "slow" and named["good"] == "good"
    assert named["oscillating"] == ""  # 0.749 .. 0.789: a sliver, unlabelled
