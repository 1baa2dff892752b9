"""A view saved as one self-contained HTML file: it opens from disk, offline, with its
sliders and Play working.

Plotly's JavaScript comes from the installed plotly package, inlined once for every
figure; the scripts a figure needs (the scrubber's PAIR_SLIDERS_JS) are inlined after
them; a caption says what the view shows and the link it came from.
"""

from __future__ import annotations

import html

import plotly.graph_objects as go
import plotly.io as pio
from plotly.offline import get_plotlyjs

#: The figures' toolbar in the saved file: no logo, no links out (it is read offline).
CONFIG = {"displaylogo": False, "showSendToCloud": False}


def view_html(
    figures: list[go.Figure | dict],
    title: str,
    caption: list[str],
    scripts: tuple[str, ...] = (),
) -> str:
    """One page: ``title``, the ``caption`` lines (plain text, escaped), each figure
    (its frames and sliders, not playing until asked), Plotly's bundle and the
    ``scripts`` (``<script>`` blocks, module constants), no network.  A figure given
    as a dict is a spec made from a figure (``go.Figure.to_dict``), written as is."""
    charts = [
        pio.to_html(
            fig,
            config=CONFIG,
            auto_play=False,
            include_plotlyjs=False,
            full_html=False,
            validate=False,
        )
        for fig in figures
    ]
    lines = "".join(f"<p>{html.escape(line)}</p>" for line in caption)
    code = "".join(scripts)
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{html.escape(title)}</title>"
        "<style>body{font-family:sans-serif;margin:12px;color:#222}p{margin:4px 0}"
        "p.note{color:#555;font-size:90%}</style>"
        f"<script>{get_plotlyjs()}</script></head><body><h3>{html.escape(title)}"
        f"</h3>{lines}"
        f"{''.join(charts)}{code}</body></html>"
    )
