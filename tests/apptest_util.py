"""Helpers for Streamlit AppTest: run the real app.py with URL parameters."""

from __future__ import annotations

import json
from pathlib import Path

from streamlit import config as st_config
from streamlit.runtime.pages_manager import PagesManager
from streamlit.testing.v1 import AppTest, app_test


class _RouterPagesManager(PagesManager):
    """AppTest resets the legacy ``pages/`` flag before every run, so each rerun would
    execute the page script without app.py (the router).  The app clears the flag itself
    on a real server (ui.disable_legacy_pages_folder); here it is cleared as AppTest
    creates its PagesManager.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        PagesManager.uses_pages_directory = False


app_test.PagesManager = _RouterPagesManager

APP = str(Path(__file__).resolve().parents[1] / "app.py")


def app(page: str | None = None, timeout: float = 120, **query) -> AppTest:
    """The real app.py run with ``query`` as the link's parameters (then switched to
    ``page``); each run must finish within ``timeout`` seconds."""
    # config.toml hides them in production
    st_config.set_option("client.showErrorDetails", "full")
    at = AppTest.from_file(APP, default_timeout=timeout)
    for k, v in query.items():
        at.query_params[k] = (
            [str(x) for x in v] if isinstance(v, (list, tuple)) else str(v)
        )
    at.run()
    if page:
        at.switch_page(page).run()
    return at


def assert_ok(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]


def chart_specs(at: AppTest) -> list[dict]:
    return [json.loads(c.proto.spec) for c in at.get("plotly_chart")]


def main_figure(at: AppTest) -> dict:
    """The largest chart on the page (the synchronized figure)."""
    specs = [c.proto.spec for c in at.get("plotly_chart")]
    return json.loads(max(specs, key=len))
