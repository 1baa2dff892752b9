"""Input checks shared by the core, the CLI and the app: each error names the bad
value."""

from __future__ import annotations

import math

import numpy as np

#: Squares of larger numbers overflow a double (max about 1.8e308) once summed over many
#: rows.
MAX_ABS_VALUE = 1e150


class ParameterError(ValueError):
    """A bad argument, carrying its parameter's name (``parameter``, the name of the
    setting where there is one): the app shows the message beside that setting's
    control."""

    def __init__(self, parameter: str, message: str):
        super().__init__(message)
        self.parameter = parameter


def check_Xy(X, y) -> tuple[np.ndarray, np.ndarray]:
    """Return X as (n, d) floats and y as (n,) floats, or raise a ParameterError that
    says what is wrong."""
    X, y = check_shapes(X, y)
    check_values(X, y)
    return X, y


def check_shapes(X, y) -> tuple[np.ndarray, np.ndarray]:
    """Types and shapes only (no pass over the values): X as (n, d) floats, y as (n,)
    floats."""
    try:
        X = np.asarray(X, dtype=float)
        y = np.asarray(y, dtype=float)
    except (TypeError, ValueError) as exc:
        raise ParameterError("X", f"X and y must be numeric: {exc}") from None
    if X.ndim == 1:
        X = X[:, None]
    if X.ndim != 2:
        raise ParameterError(
            "X", f"X must be 2-D (n_samples, n_features), got shape {X.shape}"
        )
    if y.ndim != 1:
        raise ParameterError("y", f"y must be 1-D (n_samples,), got shape {y.shape}")
    if X.shape[0] != y.shape[0]:
        raise ParameterError(
            "y", f"X has {X.shape[0]} rows but y has {y.shape[0]}: they must match"
        )
    if X.shape[0] < 2:
        raise ParameterError(
            "X", f"need at least 2 samples to fit a line, got {X.shape[0]}"
        )
    if X.shape[1] < 1:
        raise ParameterError("X", "X has no feature columns")
    return X, y


def check_values(X: np.ndarray, y: np.ndarray) -> None:
    """No NaN or inf, and nothing so large that its square overflows."""
    # a sum of huge finite values overflows: the check below names them
    with np.errstate(over="ignore"):
        sums_finite = np.isfinite(X.sum()) and np.isfinite(y.sum())
    if not sums_finite:  # one cheap pass; details only on failure
        if not np.all(np.isfinite(X)):
            bad = int(np.sum(~np.isfinite(X)))
            raise ParameterError(
                "X", f"X contains {bad} NaN or infinite values: drop or fill them"
            )
        if not np.all(np.isfinite(y)):
            bad = int(np.sum(~np.isfinite(y)))
            raise ParameterError(
                "y", f"y contains {bad} NaN or infinite values: drop or fill them"
            )
    for name, values in (("X", X), ("y", y)):
        big = max(abs(values.max()), abs(values.min()))
        if big > MAX_ABS_VALUE:
            raise ParameterError(
                name,
                f"values as large as {big:.3g} overflow when squared: divide the"
                " columns by a power of ten (and standardize the features) before"
                " fitting",
            )


def check_learning_rate(learning_rate) -> float:
    if isinstance(learning_rate, bool) or not isinstance(
        learning_rate, (int, float, np.number)
    ):
        raise ParameterError(
            "learning_rate", f"learning_rate must be a number, got {learning_rate!r}"
        )
    if not (math.isfinite(learning_rate) and learning_rate > 0):
        raise ParameterError(
            "learning_rate",
            f"learning_rate must be a finite number > 0, got {learning_rate!r}",
        )
    return float(learning_rate)


def check_epochs(epochs) -> int:
    if (
        isinstance(epochs, bool)
        or not isinstance(epochs, (int, np.integer))
        or epochs < 1
    ):
        raise ParameterError(
            "epochs", f"epochs must be a whole number >= 1, got {epochs!r}"
        )
    return int(epochs)


def check_batch_size(batch_size, n_samples: int) -> int:
    """None means full batch; otherwise 1 <= batch_size <= n_samples."""
    if batch_size is None:
        return n_samples
    if isinstance(batch_size, bool) or not isinstance(batch_size, (int, np.integer)):
        raise ParameterError(
            "batch_size",
            f"batch_size must be a whole number or None, got {batch_size!r}",
        )
    if not 1 <= batch_size <= n_samples:
        raise ParameterError(
            "batch_size",
            f"batch_size must be between 1 and n_samples = {n_samples}, got"
            f" {batch_size}",
        )
    return int(batch_size)


def check_alpha(alpha) -> float:
    if not (
        isinstance(alpha, (int, float, np.number))
        and math.isfinite(alpha)
        and alpha >= 0
    ):
        raise ParameterError(
            "alpha", f"alpha (L2 strength) must be a finite number >= 0, got {alpha!r}"
        )
    return float(alpha)
