"""The textbook model: one line of code per line of maths.  Every fast path is tested
against it.

forward    y_hat = X w + b
loss       J = s/n sum_i (y_hat_i - y_i)^2              (s = 1: mse; s = 1/2: half_mse)
backward   dJ/dw = 2s/n X^T (y_hat - y),   dJ/db = 2s/n sum_i (y_hat_i - y_i)
update     w <- w - lr dJ/dw,   b <- b - lr dJ/db
"""

from __future__ import annotations

import numpy as np

from .model import check_loss


class LinearModel:
    """Linear regression trained by full-batch gradient descent, as the lesson writes
    it."""

    def __init__(self, n_features: int, loss: str = "mse"):
        self.w = np.zeros(n_features)
        self.b = 0.0
        self.s = check_loss(loss)

    def forward(self, X: np.ndarray) -> np.ndarray:
        return X @ self.w + self.b

    def loss(self, y_hat: np.ndarray, y: np.ndarray) -> float:
        return self.s / len(y) * np.sum((y_hat - y) ** 2)

    def backward(
        self, X: np.ndarray, y_hat: np.ndarray, y: np.ndarray
    ) -> tuple[np.ndarray, float]:
        r = y_hat - y
        dw = 2 * self.s / len(y) * (X.T @ r)
        db = 2 * self.s / len(y) * np.sum(r)
        return dw, db

    def update(self, dw: np.ndarray, db: float, learning_rate: float) -> None:
        self.w = self.w - learning_rate * dw
        self.b = self.b - learning_rate * db

    def fit(
        self, X: np.ndarray, y: np.ndarray, learning_rate: float, epochs: int
    ) -> list[float]:
        """Train for ``epochs`` steps; return the loss before each step and after the
        last."""
        history = []
        for _ in range(epochs):
            y_hat = self.forward(X)
            history.append(self.loss(y_hat, y))
            dw, db = self.backward(X, y_hat, y)
            self.update(dw, db, learning_rate)
        history.append(self.loss(self.forward(X), y))
        return history
