"""The address bar: a link's values are read once per session, cleaned against each
control's range, and the controls' values are written back after every run.  Keys, not
labels, travel in the URL.

Widgets are not bound to the URL by Streamlit itself: a bound widget takes a link's
value before any code sees it (``?epochs=inf`` raised inside the widget), writes display
labels, and cannot be corrected through ``st.query_params``.
"""

from __future__ import annotations

import math
from urllib.parse import urlencode, urlsplit

import streamlit as st

from ..experiment import DATASETS, analysis_of
from ..optimizers import REGISTRY
from .controls import (
    LEARN_DEFAULTS,
    RACE_RATE,
    SETTINGS,
    SETTINGS_KEYS,
    VIEW_KEYS,
    control,
    default,
    widget_value,
)
from .labels import LABEL_TO_KEY
from .presets import PRESETS, preset_settings
from .state import apply_settings, current_settings, dataset_defaults, open_dataset

#: Names older links used for a key.
ALIASES = {"seed": "random_state", "lr": "learning_rate"}
NOTICES = "_url_notices"
# the controls the notices were shown with: they stay until one changes
NOTICES_FOR = "_url_notices_for"
READ = "_url_read"
TRUE, FALSE = ("true", "1", "yes", "on"), ("false", "0", "no", "off")


def url_keys() -> list[str]:
    """The keys the address bar carries right now (race rates only for the optimizers
    racing)."""
    racing = st.session_state.get("race_optimizers") or ()
    return [
        *SETTINGS_KEYS,
        *VIEW_KEYS,
        "race_optimizers",
        "race_mode",
        *(RACE_RATE + k for k in racing),
        *LEARN_DEFAULTS,
    ]


def parse(key: str, values: list[str], gd_limit: float | None = None):
    """A link's text for ``key`` as the control's value, or a ValueError that says what
    is allowed (a learning rate's range follows the data's limit ``gd_limit``,
    controls.learning_rate_range).
    """
    c = control(key, gd_limit)
    if c.kind == "multi":
        return tuple(
            _choice(key, v, c.options) if c.options else v for v in values if v != ""
        )
    text = values[-1].strip() if values else ""
    if c.kind == "text":
        return text
    if c.kind == "choice":
        return _choice(key, text, c.options)
    if c.kind == "bool":
        if text.lower() not in TRUE + FALSE:
            raise ValueError("must be true or false")
        return text.lower() in TRUE
    return _number(text, c)


def _choice(key: str, text: str, options: tuple) -> str:
    by_label = {k.lower(): v for k, v in LABEL_TO_KEY.get(key, {}).items()}
    found = text if text in options else by_label.get(text.lower(), text.lower())
    if found not in options:
        raise ValueError(f"must be one of {', '.join(options)}")
    return found


def _number(text: str, c) -> float | int:
    try:
        value = float(text)
    except ValueError:
        raise ValueError("is not a number") from None
    if not math.isfinite(value):
        raise ValueError("must be a finite number")
    if c.options:
        near = [
            o for o in c.options if math.isclose(o, value, rel_tol=1e-6, abs_tol=1e-300)
        ]
        if not near:
            raise ValueError(f"must be one of {', '.join(f'{o:g}' for o in c.options)}")
        return near[0]
    if not c.lo <= value <= c.hi:
        raise ValueError(f"must be between {c.lo:g} and {c.hi:g}")
    if c.kind == "int":
        if value != int(value):
            raise ValueError("must be a whole number")
        return int(value)
    return value


def read_link() -> None:
    """Once per session, before any widget: the link's values into the widgets' state,
    then its ``?preset=name`` (which sets every control); what cannot be used is left at
    its default and named in a notice (``link_notices``)."""
    if st.session_state.get(READ):
        return
    st.session_state[READ] = True
    notices = []
    params = {ALIASES.get(k, k): st.query_params.get_all(k) for k in st.query_params}
    preset = params.pop("preset", [None])[-1]
    optimizer = _optimizer_of(params)
    if (dataset := params.get("dataset", [None])[-1]) in DATASETS:
        # its own defaults (a table opens standardized); the link's own values follow
        open_dataset(dataset)
    rates = {
        k: v
        for k, v in params.items()
        if k == "learning_rate" or k.startswith(RACE_RATE)
    }
    for key, values in params.items():
        if key not in url_keys() and not key.startswith(RACE_RATE):
            notices.append(f"`{key}` is not a setting of this app: ignored.")
        elif key not in rates:
            notices += _take(key, values, optimizer)
    limit = _link_data_limit()  # the rates' range follows the data the link asks for
    for key, values in rates.items():
        notices += _take(key, values, optimizer, limit)
    if preset in PRESETS:
        apply_settings(preset_settings(preset))
    elif preset is not None:
        notices.append(
            f"`preset={preset}` is not a preset: showing the defaults instead."
        )
    st.session_state[NOTICES] = notices
    st.session_state.pop(NOTICES_FOR, None)


def _take(
    key: str, values: list[str], optimizer: str, gd_limit: float | None = None
) -> list[str]:
    """The link's value of ``key`` into its widget's state, or a notice of what is used
    instead."""
    try:
        st.session_state[key] = widget_value(parse(key, values, gd_limit))
    except ValueError as exc:
        shown = ", ".join(values)[:40]
        return [f"`{key}={shown}` {exc}: using {_fallback(key, optimizer)} instead."]
    return []


def _link_data_limit() -> float | None:
    """The full-batch limit 2/L of the data the link's other values describe (None: they
    cannot be built)."""
    try:
        return analysis_of(current_settings()).gd_limit
    except ValueError:
        return None


def _optimizer_of(params: dict) -> str:
    try:
        return (
            parse("optimizer", params["optimizer"])
            if "optimizer" in params
            else SETTINGS.optimizer
        )
    except ValueError:
        return SETTINGS.optimizer


def _fallback(key: str, optimizer: str) -> str:
    """What a bad value of ``key`` gives way to, in words: a hyperparameter the link's
    optimizer does not take is left to the registry's default of the optimizers that do
    (None is no value to name).
    """
    value = default(key, optimizer)
    if value is not None:
        return _show(value)
    values = {spec.defaults[key] for spec in REGISTRY.values() if key in spec.defaults}
    return _show(values.pop()) if len(values) == 1 else "each optimizer's own default"


def link_notices() -> list[str]:
    """What the link asked for and could not get: shown on every run (the width probe's
    rerun too) until the user changes a control, then forgotten."""
    notices = st.session_state.get(NOTICES)
    if not notices:
        return []
    params = link_params()
    shown_with = st.session_state.setdefault(NOTICES_FOR, params)
    if params != shown_with:
        del st.session_state[NOTICES], st.session_state[NOTICES_FOR]
        return []
    return notices


def _show(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:.15g}"
    if isinstance(value, (tuple, list)):
        return [_show(v) for v in value]
    return str(value)


def link_params() -> dict[str, str | list[str]]:
    """The controls' values that differ from their defaults, as the URL carries them."""
    # one copy: each access to session state is a checked call
    state = st.session_state.to_dict()
    optimizer = state.get("optimizer", SETTINGS.optimizer)
    # what a link naming the dataset opens with
    data = dataset_defaults(state.get("dataset", SETTINGS.dataset))
    params = {}
    for key in url_keys():
        value = state.get(key)
        if value is None:
            continue
        # a data control is written when it differs from either start: the link reads
        # the same either way
        if _differs(value, default(key, optimizer)) or (
            key in data and _differs(value, data[key])
        ):
            params[key] = _show(value)
    return params


def _differs(value, reference) -> bool:
    if isinstance(value, (list, tuple)) or isinstance(reference, (list, tuple)):
        return tuple(value or ()) != tuple(reference or ())
    return value != reference


def write_link() -> None:
    """After the run: the address bar shows the controls' values (a copied link
    reproduces the view)."""
    params = link_params()
    current = {k: st.query_params.get_all(k) for k in st.query_params}
    wanted = {k: v if isinstance(v, list) else [v] for k, v in params.items()}
    if current != wanted:
        st.query_params.from_dict(params)


def share_link(base: str, overrides: dict | None = None) -> str:
    """base?key=value&... with every value URL-encoded and every value of a repeated key
    kept; ``overrides`` (control key: value) in place of the controls' own."""
    params = link_params() | {k: _show(v) for k, v in (overrides or {}).items()}
    query = urlencode(params, doseq=True)
    if query and not urlsplit(base).path:  # http://host?... reads as http://host/?...
        base += "/"
    return f"{base}?{query}" if query else base
