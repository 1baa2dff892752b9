"""Classroom presets: one click (or ``?preset=name``) sets every control to show one lesson.

A preset is a set of changes from the default ``Settings``; rates named by the theory ("best",
"limit") are computed from the preset's own data by the core (``experiment.analysis_of``).
"""

from __future__ import annotations

from ..experiment import Settings, analysis_of


def _with_rate(of: str, factor: float = 1.0, **changes) -> dict:
    """Changes plus a learning rate ``factor`` x the theory's ``of`` rate for that data, to 3 digits."""
    s = Settings(**changes)
    a = analysis_of(s)
    rate = a.best_rate(s.optimizer, **s.hyperparameters) if of == "best" else a.limit(s.optimizer, **s.hyperparameters)
    return {**changes, "learning_rate": float(f"{factor * rate:.3g}")}


#: name -> (label, settings changes from the defaults)
PRESETS: dict[str, tuple[str, dict]] = {
    "lesson": ("The lesson's run (lr 0.01, 2000 epochs)", {}),
    "too_small": ("Too small a step", {"learning_rate": 0.001, "epochs": 1000}),
    "best": ("Best constant step", _with_rate("best", epochs=50)),
    "oscillating": ("Oscillating", _with_rate("limit", 0.9, epochs=80)),
    "diverging": ("Diverging", _with_rate("limit", 1.05, epochs=200)),
    "unscaled": (
        "Unscaled feature (x in 0-10)",
        {"dataset": "synthetic", "noise": 1.0, "learning_rate": 0.02, "epochs": 300},
    ),
    "standardized": (
        "Standardized feature",
        {"dataset": "synthetic", "noise": 1.0, "standardize": True, "learning_rate": 0.5, "epochs": 30},
    ),
    "momentum": ("Momentum 0.9", {"optimizer": "momentum", "learning_rate": 0.05, "epochs": 300}),
    "adam": ("Adam", {"optimizer": "adam", "learning_rate": 0.05, "epochs": 500}),
    "sgd": ("Stochastic GD (batch 1)", {"batch": "sgd", "learning_rate": 0.01, "epochs": 50}),
}


def preset_settings(name: str) -> Settings:
    if name not in PRESETS:
        raise ValueError(f"unknown preset {name!r}: choose one of {list(PRESETS)}")
    return Settings(**PRESETS[name][1])
