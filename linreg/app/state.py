"""Session state: the controls' values as ``Settings`` and ``ViewOptions``, presets, and
the callbacks that keep paired controls in step (the learning rate's slider and box; an
optimizer's defaults; a dataset's own data controls)."""

from __future__ import annotations

import streamlit as st

from ..bundled import default_columns_for
from ..experiment import TABULAR, Settings
from ..optimizers import HYPERPARAMETER_NAMES
from .cache import table_for
from .controls import SETTINGS_KEYS, VIEW_KEYS, ViewOptions, default, widget_value
from .presets import preset_settings

#: The data controls (the sidebar's Data section), by the kind of dataset that has them.
EVERY_DATASET = ("random_state", "test_fraction", "standardize")
GENERATED = ("noise", "n")  # the lesson's data and the synthetic line are drawn afresh
# the synthetic line's
LINE = ("slope", "intercept", "x_min", "x_max", "outlier_fraction", "outlier_scale")
COLUMNS = ("features", "target")  # a real table's
DATA_KEYS = (*GENERATED, *LINE, *COLUMNS, *EVERY_DATASET)
#: The dataset whose values the data controls hold now (set by the sidebar on every
#: run).
DATA_SHOWN = "_data_shown"
#: What the user set for each dataset they left: {dataset: {key: value}}, brought back
#: on their return.
DATA_CHOICES = "_data_choices"


def apply_settings(s: Settings) -> None:
    """Write settings into the widgets' state (from a callback, or before the widgets
    exist)."""
    for key in SETTINGS_KEYS:
        value = getattr(s, key)
        if value is None:  # a hyperparameter left to the optimizer's default
            st.session_state.pop(key, None)
        else:
            st.session_state[key] = widget_value(value)


def apply_preset(name: str | None) -> None:
    if name:
        remember_data_choices()
        apply_settings(preset_settings(name))
    st.session_state["preset_choice"] = None


def lr_from_slider() -> None:
    st.session_state["learning_rate"] = st.session_state["lr_slider"]


def new_sample() -> None:
    st.session_state["random_state"] = int(st.session_state.get("random_state", 0)) + 1


def data_keys(dataset: str) -> tuple[str, ...]:
    """The data controls ``dataset`` has."""
    kind = (
        COLUMNS
        if dataset in TABULAR
        else GENERATED + (LINE if dataset == "synthetic" else ())
    )
    return (*kind, *EVERY_DATASET)


def dataset_defaults(dataset: str) -> dict:
    """The values ``dataset`` opens with.  Real tables open standardized, on their
    default columns: their columns come in units far apart (dollars, years, cm), and
    unscaled they diverge at the default learning rate."""
    values = {key: default(key) for key in data_keys(dataset)}
    if dataset in TABULAR:
        values["standardize"] = True
        table = table_for(dataset)
        if table is not None:
            values["features"], values["target"] = default_columns_for(dataset, table)
    return values


def remember_data_choices() -> None:
    """Keep what the user set for the dataset on screen (what differs from its
    defaults), for their return."""
    shown = st.session_state.get(DATA_SHOWN)
    if shown is None:
        return
    defaults = dataset_defaults(shown)
    choices = {
        k: st.session_state[k]
        for k in data_keys(shown)
        if st.session_state.get(k) is not None
    }
    st.session_state.setdefault(DATA_CHOICES, {})[shown] = {
        k: v for k, v in choices.items() if widget_value(v) != widget_value(defaults[k])
    }


def open_dataset(dataset: str, forget: bool = False) -> None:
    """Every data control to ``dataset``'s own defaults, then to what the user set for
    it before (unless ``forget``: a new upload is another table); the controls it does
    not have go back to theirs.
    """
    choices = st.session_state.setdefault(DATA_CHOICES, {})
    if forget:
        choices.pop(dataset, None)
    values = {**dataset_defaults(dataset), **choices.get(dataset, {})}
    for key in DATA_KEYS:
        if key in values:
            st.session_state[key] = widget_value(values[key])
        else:
            st.session_state.pop(key, None)
    st.session_state["dataset"] = dataset
    st.session_state[DATA_SHOWN] = dataset


def dataset_changed() -> None:
    """The dataset box's callback: the new dataset comes with its own data controls (no
    columns, scaling or sample size left over from the last one)."""
    remember_data_choices()
    open_dataset(st.session_state["dataset"])


def optimizer_changed() -> None:
    """A new optimizer starts from its own defaults (Adagrad's eps is not Adam's)."""
    for key in HYPERPARAMETER_NAMES:
        st.session_state.pop(key, None)


def seed(key: str, value=None) -> None:
    """Give a widget its starting value through its state (never also as ``value=``)."""
    if key not in st.session_state:
        start = (
            default(key, st.session_state.get("optimizer", "gd"))
            if value is None
            else value
        )
        st.session_state[key] = widget_value(start)


def current_settings() -> Settings:
    """Settings from the widgets' state (the sidebar in app.py has run before any
    page)."""
    # one copy: each access to session state is a checked call
    state = st.session_state.to_dict()
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
