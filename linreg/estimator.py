"""LinearRegressionGD: the core behind scikit-learn's estimator conventions.

scikit-learn is an optional extra: this module imports it, the rest of ``linreg`` does
not.
"""

from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.utils.validation import check_is_fitted, validate_data

from .datasets import Standardizer
from .training import train


class LinearRegressionGD(RegressorMixin, BaseEstimator):
    """Linear regression fitted by gradient descent, starting at w = b = 0 like the
    lessons.

    Parameters mirror ``linreg.train``; ``batch_size=None`` is full batch; a
    hyperparameter left at None is the optimizer's own default (torch.optim's, from
    ``linreg.optimizers.REGISTRY``).  With ``standardize`` the features are standardised
    for training and ``coef_``/``intercept_`` are mapped back to the original units.  A
    run that diverges sets ``diverged_`` and keeps the last finite weights.

    Attributes: ``coef_``, ``intercept_``, ``loss_history_`` (full-data loss per step,
    start included), ``n_iter_`` (epochs run), ``diverged_``, ``trajectory_``,
    ``n_features_in_``.
    """

    def __init__(
        self,
        optimizer: str = "gd",
        learning_rate: float = 0.01,
        epochs: int = 1000,
        batch_size: int | None = None,
        momentum: float | None = None,
        alpha: float = 0.0,
        loss: str = "mse",
        standardize: bool = False,
        tol: float | None = None,
        shuffle: bool = True,
        random_state: int | None = None,
        beta1: float | None = None,
        beta2: float | None = None,
        rho: float | None = None,
        eps: float | None = None,
    ):
        self.optimizer = optimizer
        self.learning_rate = learning_rate
        self.epochs = epochs
        self.batch_size = batch_size
        self.momentum = momentum
        self.alpha = alpha
        self.loss = loss
        self.standardize = standardize
        self.tol = tol
        self.shuffle = shuffle
        self.random_state = random_state
        self.beta1 = beta1
        self.beta2 = beta2
        self.rho = rho
        self.eps = eps

    def fit(self, X, y):
        X, y = validate_data(self, X, y, y_numeric=True, ensure_min_samples=2)
        X = np.asarray(X, dtype=float)  # no copy when it already is
        scaler = Standardizer.fit(X) if self.standardize else None
        Xt = scaler.transform(X) if scaler else X
        seed = (
            self.random_state
            if not isinstance(self.random_state, np.random.RandomState)
            else None
        )
        batch = None if self.batch_size is None else min(self.batch_size, len(y))
        traj = train(
            Xt,
            np.asarray(y, dtype=float),
            optimizer=self.optimizer,
            learning_rate=self.learning_rate,
            epochs=self.epochs,
            batch_size=batch,
            loss=self.loss,
            alpha=self.alpha,
            tol=self.tol,
            stop_at_tol=self.tol is not None,
            shuffle=self.shuffle,
            random_state=seed,
            momentum=self.momentum,
            beta1=self.beta1,
            beta2=self.beta2,
            rho=self.rho,
            eps=self.eps,
        )
        theta = traj.theta[-1]
        if scaler:
            theta = scaler.params_to_original(theta)
        self.coef_ = theta[:-1].copy()
        self.intercept_ = float(theta[-1])
        self.loss_history_ = traj.loss.copy()
        self.n_iter_ = traj.epochs_run
        self.diverged_ = traj.diverged
        self.trajectory_ = traj
        return self

    def predict(self, X):
        check_is_fitted(self)
        X = validate_data(self, X, reset=False)
        return X.astype(float) @ self.coef_ + self.intercept_
