"""What the router (app.py) needs besides the page list: the legacy pages/ folder kept
out of the way."""

from __future__ import annotations

import streamlit as st


def disable_legacy_pages_folder() -> None:
    """Keep Streamlit from treating ``pages/`` as a legacy auto-discovered folder.

    Streamlit sets ``PagesManager.uses_pages_directory`` when a ``pages/`` folder sits
    next to the main script and clears it only once ``st.navigation`` runs.  While it is
    set, a run executes the page script directly, skipping the router (no sidebar, URL
    parameters dropped): seen on the first session after a server start.  Clear it and
    restart the run.  Every page calls this first, since a fresh server may run a page
    without the router.
    """
    from streamlit.runtime.pages_manager import PagesManager

    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()
