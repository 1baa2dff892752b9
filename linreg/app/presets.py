"""Classroom presets: one click (or ``?preset=name``) sets every control to show one lesson, and the
page states that lesson in one line.  ``tests/test_presets.py`` checks each claim on the run itself.

A preset is a set of changes from the default ``Settings``; rates named by the theory ("best",
"limit") are computed from the preset's own data by the core (``experiment.analysis_of``).
"""

from __future__ import annotations

import dataclasses
from typing import NamedTuple

from ..experiment import Settings, analysis_of
from ..optimizers import HYPERPARAMETER_NAMES


class Preset(NamedTuple):
    label: str  # the button
    claim: str  # what the run shows, in one line (checked by a test)
    changes: dict  # from the default Settings


def _with_rate(of: str, factor: float = 1.0, **changes) -> dict:
    """Changes plus a learning rate ``factor`` x the theory's ``of`` rate for that data ("best",
    "oscillating" or "limit"), to 3 digits."""
    s = Settings(**changes)
    a = analysis_of(s)
    rates = {**a.ghost_rates(s.optimizer, **s.hyperparameters), "limit": a.limit(s.optimizer, **s.hyperparameters)}
    return {**changes, "learning_rate": float(f"{factor * rates[of]:.3g}")}


PRESETS: dict[str, Preset] = {
    "lesson": Preset(
        "Lesson", "The lesson's run: every step lowers the loss, but after 2,000 epochs it has not yet reached the "
        "tolerance.", {},
    ),
    "too_small": Preset(
        "Too small", "Too small a step (lr 0.001): after 1,000 epochs the gradient is still far above the tolerance.",
        {"learning_rate": 0.001, "epochs": 1000},
    ),
    "best": Preset(
        "Best", "Best constant step 2/(λmin + L): both valley axes shrink by the same factor (κ−1)/(κ+1) each "
        "step, the fastest guaranteed rate.", _with_rate("best", epochs=300),
    ),
    "oscillating": Preset(
        "Oscillating", "Between the best step and 2/L: every step overshoots the valley floor, so the error along "
        "the steep axis flips sign each step and shrinks only slowly.", _with_rate("oscillating", epochs=300),
    ),
    "diverging": Preset(
        "Diverging", "Just over 2/L: each overshoot is larger than the last, and the loss explodes.",
        _with_rate("limit", 1.05, epochs=200),
    ),
    "unscaled": Preset(
        "Unscaled", "x from 0 to 10: κ ≈ 174, a long narrow valley. A rate stable on the steep axis crawls along "
        "the shallow one: no convergence in 300 epochs.",
        {"dataset": "synthetic", "noise": 1.0, "learning_rate": 0.02, "epochs": 300},
    ),
    "standardized": Preset(
        "Standardized", "Standardized x: κ = 1, the level sets are circles, and lr = 1/L = 0.5 reaches the minimum "
        "in one step.",
        {"dataset": "synthetic", "noise": 1.0, "standardize": True, "learning_rate": 0.5, "epochs": 30},
    ),
    "momentum": Preset(
        "Momentum", "Momentum 0.9 at lr 0.05 reaches the tolerance within 300 epochs; plain GD at the same rate "
        "does not.", {"optimizer": "momentum", "learning_rate": 0.05, "epochs": 300},
    ),
    "adam": Preset(
        "Adam", "Adam at lr 0.05: the first step moves each parameter by exactly the learning rate, whatever the "
        "gradient's size.", {"optimizer": "adam", "learning_rate": 0.05, "epochs": 500},
    ),
    "sgd": Preset(
        "SGD", "Stochastic GD (one row per step): the loss goes up on many steps, yet ends within 1% of the "
        "minimum.", {"batch": "sgd", "learning_rate": 0.01, "epochs": 50},
    ),
}  # fmt: skip


def preset_settings(name: str) -> Settings:
    if name not in PRESETS:
        raise ValueError(f"unknown preset {name!r}: choose one of {list(PRESETS)}")
    return Settings(**PRESETS[name].changes)


def _resolved(s: Settings) -> Settings:
    return dataclasses.replace(s, upload_id="", **dict.fromkeys(HYPERPARAMETER_NAMES)).replace(**s.hyperparameters)


def matching_preset(settings: Settings) -> str | None:
    """The preset whose settings are on screen (its claim is then shown), if any."""
    here = _resolved(settings)
    return next((name for name in PRESETS if _resolved(preset_settings(name)) == here), None)
