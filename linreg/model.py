"""Linear model, loss and gradient: the one place where theta = [w..., b] is laid out.

Conventions
-----------
* ``X`` has shape (n_samples, n_features); ``A = [X, 1]`` is the design matrix.
* ``theta = [w_1, ..., w_d, b]``: the bias is the *last* parameter.
* ``loss="mse"``:      J = (1/n)  sum r_i^2 + alpha ||w||^2
                       (seed 001, scikit-learn, torch)
* ``loss="half_mse"``: J = (1/2n) sum r_i^2 + alpha ||w||^2   (seed 000)
  with residuals r = A theta - y.  The bias is never penalised.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .validation import MAX_ABS_VALUE, ParameterError, check_shapes, check_values

#: Above this, sums of squares are too close to overflow to trust; below MIN_SUM (a
#: non-zero spread of about 1e-140) they underflow into subnormal numbers and the
#: optimum's weight overflows.
MAX_SUM = MAX_ABS_VALUE**2
MIN_SUM = 1e-280


@dataclass(frozen=True)
class LossConvention:
    """J = scale / n * ||r||^2 (+ L2), gradient 2 scale / n A^T r: the half convention
    doubles every stable rate."""

    name: str
    scale: float
    symbol: str  # the loss's short name on axes and in tables
    formula: str  # J in plain text
    latex_scale: str  # the factor in front of sum r_i^2
    latex_gradient_scale: str  # the factor in front of A^T r


LOSSES = {
    "mse": LossConvention(
        "mse", 1.0, "MSE", "(1/n) Σ r²", r"\frac{1}{n}", r"\frac{2}{n}"
    ),
    "half_mse": LossConvention(
        "half_mse", 0.5, "½MSE", "(1/2n) Σ r²", r"\frac{1}{2n}", r"\frac{1}{n}"
    ),
}


def check_loss(loss: str) -> float:
    """Return the scale s of a loss convention, or raise a ParameterError naming the
    choices."""
    if loss not in LOSSES:
        raise ParameterError(
            "loss", f"unknown loss {loss!r}: choose one of {sorted(LOSSES)}"
        )
    return LOSSES[loss].scale


def design_matrix(X: np.ndarray) -> np.ndarray:
    """A = [X, 1], shape (n, d + 1)."""
    X = np.asarray(X, dtype=float)
    return np.hstack([X, np.ones((X.shape[0], 1))])


def predict(X: np.ndarray, w, b) -> np.ndarray:
    """y_hat = X w + b."""
    return np.asarray(X, dtype=float) @ np.atleast_1d(np.asarray(w, dtype=float)) + b


def penalty_mask(n_params: int) -> np.ndarray:
    """D = diag(1, ..., 1, 0): which parameters the L2 term penalises (all weights, not
    b)."""
    mask = np.ones(n_params)
    mask[-1] = 0.0
    return mask


def loss_value(
    A: np.ndarray,
    y: np.ndarray,
    theta: np.ndarray,
    loss: str = "mse",
    alpha: float = 0.0,
) -> float:
    """J(theta) = s/n ||A theta - y||^2 + alpha ||w||^2, with s = 1 (mse) or 1/2
    (half_mse)."""
    s = check_loss(loss)
    r = A @ theta - y
    return float(s / len(y) * (r @ r) + alpha * np.sum(theta[:-1] ** 2))


def gradient(
    A: np.ndarray,
    y: np.ndarray,
    theta: np.ndarray,
    loss: str = "mse",
    alpha: float = 0.0,
) -> np.ndarray:
    """grad J = 2s/n A^T (A theta - y) + 2 alpha D theta  (= (2/n) A^T r for mse, (1/n)
    A^T r for half)."""
    s = check_loss(loss)
    r = A @ theta - y
    return 2.0 * s / len(y) * (A.T @ r) + 2.0 * alpha * penalty_mask(len(theta)) * theta


def hessian(A: np.ndarray, loss: str = "mse", alpha: float = 0.0) -> np.ndarray:
    """H = 2s/n A^T A + 2 alpha D: constant, since J is an exact quadratic."""
    H, _ = batch_gradient_terms(A, np.zeros(A.shape[0]), A.shape[0], loss, alpha)
    return H[0]


def batch_gradient_terms(
    A: np.ndarray, y: np.ndarray, batch_size: int, loss: str = "mse", alpha: float = 0.0
) -> tuple[np.ndarray, np.ndarray]:
    """Per-batch terms of the gradient, grad J_B(theta) = H_B theta - c_B, for
    consecutive batches.

    H_B = 2s/|B| A_B^T A_B + 2 alpha D,   c_B = 2s/|B| A_B^T y_B,
    for the batches rows [0, bs), [bs, 2 bs), ... of A (the last one may be smaller).
    Returns H of shape (n_batches, p, p) and c of shape (n_batches, p).
    """
    s = check_loss(loss)
    n, p = A.shape
    n_full = n // batch_size
    Af = A[: n_full * batch_size].reshape(n_full, batch_size, p)
    yf = y[: n_full * batch_size].reshape(n_full, batch_size, 1)
    AtA = np.matmul(Af.transpose(0, 2, 1), Af)
    Aty = np.matmul(Af.transpose(0, 2, 1), yf)[:, :, 0]
    sizes = np.full(n_full, float(batch_size))
    if n_full * batch_size < n:
        Ar, yr = A[n_full * batch_size :], y[n_full * batch_size :]
        AtA = np.concatenate([AtA, (Ar.T @ Ar)[None]])
        Aty = np.concatenate([Aty, (Ar.T @ yr)[None]])
        sizes = np.append(sizes, len(yr))
    scale = 2.0 * s / sizes
    H = scale[:, None, None] * AtA + 2.0 * alpha * np.diag(penalty_mask(p))
    return H, scale[:, None] * Aty


@dataclass(frozen=True)
class Quadratic:
    """The loss as an exact quadratic around a reference point theta_ref (the optimum).

    J(theta) = J_ref + g_ref . d + 1/2 d^T H d,   grad J(theta) = g_ref + H d,
                                                  d = theta - theta_ref.

    Built once from the data (O(n d^2)); every evaluation afterwards costs O(d^2)
    whatever n is. Expanding around the optimum keeps the loss accurate even when it is
    tiny (no cancellation).
    """

    theta_ref: np.ndarray
    loss_ref: float
    grad_ref: np.ndarray
    hessian: np.ndarray
    n_samples: int
    loss: str
    alpha: float

    def loss_at(self, thetas: np.ndarray) -> np.ndarray:
        """J at each row of ``thetas`` (shape (..., p)); overflow gives inf,
        silently."""
        with np.errstate(all="ignore"):
            d = np.asarray(thetas, dtype=float) - self.theta_ref
            quad = np.einsum("...i,ij,...j->...", d, self.hessian, d)
            return self.loss_ref + d @ self.grad_ref + 0.5 * quad

    def gradient_at(self, thetas: np.ndarray) -> np.ndarray:
        """grad J at each row of ``thetas`` (shape (..., p))."""
        with np.errstate(all="ignore"):
            d = np.asarray(thetas, dtype=float) - self.theta_ref
            return self.grad_ref + d @ self.hessian.T

    @property
    def linear_term(self) -> np.ndarray:
        """c in grad J(theta) = H theta - c (the form the training loop uses)."""
        return self.hessian @ self.theta_ref - self.grad_ref


@dataclass(frozen=True)
class CenteredStats:
    """One pass over the data: n, means, and the centred sums S_xx = Xc^T Xc, S_xy =
    Xc^T yc, S_yy = yc^T yc."""

    n: int
    x_mean: np.ndarray
    y_mean: float
    Sxx: np.ndarray
    Sxy: np.ndarray
    Syy: float


def centered_stats(X: np.ndarray, y: np.ndarray) -> CenteredStats:
    """One BLAS product: Z Z^T with Z = [X - x_0, y - y_0, 1]^T, shifted by the first
    row.

    Shifting first avoids cancellation when the data have a large offset; then
    S = sum z z^T - n z_mean z_mean^T with z_mean small compared with the spread.
    """
    n, d = X.shape
    if d == 1:
        return _centered_stats_one_feature(X[:, 0], y)
    shift = np.append(X[0], y[0])
    # one contiguous row per variable: fast to fill and to multiply
    Z = np.empty((d + 2, n))
    with np.errstate(all="ignore"):  # NaN/inf in the data: caught by the caller's check
        np.subtract(X.T, shift[:d, None], out=Z[:d])
        np.subtract(y, shift[d], out=Z[d])
        Z[d + 1] = 1.0
        G = Z @ Z.T
        z_mean = G[: d + 1, -1] / n
        S = G[: d + 1, : d + 1] - n * np.outer(z_mean, z_mean)
    mean = shift + z_mean
    return CenteredStats(
        n, mean[:d], float(mean[d]), S[:d, :d], S[:d, d], float(S[d, d])
    )


def _centered_stats_one_feature(x: np.ndarray, y: np.ndarray) -> CenteredStats:
    """centered_stats for one feature with dot products of vectors (about 3x faster than
    the Gram matrix)."""
    n = len(x)
    with np.errstate(all="ignore"):
        xs, ys = x - x[0], y - y[0]
        mx, my = xs.sum() / n, ys.sum() / n
        Sxx, Sxy, Syy = (
            xs @ xs - n * mx * mx,
            xs @ ys - n * mx * my,
            ys @ ys - n * my * my,
        )
    return CenteredStats(
        n,
        np.array([x[0] + mx]),
        float(y[0] + my),
        np.array([[Sxx]]),
        np.array([Sxy]),
        float(Syy),
    )


def centered_loss_and_gradient(
    st: CenteredStats, theta: np.ndarray, loss: str, alpha: float
) -> tuple[float, np.ndarray]:
    """The same J and grad J written with centred sums (exact; no O(n) work).

    With u = b + x_mean . w - y_mean:
    J = s/n (w^T S_xx w - 2 w^T S_xy + S_yy) + s u^2 + alpha ||w||^2
    dJ/dw = 2s/n (S_xx w - S_xy) + 2 s u x_mean + 2 alpha w,   dJ/db = 2 s u
    """
    s = check_loss(loss)
    w, b = theta[:-1], theta[-1]
    u = b + st.x_mean @ w - st.y_mean
    value = (
        s / st.n * (w @ st.Sxx @ w - 2 * w @ st.Sxy + st.Syy)
        + s * u * u
        + alpha * (w @ w)
    )
    grad_w = (
        2 * s / st.n * (st.Sxx @ w - st.Sxy) + 2 * s * u * st.x_mean + 2 * alpha * w
    )
    return max(float(value), 0.0), np.append(grad_w, 2 * s * u)


def centered_hessian(st: CenteredStats, loss: str, alpha: float) -> np.ndarray:
    """H = 2s/n A^T A + 2 alpha D, from A^T A = [[S_xx + n m m^T, n m], [n m^T, n]] (m =
    x_mean)."""
    s = check_loss(loss)
    m = st.x_mean
    AtA = np.block(
        [
            [st.Sxx + st.n * np.outer(m, m), st.n * m[:, None]],
            [st.n * m[None, :], np.array([[st.n]])],
        ]
    )
    return 2 * s / st.n * AtA + 2 * alpha * np.diag(penalty_mask(len(m) + 1))


def centered_optimum(st: CenteredStats, loss: str, alpha: float) -> np.ndarray:
    """theta* from (S_xx + n alpha / s I) w = S_xy, b = y_mean - x_mean . w (minimum
    norm if singular)."""
    s = check_loss(loss)
    d = len(st.x_mean)
    w, *_ = np.linalg.lstsq(st.Sxx + st.n * alpha / s * np.eye(d), st.Sxy, rcond=None)
    return np.append(w, st.y_mean - st.x_mean @ w)


def quadratic(
    X: np.ndarray, y: np.ndarray, loss: str = "mse", alpha: float = 0.0
) -> Quadratic:
    """Sufficient statistics of the loss (one pass over the data), expanded around the
    optimum."""
    check_loss(loss)
    X, y = check_shapes(X, y)
    st = centered_stats(X, y)
    spread_too_big = max(np.abs(st.Sxx).max(), st.Syy) > MAX_SUM
    # J(0) ~ mean y^2 overflows
    offset_too_big = max(np.abs(st.x_mean).max(), abs(st.y_mean)) > MAX_ABS_VALUE
    if (
        not (np.all(np.isfinite(st.Sxx)) and np.isfinite(st.Syy))
        or spread_too_big
        or offset_too_big
    ):
        # the detailed check only when the statistics are off: it says what is wrong
        check_values(X, y)
        raise ParameterError(
            "X", "the data are too large to fit in double precision: rescale them"
        )
    spread = np.diag(st.Sxx)
    if np.any((spread > 0) & (spread < MIN_SUM)):
        tiny = float(np.sqrt(spread[spread > 0].min() / st.n))
        raise ParameterError(
            "X",
            f"a feature varies by as little as {tiny:.2g}: its squares underflow and"
            " its weight would be astronomical. Multiply the column by a power of ten"
            " (or standardize the features)",
        )
    theta_star = centered_optimum(st, loss, alpha)
    loss_ref, grad_ref = centered_loss_and_gradient(st, theta_star, loss, alpha)
    return Quadratic(
        theta_ref=theta_star,
        loss_ref=loss_ref,
        grad_ref=grad_ref,
        hessian=centered_hessian(st, loss, alpha),
        n_samples=st.n,
        loss=loss,
        alpha=float(alpha),
    )


def closed_form_theta(
    A: np.ndarray, y: np.ndarray, loss: str = "mse", alpha: float = 0.0
) -> np.ndarray:
    """Normal equations (A^T A + (n alpha / s) D) theta = A^T y, solved by least
    squares.

    Ridge is solved as the augmented system [A; sqrt(n alpha / s) D] theta = [y; 0], so
    a constant feature (singular A^T A) still gives the minimum-norm solution instead of
    an error.
    """
    s = check_loss(loss)
    p = A.shape[1]
    if alpha > 0:
        ridge = np.sqrt(A.shape[0] * alpha / s) * np.diag(penalty_mask(p))
        A = np.vstack([A, ridge])
        y = np.concatenate([y, np.zeros(p)])
    theta, *_ = np.linalg.lstsq(A, y, rcond=None)
    return theta
