"""Built-in datasets and feature standardisation.

Every generator takes a ``seed`` and draws from one ``np.random.default_rng(seed)``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .validation import ParameterError, check_Xy


@dataclass(frozen=True)
class Dataset:
    X: np.ndarray  # (n, d)
    y: np.ndarray  # (n,)
    feature_names: tuple[str, ...]
    target_name: str
    title: str
    # [w..., b] of the generating line, when known
    true_params: np.ndarray | None = None

    @property
    def n_samples(self) -> int:
        return len(self.y)

    @property
    def n_features(self) -> int:
        return self.X.shape[1]


def cortical_thickness(
    n: int = 100, noise: float = 0.05, seed: int | None = 0
) -> Dataset:
    """The lesson's example: age = linspace(0, 1, n), thickness = 2.8 - 0.008 age + N(0,
    noise)."""
    _check_n_noise(n, noise)
    rng = np.random.default_rng(seed)
    age = np.linspace(0.0, 1.0, n)
    return _noisy_line(
        age,
        (-0.008, 2.8),
        rng.normal(0.0, noise, n),
        ("age (scaled 0-1)", "cortical thickness (mm)"),
        "Age vs cortical thickness",
    )


def synthetic_linear(
    n: int = 100,
    slope: float = 3.0,
    intercept: float = 2.0,
    noise: float = 1.0,
    x_range: tuple[float, float] = (0.0, 10.0),
    outlier_fraction: float = 0.0,
    outlier_scale: float = 10.0,
    seed: int | None = 0,
) -> Dataset:
    """x ~ U(x_range), y = slope x + intercept + N(0, noise).

    A fraction ``outlier_fraction`` of y is shifted by +-outlier_scale * max(noise, 10%
    of the line's rise over the x range): visible even at a small noise (1 when both are
    0).
    """
    _check_n_noise(n, noise)
    lo, hi = float(x_range[0]), float(x_range[1])
    if not (np.isfinite(lo) and np.isfinite(hi) and lo < hi):
        raise ParameterError(
            "x_range",
            f"x_range must be two finite numbers with low < high, got {x_range!r}",
        )
    if not 0.0 <= outlier_fraction <= 1.0:
        raise ParameterError(
            "outlier_fraction",
            f"outlier_fraction must be in [0, 1], got {outlier_fraction!r}",
        )
    rng = np.random.default_rng(seed)
    x = rng.uniform(lo, hi, n)
    errors = rng.normal(0.0, noise, n)
    n_out = round(outlier_fraction * n)
    if n_out:
        rows = rng.choice(n, n_out, replace=False)
        unit = max(noise, 0.1 * abs(slope) * (hi - lo)) or 1.0
        errors[rows] += rng.choice([-1.0, 1.0], n_out) * outlier_scale * unit
    return _noisy_line(x, (slope, intercept), errors, ("x", "y"), "Synthetic line")


def _noisy_line(
    x: np.ndarray,
    line: tuple[float, float],
    errors: np.ndarray,
    names: tuple[str, str],
    title: str,
) -> Dataset:
    """One feature ``x`` and y = slope x + intercept + ``errors``; ``line`` (slope,
    intercept) is the data's true [w, b]; ``names``: the feature's and the target's."""
    slope, intercept = line
    return Dataset(
        X=x[:, None],
        y=slope * x + intercept + errors,
        feature_names=names[:1],
        target_name=names[1],
        title=title,
        true_params=np.array(line, dtype=float),
    )


def _check_n_noise(n: int, noise: float) -> None:
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 2:
        raise ParameterError("n", f"n must be a whole number >= 2, got {n!r}")
    if not (np.isfinite(noise) and noise >= 0):
        raise ParameterError(
            "noise", f"noise must be a finite number >= 0, got {noise!r}"
        )


@dataclass(frozen=True)
class Standardizer:
    """z = (x - mean) / scale per feature; scale 1 for a constant feature (so it stays
    finite)."""

    mean: np.ndarray
    scale: np.ndarray

    @classmethod
    def fit(cls, X) -> Standardizer:
        X = np.asarray(X, dtype=float).reshape(len(X), -1)
        std = X.std(axis=0)
        return cls(mean=X.mean(axis=0), scale=np.where(std > 0, std, 1.0))

    def transform(self, X) -> np.ndarray:
        return (np.asarray(X, dtype=float).reshape(len(X), -1) - self.mean) / self.scale

    def params_to_original(self, theta: np.ndarray) -> np.ndarray:
        """[w_z..., b_z] on standardised features -> [w..., b] in original units (any
        leading axes).

        y = sum_k w_z,k (x_k - mean_k) / scale_k + b_z  =>  w_k = w_z,k / scale_k,
        b = b_z - sum_k w_z,k mean_k / scale_k.
        """
        theta = np.asarray(theta, dtype=float)
        w_z, b_z = theta[..., :-1], theta[..., -1:]
        w = w_z / self.scale
        return np.concatenate(
            [w, b_z - (w * self.mean).sum(axis=-1, keepdims=True)], axis=-1
        )

    def params_from_original(self, theta: np.ndarray) -> np.ndarray:
        """Inverse of params_to_original: w_z = w scale, b_z = b + sum w mean."""
        theta = np.asarray(theta, dtype=float)
        w, b = theta[..., :-1], theta[..., -1:]
        return np.concatenate(
            [w * self.scale, b + (w * self.mean).sum(axis=-1, keepdims=True)], axis=-1
        )


def as_dataset(
    X, y, feature_names=None, target_name: str = "y", title: str = "Data"
) -> Dataset:
    """Validate arrays and wrap them as a Dataset."""
    X, y = check_Xy(X, y)
    names = (
        tuple(feature_names)
        if feature_names is not None
        else tuple(f"x{i + 1}" for i in range(X.shape[1]))
    )
    if len(names) != X.shape[1]:
        raise ParameterError(
            "feature_names", f"{len(names)} feature names for {X.shape[1]} features"
        )
    return Dataset(X=X, y=y, feature_names=names, target_name=target_name, title=title)
