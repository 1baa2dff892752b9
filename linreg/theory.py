"""What the app says about an optimizer's learning rates on this data: from its own
dynamics where it is linear (GD, heavy ball, Nesterov: dynamics.py), from its runs where
it is not (Adagrad, RMSprop, Adam: the stacked sweep, judged in the outcome vocabulary
of outcomes.py).

``RateMap`` is the one record every screen reads: the zones over learning rates, the
limit, the best rate, and a sentence for the rate in hand.  All of it is full-batch: the
theory of mini-batches is a band below the full-batch limit, not a line.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from .analysis import Analysis
from .dynamics import LinearTheory, best_pair, steps_per_decade
from .optimizers import spec
from .outcomes import CONVERGED, DIVERGED
from .sweep import Sweep
from .validation import ParameterError

#: The adaptive optimizers' rates are measured on full-batch runs of at most this many
#: epochs.
MAX_MEASURED_EPOCHS = 5000


def linear_theory(
    a: Analysis, optimizer: str, **hyperparameters: float | None
) -> LinearTheory | None:
    """The dynamics of full-batch ``optimizer`` at these hyperparameters; None for the
    adaptive ones."""
    s = spec(optimizer)
    if s.adaptive:
        return None
    return LinearTheory(
        s.family,
        np.maximum(a.eigenvalues, 0.0),
        float(s.own(hyperparameters).get("momentum", 0.0)),
    )


def limit(a: Analysis, optimizer: str, **hyperparameters: float | None) -> float | None:
    """The learning rate from which full-batch ``optimizer`` diverges on this data
    (None: no fixed limit)."""
    theory = linear_theory(a, optimizer, **hyperparameters)
    return None if theory is None else theory.limit


@lru_cache(maxsize=64)
def _best_pair(
    family: str, eigenvalues: tuple[float, ...]
) -> tuple[float, float, float]:
    return best_pair(family, np.array(eigenvalues))


def fastest_pair(a: Analysis, optimizer: str) -> tuple[float, float, float] | None:
    """(lr, momentum, contraction) of the fastest pair for a momentum optimizer on this
    data; else None."""
    s = spec(optimizer)
    if not s.has_velocity:
        return None
    return _best_pair(s.family, tuple(np.maximum(a.eigenvalues, 0.0)))


def per_step(rho: float) -> str:
    """A contraction per step as shown: three decimals (×0.900), five digits close to 1
    on either side (0.99987 is not "×1", nor is a diverging 1.0024), three significant
    digits below 0.1."""
    if 0.99 <= rho < 1.01 and rho != 1:
        return f"×{rho:.5g}"
    return f"×{rho:.3f}" if 0.1 <= rho < 0.99 else f"×{rho:.3g}"


def down(x: float, digits: int = 3) -> float:
    """x rounded towards zero to ``digits`` significant digits: a limit shown so that
    every rate below the number on screen is below the limit itself."""
    scale = 10.0 ** (digits - 1 - math.floor(math.log10(abs(x))))
    return math.floor(x * scale * (1 + 1e-12)) / scale


def up(x: float, digits: int = 3) -> float:
    """x rounded away from zero to ``digits`` significant digits (an interval's lower
    end, shown inside it)."""
    scale = 10.0 ** (digits - 1 - math.floor(math.log10(abs(x))))
    return math.ceil(x * scale * (1 - 1e-12)) / scale


ONE_STEP = 1e-9  # a contraction below this: the error is gone after one step


@dataclass(frozen=True)
class RateMap:
    """Zones over learning rates (name, from, to), the limit, the best rate, from theory
    or measured."""

    optimizer: str
    zones: tuple[tuple[str, float, float], ...]
    limit: float | None
    limit_text: str
    best_lr: float
    measured: bool
    theory: LinearTheory | None = None  # the linear optimizers' dynamics
    sweep: Sweep | None = None  # the adaptive optimizers' measured runs

    def zone(self, learning_rate: float) -> str:
        """The zone of ``learning_rate``; outside a measured range, "not measured"."""
        if self.theory is not None:
            return self.theory.zone(learning_rate)
        for name, lo, hi in self.zones:
            if lo <= learning_rate < hi:
                return name
        return "not measured"

    def contraction(self, learning_rate: float) -> float | None:
        return (
            None
            if self.theory is None
            else float(self.theory.contraction(learning_rate))
        )

    @property
    def best_text(self) -> str:
        """ "best 0.749 (×0.9/step)", "best: any rate in [a, b] (×0.949/step)" or "best
        measured 0.05"."""
        if self.theory is None:
            return f"best measured {self.best_lr:.3g}"
        best = self.theory.best
        if best.contraction < ONE_STEP:
            return f"best {best.learning_rate:.3g} (done in one step)"
        if best.interval:
            lo, hi = best.interval
            return (
                f"best: any rate in [{up(lo):g}, {down(hi):g}]"
                f" ({per_step(best.contraction)}/step)"
            )
        return f"best {best.learning_rate:.3g} ({per_step(best.contraction)}/step)"

    @property
    def limit_shown(self) -> str:
        """The limit as every screen shows it: rounded down, so that a rate below the
        number is stable."""
        return f"{down(self.limit):g}"


def rate_map(
    a: Analysis,
    optimizer: str,
    sweep: Sweep | None = None,
    **hyperparameters: float | None,
) -> RateMap:
    """The linear optimizers' map from their dynamics; the adaptive ones' from ``sweep``
    (full batch)."""
    theory = linear_theory(a, optimizer, **hyperparameters)
    text = spec(optimizer).limit_text
    if theory is not None:
        return RateMap(
            optimizer,
            theory.zones(),
            theory.limit,
            text,
            theory.best.learning_rate,
            False,
            theory,
        )
    if sweep is None:
        raise ParameterError(
            "sweep",
            f"{optimizer} has no closed-form theory: its rate map is measured from a"
            " sweep",
        )
    return RateMap(
        optimizer,
        measured_zones(sweep),
        None,
        text,
        sweep.best_learning_rate,
        True,
        sweep=sweep,
    )


def measured_zones(sweep: Sweep) -> tuple[tuple[str, float, float], ...]:
    """Consecutive rates with the same outcome, as bands meeting halfway (log scale)
    between rates."""
    lrs, words = sweep.learning_rates, sweep.outcome
    cuts = np.sqrt(lrs[1:] * lrs[:-1])
    edges = [
        lrs[0] / math.sqrt(lrs[1] / lrs[0]),
        *cuts,
        lrs[-1] * math.sqrt(lrs[-1] / lrs[-2]),
    ]
    zones, start = [], 0
    for i in range(1, len(lrs) + 1):
        if i == len(lrs) or words[i] != words[start]:
            zones.append((str(words[start]), float(edges[start]), float(edges[i])))
            start = i
    return tuple(zones)


def rate_sentence(
    m: RateMap, a: Analysis, learning_rate: float, **hyperparameters: float | None
) -> str:
    """What this learning rate does, and how it compares: the sidebar's caption (full
    batch)."""
    kappa = "∞" if not np.isfinite(a.kappa) else f"{a.kappa:.3g}"
    if m.theory is None:
        return (
            _measured_sentence(m, learning_rate, **hyperparameters) + f" · κ = {kappa}"
        )
    rho = m.contraction(learning_rate)
    zone = m.zone(learning_rate)
    if zone == "diverging":
        pace = f"error {per_step(rho)} per step: it grows"
    elif rho >= 1.0 - 1e-12:
        pace = "a flat direction never shrinks (singular data)"
    elif rho < ONE_STEP:
        pace = "the error is gone after one step"
    else:
        pace = (
            f"error {per_step(rho)} per step ({steps_per_decade(rho):.3g} steps per 10×"
            " less)"
        )
    parts = [
        f"**{zone}** · {pace}",
        f"limit {m.limit_text} = {m.limit_shown}",
        m.best_text,
    ]
    if m.theory.family != "gd":
        gd = LinearTheory("gd", m.theory.eigenvalues).best
        than = (
            "slower than"
            if m.theory.best.contraction > gd.contraction * (1 + 1e-9)
            else "at least as fast as"
        )
        pace = (
            "done in one step"
            if gd.contraction < ONE_STEP
            else f"{per_step(gd.contraction)}/step"
        )
        parts.append(f"{than} GD at its best ({pace} at lr {gd.learning_rate:.3g})")
        pair = fastest_pair(a, m.optimizer)
        if pair is not None:
            parts.append(
                f"fastest pair: lr {pair[0]:.3g}, μ {pair[1]:.2f}"
                f" ({per_step(pair[2])}/step)"
            )
    return " · ".join(parts) + f" · κ = {kappa}"


def _measured_sentence(
    m: RateMap, learning_rate: float, **hyperparameters: float | None
) -> str:
    sweep = m.sweep
    diverged = sweep.learning_rates[sweep.outcome == DIVERGED]
    converged = sweep.learning_rates[sweep.outcome == CONVERGED]
    total = len(sweep.learning_rates)
    count = f"Measured on {total} full-batch runs of {sweep.epochs:,} epochs"
    if len(converged) > 1:
        reach = (
            f"{len(converged)} of {total} converged, between {converged.min():.3g} and"
            f" {converged.max():.3g}"
        )
    elif len(converged) == 1:
        reach = f"only {converged[0]:.3g} converged"
    else:
        reach = "none converged to the tolerance"
    top = sweep.learning_rates.max()
    breaks = (
        f"first diverged at {diverged.min():.3g}"
        if len(diverged)
        else f"none diverged up to {top:.3g}"
    )
    statement = spec(m.optimizer).steps_statement(**hyperparameters).rstrip(".")
    return (
        f"**{m.zone(learning_rate)}** (measured) · {count}: {reach}; {breaks};"
        f" {m.best_text}. {statement}"
    )


def example_rates(m: RateMap, epochs: int) -> dict[str, float]:
    """Rates that show what each zone does, by name: for the linear optimizers, too
    small (best / 50), the top of the monotone zone (GD: 1/L, no zig-zag), the middle of
    the spiral zone, the best, a zig-zag near the limit, and just over the limit; for
    the adaptive ones, the best measured and the middle run of each outcome's widest
    band of the sweep (so "diverged" only where a run did)."""
    if m.theory is None:
        rates = {"best measured": m.best_lr}
        widest: dict[str, tuple[float, float]] = {}
        for name, a, b in m.zones:
            if name not in widest or b / a > widest[name][1] / widest[name][0]:
                widest[name] = (a, b)
        lrs = m.sweep.learning_rates
        for name, (a, b) in widest.items():
            inside = lrs[(lrs >= a) & (lrs <= b)]
            middle = float(inside[len(inside) // 2])
            if not math.isclose(middle, m.best_lr):
                rates[name] = middle
        return rates
    picks = {"too small": too_small(m.theory, epochs)}
    for name, a, b in m.zones:
        if name == "monotone":
            picks["monotone"] = b
        elif name == "spiral":
            picks["spiral"] = math.sqrt(max(a, b / 100) * b)
        elif name == "zig-zag":
            picks["zig-zag"] = max(0.97 * b, math.sqrt(a * b))
    picks = {
        name: lr
        for name, lr in picks.items()
        if not math.isclose(lr, m.best_lr, rel_tol=0.02)
    }
    if picks["too small"] > picks.get("monotone", math.inf):
        del picks["too small"]  # the monotone example is already too small
    picks["best"] = m.best_lr
    picks["diverging"] = 1.1 * m.limit
    return {
        name: shown(lr, m) for name, lr in sorted(picks.items(), key=lambda kv: kv[1])
    }


#: A "too small" rate leaves at least this fraction of the error after all its epochs.
UNFINISHED = 0.01


def too_small(theory: LinearTheory, epochs: int) -> float:
    """The largest rate below the best whose slowest axis keeps UNFINISHED of its error
    after ``epochs`` steps (rho^epochs >= UNFINISHED), found by bisection in log
    rate."""
    lo, hi = theory.limit * 1e-9, theory.best.learning_rate
    if float(theory.contraction(hi)) ** epochs >= UNFINISHED:
        return hi / 10
    for _ in range(60):
        middle = math.sqrt(lo * hi)
        if float(theory.contraction(middle)) ** epochs >= UNFINISHED:
            lo = middle
        else:
            hi = middle
    return lo


def shown(learning_rate: float, m: RateMap) -> float:
    """The rate with as few digits as keep it in its zone (3 at least), so that the
    number on screen is the rate that ran and the zone it names."""
    for digits in range(3, 10):
        rounded = float(f"{learning_rate:.{digits}g}")
        if m.zone(rounded) == m.zone(learning_rate):
            return rounded
    return learning_rate


def question_rates(m: RateMap) -> list[float]:
    """Rates for predict-then-reveal, so that over a class's draws every kind of answer
    comes up: for the linear optimizers, clearly stable (half the limit), just under and
    just over the limit, far beyond it, and too small; for the adaptive ones, one rate
    of each outcome their runs showed, and the best.
    """
    if m.theory is None:
        return sorted(set(example_rates(m, m.sweep.epochs).values()))
    return [
        m.best_lr / 50,
        0.5 * m.limit,
        0.97 * m.limit,
        1.03 * m.limit,
        1.5 * m.limit,
    ]


def question_rate(m: RateMap, draw: int) -> float:
    """The ``draw``-th question's rate: each round of len(rates) draws asks every rate
    once, in an order shuffled by ``np.random.default_rng(round)``, so a class sees
    every kind of answer.
    """
    rates = question_rates(m)
    order = np.random.default_rng(draw // len(rates)).permutation(len(rates))
    return shown(rates[int(order[draw % len(rates)])], m)


def why(m: RateMap, learning_rate: float) -> str:
    """The reason a run at ``learning_rate`` did what it did, from the theory or the
    measured runs."""
    if m.theory is None:
        return (
            f"No fixed limit applies; {m.zone(learning_rate)} is what the full-batch"
            " run near this rate did."
        )
    rho = m.contraction(learning_rate)
    ratio = learning_rate / m.limit
    return (
        f"It is {ratio:.2f} × the limit {m.limit_text} = {m.limit_shown}:"
        f" {m.zone(learning_rate)}, the error {'grows' if rho >= 1 else 'shrinks'}"
        f" {per_step(rho)} per step."
    )
