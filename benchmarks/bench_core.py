"""Core speed, measured side by side in one run (ratios matter; this machine is shared and noisy).

python benchmarks/bench_core.py
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from linreg import LinearRegressionGD, loss_surface, quadratic, train
from linreg.model import design_matrix, loss_value
from linreg.sweep import log_grid, sweep_full_batch


def seed_loop(x, y, lr, epochs):
    """Seed 001's loop: every epoch touches all n rows."""
    w = b = 0.0
    for _ in range(epochs):
        r = w * x + b - y
        w, b = w - lr * 2 * np.mean(r * x), b - lr * 2 * np.mean(r)
    return w, b


def plain_sgd(x, y, lr, epochs):
    """The reference: a Python loop over NumPy row slices of A = [x, 1] (the seed's style)."""
    A = np.column_stack([x, np.ones_like(x)])
    theta = np.zeros(2)
    rng = np.random.default_rng(0)
    for _ in range(epochs):
        for i in rng.permutation(len(x)):
            Ai, yi = A[i : i + 1], y[i : i + 1]
            theta = theta - lr * 2 * Ai.T @ (Ai @ theta - yi)
    return theta


def timed(fn, repeat=3):
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    return best, out


def main() -> None:
    rng = np.random.default_rng(0)
    print("Full-batch GD, 1000 epochs: core (sufficient statistics) vs seed loop")
    for n in (100, 10_000, 100_000, 1_000_000):
        x = rng.uniform(0, 1, n)
        y = 2.8 - 0.008 * x + rng.normal(0, 0.05, n)
        seed_epochs = 1000 if n <= 100_000 else 100
        t_seed, _ = timed(lambda x=x, y=y, e=seed_epochs: seed_loop(x, y, 0.01, e), repeat=1 if n >= 100_000 else 3)
        t_seed *= 1000 / seed_epochs
        t_core, _ = timed(lambda x=x, y=y: train(x[:, None], y, learning_rate=0.01, epochs=1000))
        note = " (seed loop timed on 100 epochs, x10)" if seed_epochs < 1000 else ""
        print(
            f"  n={n:>9,}: core {t_core * 1e3:8.1f} ms, seed {t_seed * 1e3:9.1f} ms, "
            f"ratio {t_seed / t_core:7.1f}x{note}"
        )

    print(
        "LinearRegressionGD.fit (scikit-learn conventions), n=100,000, 1000 epochs, vs the seed loop (target >= 100x)"
    )

    x = rng.uniform(0, 1, 100_000)
    y = 2.8 - 0.008 * x + rng.normal(0, 0.05, 100_000)
    t_seed, _ = timed(lambda: seed_loop(x, y, 0.01, 1000))
    estimator = LinearRegressionGD(learning_rate=0.01, epochs=1000)
    t_fit, _ = timed(lambda: estimator.fit(x[:, None], y), repeat=7)
    print(f"  fit {t_fit * 1e3:.2f} ms, seed {t_seed * 1e3:.1f} ms, ratio {t_seed / t_fit:.0f}x")

    print("SGD (batch_size=1), d=1: updates per second, vs a plain Python loop over NumPy row slices")
    x = rng.uniform(0, 1, 20_000)
    y = 3 * x + 1 + rng.normal(0, 0.1, 20_000)
    t_ref, _ = timed(lambda: plain_sgd(x, y, 0.001, 5))
    ref = 5 * len(x) / t_ref
    print(f"  reference: {ref:10,.0f} updates/s")
    for opt in ("gd", "momentum", "adam"):
        t, traj = timed(
            lambda opt=opt: train(x[:, None], y, optimizer=opt, learning_rate=0.001, epochs=5, batch_size=1)
        )
        print(f"  {opt:9s}: {traj.n_steps / t:10,.0f} updates/s, {traj.n_steps / t / ref:4.2f}x the reference")

    print("Learning-rate sweep, full batch, 60 rates x 1000 epochs (stacked runs; target < 100 ms for any n)")
    for n in (100, 1_000_000):
        x = rng.uniform(0, 1, n)
        y = 2 * x + 1 + rng.normal(0, 0.1, n)
        q = quadratic(x[:, None], y)
        for opt in ("gd", "momentum"):
            t, _ = timed(lambda q=q, opt=opt: sweep_full_batch(q, log_grid(), 1000, opt))
            print(f"  n={n:>9,} {opt:9s}: {t * 1e3:6.1f} ms")

    print("Loss surface 200 x 200: sufficient statistics vs naive per-point loss")
    for n in (1_000, 1_000_000):
        x = rng.uniform(0, 1, n)
        y = 2 * x + 1 + rng.normal(0, 0.1, n)
        q = quadratic(x[:, None], y)
        t_fast, _ = timed(lambda q=q: loss_surface(q, (-1, 3), (0, 2), resolution=200))
        A = design_matrix(x[:, None])
        grid = 200 if n <= 1_000 else 20  # the naive way is timed on a 20 x 20 grid and scaled
        ws, bs = np.linspace(-1, 3, grid), np.linspace(0, 2, grid)
        t_naive, _ = timed(
            lambda A=A, y=y, ws=ws, bs=bs: [loss_value(A, y, np.array([w, b])) for b in bs for w in ws], 1
        )
        t_naive *= (200 / grid) ** 2
        print(f"  n={n:>9,}: {t_fast * 1e3:7.2f} ms vs naive {t_naive * 1e3:9.1f} ms, ratio {t_naive / t_fast:8.0f}x")


if __name__ == "__main__":
    main()
