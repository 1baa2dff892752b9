"""Learning-rate schedules, indexed by epoch e = 0, 1, ... (every step of an epoch
shares its rate)."""

from __future__ import annotations

import numpy as np

from .validation import ParameterError

SCHEDULES = ("constant", "step", "exponential", "inverse_time")


def epoch_learning_rates(
    learning_rate: float,
    epochs: int,
    schedule: str = "constant",
    gamma: float = 0.5,
    step_size: int = 100,
    decay: float = 0.01,
) -> np.ndarray:
    """The learning rate of each epoch.

    constant:      lr_e = lr
    step:          lr_e = lr * gamma^floor(e / step_size)
    exponential:   lr_e = lr * gamma^e
    inverse_time:  lr_e = lr / (1 + decay * e)
    """
    e = np.arange(epochs, dtype=float)
    if schedule not in SCHEDULES:
        raise ParameterError(
            "schedule",
            f"unknown schedule {schedule!r}: choose one of {list(SCHEDULES)}",
        )
    if schedule in ("step", "exponential") and not 0 < gamma <= 1:
        raise ParameterError("gamma", f"gamma must be in (0, 1], got {gamma!r}")
    if schedule == "constant":
        return np.full(epochs, float(learning_rate))
    if schedule == "step":
        if step_size < 1:
            raise ParameterError(
                "step_size", f"step_size must be >= 1, got {step_size!r}"
            )
        return learning_rate * gamma ** np.floor(e / step_size)
    if schedule == "exponential":
        return learning_rate * gamma**e
    if schedule == "inverse_time":
        if decay < 0:
            raise ParameterError("decay", f"decay must be >= 0, got {decay!r}")
        return learning_rate / (1.0 + decay * e)
    raise ParameterError(
        "schedule", f"unknown schedule {schedule!r}: choose one of {list(SCHEDULES)}"
    )
