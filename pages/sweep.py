"""Learning-rate sweep: where the learning rate stops working, and four runs that show why."""

import streamlit as st

from linreg.app import cache, labels, router, scrub
from linreg.app.display import chart, current_run, narrow, page_style
from linreg.optimizers import REGISTRY
from linreg.outcomes import OUTCOMES
from linreg.theory import RateMap, example_rates

router.disable_legacy_pages_folder()


def theory_word(m: RateMap) -> str:
    """Where the zones and the best rate on the chart come from."""
    if m.measured:
        return "Adaptive: no closed-form limit; the bands are what the runs did."
    return f"The bands and the dotted line come from the optimizer's own dynamics: {m.best_text}."


page_style(present=False)
st.markdown("### Learning-rate sweep")
run = current_run()
settings = run.settings
sweep = cache.cached_sweep(settings)  # says what it computes when it takes over half a second
rate_map = cache.rate_map_of(settings)
if sweep.note:
    st.info(sweep.note)
counts = ", ".join(f"{int((sweep.outcome == word).sum())} {word}" for word in OUTCOMES if (sweep.outcome == word).any())
st.caption(
    f"{labels.OPTIMIZERS[settings.optimizer]}: {len(sweep.learning_rates)} learning rates from 1e-4 to 10, "
    f"{sweep.epochs:,} epochs each, same data and start: {counts}. Best measured here: "
    f"{sweep.best_learning_rate:.3g}. {theory_word(rate_map)}"
)
chart(cache.cached_sweep_figure(settings, narrow()), "sweep")
st.markdown("#### Scrub the learning rate: every view redraws as you drag")
scrub.section(run, narrow())
examples = example_rates(rate_map, settings.epochs)
st.markdown(f"#### {len(examples)} rates on one surface: {', '.join(examples)}")
if rate_map.measured and "diverged" not in examples:
    top = float(sweep.learning_rates.max())
    st.caption(
        f"No rate up to {top:g} diverged for {labels.OPTIMIZERS[settings.optimizer]} in these full-batch runs: "
        + REGISTRY[settings.optimizer].steps_statement(**settings.hyperparameters)
    )
chart(cache.cached_ghost_figure(settings, narrow()), "ghost")
momentum_name = labels.OPTIMIZERS[settings.optimizer if REGISTRY[settings.optimizer].has_velocity else "momentum"]
with st.expander(
    f"{momentum_name}: how fast the error shrinks over (learning rate, momentum)",
    expanded=REGISTRY[settings.optimizer].has_velocity,
):
    chart(cache.cached_momentum_map(settings), "momentum_map")
