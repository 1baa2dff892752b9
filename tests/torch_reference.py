"""torch.optim as the independent reference: full-batch runs of linear regression's loss
written in torch, by torch's own optimizers (the rules the registry claims to
follow)."""

from __future__ import annotations

import numpy as np
import pytest

torch = pytest.importorskip(
    "torch", reason="torch is a test-only dependency (requirements-dev.txt)"
)

#: The registry's names as torch.optim builds them; the hyperparameters named as torch
#: names them.
TORCH = {
    "gd": lambda p, lr, hp: torch.optim.SGD(p, lr=lr),
    "momentum": lambda p, lr, hp: torch.optim.SGD(p, lr=lr, momentum=hp["momentum"]),
    "nesterov": lambda p, lr, hp: torch.optim.SGD(
        p, lr=lr, momentum=hp["momentum"], nesterov=True
    ),
    "adagrad": lambda p, lr, hp: torch.optim.Adagrad(p, lr=lr, eps=hp["eps"]),
    "rmsprop": lambda p, lr, hp: torch.optim.RMSprop(
        p, lr=lr, alpha=hp["rho"], eps=hp["eps"]
    ),
    "adam": lambda p, lr, hp: torch.optim.Adam(
        p, lr=lr, betas=(hp["beta1"], hp["beta2"]), eps=hp["eps"]
    ),
}


def torch_run(
    X,
    y,
    optimizer: str,
    lr: float,
    steps: int,
    hp: dict,
    theta0=None,
    half: bool = False,
):
    """theta_k for k = 0..steps of full-batch ``optimizer`` on J = (1/n) sum r^2 (half:
    1/(2n)), float64; stops early (returning what it has) once theta is not finite."""
    X = np.asarray(X, dtype=float).reshape(len(y), -1)
    A = torch.tensor(np.column_stack([X, np.ones(len(y))]))
    target = torch.tensor(np.asarray(y, dtype=float))
    start = np.zeros(A.shape[1]) if theta0 is None else np.asarray(theta0, dtype=float)
    theta = torch.tensor(start, requires_grad=True)
    opt = TORCH[optimizer]([theta], lr, hp)
    scale = 0.5 if half else 1.0
    out = [start.copy()]
    for _ in range(steps):
        opt.zero_grad()
        loss = scale * torch.mean((A @ theta - target) ** 2)
        loss.backward()
        opt.step()
        now = theta.detach().numpy().copy()
        if not np.all(np.isfinite(now)):
            break
        out.append(now)
    return np.array(out)


def losses(X, y, thetas, half: bool = False) -> np.ndarray:
    """The loss at each theta, by plain numpy."""
    X = np.asarray(X, dtype=float).reshape(len(y), -1)
    A = np.column_stack([X, np.ones(len(y))])
    with np.errstate(all="ignore"):
        r = thetas @ A.T - y
        return (0.5 if half else 1.0) * np.mean(r * r, axis=1)


def hessian_eigen(X, y, half: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """Eigenvalues (ascending) and eigenvectors of (2/n) A^T A (half: (1/n) A^T A), by
    plain numpy."""
    X = np.asarray(X, dtype=float).reshape(len(y), -1)
    A = np.column_stack([X, np.ones(len(y))])
    return np.linalg.eigh((1.0 if half else 2.0) / len(y) * A.T @ A)
