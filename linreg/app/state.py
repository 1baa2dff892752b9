"""Session state: the controls' values as ``Settings`` and ``ViewOptions``, presets, and the callbacks
that keep paired controls in step (the learning rate's slider and box; an optimizer's defaults)."""

from __future__ import annotations

import streamlit as st

from ..experiment import TABULAR, Settings
from ..optimizers import HYPERPARAMETER_NAMES
from .controls import SETTINGS_KEYS, VIEW_KEYS, ViewOptions, default, widget_value
from .presets import preset_settings


def apply_settings(s: Settings) -> None:
    """Write settings into the widgets' state (from a callback, or before the widgets exist)."""
    for key in SETTINGS_KEYS:
        value = getattr(s, key)
        if value is None:  # a hyperparameter left to the optimizer's default
            st.session_state.pop(key, None)
        else:
            st.session_state[key] = widget_value(value)


def apply_preset(name: str | None) -> None:
    if name:
        apply_settings(preset_settings(name))
    st.session_state["preset_choice"] = None


def lr_from_slider() -> None:
    st.session_state["learning_rate"] = st.session_state["lr_slider"]


def new_sample() -> None:
    st.session_state["random_state"] = int(st.session_state.get("random_state", 0)) + 1


def dataset_changed() -> None:
    """Real tables open standardized: their columns come in units far apart (dollars, years, cm), and
    unscaled they diverge at the default learning rate."""
    if st.session_state.get("dataset") in TABULAR:
        st.session_state["standardize"] = True


def optimizer_changed() -> None:
    """A new optimizer starts from its own defaults (Adagrad's eps is not Adam's)."""
    for key in HYPERPARAMETER_NAMES:
        st.session_state.pop(key, None)


def seed(key: str, value=None) -> None:
    """Give a widget its starting value through its state (never also as ``value=``)."""
    if key not in st.session_state:
        start = default(key, st.session_state.get("optimizer", "gd")) if value is None else value
        st.session_state[key] = widget_value(start)


def current_settings() -> Settings:
    """Settings from the widgets' state (the sidebar in app.py has run before any page)."""
    state = st.session_state.to_dict()  # one copy: each access to session state is a checked call
    values = {k: state[k] for k in SETTINGS_KEYS if state.get(k) is not None}
    values["features"] = tuple(values.get("features") or ())
    if values.get("dataset") not in TABULAR:
        values["features"], values["target"] = (), ""
    if values.get("dataset") == "upload":
        values["upload_id"] = state.get("upload_id", "")
    return Settings(**values)


def current_view() -> ViewOptions:
    state = st.session_state.to_dict()
    return ViewOptions(**{k: state.get(k, getattr(ViewOptions, k)) for k in VIEW_KEYS})
