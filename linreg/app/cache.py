"""Cached runs and figures, keyed by the frozen ``Settings`` (small scalars, cheap to
hash).

Objects in these ``st.cache_resource`` caches are shared by every session and treated as
read-only; the caches are bounded (entries and time to live).
"""

from __future__ import annotations

import dataclasses
import threading

import numpy as np
import plotly.graph_objects as go
import streamlit as st

from .. import words
from ..bundled import BUNDLED, bundled_table
from ..csvdata import Table
from ..csvdata import default_columns as csv_default_columns
from ..experiment import (
    MAX_ROWS_READ,
    MAX_UPDATES,
    Run,
    Settings,
    run,
    shared_epochs,
    sweep_updates,
)
from ..model import design_matrix
from ..optimizers import REGISTRY
from ..stepwise import run_effective_steps
from ..sweep import (
    MAX_SWEEP_UPDATES,
    MIN_SWEPT_RATES,
    SCRUB_PAIR_RATES,
    RatePaths,
    Sweep,
    log_grid,
    mini_batch_plan,
    rate_paths,
    scrub_grid,
    scrub_momenta,
    sweep_full_batch,
    sweep_runs,
    swept_epochs,
)
from ..theory import (
    MAX_MEASURED_EPOCHS,
    RateMap,
    example_rates,
    fastest_pair,
    per_step,
    rate_map,
)
from ..viz import compare, geometry, playground, rates, scrubber
from .controls import SETTINGS, ViewOptions
from .labels import OPTIMIZERS, parameter_labels
from .uploads import UPLOADS

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
    if dataset in BUNDLED:
        return cached_bundled(dataset)
    return UPLOADS.get(st.session_state.get("upload_id", ""))


def default_columns(dataset: str, table: Table) -> tuple[tuple[str, ...], str]:
    return (
        (BUNDLED[dataset][1], BUNDLED[dataset][2])
        if dataset in BUNDLED
        else csv_default_columns(table)
    )


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


# ---------------------------------------------------------------- playground
def contour_params(view: ViewOptions, names: list[str]) -> tuple[int, int] | None:
    if len(names) <= 2 or view.contour_x not in names or view.contour_y not in names:
        return None
    i, j = names.index(view.contour_x), names.index(view.contour_y)
    return (i, j) if i != j else None


def use_log(view: ViewOptions, r: Run) -> bool:
    if view.log_loss != "auto":
        return view.log_loss == "log"
    loss = r.traj.loss[np.isfinite(r.traj.loss) & (r.traj.loss > 0)]
    return len(loss) > 1 and loss.max() / loss.min() > 100


def contour_axis_labels(r: Run) -> list[str]:
    """Each trained parameter's axis title: the weights say when they are on
    standardized features."""
    suffix = " (standardized x)" if r.scaler else ""
    names = parameter_labels(r.data.feature_names)
    return [name + suffix for name in names[:-1]] + names[-1:]


#: Below this condition number in the contour's plane the axes share one scale: a round
#: bowl looks round.
ROUND_KAPPA = 2.0


def plane_kappa(r: Run, params: tuple[int, int]) -> float:
    lam = np.linalg.eigvalsh(r.analysis.hessian[np.ix_(params, params)])
    return float(lam[-1] / lam[0]) if lam[0] > 0 else float("inf")


@st.cache_resource(**QUICK)
def cached_playground_figure(
    settings: Settings, view: ViewOptions, current: int | None, stacked: bool
) -> go.Figure:
    r = cached_run(settings)
    names = r.data.feature_names
    i, j = params = contour_params(view, parameter_labels(names)) or (0, len(names))
    axis = contour_axis_labels(r)
    labels = (names[0], r.data.target_name, axis[i], axis[j])
    options = playground.PlotOptions(
        log_loss=use_log(view, r),
        residuals=view.residuals,
        params=params,
        stacked=stacked,
        equal_axes=view.equal_axes or plane_kappa(r, params) < ROUND_KAPPA,
        scale=1.25 if view.present else 1.0,
        click_grid=len(names) == 1,
        whole_run=view.whole_run,
        convergence_panel=shows_convergence_panel(view),
    )
    effective = (
        run_effective_steps(r.traj, r.x_train, r.data.y)
        if options.convergence_panel
        else None
    )
    return playground.run_figure(
        r, options, labels=labels, current=current, effective_steps=effective
    )


def shows_convergence_panel(view: ViewOptions) -> bool:
    """The fourth view is shown when asked for; by default (auto) unless presenting: the
    projector keeps its three large views."""
    return view.convergence_panel == "show" or (
        view.convergence_panel == "auto" and not view.present
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
    hashed: ``key`` names them)."""
    t = _r.traj
    epochs = min(key.epochs, MAX_MEASURED_EPOCHS)
    sweep = sweep_full_batch(
        t.quadratic,
        log_grid(),
        epochs,
        key.optimizer,
        t.theta[0],
        key.tol,
        yield_to_browser,
        **key.hyperparameters,
    )
    if epochs == key.epochs:
        return sweep
    return dataclasses.replace(
        sweep, note=f"Each rate ran {epochs:,} full-batch epochs (the sweep's limit)."
    )


def cached_sweep(
    settings: Settings, budget: int = MAX_SWEEP_UPDATES, optimizer: str | None = None
) -> Sweep:
    """Learning rates from 1e-4 to 10 for ``optimizer`` (default: the settings'), on the
    settings' data: 60 stacked full-batch runs, or as many mini-batch runs as ``budget``
    updates allow (core: sweep.py).
    """
    # the data and the start; the settings' own run is already cached by the page
    r = cached_run(settings)
    base, settings = (
        settings,
        (
            with_optimizer(settings, optimizer, settings.learning_rate)
            if optimizer
            else settings
        ),
    )
    key = sweep_key(settings)
    t = r.traj
    updates = sweep_updates(budget, t.batch_size)
    plan = (
        None
        if key.batch == "full"
        else mini_batch_plan(t.epochs_requested, t.steps_per_epoch, budget=updates)
    )
    if plan is None:
        sweep = cached_full_sweep(key.replace(batch="full"), r)
        if key.batch == "full":
            return sweep
        note = too_many_updates(t.epochs_requested, t.steps_per_epoch, updates, budget)
        return dataclasses.replace(sweep, note=note)
    epochs, count = plan
    # the progress bar, drawn once the work starts: a cached sweep shows nothing
    slot = st.empty()

    def progress(done: int, total: int) -> None:
        slot.progress(done / total, text=sweeping(done, total, count, epochs))

    held = sweep_holder(sweep_key(base), settings.optimizer, count, epochs)
    with held.lock:  # two sessions asking at once: one sweeps, the other waits for it
        if held.sweep is None:
            held.sweep = swept_rates(
                sweep_key(base),
                r,
                settings.optimizer,
                log_grid(count=count),
                epochs,
                progress,
            )
    slot.empty()
    sweep = held.sweep
    cut = epochs < t.epochs_requested or count < 60
    note = (
        f"To stay within {words.count(updates, 'update')}: {count} rates,"
        f" {words.count(epochs, 'epoch')} each."
    )
    return dataclasses.replace(sweep, note=note if cut else None)


def sweeping(done: int, total: int, rates: int, epochs: int) -> str:
    """The sweep's progress: updates done of updates, every rate at once."""
    return (
        f"Sweeping {rates} learning rates at once (mini-batch runs of"
        f" {words.count(epochs, 'epoch')} each): {done:,} of"
        f" {words.count(total, 'update')} done"
    )


def too_many_updates(
    epochs: int, steps_per_epoch: int, updates: int, budget: int
) -> str:
    """Why a mini-batch sweep fell back to full batch: what its smallest plan would
    cost, against its budget of ``updates`` (``budget``, or fewer for large batches: a
    sweep reads rows as a run does).
    """
    per_run = swept_epochs(epochs, steps_per_epoch)
    total = MIN_SWEPT_RATES * per_run * steps_per_epoch
    rows = budget * MAX_ROWS_READ // MAX_UPDATES
    why = (
        ""
        if updates == budget
        else f" (batches this large: a sweep reads at most {rows:,} rows)"
    )
    return (
        f"A mini-batch sweep here needs at least {MIN_SWEPT_RATES} rates ×"
        f" {words.count(per_run, 'epoch')} × {words.count(steps_per_epoch, 'update')}"
        f" per epoch = {total:,} updates, more than the sweep's budget of"
        f" {updates:,}{why}: these are full-batch runs."
        f" {'Fewer' if why else 'Larger batches, fewer'} rows or fewer epochs sweep in"
        " mini-batches."
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


def race_learning_rates(
    settings: Settings, chosen, mode: str, own: dict
) -> tuple[dict[str, float], str | None]:
    """Each racer's rate, and what the tuning sweeps cut (they share one sweep's
    budget)."""
    if mode == "shared":
        return dict.fromkeys(chosen, settings.learning_rate), None
    if mode == "own":
        return {k: float(own[k]) for k in chosen}, None
    sweeps = {
        k: cached_sweep(settings, MAX_SWEEP_UPDATES // len(chosen), k) for k in chosen
    }
    notes = {s.note for s in sweeps.values() if s.note}
    tuning = (
        f"Tuning {words.count(len(chosen), 'optimizer')} shares one sweep's budget. "
    )
    note = tuning + " ".join(sorted(notes)) if notes else None
    return {k: s.best_learning_rate for k, s in sweeps.items()}, note


def race_settings(settings: Settings, racers: int) -> tuple[Settings, str | None]:
    """The racers share one run's budget, MAX_UPDATES updates and (mini-batches)
    MAX_ROWS_READ rows: fewer epochs each when many race; and the words that say so
    (None: every racer runs the settings' epochs).
    """
    t = cached_run(settings).traj
    by_updates = shared_epochs(settings.epochs, racers, t.steps_per_epoch)
    # an epoch reads every row once
    rows = None if t.batch_size is None else t.batch_size * t.steps_per_epoch
    by_rows = by_updates if rows is None else MAX_ROWS_READ // racers // rows
    epochs = max(1, min(by_updates, by_rows))
    if epochs >= settings.epochs:
        return settings, None
    budget, fix = (
        (f"{MAX_UPDATES:,} updates", "larger batches")
        if by_updates <= by_rows
        else (f"{MAX_ROWS_READ:,} rows read", "fewer rows")
    )
    note = (
        f"{racers} racers share one run's budget of {budget}:"
        f" {words.count(epochs, 'epoch')} each instead of {settings.epochs:,}. Race"
        f" fewer optimizers, or use {fix}."
    )
    return settings.replace(epochs=epochs), note


def race_runs(settings: Settings, learning_rates: dict[str, float]) -> list[Run]:
    shared, _ = race_settings(settings, len(learning_rates))
    return [
        cached_run(with_optimizer(shared, k, lr)) for k, lr in learning_rates.items()
    ]


@st.cache_resource(**CACHE, show_spinner=DRAWING)
def cached_race_figure(
    settings: Settings,
    learning_rates: tuple[tuple[str, float], ...],
    arrows: bool,
    stacked: bool = False,
) -> go.Figure:
    runs = race_runs(settings, dict(learning_rates))
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


def example_label(name: str, r: Run, m: RateMap, lines: int = 1) -> str:
    """'zig-zag · lr 0.765 · ×0.94/step: converged': the theory's word and pace, then
    what the run did; on two ``lines`` (a narrow legend), the rate on the first and what
    it did on the second.
    """
    lr = r.settings.learning_rate
    rate = f"{name} · lr {lr:g}"
    if not m.measured:
        rate += f"{' · ' if lines == 1 else '<br>'}{per_step(m.contraction(lr))}/step"
    return f"{rate}:{' ' if lines == 1 or not m.measured else '<br>'}{r.traj.outcome}"


@st.cache_resource(**CACHE, show_spinner=DRAWING)
def cached_ghost_figure(settings: Settings, stacked: bool = False) -> go.Figure:
    m = rate_map_of(settings)
    lines = 2 if stacked else 1
    runs = [
        (example_label(name, r, m, lines), r.traj) for name, r in example_runs(settings)
    ]
    return compare.race_figure(runs, cached_run(settings).analysis, stacked=stacked)


@st.cache_resource(**CACHE, show_spinner=DRAWING)
def cached_sweep_figure(settings: Settings, stacked: bool = False) -> go.Figure:
    return rates.sweep_figure(cached_sweep(settings), rate_map_of(settings), stacked)


@st.cache_resource(**CACHE, show_spinner=DRAWING)
def cached_momentum_map(settings: Settings) -> go.Figure:
    """The momentum rate map of the settings' optimizer (heavy ball unless it is
    Nesterov), the current (learning rate, momentum) marked when it is that
    optimizer."""
    name = (
        settings.optimizer if REGISTRY[settings.optimizer].has_velocity else "momentum"
    )
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
def scrubbed_momenta(settings: Settings) -> tuple[np.ndarray, int] | None:
    """Heavy ball and Nesterov: the momentum slider's values (the user's among them) and
    the user's index."""
    if not REGISTRY[settings.optimizer].has_velocity:
        return None
    return scrub_momenta(settings.hyperparameters["momentum"])


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
    theta = r.scaler.params_to_original(paths.theta) if r.scaler else paths.theta
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
        theta,
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
