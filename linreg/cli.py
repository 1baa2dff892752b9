"""python -m linreg fit ...: train from the command line, with the lesson's log lines."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

from .csvdata import Table, parse_csv
from .experiment import Settings, run
from .model import LOSS_SCALE
from .optimizers import OPTIMIZERS
from .training import Trajectory
from .validation import check_batch_size


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # one line, exit 2, no usage dump
        self.exit(2, f"linreg: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m linreg", description="Linear regression by gradient descent.")
    sub = parser.add_subparsers(dest="command", required=True)
    fit = sub.add_parser("fit", help="train and print the log and the final weights")
    fit.error = parser.error  # type: ignore[method-assign]
    fit.add_argument("--dataset", choices=["cortical", "synthetic"], default="cortical")
    fit.add_argument("--csv", type=Path, help="CSV file (UTF-8) instead of a built-in dataset")
    fit.add_argument("--x", help="feature column(s) of the CSV, comma separated")
    fit.add_argument("--y", help="target column of the CSV")
    fit.add_argument("--n", type=int, default=100, help="samples of a built-in dataset")
    fit.add_argument("--noise", type=float, default=None, help="noise sigma of a built-in dataset")
    fit.add_argument("--optimizer", choices=list(OPTIMIZERS), default="gd")
    fit.add_argument("--lr", type=float, default=0.01, help="learning rate")
    fit.add_argument("--epochs", type=int, default=1000)
    fit.add_argument("--batch-size", type=int, default=None, help="default: full batch")
    fit.add_argument("--momentum", type=float, default=0.9)
    fit.add_argument("--alpha", type=float, default=0.0, help="L2 strength")
    fit.add_argument("--loss", choices=list(LOSS_SCALE), default="mse")
    fit.add_argument(
        "--standardize", action="store_true", help="standardize features (weights reported in original units)"
    )
    fit.add_argument("--seed", type=int, default=0)
    fit.add_argument("--log-every", type=int, default=200, help="log line every N epochs (0: none)")
    fit.add_argument("--json", action="store_true", help="print one JSON object instead of text")
    return parser


def settings_from(args: argparse.Namespace) -> tuple[Settings, Table | None]:
    """The CLI's flags as app Settings (one name per idea), plus the parsed CSV table if any."""
    batch = "full" if args.batch_size is None else ("sgd" if args.batch_size == 1 else "mini")
    common = {
        "optimizer": args.optimizer,
        "learning_rate": args.lr,
        "epochs": args.epochs,
        "batch": batch,
        "batch_size": args.batch_size or 1,
        "loss": args.loss,
        "alpha": args.alpha,
        "standardize": args.standardize,
        "seed": args.seed,
        "momentum": args.momentum,
    }
    if args.csv is None:
        noise = args.noise if args.noise is not None else (0.05 if args.dataset == "cortical" else 1.0)
        return Settings(dataset=args.dataset, n=args.n, noise=noise, **common), None
    if not args.x or not args.y:
        raise ValueError("--csv needs --x COLUMN[,COLUMN...] and --y COLUMN")
    try:
        table = parse_csv(args.csv.read_bytes())
    except OSError as exc:
        raise ValueError(f"cannot read {args.csv}: {exc.strerror}") from None
    features = tuple(c.strip() for c in args.x.split(","))
    settings = Settings(dataset="upload", features=features, target=args.y.strip(), upload_id="cli", **common)
    return settings, table


def format_weights(w: np.ndarray) -> str:
    return f"{w[0]:.3f}" if len(w) == 1 else "[" + ", ".join(f"{v:.3f}" for v in w) + "]"


def log_lines(traj: Trajectory, theta: np.ndarray, every: int) -> list[str]:
    """The seed's log: 'Epoch  200: w=0.881, b=2.311, Loss=0.0727' at every ``every``-th epoch end."""
    if every <= 0:
        return []
    lines = []
    for epoch in range(every, traj.epochs_run + 1, every):
        k = epoch * traj.steps_per_epoch
        lines.append(
            f"Epoch {epoch:4d}: w={format_weights(theta[k, :-1])}, b={theta[k, -1]:.3f}, Loss={traj.loss[k]:.4f}"
        )
    return lines


def run_fit(args: argparse.Namespace) -> int:
    settings, table = settings_from(args)
    r = run(settings, table)
    if args.batch_size is not None:  # the app caps the batch at n; the command line says so instead
        check_batch_size(args.batch_size, r.data.n_samples)
    traj, theta, info = r.traj, r.theta_original, r.analysis
    result = {
        "dataset": r.data.title,
        "n_samples": r.data.n_samples,
        "features": list(r.data.feature_names),
        "w": theta[-1, :-1].tolist(),
        "b": float(theta[-1, -1]),
        "loss": traj.final_loss,
        "loss_convention": args.loss,
        "epochs_run": traj.epochs_run,
        "steps": traj.n_steps,
        "diverged_at_step": traj.diverged_at,
        "gd_stability_limit": info.gd_limit,
        "closed_form": r.optimum_original.tolist(),
    }
    if args.json:
        print(json.dumps(result))
        return 0
    for line in r.notes:
        print(line)
    print("\n".join(log_lines(traj, theta, args.log_every)) or "", end="\n" if args.log_every > 0 else "")
    if traj.diverged:
        print(
            f"Diverged at step {traj.diverged_at}: learning rate {args.lr:g} vs stability limit 2/L = "
            f"{info.gd_limit:.4g} ({traj.divergence_reason})"
        )
    print(f"Final: w={format_weights(theta[-1, :-1])}, b={theta[-1, -1]:.4f}, Loss={traj.final_loss:.6g}")
    return 0


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return run_fit(args)
    except ValueError as exc:
        print(f"linreg: error: {exc}", file=sys.stderr)
        return 2
