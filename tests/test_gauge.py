"""The sidebar's stability gauge (plain HTML): zones, the current rate and the limit
where a log scale puts them, computed here by hand from the zone edges, and the rate's
mark inside its own zone.
"""

from __future__ import annotations

import itertools
import math
import re
from html.parser import HTMLParser

import pytest

from linreg.experiment import Settings, run
from linreg.theory import rate_map
from linreg.viz.rates import GAUGE_PX, stability_gauge


class _Boxes(HTMLParser):
    """Every positioned box of the gauge: its left edge and width (percent), title and
    text."""

    def __init__(self):
        super().__init__()
        self.boxes: list[dict] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        style = a.get("style", "")
        left = re.search(r"left:([-\d.]+)%", style)
        width = re.search(r"width:calc\(([-\d.]+)% - ([-\d.]+)%\)", style)
        if left:
            self.boxes.append(
                {
                    "left": float(left.group(1)),
                    "title": a.get("title", ""),
                    "text": "",
                    "width": (
                        float(width.group(1)) - float(width.group(2)) if width else None
                    ),
                }
            )

    def handle_data(self, data):
        if self.boxes:
            self.boxes[-1]["text"] += data


def _boxes(html: str) -> list[dict]:
    parser = _Boxes()
    parser.feed(html)
    return parser.boxes


def _percent(rate: float, lo: float, hi: float) -> float:
    return 100 * (math.log10(rate) - math.log10(lo)) / (math.log10(hi) - math.log10(lo))


# the lesson's data: monotone | zig-zag | diverging, edges at 1/L and 2/L
R = run(Settings())
MAP = rate_map(R.analysis, "gd")
L = float(R.analysis.eigenvalues[-1])


@pytest.mark.parametrize("learning_rate", [0.01, 0.2, 0.77, 2.0])
def test_the_gauge_puts_rates_where_a_log_scale_does(learning_rate):
    lo = min(learning_rate, 1 / L, 2 / (R.analysis.eigenvalues[0] + L)) / 10
    hi = max(learning_rate, 2 / L) * 10
    boxes = _boxes(stability_gauge(learning_rate, MAP))
    mark = next(b for b in boxes if b["title"].startswith("learning rate"))
    assert mark["left"] == pytest.approx(_percent(learning_rate, lo, hi), abs=0.01)
    bands = {b["title"].split(":")[0]: b for b in boxes if b["width"] is not None}
    zone = (
        "monotone"
        if learning_rate <= 1 / L
        else "zig-zag"
        if learning_rate < 2 / L
        else "diverging"
    )
    own = bands[zone]
    # the mark sits in its own zone
    assert own["left"] <= mark["left"] <= own["left"] + own["width"]
    edges = {
        "monotone": (0, 1 / L),
        "zig-zag": (1 / L, 2 / L),
        "diverging": (2 / L, math.inf),
    }
    for name, (a, b) in edges.items():  # each band spans its zone's edges
        a, b = max(a, lo), min(b, hi)
        assert bands[name]["left"] == pytest.approx(_percent(a, lo, hi), abs=0.01), name
        assert bands[name]["width"] == pytest.approx(
            _percent(b, lo, hi) - _percent(a, lo, hi), abs=0.02
        ), name
    limit = next(b for b in boxes if b["text"].startswith("limit"))
    # rounded down: every rate below the number shown is stable
    shown = math.floor(2 / L * 1000) / 1000
    assert limit["text"] == f"limit {shown:g}" and limit["left"] == pytest.approx(
        _percent(2 / L, lo, hi), abs=0.01
    )
    decades = {
        b["text"]: b["left"] for b in boxes if re.fullmatch(r"[\d.e+-]+", b["text"])
    }
    every = [
        10.0**k
        for k in range(math.ceil(math.log10(lo)), math.floor(math.log10(hi)) + 1)
    ]
    assert set(decades) <= {f"{d:g}" for d in every} and 2 <= len(decades) <= 5
    assert all(
        left == pytest.approx(_percent(float(t), lo, hi), abs=0.01)
        for t, left in decades.items()
    )


def _label_px(boxes) -> list[tuple[float, float]]:
    """Each decade label's extent in px on a GAUGE_PX wide gauge (centred, ~7.5 px a
    character)."""
    out = []
    for b in boxes:
        if re.fullmatch(r"[\d.e+-]+", b["text"]):
            centre, half = b["left"] / 100 * GAUGE_PX, len(b["text"]) * 7.5 / 2
            out.append((centre - half, centre + half))
    return sorted(out)


@pytest.mark.parametrize("learning_rate", [1e-6, 1e-3, 0.5, 50.0])
def test_labels_never_touch(learning_rate):
    """Zone names only where they fit inside their band; decade labels thinned so that
    none overlap."""
    boxes = _boxes(stability_gauge(learning_rate, MAP))
    for b in boxes:
        if b["width"] is not None and b["text"]:
            assert b["width"] / 100 * GAUGE_PX >= len(b["text"]) * 7.5, b
    labels = _label_px(boxes)
    assert all(left[1] < right[0] for left, right in itertools.pairwise(labels))


def test_the_gauge_names_only_the_zones_wide_enough():
    boxes = _boxes(stability_gauge(0.01, MAP))
    named = {
        b["title"].split(":")[0]: b["text"] for b in boxes if b["width"] is not None
    }
    assert named["monotone"] == "monotone"
    # 0.394 .. 0.789: too narrow for its name at this scale
    assert named["zig-zag"] == ""
