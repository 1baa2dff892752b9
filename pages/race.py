"""Optimizer race: several optimizers on the same data from the same start, played
together."""

import numpy as np
import streamlit as st

from linreg import words
from linreg.app import budgets, cache, labels, router
from linreg.app.controls import CONTROLS, RACE_RATE, learning_rate_range
from linreg.app.display import (
    chart,
    current_run,
    keyboard_player,
    narrow,
    page_style,
    records_table,
)
from linreg.app.state import seed
from linreg.experiment import Run, Settings

router.disable_legacy_pages_folder()


def race_controls(
    settings: Settings, gd_limit: float
) -> tuple[tuple[str, ...], str, dict[str, float]]:
    """Which optimizers race and how their learning rates are chosen (page controls, in
    the URL); one under another on a narrow page, where side by side they cut the chosen
    optimizers off."""
    stack = narrow()
    c1, c2 = (st.container(), st.container()) if stack else st.columns([3, 2])
    seed("race_optimizers")
    seed("race_mode")
    chosen = c1.multiselect(
        "Optimizers",
        list(CONTROLS["race_optimizers"].options),
        format_func=labels.OPTIMIZERS.get,
        key="race_optimizers",
        persist_state="session",
    )
    mode = c2.radio(
        "Learning rates",
        list(labels.RACE_MODES),
        format_func=labels.RACE_MODES.get,
        key="race_mode",
        horizontal=True,
        persist_state="session",
    )
    own = {}
    if mode == "own" and chosen:
        for name in chosen:
            seed(RACE_RATE + name, settings.learning_rate)
        lo, hi = learning_rate_range(
            gd_limit, *(st.session_state[RACE_RATE + name] for name in chosen)
        )
        cols = [st.container() for _ in chosen] if stack else st.columns(len(chosen))
        for col, name in zip(cols, chosen, strict=True):
            own[name] = col.number_input(
                f"{labels.OPTIMIZERS[name]} rate",
                lo,
                hi,
                format="%g",
                key=RACE_RATE + name,
                persist_state="session",
            )
    return tuple(chosen), mode, own


def race_table(runs: list[Run]) -> None:
    rows = []
    for r in runs:
        t = r.traj
        rows.append(
            {
                "optimizer": labels.OPTIMIZERS[r.settings.optimizer],
                "learning rate": f"{r.settings.learning_rate:.4g}",
                "final loss": f"{t.final_loss:.5g}",
                "outcome": t.outcome,
                "settled below tolerance": (
                    f"step {t.settled_at:,}" if t.settled_at is not None else "—"
                ),
                "diverged at": f"step {t.diverged_at:,}" if t.diverged else "—",
                "distance to optimum": (
                    f"{float(np.linalg.norm(t.theta[-1] - r.analysis.theta_star)):.3g}"
                ),
            }
        )
    records_table(rows, "optimizer")


page_style(present=False)
st.markdown("### Optimizer race")
run = current_run()
settings = run.settings
chosen, mode, own = race_controls(settings, run.analysis.gd_limit)
if not chosen:
    st.info("Pick at least one optimizer to race.")
    st.stop()
rates, tuning_note = budgets.race_learning_rates(settings, chosen, mode, own)
if tuning_note:
    st.info(tuning_note)
shared, budget_note = budgets.race_settings(settings, len(rates))
runs = cache.race_runs(shared, rates)
how = {
    "shared": f"one shared learning rate, {settings.learning_rate:g} (sidebar)",
    "own": "the learning rate you gave each",
    "tuned": (
        "each optimizer's best rate from a sweep of 60 rates between 1e-4 and 10 (the"
        " one that converged and stayed below the tolerance soonest)"
    ),
}[mode]
st.caption(
    f"Fair race: same data (n = {run.data.n_samples}, seed {settings.random_state}),"
    f" same start (w = {settings.w0:g}, b = {settings.b0:g}), same budget of"
    f" {words.count(runs[0].traj.epochs_requested, 'epoch')}; {how}. Each optimizer"
    " uses its own default hyperparameters (torch.optim's) unless the sidebar sets"
    " them."
)
if budget_note:
    st.info(budget_note)
arrows = settings.batch != "full"
chart(cache.cached_race_figure(shared, tuple(rates.items()), arrows, narrow()), "race")
if arrows:
    st.caption(
        "Faint purple: each mini-batch's gradient direction at the current step (first"
        " run), scaled like the full gradient."
    )
race_table(runs)
keyboard_player()
