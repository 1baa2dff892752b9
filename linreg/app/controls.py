"""Every control's kind, range, step and default: read by the sidebar that draws it and
by the URL reader that cleans a link's values before any widget exists (a value a widget
would refuse never reaches it)."""

from __future__ import annotations

import math
from dataclasses import dataclass, fields

import numpy as np

from ..experiment import BATCH_MODES, DATASETS, MAX_UPDATES, Settings
from ..model import LOSSES
from ..optimizers import REGISTRY
from ..schedules import SCHEDULES
from .labels import RACE_MODES


@dataclass(frozen=True)
class Control:
    kind: str  # "float", "int", "bool", "choice", "multi" (several choices) or "text"
    lo: float | None = None
    hi: float | None = None
    step: float | None = None
    # the allowed values of a choice, a multi, or a float select slider
    options: tuple = ()


@dataclass(frozen=True)
class ViewOptions:
    log_loss: str = "auto"
    residuals: bool = False
    equal_axes: bool = False
    surface: str = "contour"
    # parameter names on the contour with several features ("" = first weight, b)
    contour_x: str = ""
    contour_y: str = ""
    # the three views side by side or stacked; auto: stacked when the page is narrow
    layout: str = "auto"
    # presentation mode: only the views, the player and the presets, larger
    present: bool = False
    scrub: bool = False  # the learning-rate scrubber in place of the step player
    # the whole path and loss curve at once (a still slide), not drawn step by step
    whole_run: bool = False
    # the fourth view (error per eigen-axis, adaptive steps); auto: not presenting
    convergence_panel: str = "auto"


SETTINGS = Settings()
VIEW = ViewOptions()
RACE_DEFAULTS = {"race_optimizers": ("gd", "momentum", "adam"), "race_mode": "shared"}
# the Learn page's step to explain (update k -> k + 1)
LEARN_DEFAULTS = {"learn_step": 0}
RACE_RATE = "race_lr_"  # + optimizer name: that optimizer's own rate in the race

CONTROLS: dict[str, Control] = {
    # data
    "dataset": Control("choice", options=DATASETS),
    "n": Control("int", 2, 200_000, 100),
    "noise": Control("float", 0.0, 3.0, 0.01),
    "random_state": Control("int", 0, 2**31 - 1, 1),
    "slope": Control("float", -10.0, 10.0, 0.1),
    "intercept": Control("float", -10.0, 10.0, 0.1),
    "x_min": Control("float", -100.0, 100.0, 0.5),
    "x_max": Control("float", -100.0, 100.0, 0.5),
    "outlier_fraction": Control("float", 0.0, 0.5, 0.01),
    "outlier_scale": Control("float", 1.0, 50.0, 1.0),
    "features": Control("multi"),
    "target": Control("text"),
    "test_fraction": Control("float", 0.0, 0.5, 0.05),
    "standardize": Control("bool"),
    # optimizer
    "optimizer": Control("choice", options=tuple(REGISTRY)),
    "learning_rate": Control(
        "float", 1e-6, 100.0
    ),  # on ordinary data: learning_rate_range follows the data's
    "epochs": Control("int", 1, 10_000, 100),
    "batch": Control("choice", options=BATCH_MODES),
    "batch_size": Control("int", 2, 256, 1),
    "momentum": Control("float", 0.0, 0.99, 0.01),
    "beta1": Control("float", 0.0, 0.999, 0.001),
    "beta2": Control("float", 0.9, 0.9999, 0.0001),
    "rho": Control("float", 0.5, 0.999, 0.001),
    "eps": Control("float", options=(1e-10, 1e-8, 1e-6, 1e-4, 1e-2)),
    # loss and start
    "loss": Control("choice", options=tuple(LOSSES)),
    "alpha": Control("float", options=(0.0, 0.001, 0.01, 0.1, 1.0)),
    "w0": Control("float", -100.0, 100.0, 0.5),
    "b0": Control("float", -100.0, 100.0, 0.5),
    "tol": Control("float", options=(1e-2, 1e-3, 1e-4, 1e-5, 1e-6, 1e-7, 1e-8)),
    "schedule": Control("choice", options=SCHEDULES),
    "gamma": Control("float", 0.01, 1.0, 0.01),
    "step_size": Control("int", 1, 10_000, 10),
    "decay": Control("float", 0.0, 1.0, 0.001),
    # view
    "log_loss": Control("choice", options=("auto", "log", "linear")),
    "surface": Control("choice", options=("contour", "3-D")),
    "residuals": Control("bool"),
    "equal_axes": Control("bool"),
    "contour_x": Control("text"),
    "contour_y": Control("text"),
    "layout": Control("choice", options=("auto", "side by side", "stacked")),
    "present": Control("bool"),
    "scrub": Control("bool"),
    "whole_run": Control("bool"),
    "convergence_panel": Control("choice", options=("auto", "show", "hide")),
    # race page
    "race_optimizers": Control("multi", options=tuple(REGISTRY)),
    "race_mode": Control("choice", options=tuple(RACE_MODES)),
    # learn page (a run has at most MAX_UPDATES updates: steps 0 .. MAX_UPDATES - 1 are
    # explained)
    "learn_step": Control("int", 0, MAX_UPDATES - 1, 1),
}
SETTINGS_KEYS = tuple(f.name for f in fields(Settings) if f.name != "upload_id")
VIEW_KEYS = tuple(f.name for f in fields(ViewOptions))


#: The learning-rate box reaches this many decades below the data's full-batch limit 2/L
#: and this many above: data whose limit is below the box's ordinary range (a GDP column
#: unscaled: 2/L ~ 1e-7) can still converge.
LR_DECADES_BELOW, LR_DECADES_ABOVE = 4, 1
#: The log slider's rates on ordinary data, this many a decade; widened like the box.
LR_SLIDER = (1e-4, 10.0)
LR_SLIDER_PER_DECADE = 20


def _decade(x: float, rounding) -> float:
    return 10.0 ** rounding(math.log10(x))


def learning_rate_range(gd_limit: float | None, *current: float) -> tuple[float, float]:
    """The learning-rate box's range on data whose full-batch GD limit is ``gd_limit``
    (2/L; None: unknown): the ordinary range widened to whole decades from
    LR_DECADES_BELOW below the limit to LR_DECADES_ABOVE above it, and to hold the
    ``current`` rates (a rate already set is never pushed out of its box).
    """
    c = CONTROLS["learning_rate"]
    lo, hi = c.lo, c.hi
    if gd_limit is not None and math.isfinite(gd_limit) and gd_limit > 0:
        lo = min(lo, _decade(gd_limit / 10**LR_DECADES_BELOW, math.floor))
        hi = max(hi, _decade(gd_limit * 10**LR_DECADES_ABOVE, math.ceil))
    return min((lo, *current)), max((hi, *current))


def learning_rate_options(gd_limit: float | None) -> tuple[float, ...]:
    """The log slider's rates (3 significant digits): LR_SLIDER, widened to the decade
    three below the data's limit and the one above it."""
    lo, hi = LR_SLIDER
    if gd_limit is not None and math.isfinite(gd_limit) and gd_limit > 0:
        lo, hi = (
            min(lo, _decade(gd_limit / 1e3, math.floor)),
            max(hi, _decade(gd_limit * 10, math.ceil)),
        )
    decades = round(math.log10(hi / lo))
    return tuple(
        float(f"{v:.3g}")
        for v in np.geomspace(lo, hi, decades * LR_SLIDER_PER_DECADE + 1)
    )


def control(key: str, gd_limit: float | None = None) -> Control:
    """The control of ``key``; a learning rate's (a race rate's too) has the range that
    follows the data's full-batch limit ``gd_limit`` (None: the ordinary range)."""
    if key == "learning_rate" or key.startswith(RACE_RATE):
        return Control("float", *learning_rate_range(gd_limit))
    return CONTROLS[key]


def default(key: str, optimizer: str = SETTINGS.optimizer):
    """The value a control starts at; a hyperparameter's is the optimizer's own (the
    registry's)."""
    if key in REGISTRY[optimizer].defaults:
        return REGISTRY[optimizer].defaults[key]
    if key in SETTINGS_KEYS:
        return getattr(SETTINGS, key)
    if key in VIEW_KEYS:
        return getattr(VIEW, key)
    if key.startswith(RACE_RATE):
        return SETTINGS.learning_rate
    return {**RACE_DEFAULTS, **LEARN_DEFAULTS}.get(key)


def widget_value(value):
    """A value as a widget's state holds it: several choices as a list (Settings keeps
    tuples)."""
    return list(value) if isinstance(value, tuple) else value
