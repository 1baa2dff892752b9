"""The vocabulary: what each key of the core is called on screen.  Keys travel in URLs and exports;
labels are only ever shown (old links that carried labels are read back through ``LABEL_TO_KEY``)."""

from __future__ import annotations

from ..model import LOSSES
from ..viz.style import short_number

OPTIMIZERS = {
    "gd": "GD",
    "momentum": "Momentum",
    "nesterov": "Nesterov",
    "adagrad": "Adagrad",
    "rmsprop": "RMSprop",
    "adam": "Adam",
}
DATASETS_SHOWN = {
    "cortical": "Cortical thickness",
    "synthetic": "Synthetic line",
    "tips": "Tips (real)",
    "iris": "Iris (real)",
    "gapminder": "Gapminder (real)",
    "upload": "Uploaded CSV",
}
BATCH = {"full": "Full", "mini": "Mini-batch", "sgd": "Stochastic"}
LOSS = {k: f"{c.symbol} = {c.formula}" for k, c in LOSSES.items()}
SCHEDULES = {"constant": "Constant", "step": "Step", "exponential": "Exponential", "inverse_time": "Inverse time"}
RACE_MODES = {"shared": "One shared rate", "own": "Own rate each", "tuned": "Tune each (sweep)"}
HYPERPARAMETERS = {
    "momentum": "Momentum μ",
    "beta1": "β₁ (first moment decay)",
    "beta2": "β₂ (second moment decay)",
    "rho": "ρ (squared-gradient decay)",
    "eps": "ε",
}
SYMBOLS = {"momentum": "μ", "beta1": "β₁", "beta2": "β₂", "rho": "ρ", "eps": "ε"}

#: Every choice's label, per URL key, mapped back to its key (links made before URLs carried keys).
LABEL_TO_KEY = {
    "optimizer": {v: k for k, v in OPTIMIZERS.items()},
    "dataset": {v: k for k, v in DATASETS_SHOWN.items()},
    "batch": {v: k for k, v in BATCH.items()},
    "race_mode": {v: k for k, v in RACE_MODES.items()},
    "race_optimizers": {v: k for k, v in OPTIMIZERS.items()},
}


def parameter_labels(features) -> list[str]:
    """theta's entries by name: w(feature) for each feature, then b ("w", "b" for one feature)."""
    return [f"w({f})" for f in features] + ["b"] if len(features) > 1 else ["w", "b"]


def hyperparameter_text(hyperparameters: dict) -> str:
    """'μ 0.9' or 'β₁ 0.9, β₂ 0.999, ε 1e-08': the values a run used."""
    return ", ".join(f"{SYMBOLS[k]} {v:g}" for k, v in hyperparameters.items())


number = short_number  # one way to write a number on screen, charts and page alike


#: Which control a core error message is about (the message names the value; this names the control).
CONTROL_OF_ERROR = {
    "x_range": "“x from” and “x to” (Data)",
    "feature": "Features (Data)",
    "target": "Target (Data)",
    "column": "Features and Target (Data)",
    "uploaded file": "Dataset (Data)",
    "batch_size": "Batch size",
    "learning_rate": "Learning rate",
    "n must": "Samples n (Data)",
    "noise": "Noise σ (Data)",
    "gamma": "γ (schedule)",
    "step_size": "Epochs between cuts (schedule)",
    "rescale": "the data: standardize the features (Data)",
    "varies by": "the data: standardize the features (Data)",
}


def control_of_error(message: str) -> str:
    """The control to change for an error message ("the settings" when none is named)."""
    return next((label for word, label in CONTROL_OF_ERROR.items() if word in message), "the settings")
