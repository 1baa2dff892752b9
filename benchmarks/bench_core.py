"""Core speed, measured side by side in one run (ratios matter; this machine is shared
and noisy).

python benchmarks/bench_core.py
# this tree's core, against the lesson's loop
python benchmarks/bench_core.py --against main
# and a git ref's core beside it, with speed ratios

With ``--against`` the ref's ``linreg`` is read from git (``git archive``) into a
temporary folder and imported under another name; every figure is then timed for both
cores alternately, best of several rounds, so a load that comes and goes on the machine
falls on both.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import io
import re
import subprocess
import sys
import tarfile
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
import linreg  # noqa: E402


def seed_loop(x, y, lr, epochs):
    """Seed 001's loop: every epoch touches all n rows."""
    w = b = 0.0
    for _ in range(epochs):
        r = w * x + b - y
        w, b = w - lr * 2 * np.mean(r * x), b - lr * 2 * np.mean(r)
    return w, b


def plain_sgd(x, y, lr, epochs):
    """The reference: a Python loop over NumPy row slices of A = [x, 1] (the seed's
    style)."""
    A = np.column_stack([x, np.ones_like(x)])
    theta = np.zeros(2)
    rng = np.random.default_rng(0)
    for _ in range(epochs):
        for i in rng.permutation(len(x)):
            Ai, yi = A[i : i + 1], y[i : i + 1]
            theta = theta - lr * 2 * Ai.T @ (Ai @ theta - yi)
    return theta


#: The clock (``--clock cpu``: this process's CPU time, which a busy machine's waits do
#: not inflate).
CLOCK = [time.perf_counter]


def timed(fn, repeat=3):
    best = float("inf")
    for _ in range(repeat):
        t0 = CLOCK[0]()
        fn()
        best = min(best, CLOCK[0]() - t0)
    return best


def package_at(ref: str, folder: Path) -> ModuleType:
    """The ``linreg`` package as it is at git ``ref``, imported as ``linreg_<ref>`` from
    ``folder``."""
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", ref, "linreg"],
        capture_output=True,
        check=True,
    )
    with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
        tar.extractall(folder, filter="data")
    name = "linreg_" + re.sub(r"\W", "_", ref)
    spec = importlib.util.spec_from_file_location(
        name,
        folder / "linreg" / "__init__.py",
        submodule_search_locations=[str(folder / "linreg")],
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def part(pkg: ModuleType, name: str) -> ModuleType:
    return importlib.import_module(f"{pkg.__name__}.{name}")


@dataclass(frozen=True)
class Figure:
    """One measured figure: ``work(pkg)`` is timed; ``count`` turns seconds into the
    figure shown."""

    label: str
    work: Callable[[ModuleType], object]
    unit: str = "ms"
    count: float = 0.0  # updates per call, for "updates/s"; 0: show milliseconds
    repeat: int = 3

    def shown(self, seconds: float) -> float:
        return self.count / seconds if self.count else seconds * 1e3


#: Each figure's rounds are multiplied by this (``--rounds``: more on a busy machine).
ROUNDS = [1]


def measure(figure: Figure, pkgs: list[ModuleType]) -> list[float]:
    """Best time of each core, the cores timed alternately round after round (first one,
    then the other)."""
    best = [float("inf")] * len(pkgs)
    for round_ in range(figure.repeat * ROUNDS[0]):
        order = range(len(pkgs)) if round_ % 2 == 0 else reversed(range(len(pkgs)))
        for i in order:
            best[i] = min(best[i], timed(lambda pkg=pkgs[i]: figure.work(pkg), 1))
    return best


def report(
    figure: Figure, pkgs: list[ModuleType], extra: Callable[[float], str] = lambda s: ""
) -> float:
    """Print one figure's line (each core, and the speed ratio this/ref); return this
    core's seconds."""
    seconds = measure(figure, pkgs)
    values = "  ".join(
        f"{figure.shown(s):12,.{1 if figure.count else 2}f}" for s in seconds
    )
    ratio = f"  {seconds[1] / seconds[0]:6.2f}x" if len(pkgs) > 1 else ""
    print(f"  {figure.label:34s} {values} {figure.unit}{ratio}{extra(seconds[0])}")
    return seconds[0]


def rng_data(rng, n, slope=2.0, intercept=1.0, noise=0.1):
    x = rng.uniform(0, 1, n)
    return x, slope * x + intercept + rng.normal(0, noise, n)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--against",
        metavar="REF",
        help="a git ref whose core is timed beside this tree's",
    )
    parser.add_argument(
        "--rounds",
        type=int,
        default=1,
        help="multiply every figure's timing rounds by this",
    )
    parser.add_argument(
        "--clock",
        choices=("wall", "cpu"),
        default="wall",
        help="what is timed (default: wall)",
    )
    args = parser.parse_args()
    ROUNDS[0] = args.rounds
    CLOCK[0] = time.process_time if args.clock == "cpu" else time.perf_counter
    with tempfile.TemporaryDirectory(prefix="bench_core_") as folder:
        pkgs = [linreg]
        if args.against:
            pkgs.append(package_at(args.against, Path(folder)))
            print(
                f"Columns: this tree, then {args.against}; last: the speed of this tree"
                f" / {args.against}'s"
            )
        run(pkgs)


def run(pkgs: list[ModuleType]) -> None:
    rng = np.random.default_rng(0)
    if len(pkgs) > 1:
        print(
            "Noise: this tree's core beside itself (any ratio but 1.00x here is the"
            " machine, not the code)"
        )
        x, y = rng_data(np.random.default_rng(1), 100)
        same = Figure(
            "train, 100 runs of 100 epochs",
            lambda p: [p.train(x[:, None], y) for _ in range(100)],
        )
        report(same, [pkgs[0]] * 2)
    print("Full-batch GD, 1000 epochs: core (sufficient statistics) vs seed loop")
    for n in (100, 10_000, 100_000, 1_000_000):
        x, y = rng_data(rng, n, -0.008, 2.8, 0.05)
        seed_epochs = 1000 if n <= 100_000 else 100
        t_seed = timed(
            lambda x=x, y=y, e=seed_epochs: seed_loop(x, y, 0.01, e),
            1 if n >= 100_000 else 3,
        )
        t_seed *= 1000 / seed_epochs
        note = " (seed loop timed on 100 epochs, x10)" if seed_epochs < 1000 else ""
        figure = Figure(
            f"n={n:>9,}: core",
            lambda p, x=x, y=y: p.train(x[:, None], y, learning_rate=0.01, epochs=1000),
        )
        report(
            figure,
            pkgs,
            lambda t, s=t_seed, note=note: (
                f"; seed {s * 1e3:9.1f} ms, ratio {s / t:7.1f}x{note}"
            ),
        )

    print(
        "LinearRegressionGD.fit n=100,000, 1000 epochs, vs the seed loop (target >="
        " 100x)"
    )
    x, y = rng_data(rng, 100_000, -0.008, 2.8, 0.05)
    t_seed = timed(lambda: seed_loop(x, y, 0.01, 1000))
    figure = Figure(
        "fit",
        lambda p: p.LinearRegressionGD(learning_rate=0.01, epochs=1000).fit(
            x[:, None], y
        ),
        repeat=7,
    )
    report(
        figure, pkgs, lambda t: f"; seed {t_seed * 1e3:.1f} ms, ratio {t_seed / t:.0f}x"
    )

    print(
        "SGD (batch_size=1), d=1: updates per second, vs a plain Python loop over NumPy"
        " row slices"
    )
    x, y = rng_data(rng, 20_000, 3.0, 1.0, 0.1)
    ref = 5 * len(x) / timed(lambda: plain_sgd(x, y, 0.001, 5))
    print(f"  {'reference':34s} {ref:12,.1f} updates/s")
    for opt in ("gd", "momentum", "adam"):
        figure = Figure(
            opt,
            lambda p, opt=opt: p.train(
                x[:, None],
                y,
                optimizer=opt,
                learning_rate=0.001,
                epochs=5,
                batch_size=1,
            ),
            "updates/s",
            5 * len(x),
        )
        report(figure, pkgs, lambda t: f"; {5 * len(x) / t / ref:4.2f}x the reference")

    print(
        "Learning-rate sweep, full batch, 60 rates x 1000 epochs (stacked runs; target"
        " < 100 ms for any n)"
    )
    for n in (100, 1_000_000):
        x, y = rng_data(rng, n)
        # each core's own statistics, made once
        qs = {p.__name__: p.quadratic(x[:, None], y) for p in pkgs}
        for opt in ("gd", "momentum"):

            def sweep(p, qs=qs, opt=opt):
                sw = part(p, "sweep")
                return sw.sweep_full_batch(qs[p.__name__], sw.log_grid(), 1000, opt)

            report(Figure(f"n={n:>9,} {opt}", sweep), pkgs)

    print("Loss surface 200 x 200: sufficient statistics vs naive per-point loss")
    for n in (1_000, 1_000_000):
        x, y = rng_data(rng, n)
        qs = {p.__name__: p.quadratic(x[:, None], y) for p in pkgs}
        A = linreg.design_matrix(x[:, None])
        # the naive way is timed on a 20 x 20 grid and scaled
        grid = 200 if n <= 1_000 else 20
        ws, bs = np.linspace(-1, 3, grid), np.linspace(0, 2, grid)
        naive = [np.array([w, b]) for b in bs for w in ws]
        t_naive = timed(
            lambda A=A, y=y, naive=naive: [
                linreg.loss_value(A, y, theta) for theta in naive
            ],
            1,
        )
        t_naive *= (200 / grid) ** 2
        figure = Figure(
            f"n={n:>9,}",
            lambda p, qs=qs: p.loss_surface(
                qs[p.__name__], (-1, 3), (0, 2), resolution=200
            ),
        )
        report(
            figure,
            pkgs,
            lambda t, s=t_naive: f"; naive {s * 1e3:9.1f} ms, ratio {s / t:8.0f}x",
        )


if __name__ == "__main__":
    main()
