"""Classroom presets: one click (or ``?preset=name``) sets every control to show one
lesson, and the page states that lesson in one line.  ``tests/test_presets.py`` checks
each claim on the run itself.

A preset is a set of changes from the default ``Settings``; rates named by the theory
(the best rate, the limit, the end of the monotone zone) come from the preset's own data
and optimizer (theory.py).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import NamedTuple

from ..experiment import Settings, analysis_of
from ..optimizers import HYPERPARAMETER_NAMES
from ..theory import RateMap, rate_map


class Preset(NamedTuple):
    label: str  # the button
    claim: str  # what the run shows, in one line (checked by a test)
    changes: dict  # from the default Settings


def _with_rate(
    pick: Callable[[RateMap], float], factor: float = 1.0, **changes
) -> dict:
    """Changes plus a learning rate ``factor`` x the rate ``pick`` takes from the theory
    of the preset's own data and optimizer (its best rate, its limit, ...), to 3
    digits."""
    s = Settings(**changes)
    m = rate_map(analysis_of(s), s.optimizer, **s.hyperparameters)
    return {**changes, "learning_rate": float(f"{factor * pick(m):.3g}")}


def _best(m: RateMap) -> float:
    return m.best_lr


def _limit(m: RateMap) -> float:
    return m.limit


def _end_of_monotone(m: RateMap) -> float:
    return next(b for name, _, b in m.zones if name == "monotone")


#: The lesson's data unscaled: x from 0 to 10, a long narrow valley.
UNSCALED = {"dataset": "synthetic", "noise": 1.0}

PRESETS: dict[str, Preset] = {
    "lesson": Preset(
        "Lesson",
        "The lesson's run: every step lowers the loss, yet after 2,000 epochs it is"
        " still descending: the loss is 24% above its minimum.",
        {},
    ),
    "too_small": Preset(
        "Too small",
        "Too small a step (lr 0.001): after 1,000 epochs the loss is still 61× its"
        " minimum, still descending.",
        {"learning_rate": 0.001, "epochs": 1000},
    ),
    "one_over_L": Preset(
        "1/L",
        "lr = 1/L = 0.394: one step cuts the steep axis' error ×0.0008 and no axis ever"
        " changes sign (monotone); the shallow axis sets the pace, ×0.947 per step.",
        _with_rate(_end_of_monotone, epochs=300),
    ),
    "best": Preset(
        "Best",
        "Best constant step 2/(λmin + L) = 0.749: both valley axes shrink ×0.900 per"
        " step, the fastest any constant rate guarantees. It is above 1/L = 0.394, so"
        " the steep axis still zig-zags.",
        _with_rate(_best, epochs=300),
    ),
    "oscillating": Preset(
        "Zig-zag",
        "Near the limit (0.97 × 2/L = 0.765): the steep axis' error flips sign every"
        " step and shrinks only ×0.940 per step, slower than the best step's ×0.900.",
        _with_rate(_limit, 0.97, epochs=300),
    ),
    "diverging": Preset(
        "Diverging",
        "Just over 2/L: each overshoot is larger than the last, and the loss explodes.",
        _with_rate(_limit, 1.05, epochs=200),
    ),
    "unscaled": Preset(
        "Unscaled",
        "x from 0 to 10: κ ≈ 174, a long narrow valley. lr 0.02 is stable on the steep"
        " axis, but along the shallow one the error shrinks only ×0.991 per step: after"
        " 300 epochs the loss is within 0.3% of its minimum, yet b is 1.90 where the"
        " best line has 1.99, still descending along the valley floor.",
        {**UNSCALED, "learning_rate": 0.02, "epochs": 300},
    ),
    "standardized": Preset(
        "Standardized",
        "Standardized x: κ = 1, the level sets are circles, and lr = 1/L = 0.5 reaches"
        " the minimum in one step.",
        {**UNSCALED, "standardize": True, "learning_rate": 0.5, "epochs": 30},
    ),
    "momentum": Preset(
        "Momentum",
        "The unscaled valley (κ ≈ 174) with momentum 0.9: every rate from 0.00574 to"
        " 0.0474 shrinks the error ×0.949 per step, so lr 0.02 converges by step 372;"
        " GD at its own best rate (0.0248, ×0.989 per step) is still descending after"
        " 400.",
        {**UNSCALED, "optimizer": "momentum", "learning_rate": 0.02, "epochs": 400},
    ),
    "adam": Preset(
        "Adam",
        "Adam at lr 0.05: the first step moves each parameter by exactly the learning"
        " rate, whatever the gradient's size; after 500 epochs it is still descending.",
        {"optimizer": "adam", "learning_rate": 0.05, "epochs": 500},
    ),
    "sgd": Preset(
        "SGD",
        "Stochastic GD (one row per step), started near the optimum so that the view"
        " zooms in on it: the path jitters around the minimum, the loss goes up on many"
        " steps and never settles (stalled or oscillating), yet ends within 0.1% of the"
        " minimum.",
        {"batch": "sgd", "learning_rate": 0.01, "epochs": 50, "b0": 2.7},
    ),
}


def preset_settings(name: str) -> Settings:
    if name not in PRESETS:
        raise ValueError(f"unknown preset {name!r}: choose one of {list(PRESETS)}")
    return Settings(**PRESETS[name].changes)


def _resolved(s: Settings) -> Settings:
    return dataclasses.replace(
        s, upload_id="", **dict.fromkeys(HYPERPARAMETER_NAMES)
    ).replace(**s.hyperparameters)


def matching_preset(settings: Settings) -> str | None:
    """The preset whose settings are on screen (its claim is then shown), if any."""
    here = _resolved(settings)
    return next(
        (name for name in PRESETS if _resolved(preset_settings(name)) == here), None
    )
