"""The only Streamlit module in ``linreg``: shared sidebar controls, URL state, cached runs and figures.

Every control has a key equal to its ``Settings`` field name and ``bind="query-params"``, so a
copied link reproduces the view.  Runs and figures are cached by the frozen ``Settings`` (small
scalars) in bounded ``st.cache_resource`` caches; the cached objects are shared by all sessions
and treated as read-only.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections import OrderedDict
from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go
import streamlit as st

from . import lesson, viz
from . import model as model_module
from .analysis import Analysis
from .csvdata import BUNDLED, Table, bundled_table, load_upload
from .csvdata import default_columns as csv_default_columns
from .experiment import (
    BATCH_MODES,
    DATASETS,
    PRESETS,
    TABULAR,
    Run,
    Settings,
    divergence_message,
    preset_settings,
    r2_rmse,
    run,
)
from .lesson import StepDetails
from .model import LOSS_LABEL, design_matrix
from .optimizers import HYPERPARAMETERS, OPTIMIZERS
from .sweep import Sweep, log_grid, sweep_full_batch, sweep_runs
from .viz import compare as viz_compare
from .viz import gif as viz_gif

DEFAULTS = Settings()
BIND = {"bind": "query-params"}
LR_OPTIONS = tuple(float(f"{v:.3g}") for v in np.logspace(-4, 1, 101))
# Labels are also the values a link carries (?optimizer=Momentum), so they stay short.
OPTIMIZER_LABELS = {
    "gd": "GD",
    "momentum": "Momentum",
    "nesterov": "Nesterov",
    "adagrad": "Adagrad",
    "rmsprop": "RMSprop",
    "adam": "Adam",
}
#: Plotly options for every chart: no logo, and the camera button saves a 2x PNG for slides.
CHART_CONFIG = {"displaylogo": False, "toImageButtonOptions": {"format": "png", "scale": 2}}
CACHE = {"max_entries": 128, "ttl": 3600, "show_spinner": False}  # ~2.5 MB per run + figure


@dataclass(frozen=True)
class ViewOptions:
    log_loss: str = "auto"
    residuals: bool = False
    equal_axes: bool = False
    surface: str = "contour"
    contour_x: str = ""  # parameter names on the contour with several features ("" = first weight, b)
    contour_y: str = ""


VIEW_DEFAULTS = ViewOptions()


# ---------------------------------------------------------------- router
def disable_legacy_pages_folder() -> None:
    """Keep Streamlit from treating ``pages/`` as a legacy auto-discovered folder.

    Streamlit sets ``PagesManager.uses_pages_directory`` when a ``pages/`` folder sits next to the
    main script and clears it only once ``st.navigation`` runs.  While it is set, a run executes
    the page script directly, skipping this router (no sidebar, URL parameters dropped): seen on
    the first session after a server start (DESIGN.md section 4).  Clear it and restart the run.
    """
    from streamlit.runtime.pages_manager import PagesManager

    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()


PAGES = (
    ("pages/playground.py", "Playground", ":material/play_circle:"),
    ("pages/race.py", "Optimizer race", ":material/sports_score:"),
    ("pages/sweep.py", "Learning-rate sweep", ":material/show_chart:"),
    ("pages/learn.py", "Learn", ":material/school:"),
    ("pages/data.py", "Data", ":material/table:"),
)


def pages() -> list:
    """The router's pages.  Built anew on every run: st.Page objects hold per-run state, and sharing
    them between sessions raised "This page cannot be called directly" under load (benchmarks/load.py)."""
    return [st.Page(path, title=title, icon=icon, default=i == 0) for i, (path, title, icon) in enumerate(PAGES)]


# ---------------------------------------------------------------- state helpers
def _nearest_lr(lr: float) -> float:
    return min(LR_OPTIONS, key=lambda v: abs(np.log(v) - np.log(max(lr, 1e-12))))


def apply_settings(s: Settings) -> None:
    """Write settings into the widgets' state (call from a callback, or before the widgets exist)."""
    for f in dataclasses.fields(Settings):
        st.session_state[f.name] = getattr(s, f.name)
    st.session_state["lr_slider"] = _nearest_lr(s.learning_rate)


def _apply_preset(name: str | None) -> None:
    if name:
        apply_settings(preset_settings(name))
    st.session_state["preset_choice"] = None


def apply_url_preset() -> None:
    """``?preset=name`` in a link applies that preset once, then leaves the full settings in the URL."""
    name = st.query_params.get("preset")
    if name is None:
        return
    del st.query_params["preset"]
    if name in PRESETS:
        apply_settings(preset_settings(name))
    else:
        st.session_state["url_error"] = f"Unknown preset {name!r} in the link: showing the defaults instead."


def _lr_from_slider() -> None:
    st.session_state["learning_rate"] = st.session_state["lr_slider"]


def _lr_to_slider() -> None:
    st.session_state["lr_slider"] = _nearest_lr(st.session_state["learning_rate"])


def _new_sample() -> None:
    st.session_state["seed"] = int(st.session_state.get("seed", 0)) + 1


def current_settings() -> Settings:
    """Settings from the widgets' state (the sidebar in app.py has run before any page)."""
    values = {f.name: st.session_state.get(f.name, getattr(DEFAULTS, f.name)) for f in dataclasses.fields(Settings)}
    values["features"] = tuple(values["features"] or ())
    values["target"] = values["target"] or ""
    if values["dataset"] not in TABULAR:
        values["features"], values["target"] = (), ""
    values["upload_id"] = st.session_state.get("upload_id", "") if values["dataset"] == "upload" else ""
    return Settings(**values)


def current_view() -> ViewOptions:
    return ViewOptions(
        **{
            f.name: st.session_state.get(f.name, getattr(VIEW_DEFAULTS, f.name))
            for f in dataclasses.fields(ViewOptions)
        }
    )


# ---------------------------------------------------------------- sidebar
def sidebar() -> Settings:
    """All shared controls; returns the settings they describe."""
    sb = st.sidebar
    gauge_slot = _optimizer_controls(sb)
    with sb.expander("Data", expanded=False):
        _data_controls()
    with sb.expander("Loss, L2 and start", expanded=False):
        _loss_controls()
    with sb.expander("View", expanded=False):
        _view_controls()
    settings = current_settings()
    with gauge_slot:
        stability_gauge(settings)
    return settings


def preset_bar() -> None:
    """One click per classroom preset (each also reachable as ?preset=name)."""
    st.pills(
        "Classroom presets",
        list(PRESETS),
        format_func=lambda k: PRESETS[k][0],
        key="preset_choice",
        on_change=lambda: _apply_preset(st.session_state.get("preset_choice")),
        help="One click sets every control; the link in the address bar then reproduces the view.",
        label_visibility="collapsed",
    )


def _optimizer_controls(sb):
    """Optimizer, learning rate (log slider + exact entry), epochs, hyperparameters, batch; returns the gauge's slot."""
    opt = sb.selectbox(
        "Optimizer", list(OPTIMIZERS), format_func=OPTIMIZER_LABELS.get, key="optimizer", index=0, **BIND
    )
    slider_slot = sb.container()
    lr = sb.number_input(
        "Learning rate (type an exact value)",
        min_value=1e-6,
        max_value=100.0,
        value=DEFAULTS.learning_rate,
        format="%g",
        step=None,
        key="learning_rate",
        on_change=_lr_to_slider,
        **BIND,
    )
    slider_slot.select_slider(
        "Learning rate (log scale)",
        options=LR_OPTIONS,
        value=_nearest_lr(lr),
        format_func=lambda v: f"{v:g}",
        key="lr_slider",
        on_change=_lr_from_slider,
    )
    gauge_slot = sb.container()
    sb.number_input("Epochs", min_value=1, max_value=10_000, value=DEFAULTS.epochs, step=100, key="epochs", **BIND)
    hp = HYPERPARAMETERS[opt]
    if "momentum" in hp:
        sb.slider("Momentum", 0.0, 0.99, DEFAULTS.momentum, 0.01, key="momentum", **BIND)
    if "beta1" in hp:
        sb.slider("β₁ (first moment decay)", 0.0, 0.999, DEFAULTS.beta1, 0.001, key="beta1", format="%.3f", **BIND)
        sb.slider("β₂ (second moment decay)", 0.9, 0.9999, DEFAULTS.beta2, 0.0001, key="beta2", format="%.4f", **BIND)
    if "rho" in hp:
        sb.slider("ρ (squared-gradient decay)", 0.5, 0.999, DEFAULTS.rho, 0.001, key="rho", format="%.3f", **BIND)
    if "eps" in hp:
        sb.select_slider(
            "ε",
            options=(1e-10, 1e-8, 1e-6, 1e-4, 1e-2),
            value=DEFAULTS.eps,
            format_func=lambda v: f"{v:g}",
            key="eps",
            **BIND,
        )
    batch = sb.radio(
        "Batch", list(BATCH_MODES), format_func=BATCH_MODES.get, key="batch", horizontal=True, index=0, **BIND
    )
    if batch == "mini":
        sb.slider("Batch size", 2, 256, DEFAULTS.batch_size, key="batch_size", **BIND)
    return gauge_slot


def _data_controls() -> None:
    ds = st.selectbox("Dataset", list(DATASETS), format_func=DATASETS.get, key="dataset", index=0, **BIND)
    if ds in TABULAR:
        _column_controls(ds)
    else:
        st.slider("Noise σ", 0.0, 3.0, DEFAULTS.noise, 0.01, key="noise", **BIND)
        st.number_input("Samples n", 2, 200_000, DEFAULTS.n, 100, key="n", **BIND)
    if ds == "synthetic":
        st.slider("True slope", -10.0, 10.0, DEFAULTS.slope, 0.1, key="slope", **BIND)
        st.slider("True intercept", -10.0, 10.0, DEFAULTS.intercept, 0.1, key="intercept", **BIND)
        st.slider("x from", -100.0, 100.0, DEFAULTS.x_min, 0.5, key="x_min", **BIND)
        st.slider("x to", -100.0, 100.0, DEFAULTS.x_max, 0.5, key="x_max", **BIND)
        st.slider("Outlier fraction", 0.0, 0.5, DEFAULTS.outlier_fraction, 0.01, key="outlier_fraction", **BIND)
        st.slider("Outlier size (× noise σ)", 1.0, 50.0, DEFAULTS.outlier_scale, 1.0, key="outlier_scale", **BIND)
    c1, c2 = st.columns([2, 1], vertical_alignment="bottom")
    c1.number_input("Seed", min_value=0, max_value=2**31 - 1, value=DEFAULTS.seed, key="seed", **BIND)
    c2.button("New sample", on_click=_new_sample, help="New noise and a new train/test split (seed + 1)")
    st.slider("Test fraction", 0.0, 0.5, DEFAULTS.test_fraction, 0.05, key="test_fraction", **BIND)
    st.checkbox("Standardize features", value=DEFAULTS.standardize, key="standardize", **BIND)


def _column_controls(ds: str) -> None:
    """Feature and target columns of a real table (numeric columns only)."""
    table = table_for(ds)
    if table is None:
        st.caption("Upload a CSV on the **Data** page.")
        return
    default_x, default_y = default_columns(ds, table)
    options = list(table.numeric_columns)
    st.multiselect("Features", options, default=list(default_x), key="features", **BIND)
    st.selectbox("Target", options, index=options.index(default_y), key="target", **BIND)


def default_columns(ds: str, table: Table) -> tuple[tuple[str, ...], str]:
    return (BUNDLED[ds][1], BUNDLED[ds][2]) if ds in BUNDLED else csv_default_columns(table)


def table_for(ds: str) -> Table | None:
    if ds in BUNDLED:
        return cached_bundled(ds)
    return UPLOADS.get(st.session_state.get("upload_id", ""))


@st.cache_resource(show_spinner=False)
def cached_bundled(name: str) -> Table:
    return bundled_table(name)


def _loss_controls() -> None:
    st.radio(
        "Loss convention",
        list(LOSS_LABEL),
        captions=[LOSS_LABEL[k] for k in LOSS_LABEL],
        key="loss",
        index=0,
        horizontal=True,
        **BIND,
    )
    st.select_slider(
        "L2 strength α",
        options=(0.0, 0.001, 0.01, 0.1, 1.0),
        value=DEFAULTS.alpha,
        format_func=lambda v: f"{v:g}",
        key="alpha",
        **BIND,
    )
    c1, c2 = st.columns(2)
    c1.number_input("Start w", -100.0, 100.0, DEFAULTS.w0, 0.5, key="w0", **BIND)
    c2.number_input("Start b", -100.0, 100.0, DEFAULTS.b0, 0.5, key="b0", **BIND)
    st.select_slider(
        "Tolerance ‖∇J‖",
        options=(1e-2, 1e-3, 1e-4, 1e-5, 1e-6, 1e-7, 1e-8),
        value=DEFAULTS.tol,
        format_func=lambda v: f"{v:g}",
        key="tol",
        help="'Steps to tolerance' counts the steps until the gradient norm falls below this.",
        **BIND,
    )


def _view_controls() -> None:
    st.radio("Loss axis", ("auto", "log", "linear"), key="log_loss", horizontal=True, index=0, **BIND)
    st.radio("Surface", ("contour", "3-D"), key="surface", horizontal=True, index=0, **BIND)
    st.checkbox("Residuals", value=False, key="residuals", **BIND)
    st.checkbox("Same scale on w and b axes", value=False, key="equal_axes", **BIND)
    names = parameter_names(current_settings())
    if len(names) > 2:
        st.caption("Contour of two parameters (the others held at their values at each step):")
        c1, c2 = st.columns(2)
        c1.selectbox("x axis", names, index=0, key="contour_x", **BIND)
        c2.selectbox("y axis", names, index=len(names) - 1, key="contour_y", **BIND)


def parameter_names(settings: Settings) -> list[str]:
    """The contour's choices for the settings' features."""
    features = settings.features if settings.dataset in TABULAR else ()
    if settings.dataset in TABULAR and not features and settings.dataset in BUNDLED:
        features = BUNDLED[settings.dataset][1]
    return parameter_labels(features)


def parameter_labels(features) -> list[str]:
    """theta's entries by name: w(feature) for each feature, then b ("w", "b" for one feature)."""
    return [f"w({f})" for f in features] + ["b"] if len(features) > 1 else ["w", "b"]


def contour_params(view: ViewOptions, names: list[str]) -> tuple[int, int] | None:
    if len(names) <= 2 or view.contour_x not in names or view.contour_y not in names:
        return None
    i, j = names.index(view.contour_x), names.index(view.contour_y)
    return (i, j) if i != j else None


# ---------------------------------------------------------------- cached compute
class UploadStore:
    """Parsed uploads by content hash, shared by sessions (same bytes, same table), bounded."""

    def __init__(self, max_entries: int = 16):
        self._tables: OrderedDict[str, Table] = OrderedDict()
        self._max = max_entries

    def put(self, content: bytes, table: Table) -> str:
        key = hashlib.sha256(content).hexdigest()[:16]
        self._tables[key] = table
        self._tables.move_to_end(key)
        while len(self._tables) > self._max:
            self._tables.popitem(last=False)
        return key

    def get(self, key: str) -> Table | None:
        return self._tables.get(key)


UPLOADS = UploadStore()


@st.cache_resource(**CACHE)
def cached_run(settings: Settings) -> Run:
    return run(settings, UPLOADS.get(settings.upload_id) if settings.upload_id else None)


def current_run() -> Run:
    """The run for the current controls (or the last good one); stops the page if there is none."""
    r = safe_run(current_settings())
    if r is None:
        st.stop()
    return r


def safe_run(settings: Settings) -> Run | None:
    """Run, or show one clear message and keep the last good run on screen (never a traceback)."""
    try:
        result = cached_run(settings)
    except ValueError as exc:
        st.error(f"These settings cannot run: {exc}. Change the highlighted control; the last good run is shown.")
        result = st.session_state.get("last_good_run")
        return result
    st.session_state["last_good_run"] = result
    return result


def _use_log(view: ViewOptions, r: Run) -> bool:
    if view.log_loss != "auto":
        return view.log_loss == "log"
    loss = r.traj.loss[np.isfinite(r.traj.loss) & (r.traj.loss > 0)]
    return len(loss) > 1 and loss.max() / loss.min() > 100


@st.cache_resource(**CACHE)
def cached_playground_figure(settings: Settings, view: ViewOptions, current: int | None) -> go.Figure:
    r = cached_run(settings)
    names = r.data.feature_names
    axis = parameter_labels(names)
    params = contour_params(view, axis)
    i, j = params or (0, len(names))
    suffix = " (standardized x)" if r.scaler else ""
    labels = (
        names[0],
        r.data.target_name,
        axis[i] + (suffix if i < len(names) else ""),
        axis[j] + (suffix if j < len(names) else ""),
    )
    options = viz.PlotOptions(
        log_loss=_use_log(view, r), residuals=view.residuals, equal_axes=view.equal_axes, params=params
    )
    return viz.playground_figure(
        r.traj,
        r.data.X,
        r.data.y,
        r.analysis,
        r.theta_original,
        r.optimum_original,
        test_loss=r.test_loss,
        labels=labels,
        options=options,
        current=current,
    )


@st.cache_resource(**CACHE)
def cached_surface3d(settings: Settings) -> go.Figure:
    r = cached_run(settings)
    return viz.surface3d_figure(r.traj, r.analysis)


# ---------------------------------------------------------------- page pieces
def stability_gauge(settings: Settings) -> None:
    """Zones of the learning rate for the data on screen, with the current rate marked."""
    try:
        r = cached_run(settings)
    except ValueError:
        return
    a = r.analysis
    mu = settings.heavy_ball_momentum
    zone = a.zone(settings.learning_rate, mu)
    st.plotly_chart(
        cached_gauge(settings.learning_rate, tuple(a.eigenvalues), mu),
        key="gauge",
        config={"displayModeBar": False},
    )
    limit = f"(2+2μ)/L = {a.momentum_limit(mu):.3g}" if mu else f"2/L = {a.gd_limit:.3g}"
    kappa = "∞" if not np.isfinite(a.kappa) else f"{a.kappa:.3g}"
    st.caption(
        f"**{zone}** · limit {limit} · best step {a.best_lr:.3g} · κ = {kappa}"
        + (
            "  \n(adaptive optimizer: plain-GD zones are a guide)"
            if settings.optimizer in ("adagrad", "rmsprop", "adam")
            else ""
        )
    )


@st.cache_resource(**CACHE)
def cached_gauge(learning_rate: float, eigenvalues: tuple, momentum: float) -> go.Figure:
    lam = np.array(eigenvalues)
    a = Analysis(np.zeros(len(lam)), 0.0, np.diag(lam), lam, np.eye(len(lam)))
    return viz.stability_gauge(a, learning_rate, momentum, height=110)


def playground_header(r: Run) -> None:
    s = r.settings
    st.markdown(f"### {r.data.title}: {OPTIMIZER_LABELS[s.optimizer]}, learning rate {s.learning_rate:g}")
    if err := st.session_state.pop("url_error", None):
        st.warning(err)
    msg = divergence_message(r)
    if msg:
        st.error(
            f"**{msg}** The steps up to divergence are drawn; the loss axis is logarithmic.", icon=":material/error:"
        )
    for note in r.notes:
        st.info(note)
    st.caption(
        f"Loss: {LOSS_LABEL[s.loss]}"
        + (f" + {s.alpha:g}·‖w‖²" if s.alpha else "")
        + (" · features standardized (contour in standardized units)" if r.scaler else "")
        + f" · n = {r.data.n_samples} · "
        + {"full": "full batch", "mini": f"mini-batches of {r.traj.batch_size}", "sgd": "stochastic (batch 1)"}[s.batch]
        + f" · {r.traj.n_steps:,} updates"
    )


def step_inspector(r: Run) -> int | None:
    """A step number whose ± buttons step back and forward (server side); None means the start."""
    with st.expander("Inspect one step", expanded=False):
        k = st.number_input("Step", 0, r.traj.n_steps, 0, 1, key="inspect_step", help="± step back / forward")
        t = r.traj
        g = t.grad[k]
        st.caption(
            f"Step {k} (epoch {int(t.epoch[k])}): w = {r.theta_original[k, 0]:.5g}, b = {r.theta_original[k, -1]:.5g}, "
            f"loss = {t.loss[k]:.5g}, ‖∇J‖ = {float(np.linalg.norm(g)):.4g}"
        )
        return int(k) if k else None


def metrics_row(r: Run) -> None:
    t = r.traj
    r2, rmse = r2_rmse(r)
    dist = float(np.linalg.norm(t.theta[-1] - r.analysis.theta_star))
    cols = st.columns(5)
    cols[0].metric("Final loss", f"{t.final_loss:.4g}", help=f"minimum possible {r.analysis.loss_star:.4g}")
    if r.test is not None:
        r2_test, rmse_test = r2_rmse(r, on_test=True)
        cols[1].metric("R² train / test", f"{r2:.3f} / {r2_test:.3f}" if np.isfinite(r2 + r2_test) else "—")
        cols[2].metric("RMSE train / test", f"{rmse:.3g} / {rmse_test:.3g}" if np.isfinite(rmse + rmse_test) else "—")
    else:
        cols[1].metric("R²", f"{r2:.4f}" if np.isfinite(r2) else "—")
        cols[2].metric("RMSE", f"{rmse:.4g}" if np.isfinite(rmse) else "—")
    cols[3].metric(
        "Steps to tolerance",
        f"{t.steps_to_tol:,}" if t.steps_to_tol is not None else "not reached",
        help=f"first step with ‖∇J‖ < {r.settings.tol:g}",
    )
    cols[4].metric("Distance to optimum", f"{dist:.3g}", help="‖θ − θ*‖ in the trained parameters")


# ---------------------------------------------------------------- compare pages
RACE_MODES = {"shared": "One shared rate", "own": "Own rate each", "tuned": "Tune each (sweep)"}


def _with_optimizer(s: Settings, optimizer: str, learning_rate: float) -> Settings:
    return s.replace(optimizer=optimizer, learning_rate=float(learning_rate))


@st.cache_resource(**CACHE)
def cached_sweep(settings: Settings) -> Sweep:
    """60 learning rates from 1e-4 to 10 for the settings' optimizer, on the settings' data."""
    r = cached_run(settings)
    grid = log_grid()
    if settings.batch == "full":
        hp = {k: getattr(settings, k) for k in HYPERPARAMETERS[settings.optimizer]}
        theta0 = r.traj.theta[0]
        return sweep_full_batch(
            r.traj.quadratic, grid, r.traj.epochs_requested, settings.optimizer, theta0, settings.tol, **hp
        )
    kwargs = {k: getattr(settings, k) for k in HYPERPARAMETERS[settings.optimizer]}
    epochs = min(r.traj.epochs_requested, max(1, 20_000 // r.traj.steps_per_epoch))
    return sweep_runs(
        r.x_train, r.data.y, grid, epochs, settings.tol, optimizer=settings.optimizer,
        batch_size=r.traj.batch_size, loss=settings.loss, alpha=settings.alpha,
        theta0=r.traj.theta[0], random_state=settings.seed, **kwargs,
    )  # fmt: skip


def race_controls(settings: Settings) -> tuple[tuple[str, ...], str, dict[str, float]]:
    """Which optimizers race and how their learning rates are chosen (page controls, in the URL)."""
    c1, c2 = st.columns([3, 2])
    chosen = c1.multiselect(
        "Optimizers", list(OPTIMIZERS), default=["gd", "momentum", "adam"], format_func=OPTIMIZER_LABELS.get,
        key="race_optimizers", **BIND,
    )  # fmt: skip
    mode = c2.radio(
        "Learning rates", list(RACE_MODES), format_func=RACE_MODES.get, key="race_mode", horizontal=True, **BIND
    )
    own = {}
    if mode == "own" and chosen:
        cols = st.columns(len(chosen))
        for col, name in zip(cols, chosen, strict=True):
            own[name] = col.number_input(
                f"{OPTIMIZER_LABELS[name]} rate",
                1e-6,
                100.0,
                settings.learning_rate,
                format="%g",
                key=f"race_lr_{name}",
                **BIND,
            )
    return tuple(chosen), mode, own


def race_learning_rates(settings: Settings, chosen, mode: str, own: dict) -> dict[str, float]:
    if mode == "shared":
        return dict.fromkeys(chosen, settings.learning_rate)
    if mode == "own":
        return {k: float(own[k]) for k in chosen}
    return {k: cached_sweep(_with_optimizer(settings, k, settings.learning_rate)).best_learning_rate for k in chosen}


def race_runs(settings: Settings, rates: dict[str, float]) -> list[Run]:
    return [cached_run(_with_optimizer(settings, k, lr)) for k, lr in rates.items()]


@st.cache_resource(**CACHE)
def cached_race_figure(settings: Settings, rates: tuple[tuple[str, float], ...], arrows: bool) -> go.Figure:
    runs = race_runs(settings, dict(rates))
    labelled = [(f"{OPTIMIZER_LABELS[k]} (lr {lr:.3g})", r.traj) for (k, lr), r in zip(rates, runs, strict=True)]
    data = (design_matrix(runs[0].x_train), runs[0].data.y) if arrows else None
    return viz_compare.race_figure(labelled, runs[0].analysis, arrows=data)


def race_table(runs: list[Run]) -> None:
    rows = []
    for r in runs:
        t = r.traj
        rows.append(
            {
                "optimizer": OPTIMIZER_LABELS[r.settings.optimizer],
                "learning rate": f"{r.settings.learning_rate:.4g}",
                "final loss": f"{t.final_loss:.5g}",
                "steps to tolerance": f"{t.steps_to_tol:,}" if t.steps_to_tol is not None else "not reached",
                "diverged at": f"step {t.diverged_at:,}" if t.diverged else "—",
                "distance to optimum": f"{float(np.linalg.norm(t.theta[-1] - r.analysis.theta_star)):.3g}",
            }
        )
    st.dataframe(rows, hide_index=True, width="stretch")


def ghost_rates(a: Analysis, mu: float) -> dict[str, float]:
    """Four representative rates: too small, best, oscillating, diverging (from the data's Hessian);
    ``mu`` is the heavy-ball momentum (0 for the other optimizers)."""
    best = a.optimal_momentum[0] if mu else a.best_lr
    limit = a.momentum_limit(mu)
    return {"too small": 0.02 * best, "best": best, "oscillating": 0.9 * limit, "diverging": 1.1 * limit}


@st.cache_resource(**CACHE)
def cached_ghost_figure(settings: Settings) -> go.Figure:
    r = cached_run(settings)
    rates = ghost_rates(r.analysis, settings.heavy_ball_momentum)
    runs = [
        (f"{name} (lr {lr:.3g})", cached_run(settings.replace(learning_rate=float(lr))).traj)
        for name, lr in rates.items()
    ]
    return viz_compare.race_figure(runs, r.analysis)


@st.cache_resource(**CACHE)
def cached_sweep_figure(settings: Settings) -> go.Figure:
    return viz_compare.sweep_figure(cached_sweep(settings), cached_run(settings).analysis, settings.heavy_ball_momentum)


@st.cache_resource(**CACHE)
def cached_momentum_map(settings: Settings) -> go.Figure:
    return viz_compare.momentum_rate_map(cached_run(settings).analysis)


# ---------------------------------------------------------------- data page
MAX_UPLOAD_BYTES = 20 * 1024 * 1024  # the server enforces server.maxUploadSize too


def plain(text: str) -> str:
    """User text (file and column names) shown literally in Markdown: no formatting, links or HTML."""
    return "".join("\\" + ch if ch in "\\`*_{}[]()<>#+-.!|~$" else ch for ch in str(text))


def _on_upload() -> None:
    """Parse the uploaded bytes; on success switch to them, on failure keep the current dataset."""
    file = st.session_state.get("upload_file")
    if file is None:
        return
    data = file.getvalue()
    try:
        table, dataset, _ = load_upload(data, MAX_UPLOAD_BYTES)
    except ValueError as exc:
        st.session_state["upload_error"] = f"{file.name}: {exc}"
        return
    x_cols, y_col = dataset.feature_names, dataset.target_name
    st.session_state["upload_id"] = UPLOADS.put(data, table)
    st.session_state["upload_name"] = file.name
    st.session_state["upload_error"] = None
    st.session_state["dataset"] = "upload"
    st.session_state["features"] = list(x_cols)
    st.session_state["target"] = y_col


def upload_widget() -> None:
    st.file_uploader(
        "Upload a CSV (UTF-8; comma, semicolon or tab separated; header row optional)",
        type=["csv", "txt", "tsv"],
        key="upload_file",
        on_change=_on_upload,
    )
    if err := st.session_state.get("upload_error"):
        st.error(f"Could not use {plain(err)}. The previous dataset is still active.", icon=":material/error:")


def data_overview(r: Run) -> None:
    """Preview, summary and notes for the dataset in use."""
    d = r.data
    table = table_for(r.settings.dataset) if r.settings.dataset in TABULAR else None
    if table is not None:
        for note in table.notes:
            st.info(plain(note))
    for note in r.notes:
        st.info(plain(note))
    cols = [*d.feature_names, d.target_name]
    values = np.column_stack([d.X, d.y])
    st.markdown(
        f"**{plain(d.title)}**: {d.n_samples:,} rows used for training"
        + (f", {r.test.n_samples:,} held out for testing" if r.test else "")
    )
    summary = {
        "column": cols,
        "mean": values.mean(axis=0).round(4),
        "std": values.std(axis=0).round(4),
        "min": values.min(axis=0),
        "max": values.max(axis=0),
    }
    st.dataframe(summary, hide_index=True)
    if np.abs(d.X).max() > 1e3 and not r.settings.standardize:
        st.warning(
            "Feature values reach into the thousands: turn on **Standardize features** to keep learning rates sane."
        )
    st.dataframe({c: values[:200, i] for i, c in enumerate(cols)}, height=260)
    st.plotly_chart(viz.data_figure(d.X, d.y, d.feature_names, d.target_name), key="data_scatter", config=CHART_CONFIG)


# ---------------------------------------------------------------- learn page
def _vec(v) -> str:
    v = np.atleast_1d(v)
    return ", ".join(f"{x:.4g}" for x in v)


def learn_step(r: Run) -> int:
    t = r.traj
    if t.n_steps < 1:
        return 0
    return int(st.slider("Step to explain (update k → k + 1)", 0, t.n_steps - 1, 0, key="learn_step"))


def equations(r: Run, d: StepDetails) -> None:
    """Each equation with the run's numbers at step k, beside the source lines that compute it."""
    t = r.traj
    w, b = d.theta[:-1], d.theta[-1]
    X = r.x_train[d.rows]
    n = len(d.rows)
    scale = "\\frac{1}{n}" if t.loss_name == "mse" else "\\frac{1}{2n}"
    gscale = "\\frac{2}{n}" if t.loss_name == "mse" else "\\frac{1}{n}"
    l2 = f" + {t.alpha:g}\\,\\lVert w\\rVert^2" if t.alpha else ""
    batch = "all" if n == r.data.n_samples else f"a batch of {n}"
    rows = [
        (
            "Model",
            f"\\hat y_i = w\\,x_i + b \\qquad \\hat y_1 = {w[0]:.4g}\\times{X[0, 0]:.4g} + {b:.4g} = {d.y_hat[0]:.4g}"
            if X.shape[1] == 1
            else f"\\hat y = X w + b \\qquad \\hat y_1 = {d.y_hat[0]:.4g}",
            lesson.source_of(model_module.predict),
        ),
        (
            f"Loss ({t.loss_name}, over {batch} rows)",
            f"J = {scale}\\sum_i (\\hat y_i - y_i)^2{l2} = {d.batch_loss:.6g}",
            lesson.source_of(model_module.loss_value),
        ),
        (
            "Gradient",
            f"\\nabla_w J = {gscale}\\sum_i r_i x_i{' + 2α w' if t.alpha else ''} = [{_vec(d.gradient[:-1])}],\\quad "
            f"\\frac{{\\partial J}}{{\\partial b}} = {gscale}\\sum_i r_i = {d.gradient[-1]:.4g}",
            lesson.source_of(model_module.gradient),
        ),
        (f"Update ({OPTIMIZER_LABELS[t.optimizer]})", _update_latex(t, d), lesson.update_source(t)),
    ]
    for title, latex, source in rows:
        st.markdown(f"**{title}**")
        c1, c2 = st.columns([3, 2])
        c1.latex(latex)
        c2.code(source, language="python")


def _update_latex(t, d: StepDetails) -> str:
    lr = f"{d.learning_rate:.4g}"
    th, nxt = _vec(d.theta), _vec(d.theta_next)
    hp = t.hyperparameters
    if t.optimizer == "gd":
        return f"\\theta \\leftarrow \\theta - \\eta g = [{th}] - {lr}\\,[{_vec(d.gradient)}] = [{nxt}]"
    if t.optimizer in ("momentum", "nesterov"):
        v = d.state_after.velocity
        head = f"v \\leftarrow {hp['momentum']:g}\\,v + g = [{_vec(v)}]"
        rule = "\\eta (g + \\mu v)" if t.optimizer == "nesterov" else "\\eta v"
        return f"{head},\\quad \\theta \\leftarrow \\theta - {rule} = [{nxt}]"
    if t.optimizer == "adam":
        s = d.state_after
        return (
            f"m = [{_vec(s.m)}],\\ v = [{_vec(s.v)}],\\ t = {s.t},\\quad "
            f"\\theta \\leftarrow \\theta - \\eta\\,\\frac{{\\hat m}}{{\\sqrt{{\\hat v}} + \\epsilon}} = [{nxt}]"
        )
    acc = d.state_after.accumulator
    name = "G" if t.optimizer == "adagrad" else "v"
    rule = f"\\theta \\leftarrow \\theta - \\eta\\,\\frac{{g}}{{\\sqrt{{{name}}} + \\epsilon}}"
    return f"{name} = [{_vec(acc)}],\\quad {rule} = [{nxt}]"


def velocity_of(d: StepDetails) -> np.ndarray | None:
    return getattr(d.state_after, "velocity", None)


def worked_exercise() -> None:
    """The lesson's exercise, editable: y_hat = X w for a 3 x 2 X, then the MSE table."""
    st.markdown("**y_hat = X w** (edit any number)")
    c1, c2, c3 = st.columns([3, 1, 1])
    X = c1.data_editor({"x0 (ones)": [1.0, 1.0, 1.0], "x1": [2.0, 4.0, 6.0]}, key="exercise_X", hide_index=True)
    w = c2.data_editor({"w": [0.5, 1.2]}, key="exercise_w", hide_index=True)
    yv = c3.data_editor({"y": [3.0, 5.0, 8.0]}, key="exercise_y", hide_index=True)
    Xa = np.column_stack([np.asarray(X["x0 (ones)"], float), np.asarray(X["x1"], float)])
    wa, ya = np.asarray(w["w"], float), np.asarray(yv["y"], float)
    if not (np.all(np.isfinite(Xa)) and np.all(np.isfinite(wa)) and np.all(np.isfinite(ya))):
        st.warning("Every cell needs a number.")
        return
    y_hat = model_module.predict(Xa, wa, 0.0)
    r = y_hat - ya
    st.dataframe({"y": ya, "ŷ = Xw": y_hat.round(6), "r = ŷ − y": r.round(6), "r²": (r**2).round(6)}, hide_index=True)
    mse = float(np.mean(r**2))
    st.latex(
        f"\\text{{MSE}} = \\frac{{1}}{{n}}\\sum r_i^2 = \\frac{{{np.sum(r**2):.4g}}}{{{len(r)}}} = {mse:.4f}"
        f"\\qquad \\nabla_w = \\frac{{2}}{{n}} X^\\top r = [{_vec(2 / len(r) * Xa.T @ r)}]"
    )
    st.caption("Derivation, one feature: J = (1/n) Σ (w xᵢ + b − yᵢ)²  ⇒  ∂J/∂w = (2/n) Σ rᵢ xᵢ,  ∂J/∂b = (2/n) Σ rᵢ.")


def predict_then_reveal(r: Run) -> None:
    """A question for the class, answered by running it."""
    a = r.analysis
    lr = float(f"{0.9 * a.gd_limit:.2g}") if r.settings.optimizer == "gd" else float(f"{a.gd_limit * 1.2:.2g}")
    st.markdown(f"**Will a learning rate of {lr:g} converge on this data** ({OPTIMIZER_LABELS[r.settings.optimizer]})?")
    guess = st.radio("Your prediction", ["converge", "diverge"], horizontal=True, index=None, key="reveal_guess")
    if st.button("Run it and reveal", key="reveal", disabled=guess is None):
        answer = cached_run(r.settings.replace(learning_rate=lr))
        outcome = "diverge" if answer.traj.diverged else "converge"
        verdict = "Right" if guess == outcome else "Not this time"
        why = f"2/L = {a.gd_limit:.3g} for this data, and {lr:g} is {lr / a.gd_limit:.2f} × that."
        st.success(f"{verdict}: it **{outcome}s**. {why}") if guess == outcome else st.warning(
            f"{verdict}: it **{outcome}s**. {why}"
        )


def exports(r: Run) -> None:
    t = r.traj
    c1, c2, c3 = st.columns(3)
    c1.download_button("Trajectory (CSV)", lesson.trajectory_csv(t, r.data.feature_names), "trajectory.csv", "text/csv")
    c2.download_button("Settings (JSON)", lesson.settings_json(r.settings), "settings.json", "application/json")
    try:
        script = lesson.export_script(t, r.x_train, r.data.y, r.data.title)
    except ValueError as exc:
        c3.caption(f"No script: {exc}")
    else:
        c3.download_button("Reproduce in NumPy (.py)", script, "reproduce_run.py", "text/x-python")
    if r.data.n_features == 1:
        st.download_button(
            "Animated GIF of the three views (for slides)",
            cached_gif(r.settings),
            "gradient_descent.gif",
            "image/gif",
        )
    query = "&".join(f"{k}={v}" for k, v in st.query_params.items())
    st.markdown("**Share link** (the address bar carries every control; this is it):")
    st.code(f"{st.context.url or ''}{'?' + query if query else ''}", language=None)
    st.caption("Pictures for slides: every chart's camera button saves a PNG (2× resolution).")


def inspector(r: Run, k: int, d: StepDetails) -> None:
    fig = viz.inspector_figure(r.traj, r.analysis, r.x_train[:, 0], r.data.y, k, d.gradient, d.step, velocity_of(d))
    st.plotly_chart(fig, key="inspector", config=CHART_CONFIG)


def before_after(r: Run) -> None:
    fig = viz.before_after_figure(r.data.X[:, 0], r.data.y, r.theta_original[0], r.theta_original[-1])
    st.plotly_chart(fig, key="before_after", config=CHART_CONFIG)


@st.cache_resource(**CACHE)
def cached_gif(settings: Settings) -> bytes:
    r = cached_run(settings)
    return viz_gif.playground_gif(r.traj, r.data.X[:, 0], r.data.y, r.theta_original)


def partial_plots(r: Run) -> None:
    """Several features: what each explains once the others are accounted for."""
    if r.data.n_features > 1:
        st.plotly_chart(
            viz.partial_plots_figure(r.data.X, r.data.y, r.theta_original[-1], r.data.feature_names), key="partials"
        )
