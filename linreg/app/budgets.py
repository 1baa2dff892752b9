"""The work budgets on the pages: what the race and the sweeps cut to stay within them,
and the words that say so.

The budgets and their arithmetic are the core's (experiment.MAX_UPDATES,
MAX_ROWS_READ, shared_epochs, read_epochs, sweep_updates, sweep_rows;
sweep.MAX_SWEEP_UPDATES, mini_batch_plan); the cached runs and sweeps are cache.py's.
"""

from __future__ import annotations

import dataclasses

import streamlit as st

from .. import words
from ..experiment import (
    MAX_ROWS_READ,
    MAX_UPDATES,
    Settings,
    read_epochs,
    shared_epochs,
    sweep_rows,
    sweep_updates,
)
from ..sweep import (
    MAX_SWEEP_UPDATES,
    MIN_SWEPT_RATES,
    Sweep,
    mini_batch_plan,
    swept_epochs,
)
from . import cache


def sweep_for(
    settings: Settings, budget: int = MAX_SWEEP_UPDATES, optimizer: str | None = None
) -> Sweep:
    """Learning rates from 1e-4 to 10 for ``optimizer`` (default: the settings'), on the
    settings' data: 60 stacked full-batch runs, or as many mini-batch runs as ``budget``
    updates allow (core: sweep.py), a progress bar drawn while they run; its note says
    what was cut.
    """
    # the data and the start; the settings' own run is already cached by the page
    r = cache.cached_run(settings)
    swept = (
        cache.with_optimizer(settings, optimizer, settings.learning_rate)
        if optimizer
        else settings
    )
    key = cache.sweep_key(swept)
    t = r.traj
    updates = sweep_updates(budget, t.batch_size)
    plan = (
        None
        if key.batch == "full"
        else mini_batch_plan(t.epochs_requested, t.steps_per_epoch, budget=updates)
    )
    if plan is None:
        sweep = cache.cached_full_sweep(key.replace(batch="full"), r)
        note = (
            too_many_updates(t.epochs_requested, t.steps_per_epoch, updates, budget)
            if key.batch != "full"
            else capped(sweep.epochs, key.epochs)
        )
        return dataclasses.replace(sweep, note=note)
    epochs, count = plan
    # the progress bar, drawn once the work starts: a cached sweep shows nothing
    slot = st.empty()

    def progress(done: int, total: int) -> None:
        slot.progress(done / total, text=sweeping(done, total, count, epochs))

    sweep = cache.cached_mini_batch_sweep(
        cache.sweep_key(settings), r, swept.optimizer, count, epochs, progress
    )
    slot.empty()
    cut = epochs < t.epochs_requested or count < 60
    note = (
        f"To stay within {words.count(updates, 'update')}: {count} rates,"
        f" {words.count(epochs, 'epoch')} each."
    )
    return dataclasses.replace(sweep, note=note if cut else None)


def capped(epochs: int, asked: int) -> str | None:
    """What a full-batch sweep of ``epochs`` epochs a rate cut of the ``asked`` ones
    (None: nothing)."""
    if epochs >= asked:
        return None
    return f"Each rate ran {epochs:,} full-batch epochs (the sweep's limit)."


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
    why = (
        ""
        if updates == budget
        else f" (batches this large: a sweep reads at most {sweep_rows(budget):,} rows)"
    )
    return (
        f"A mini-batch sweep here needs at least {MIN_SWEPT_RATES} rates ×"
        f" {words.count(per_run, 'epoch')} × {words.count(steps_per_epoch, 'update')}"
        f" per epoch = {total:,} updates, more than the sweep's budget of"
        f" {updates:,}{why}: these are full-batch runs."
        f" {'Fewer' if why else 'Larger batches, fewer'} rows or fewer epochs sweep in"
        " mini-batches."
    )


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
        k: sweep_for(settings, MAX_SWEEP_UPDATES // len(chosen), k) for k in chosen
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
    r = cache.cached_run(settings)
    by_updates = shared_epochs(settings.epochs, racers, r.traj.steps_per_epoch)
    n = r.data.n_samples
    by_rows = (
        by_updates
        if settings.batch_size_for(n) is None
        else read_epochs(settings.epochs, racers, n)
    )
    epochs = min(by_updates, by_rows)
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
