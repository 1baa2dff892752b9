"""Cached runs and figures, keyed by the frozen ``Settings`` (small scalars, cheap to
hash).

Objects in these ``st.cache_resource`` caches are shared by every session and treated as
read-only; the caches are bounded (entries and time to live).
"""

from __future__ import annotations

import dataclasses
import threading

import plotly.graph_objects as go
import streamlit as st

from ..bundled import BUNDLED, bundled_table
from ..csvdata import Table
from ..experiment import Run, Settings, run
from ..model import design_matrix
from ..optimizers import REGISTRY
from ..stepwise import run_effective_steps
from ..sweep import (
    SCRUB_PAIR_RATES,
    RatePaths,
    Sweep,
    log_grid,
    rate_paths,
    scrub_grid,
    sweep_full_batch,
    sweep_runs,
)
from ..theory import MAX_MEASURED_EPOCHS, RateMap, example_rates, fastest_pair, rate_map
from ..viz import compare, geometry, playground, rates, scrubber
from .controls import SETTINGS, ViewOptions
from .labels import OPTIMIZERS
from .uploads import UPLOADS
from .views import (
    contour_axis_labels,
    example_label,
    momentum_map_optimizer,
    playground_view,
    scrubbed_momenta,
)

#: Bounded (~2.5 MB per run + figure).  Settings and ViewOptions are keyed by their repr
#: (every field, floats exactly): Streamlit's generic hashing of a dataclass took ~0.6
#: ms a call, a few calls a rerun.
CACHE = {
    "max_entries": 128,
    "ttl": 3600,
    "hash_funcs": {Settings: repr, ViewOptions: repr},
}
#: What the page says while a cache fills (Streamlit shows it only after half a second).
TRAINING = "Training: running the optimizer over the data…"
DRAWING = "Drawing the figure…"
#: No spinner of their own: figures drawn on every new learning rate (~15 ms, dicts:
#: viz/canvas.py), whose spinner's start (a thread, on each miss) costs more than the
#: figure when a class changes the rate at once; and caches filled only inside another
#: cache (Streamlit shows the outer one's spinner alone).
QUICK = {**CACHE, "show_spinner": False}


@st.cache_resource(show_spinner=False)
def cached_bundled(name: str) -> Table:
    return bundled_table(name)


def table_for(dataset: str) -> Table | None:
    """The table behind a dataset: a bundled one's (cached), or the session's upload
    (the upload store)."""
    if dataset in BUNDLED:
        return cached_bundled(dataset)
    return UPLOADS.get(st.session_state.get("upload_id", ""))


def yield_to_browser() -> None:
    """The core's checkpoint between chunks of work.  Reading session state is one of
    Streamlit's yield points: when the user has switched page or changed a control
    meanwhile, Streamlit raises here and starts the new run at once, instead of after
    this one's seconds of work."""
    _ = "dataset" in st.session_state


@st.cache_resource(**CACHE, show_spinner=TRAINING)
def cached_run(settings: Settings) -> Run:
    return run(
        settings,
        UPLOADS.get(settings.upload_id) if settings.upload_id else None,
        yield_to_browser,
    )


def with_optimizer(s: Settings, optimizer: str, learning_rate: float) -> Settings:
    return s.replace(optimizer=optimizer, learning_rate=float(learning_rate))


@st.cache_resource(**QUICK)
def cached_playground_figure(
    settings: Settings, view: ViewOptions, current: int | None, stacked: bool
) -> go.Figure:
    r = cached_run(settings)
    options, labels = playground_view(view, r, stacked)
    effective = (
        run_effective_steps(r.traj, r.x_train, r.data.y)
        if options.convergence_panel
        else None
    )
    return playground.run_figure(
        r, options, labels=labels, current=current, effective_steps=effective
    )


@st.cache_resource(**CACHE, show_spinner=DRAWING)
def cached_surface3d(settings: Settings) -> go.Figure:
    r = cached_run(settings)
    return geometry.surface3d_figure(r.traj, r.analysis)


# ---------------------------------------------------------------- sweep and race
def sweep_key(settings: Settings) -> Settings:
    """The settings a sweep depends on: every rate is swept, so not the learning rate
    (nor, for the full-batch map of the adaptive optimizers, the batch): one sweep
    serves every rate the user tries.
    """
    return settings.replace(
        learning_rate=SETTINGS.learning_rate, schedule=SETTINGS.schedule
    )


@st.cache_resource(
    **CACHE, show_spinner="Running every learning rate at once (full batch)…"
)
def cached_full_sweep(key: Settings, _r: Run) -> Sweep:
    """60 stacked full-batch runs from 1e-4 to 10 on ``_r``'s data and start (not
    hashed: ``key`` names them), each of at most MAX_MEASURED_EPOCHS epochs."""
    t = _r.traj
    return sweep_full_batch(
        t.quadratic,
        log_grid(),
        min(key.epochs, MAX_MEASURED_EPOCHS),
        key.optimizer,
        t.theta[0],
        key.tol,
        yield_to_browser,
        **key.hyperparameters,
    )


@dataclasses.dataclass
class SweepHolder:
    """Where one mini-batch sweep is kept once done: Streamlit caches the holder, and
    the sweep is run outside any cached function, so that its progress bar can be drawn
    (a cached function may not draw on the page).
    """

    lock: threading.Lock = dataclasses.field(default_factory=threading.Lock)
    sweep: Sweep | None = None


@st.cache_resource(**QUICK)
def sweep_holder(key: Settings, optimizer: str, count: int, epochs: int) -> SweepHolder:
    return SweepHolder()


def cached_mini_batch_sweep(
    key: Settings, r: Run, optimizer: str, count: int, epochs: int, progress
) -> Sweep:
    """``count`` rates of ``epochs`` epochs each for ``optimizer`` on ``r``'s data and
    start (``key``, the sweep_key, names them), swept once and kept (sweep_holder);
    ``progress`` hears the updates done while it runs."""
    held = sweep_holder(key, optimizer, count, epochs)
    with held.lock:  # two sessions asking at once: one sweeps, the other waits for it
        if held.sweep is None:
            held.sweep = swept_rates(
                key, r, optimizer, log_grid(count=count), epochs, progress
            )
    return held.sweep


def swept_rates(
    key: Settings, r: Run, optimizer: str, learning_rates, epochs: int, progress
) -> Sweep:
    """A mini-batch sweep on ``r``'s data and start (``key``, the sweep_key, names
    them): every rate in one stack (sweep.sweep_runs), ``progress`` told of the updates
    done."""
    t, s = r.traj, with_optimizer(key, optimizer, key.learning_rate)
    return sweep_runs(
        r.x_train,
        r.data.y,
        learning_rates,
        epochs,
        s.tol,
        optimizer=optimizer,
        batch_size=t.batch_size,
        loss=s.loss,
        alpha=s.alpha,
        theta0=t.theta[0],
        random_state=s.random_state,
        checkpoint=yield_to_browser,
        progress=progress,
        **s.hyperparameters,
    )


@st.cache_resource(**QUICK)
def cached_rate_map(key: Settings, _r: Run) -> RateMap:
    """What the theory (GD, momentum, Nesterov) or the full-batch runs (the adaptive
    ones) say of every rate."""
    sweep = (
        cached_full_sweep(key.replace(batch="full"), _r)
        if REGISTRY[key.optimizer].adaptive
        else None
    )
    return rate_map(_r.analysis, key.optimizer, sweep, **key.hyperparameters)


def rate_map_of(settings: Settings) -> RateMap:
    return cached_rate_map(sweep_key(settings), cached_run(settings))


def race_runs(shared: Settings, learning_rates: dict[str, float]) -> list[Run]:
    """The racers' runs: each optimizer at its rate, on the settings they share
    (budgets.race_settings)."""
    return [
        cached_run(with_optimizer(shared, k, lr)) for k, lr in learning_rates.items()
    ]


@st.cache_resource(**CACHE, show_spinner=DRAWING)
def cached_race_figure(
    shared: Settings,
    learning_rates: tuple[tuple[str, float], ...],
    arrows: bool,
    stacked: bool = False,
) -> go.Figure:
    runs = race_runs(shared, dict(learning_rates))
    labelled = [
        (f"{OPTIMIZERS[k]} (lr {lr:.3g})", r.traj)
        for (k, lr), r in zip(learning_rates, runs, strict=True)
    ]
    data = (design_matrix(runs[0].x_train), runs[0].data.y) if arrows else None
    return compare.race_figure(labelled, runs[0].analysis, arrows=data, stacked=stacked)


def example_runs(settings: Settings) -> list[tuple[str, Run]]:
    """The example rates of the settings' rate map (theory.example_rates), each with its
    own run."""
    examples = example_rates(rate_map_of(settings), settings.epochs)
    return [
        (name, cached_run(settings.replace(learning_rate=float(lr))))
        for name, lr in examples.items()
    ]


@st.cache_resource(**CACHE, show_spinner=DRAWING)
def cached_ghost_figure(settings: Settings, stacked: bool = False) -> go.Figure:
    m = rate_map_of(settings)
    lines = 2 if stacked else 1
    runs = [
        (example_label(name, r, m, lines), r.traj) for name, r in example_runs(settings)
    ]
    return compare.race_figure(runs, cached_run(settings).analysis, stacked=stacked)


@st.cache_resource(**CACHE, show_spinner=DRAWING)
def cached_sweep_figure(
    settings: Settings, _sweep: Sweep, stacked: bool = False
) -> go.Figure:
    """The sweep ``_sweep`` (budgets.sweep_for; not hashed: ``settings`` names it)
    against the settings' rate map."""
    return rates.sweep_figure(_sweep, rate_map_of(settings), stacked)


@st.cache_resource(**CACHE, show_spinner=DRAWING)
def cached_momentum_map(settings: Settings) -> go.Figure:
    """The momentum rate map of the settings' optimizer (heavy ball unless it is
    Nesterov), the current (learning rate, momentum) marked when it is that
    optimizer."""
    name = momentum_map_optimizer(settings)
    here = (
        (settings.learning_rate, settings.hyperparameters["momentum"])
        if name == settings.optimizer
        else None
    )
    a = cached_run(settings).analysis
    return rates.momentum_rate_map(
        a, REGISTRY[name].family, fastest_pair(a, name), current=here
    )


# ---------------------------------------------------------------- learning-rate
# scrubber
def momentum_rate_maps(settings: Settings) -> tuple[RateMap, ...]:
    """The rate map at each of the scrubbed momenta, on the settings' data (one run's
    analysis serves all)."""
    r = cached_run(settings)
    values, _ = scrubbed_momenta(settings)
    return tuple(
        cached_rate_map(sweep_key(settings.replace(momentum=float(mu))), r)
        for mu in values
    )


# only called inside cached_scrubber_figure, whose spinner covers it
@st.cache_resource(**QUICK)
def cached_rate_paths(settings: Settings) -> tuple[RatePaths, int]:
    """Every scrubbed rate's run (with a momentum, every (rate, momentum) pair's: rates
    spanning the largest momentum limit), and the index of the settings' own rate among
    the rates."""
    r = cached_run(settings)
    momenta = scrubbed_momenta(settings)
    if momenta is None:
        rates, current = scrub_grid(rate_map_of(settings).limit, settings.learning_rate)
    else:
        limit = max(m.limit for m in momentum_rate_maps(settings))
        rates, current = scrub_grid(limit, settings.learning_rate, SCRUB_PAIR_RATES)
    paths = rate_paths(
        r.traj.quadratic,
        rates,
        settings.epochs,
        settings.optimizer,
        r.traj.theta[0],
        yield_to_browser,
        settings.tol,
        momenta=None if momenta is None else momenta[0],
        **settings.hyperparameters,
    )
    return paths, current


# most of a miss's time
@st.cache_resource(**CACHE, show_spinner="Running every learning rate at once…")
def cached_scrubber_figure(
    settings: Settings, stacked: bool, scale: float = 1.0, square: bool = False
) -> go.Figure:
    """The scrubber (with a momentum slider and the rate map for heavy ball and
    Nesterov; ``square``: their four views two by two)."""
    r = cached_run(settings)
    paths, current = cached_rate_paths(settings)
    end = r.scaler.params_to_original(paths.end) if r.scaler else paths.end
    axis = contour_axis_labels(r)
    labels = scrubber.ScrubLabels(
        r.data.feature_names[0], r.data.target_name, axis[0], axis[-1]
    )
    m, momenta = rate_map_of(settings), None
    if (pair := scrubbed_momenta(settings)) is not None:
        values, j = pair
        maps = momentum_rate_maps(settings)
        chart = rates.momentum_map(
            r.analysis,
            REGISTRY[settings.optimizer].family,
            fastest_pair(r.analysis, settings.optimizer),
        )
        m, momenta = maps[j], scrubber.Momenta(values, j, maps, chart)
    return scrubber.scrubber_figure(
        paths,
        end,
        r.data.X,
        r.data.y,
        r.traj.quadratic,
        r.analysis,
        r.optimum_original,
        current=current,
        rate_map=m,
        labels=labels,
        stacked=stacked,
        scale=scale,
        momenta=momenta,
        square=square,
    )
