"""The shared sidebar (drawn by app.py before every page) and the preset bar.

Each widget's key is its ``Settings``/``ViewOptions`` field name and the URL key; its
range and step come from ``controls.CONTROLS``; its starting value is seeded into its
state (``state.seed``).
"""

from __future__ import annotations

from contextvars import ContextVar

import streamlit as st

from ..bundled import default_columns_for
from ..experiment import TABULAR, Settings
from ..optimizers import REGISTRY
from ..theory import rate_sentence
from ..viz import rates
from . import labels
from .cache import cached_run, rate_map_of, table_for
from .controls import CONTROLS, learning_rate_options, learning_rate_range
from .display import plain
from .presets import PRESETS
from .state import (
    DATA_SHOWN,
    apply_preset,
    current_settings,
    dataset_changed,
    lr_from_slider,
    new_sample,
    optimizer_changed,
    seed,
)

#: This run's empty slot under each control an error can name
#: (labels.CONTROL_OF_PARAMETER), filled by sidebar() with the message once the settings
#: are known: the message sits beside the control it is about.
_slots: ContextVar[dict] = ContextVar("control_slots")
_SLOTTED = {key for key, _ in labels.CONTROL_OF_PARAMETER.values()}


def _beside(where, key: str) -> None:
    """Keep an empty slot under the control ``key`` just drawn in ``where``, for a
    message about it."""
    slots = _slots.get(None)
    if slots is not None and key in _SLOTTED:
        slots[key] = where.empty()


#: The help (the "?" beside a control) of the controls that need more than their
#: label.
HELP = {
    "learning_rate": (
        "A value outside this range is not taken: the box keeps the last one. The range"
        " follows the data: it reaches well below their stability limit 2/L."
    ),
    "preset_choice": (
        "One click sets every control; the link in the address bar then reproduces the"
        " view."
    ),
    "tol": (
        "A run has converged from the step on which the gradient norm falls below this"
        " and stays there."
    ),
    "whole_run": (
        "The whole path and loss curve at once (a still slide); off, they are drawn up"
        " to the current step as the run plays."
    ),
    "convergence_panel": (
        "The error along the steepest and the shallowest eigen-axis per step, or for"
        " Adagrad, RMSprop and Adam each coordinate's effective step. Auto: shown,"
        " except when presenting."
    ),
}


def lr_box_label(lo: float, hi: float) -> str:
    return f"Learning rate (type a value from {lo:g} to {hi:g})"


def _drawn(where, key: str, widget: str, label: str, **kwargs):
    """The control ``key`` drawn with ``where``'s ``widget`` (its value seeded first,
    its HELP beside it), with its slot for a message kept under it."""
    seed(key)
    value = getattr(where, widget)(label, key=key, help=HELP.get(key), **kwargs)
    _beside(where, key)
    return value


def _number(where, key: str, label: str, **kwargs):
    c = CONTROLS[key]
    step = int(c.step) if c.kind == "int" and c.step else c.step
    lo, hi = (int(c.lo), int(c.hi)) if c.kind == "int" else (c.lo, c.hi)
    bounds = {"min_value": lo, "max_value": hi, "step": step}
    return _drawn(where, key, "number_input", label, **bounds, **kwargs)


def _slider(where, key: str, label: str, **kwargs):
    c = CONTROLS[key]
    bounds = {"min_value": c.lo, "max_value": c.hi, "step": c.step}
    return _drawn(where, key, "slider", label, **bounds, **kwargs)


def _options(where, key: str, label: str, **kwargs):
    shown = {"options": CONTROLS[key].options, "format_func": _number_text}
    return _drawn(where, key, "select_slider", label, **shown, **kwargs)


def _number_text(value: float) -> str:
    return f"{value:g}"


def _choice(
    where, key: str, label: str, names: dict, widget: str = "selectbox", **kwargs
):
    options = list(CONTROLS[key].options)
    return _drawn(
        where, key, widget, label, options=options, format_func=names.get, **kwargs
    )


def _named_radio(key: str, label: str, **kwargs):
    """A horizontal radio in the page whose options are their own labels."""
    names = {k: k for k in CONTROLS[key].options}
    return _choice(st, key, label, names, widget="radio", horizontal=True, **kwargs)


def _checkbox(where, key: str, label: str, **kwargs):
    return _drawn(where, key, "checkbox", label, **kwargs)


def sidebar() -> Settings:
    """All shared controls; returns the settings they describe.  When they cannot run,
    the message is placed under the control it names."""
    sb = st.sidebar
    slots = {}
    token = _slots.set(slots)
    try:
        rate_slot, gauge_slot = _optimizer_controls(sb)
        with sb.expander("Data", expanded=False):
            _data_controls()
        with sb.expander("Loss, L2 and start", expanded=False):
            _loss_controls()
        with sb.expander("View", expanded=False):
            _view_controls()
        settings = current_settings()
        with rate_slot:
            learning_rate_controls(data_limit(settings))
            _beside(st, "learning_rate")
        with gauge_slot:
            stability_gauge(settings)
    finally:
        _slots.reset(token)
    if (error := settings_error(settings)) is not None:
        key, _ = labels.control_of(error)
        if key in slots:
            slots[key].error(str(error), icon=":material/error:")
    return settings


def settings_error(settings: Settings) -> ValueError | None:
    """Why the settings cannot run (None when they can)."""
    try:
        cached_run(settings)
    except ValueError as exc:
        return exc
    return None


def data_limit(settings: Settings) -> float | None:
    """The data's full-batch GD limit 2/L (None when the settings cannot run: the page
    says why)."""
    try:
        return cached_run(settings).analysis.gd_limit
    except ValueError:
        return None


def learning_rate_controls(gd_limit: float | None) -> None:
    """The log slider and the exact box, their ranges following the data's limit
    (controls.learning_rate_range): drawn once the data are known, in the slot kept for
    them under the optimizer."""
    seed("learning_rate")
    lo, hi = learning_rate_range(gd_limit, st.session_state["learning_rate"])
    slider_slot = st.container()
    lr = st.number_input(
        lr_box_label(lo, hi),
        min_value=lo,
        max_value=hi,
        format="%g",
        step=None,
        key="learning_rate",
        help=HELP["learning_rate"],
    )
    # the slider always shows the box's number, typed or from a preset
    st.session_state["lr_slider"] = lr
    options = sorted({*learning_rate_options(gd_limit), lr})
    slider_slot.select_slider(
        "Learning rate (log scale)",
        options=options,
        format_func=lambda v: f"{v:g}",
        key="lr_slider",
        on_change=lr_from_slider,
    )


def preset_bar() -> None:
    """One click per classroom preset (each also reachable as ?preset=name)."""
    st.pills(
        "Classroom presets",
        list(PRESETS),
        format_func=lambda k: PRESETS[k].label,
        key="preset_choice",
        on_change=lambda: apply_preset(st.session_state.get("preset_choice")),
        help=HELP["preset_choice"],
        label_visibility="collapsed",
    )


def _optimizer_controls(sb):
    """Optimizer, epochs, hyperparameters, batch; returns the slots of the learning rate
    and of the gauge."""
    opt = _choice(
        sb, "optimizer", "Optimizer", labels.OPTIMIZERS, on_change=optimizer_changed
    )
    # the learning rate's slider and box, drawn once the data's limit is known
    rate_slot = sb.container()
    gauge_slot = sb.container()
    _number(sb, "epochs", "Epochs")
    schedule = _choice(sb, "schedule", "Learning-rate schedule", labels.SCHEDULES)
    if schedule in ("step", "exponential"):
        _slider(
            sb,
            "gamma",
            "γ: the rate's factor"
            + (" at each cut" if schedule == "step" else " per epoch"),
        )
    if schedule == "step":
        _number(sb, "step_size", "Epochs between cuts")
    if schedule == "inverse_time":
        _slider(sb, "decay", "Decay: lr / (1 + decay · epoch)", format="%.3f")
    for key in REGISTRY[opt].defaults:
        if CONTROLS[key].options:
            _options(sb, key, labels.HYPERPARAMETERS[key])
        else:
            _slider(sb, key, labels.HYPERPARAMETERS[key], format="%.4g")
    batch = _choice(sb, "batch", "Batch", labels.BATCH, widget="radio", horizontal=True)
    if batch == "mini":
        _slider(sb, "batch_size", "Batch size")
    return rate_slot, gauge_slot


def _data_controls() -> None:
    ds = _choice(
        st, "dataset", "Dataset", labels.DATASETS_SHOWN, on_change=dataset_changed
    )
    # however it was set (box, preset, link, upload): whose values these are
    st.session_state[DATA_SHOWN] = ds
    if ds in TABULAR and st.session_state.get("standardize"):
        st.caption("Real tables open standardized: their columns' units are far apart.")
    if ds in TABULAR:
        _column_controls(ds)
    else:
        _slider(st, "noise", "Noise σ")
        _number(st, "n", "Samples n")
    if ds == "synthetic":
        _slider(st, "slope", "True slope")
        _slider(st, "intercept", "True intercept")
        _slider(st, "x_min", "x from")
        _slider(st, "x_max", "x to")
        _slider(st, "outlier_fraction", "Outlier fraction")
        _slider(st, "outlier_scale", "Outlier size (× max(σ, 10% of the line's rise))")
    c1, c2 = st.columns([2, 1], vertical_alignment="bottom")
    _number(c1, "random_state", "Random seed")
    c2.button(
        "New sample",
        on_click=new_sample,
        help="New noise and a new train/test split (seed + 1)",
    )
    _slider(st, "test_fraction", "Test fraction")
    _checkbox(st, "standardize", "Standardize features")


def _column_controls(ds: str) -> None:
    """Feature and target columns of a real table (numeric columns only); a link's
    unknown columns are dropped."""
    table = table_for(ds)
    if table is None:
        st.caption("Upload a CSV on the **Data** page.")
        return
    options = list(table.numeric_columns)
    default_x, default_y = default_columns_for(ds, table)
    chosen = [c for c in st.session_state.get("features") or () if c in options]
    if st.session_state.get("features") and len(chosen) < len(
        st.session_state["features"]
    ):
        st.warning(
            "Columns not in this table were left out:"
            f" {plain(', '.join(st.session_state['features']))}"
        )
    st.session_state["features"] = chosen or list(default_x)
    if st.session_state.get("target") not in options:
        st.session_state["target"] = default_y
    st.multiselect("Features", options, key="features")
    _beside(st, "features")
    st.selectbox("Target", options, key="target")
    _beside(st, "target")


def _loss_controls() -> None:
    _choice(st, "loss", "Loss convention", labels.LOSS, widget="radio", horizontal=True)
    _options(st, "alpha", "L2 strength α")
    c1, c2 = st.columns(2)
    _number(c1, "w0", "Start w")
    _number(c2, "b0", "Start b")
    _options(st, "tol", "Tolerance ‖∇J‖")


def _view_controls() -> None:
    _named_radio("log_loss", "Loss axis")
    _named_radio("surface", "Surface")
    _checkbox(st, "residuals", "Residuals")
    _checkbox(st, "equal_axes", "Same scale on w and b axes")
    _checkbox(st, "whole_run", "Whole run")
    _named_radio("convergence_panel", "Fourth view (error per axis, adaptive steps)")
    names = parameter_names(current_settings())
    if len(names) > 2:
        st.caption(
            "Contour of two parameters (the others held at their values at each step):"
        )
        c1, c2 = st.columns(2)
        for where, key, label, index in (
            (c1, "contour_x", "x axis", 0),
            (c2, "contour_y", "y axis", len(names) - 1),
        ):
            if st.session_state.get(key) not in names:
                st.session_state[key] = names[index]
            where.selectbox(label, names, key=key)


def parameter_names(settings: Settings) -> list[str]:
    """The contour's choices for the settings' features."""
    features = settings.features if settings.dataset in TABULAR else ()
    if settings.dataset in TABULAR and not features:
        table = table_for(settings.dataset)
        features = (
            default_columns_for(settings.dataset, table)[0] if table is not None else ()
        )
    return labels.parameter_labels(features)


def stability_gauge(settings: Settings) -> None:
    """What the optimizer's own dynamics (or, for the adaptive ones, its full-batch
    runs) say of the learning rate on the data on screen, the current rate marked; and
    what this run did."""
    try:
        r = cached_run(settings)
    except ValueError:
        return
    m = rate_map_of(settings)
    hp = settings.hyperparameters
    st.html(rates.stability_gauge(settings.learning_rate, m))
    batch = (
        ""
        if settings.batch == "full"
        else " The gauge is for full batches; mini-batches are noisier."
    )
    st.caption(
        f"{rate_sentence(m, r.analysis, settings.learning_rate, **hp)}. This run:"
        f" **{r.traj.outcome}**.{batch}"
    )
