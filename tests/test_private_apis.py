"""The places the app leans on behaviour Streamlit and Plotly do not document, pinned in
requirements.txt: these tests fail loudly, with what to do, when an upgrade changes it.

``app.router.disable_legacy_pages_folder`` (and tests/apptest_util.py) clear Streamlit's
class attribute ``PagesManager.uses_pages_directory``: the page bodies live in
``pages/`` (the project's layout), which Streamlit would otherwise run as a legacy
multipage folder, without the router, until ``st.navigation`` runs.

``viz.animation.FramedFigure`` keeps a figure's animation frames as plain dicts: no
public API hands ``st.plotly_chart`` a spec without Plotly validating it (a dict is
validated, ~100 ms for 200 frames), so the figure is a ``go.Figure`` built with Plotly's
``_validate=False`` whose ``to_dict`` adds the frames, and Streamlit serialises a
``go.Figure`` through its ``to_dict``.
"""

import json
from importlib.metadata import version
from pathlib import Path

from packaging.requirements import Requirement
from streamlit.testing.v1 import AppTest

from linreg.viz.animation import FramedFigure

ROOT = Path(__file__).resolve().parents[1]
#: A frame entry Plotly's validator refuses: it reaches the browser only if nothing
#: validated the frames.
SENTINEL = "notaplotlyproperty"


def chart_with_unvalidated_frames():
    """An app script: one FramedFigure whose frame carries SENTINEL, drawn twice."""
    import plotly.graph_objects as go
    import streamlit as st

    from linreg.viz.animation import FramedFigure

    frames = [
        {
            "name": "0",
            "data": [{"x": [1.0], "y": [2.0]}],
            "traces": [0],
            "notaplotlyproperty": 1,
        }
    ]
    fig = FramedFigure(
        go.Figure(go.Scatter(x=[0.0, 1.0], y=[0.0, 1.0])),
        frames,
        {"sliders": [{"steps": []}]},
    )
    st.plotly_chart(fig, key="first")
    st.plotly_chart(fig, key="again")


def test_streamlit_sends_a_figure_as_its_to_dict_makes_it():
    at = AppTest.from_function(chart_with_unvalidated_frames).run()
    assert not at.exception, [e.value for e in at.exception]
    for chart in at.get("plotly_chart"):
        spec = json.loads(chart.proto.spec)
        assert spec.get("frames") and spec["frames"][0].get(SENTINEL) == 1, (
            "st.plotly_chart no longer serialises a go.Figure by its own to_dict()"
            " without validating it again: FramedFigure (linreg/viz/animation.py) loses"
            " its frames or their speed. Keep streamlit at the version pinned in"
            " requirements.txt, or find this version's way to send a prebuilt spec."
        )
        assert spec["layout"]["sliders"] == [{"steps": []}]


def test_plotly_builds_a_figure_without_validating_it():
    spec = {
        "data": [{"type": "scatter", "x": [0.0], "y": [0.0], SENTINEL: 1}],
        "layout": {},
    }
    fig = FramedFigure(spec, [], {})  # a validated figure would raise on SENTINEL
    assert fig.to_dict()["data"][0][SENTINEL] == 1, (
        "plotly ignores _validate=False now: see requirements.txt"
    )


def test_the_installed_versions_are_the_pinned_ones():
    pins = {}
    for line in (ROOT / "requirements.txt").read_text().splitlines():
        text = line.split("#")[0].strip()
        if text and not text.startswith("-"):
            requirement = Requirement(text)
            pins[requirement.name] = requirement.specifier
    for package in ("streamlit", "plotly"):
        assert pins[package].contains(version(package)), (
            f"{package} {version(package)} is not {pins[package]}"
        )


def test_the_legacy_pages_flag_is_where_the_router_clears_it():
    """If this fails, Streamlit moved or renamed the flag: find how it now decides to
    run ``pages/`` as a legacy folder, update linreg/app/router.py and
    tests/apptest_util.py, and re-pin streamlit in requirements.txt.
    """
    import inspect
    import re

    from streamlit.runtime.pages_manager import PagesManager
    from streamlit.runtime.scriptrunner import script_runner

    kept = PagesManager.uses_pages_directory
    try:
        # Streamlit sets the flag for this project's pages/ folder...
        PagesManager.uses_pages_directory = None
        PagesManager(str(ROOT / "app.py"))
        assert PagesManager.uses_pages_directory is True, (
            "Streamlit no longer marks an app with a pages/ folder as a legacy"
            " multipage app: the router's clearing may be unneeded"
        )
    finally:
        PagesManager.uses_pages_directory = kept
    # ...and a run reads it to run the legacy folder instead of the main script
    runner = inspect.getsource(script_runner)
    assert re.search(r"if PagesManager\.uses_pages_directory:\s+_mpa_v1\(", runner), (
        "a run no longer decides by PagesManager.uses_pages_directory whether to run"
        " pages/ as a legacy folder"
    )
