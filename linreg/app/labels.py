"""The vocabulary: what each key of the core is called on screen.  Keys travel in URLs
and exports; labels are only ever shown (old links that carried labels are read back
through ``LABEL_TO_KEY``).
"""

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
SCHEDULES = {
    "constant": "Constant",
    "step": "Step",
    "exponential": "Exponential",
    "inverse_time": "Inverse time",
}
RACE_MODES = {
    "shared": "One shared rate",
    "own": "Own rate each",
    "tuned": "Tune each (sweep)",
}
HYPERPARAMETERS = {
    "momentum": "Momentum μ",
    "beta1": "β₁ (first moment decay)",
    "beta2": "β₂ (second moment decay)",
    "rho": "ρ (squared-gradient decay)",
    "eps": "ε",
}
SYMBOLS = {"momentum": "μ", "beta1": "β₁", "beta2": "β₂", "rho": "ρ", "eps": "ε"}

#: Every choice's label, per URL key, mapped back to its key (links made before URLs
#: carried keys).
LABEL_TO_KEY = {
    "optimizer": {v: k for k, v in OPTIMIZERS.items()},
    "dataset": {v: k for k, v in DATASETS_SHOWN.items()},
    "batch": {v: k for k, v in BATCH.items()},
    "race_mode": {v: k for k, v in RACE_MODES.items()},
    "race_optimizers": {v: k for k, v in OPTIMIZERS.items()},
}


def parameter_labels(features) -> list[str]:
    """theta's entries by name: w(feature) for each feature, then b ("w", "b" for one
    feature)."""
    return [f"w({f})" for f in features] + ["b"] if len(features) > 1 else ["w", "b"]


def hyperparameter_text(hyperparameters: dict) -> str:
    """'μ 0.9' or 'β₁ 0.9, β₂ 0.999, ε 1e-08': the values a run used."""
    return ", ".join(f"{SYMBOLS[k]} {v:g}" for k, v in hyperparameters.items())


number = short_number  # one way to write a number on screen, charts and page alike


#: The control that sets each parameter a core error names
#: (``ParameterError.parameter``): the key of the widget the message is placed beside,
#: and the control's words in the page's message.
CONTROL_OF_PARAMETER = {
    "learning_rate": ("learning_rate", "Learning rate"),
    "epochs": ("epochs", "Epochs"),
    "optimizer": ("optimizer", "Optimizer"),
    **{key: (key, label) for key, label in HYPERPARAMETERS.items()},
    "batch_size": ("batch_size", "Batch size"),
    "schedule": ("schedule", "Learning-rate schedule"),
    "gamma": ("gamma", "γ (schedule)"),
    "step_size": ("step_size", "Epochs between cuts (schedule)"),
    "decay": ("decay", "Decay (schedule)"),
    "loss": ("loss", "Loss convention (Loss, L2 and start)"),
    "alpha": ("alpha", "L2 strength α (Loss, L2 and start)"),
    "theta0": ("b0", "Start w and Start b (Loss, L2 and start)"),
    "tol": ("tol", "Tolerance ‖∇J‖ (Loss, L2 and start)"),
    "dataset": ("dataset", "Dataset (Data)"),
    "upload_id": ("dataset", "Dataset (Data)"),
    "n": ("n", "Samples n (Data)"),
    "noise": ("noise", "Noise σ (Data)"),
    "x_range": ("x_max", "“x from” and “x to” (Data)"),
    "outlier_fraction": ("outlier_fraction", "Outlier fraction (Data)"),
    "features": ("features", "Features (Data)"),
    "target": ("target", "Target (Data)"),
    "test_fraction": ("test_fraction", "Test fraction (Data)"),
    "X": (
        "standardize",
        "the data: standardize the features (Data)",
    ),  # values that overflow or underflow
    "y": ("target", "Target (Data)"),
}
#: Which control an error names when it names none.
NO_CONTROL = (None, "the settings")


def control_of(error: ValueError) -> tuple[str | None, str]:
    """(widget key, words) of the control that sets the parameter ``error`` names;
    NO_CONTROL when none does."""
    return CONTROL_OF_PARAMETER.get(getattr(error, "parameter", None), NO_CONTROL)
