"""Learning-rate sweep: where the learning rate stops working, and four runs that show
why."""

import numpy as np
import streamlit as st

from linreg import words
from linreg.app import budgets, cache, labels, router, scrub, views
from linreg.app.display import chart, current_run, narrow, page_style
from linreg.optimizers import REGISTRY
from linreg.outcomes import OUTCOMES
from linreg.sweep import Sweep
from linreg.theory import RateMap, example_rates

router.disable_legacy_pages_folder()


def theory_word(m: RateMap) -> str:
    """Where the zones and the best rate on the chart come from."""
    if m.measured:
        return "Adaptive: no closed-form limit; the bands are what the runs did."
    return (
        "The bands and the dotted line come from the optimizer's own dynamics:"
        f" {m.best_text}."
    )


def empty_panel_words(sweep: Sweep) -> str | None:
    """Why the steps-to-settle panel is empty, when it is (None: some rate converged and
    stayed)."""
    if np.isfinite(sweep.settled_at).any():
        return None
    return (
        f"The steps-to-settle panel is empty: no rate brought ‖∇J‖ below {sweep.tol:g}"
        f" and kept it there within {words.count(sweep.epochs, 'epoch')}. The slow"
        " rates do not get there in time; the fast ones diverge or, with mini-batches,"
        " keep jittering above it. A larger tolerance (sidebar: Loss, L2 and start) or"
        " more epochs fill it."
    )


page_style(present=False)
st.markdown("### Learning-rate sweep")
run = current_run()
settings = run.settings
# mini-batch: a progress bar counts the rates done meanwhile
sweep = budgets.sweep_for(settings)
rate_map = cache.rate_map_of(settings)
if sweep.note:
    st.info(sweep.note)
counts = ", ".join(
    f"{int((sweep.outcome == word).sum())} {word}"
    for word in OUTCOMES
    if (sweep.outcome == word).any()
)
st.caption(
    f"{labels.OPTIMIZERS[settings.optimizer]}: {len(sweep.learning_rates)} learning"
    f" rates from 1e-4 to 10, {words.count(sweep.epochs, 'epoch')} each, same data and"
    f" start: {counts}. Best measured here: {sweep.best_learning_rate:.3g}."
    f" {theory_word(rate_map)}"
)
chart(cache.cached_sweep_figure(settings, sweep, narrow()), "sweep")
if why_empty := empty_panel_words(sweep):
    st.caption(why_empty)
st.markdown("#### Scrub the learning rate: every view redraws as you drag")
scrub.section(run, narrow())
examples = example_rates(rate_map, settings.epochs)
st.markdown(f"#### {len(examples)} rates on one surface: {', '.join(examples)}")
if rate_map.measured and "diverged" not in examples:
    top = float(sweep.learning_rates.max())
    st.caption(
        f"No rate up to {top:g} diverged for {labels.OPTIMIZERS[settings.optimizer]} in"
        " these full-batch runs: "
        + REGISTRY[settings.optimizer].steps_statement(**settings.hyperparameters)
    )
chart(cache.cached_ghost_figure(settings, narrow()), "ghost")
momentum_name = labels.OPTIMIZERS[views.momentum_map_optimizer(settings)]
with st.expander(
    f"{momentum_name}: how fast the error shrinks over (learning rate, momentum)",
    expanded=REGISTRY[settings.optimizer].has_velocity,
):
    chart(cache.cached_momentum_map(settings), "momentum_map")
