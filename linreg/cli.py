"""python -m linreg fit ...: train from the command line, with the lesson's log lines.

Every flag is a ``Settings`` field under the same name (``--learning-rate`` is
``learning_rate``, the app's URL key too), with the same default; ``--csv FILE`` stands
for the app's upload.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from pathlib import Path

import numpy as np

from .csvdata import Table, parse_csv
from .experiment import BATCH_MODES, DATASETS, Settings, run
from .model import LOSSES
from .optimizers import REGISTRY
from .schedules import SCHEDULES
from .theory import limit as rate_limit
from .training import Trajectory
from .validation import ParameterError, check_batch_size

CHOICES = {
    "dataset": [d for d in DATASETS if d != "upload"],
    "optimizer": list(REGISTRY),
    "loss": list(LOSSES),
    "batch": list(BATCH_MODES),
    "schedule": list(SCHEDULES),
}
HELP = {
    "features": "feature column(s) of the CSV, comma separated",
    "target": "target column of the CSV",
    "batch": "full batch, mini-batches of --batch-size, or sgd (one row per step)",
    "alpha": "L2 strength",
    "standardize": "standardize features (weights reported in original units)",
}
NOT_FLAGS = ("upload_id",)


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # one line, exit 2, no usage dump
        self.exit(2, f"linreg: error: {message}\n")


def _flag_type(field: dataclasses.Field):
    default = Settings.__dataclass_fields__[field.name].default
    if field.name == "features":
        return lambda text: tuple(c.strip() for c in text.split(","))
    return type(default) if default is not None else float


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="python -m linreg", description="Linear regression by gradient descent."
    )
    sub = parser.add_subparsers(dest="command", required=True)
    fit = sub.add_parser("fit", help="train and print the log and the final weights")
    fit.error = parser.error  # type: ignore[method-assign]
    defaults = Settings()
    for field in dataclasses.fields(Settings):
        if field.name in NOT_FLAGS:
            continue
        flag = "--" + field.name.replace("_", "-")
        default = getattr(defaults, field.name)
        if isinstance(default, bool):
            fit.add_argument(flag, action="store_true", help=HELP.get(field.name))
            continue
        fit.add_argument(
            flag,
            type=_flag_type(field),
            default=default,
            choices=CHOICES.get(field.name),
            help=HELP.get(
                field.name,
                (
                    "default: the optimizer's own"
                    if default is None
                    else f"default: {default}"
                ),
            ),
        )
    fit.add_argument(
        "--csv", type=Path, help="CSV file (UTF-8) instead of a built-in dataset"
    )
    fit.add_argument(
        "--log-every", type=int, default=200, help="log line every N epochs (0: none)"
    )
    fit.add_argument(
        "--json", action="store_true", help="print one JSON object instead of text"
    )
    return parser


def settings_from(args: argparse.Namespace) -> tuple[Settings, Table | None]:
    """The CLI's flags as Settings, plus the parsed CSV table if any."""
    values = {
        f.name: getattr(args, f.name)
        for f in dataclasses.fields(Settings)
        if f.name not in NOT_FLAGS
    }
    if args.csv is None:
        return Settings(**values), None
    if not args.features or not args.target:
        raise ParameterError(
            "features", "--csv needs --features COLUMN[,COLUMN...] and --target COLUMN"
        )
    try:
        table = parse_csv(args.csv.read_bytes())
    except OSError as exc:
        raise ParameterError("csv", f"cannot read {args.csv}: {exc.strerror}") from None
    return Settings(**{**values, "dataset": "upload", "upload_id": "cli"}), table


def format_weights(w: np.ndarray) -> str:
    return (
        f"{w[0]:.3f}" if len(w) == 1 else "[" + ", ".join(f"{v:.3f}" for v in w) + "]"
    )


def log_lines(traj: Trajectory, theta: np.ndarray, every: int) -> list[str]:
    """The seed's log: 'Epoch  200: w=0.881, b=2.311, Loss=0.0727' at every ``every``-th
    epoch end."""
    if every <= 0:
        return []
    lines = []
    for epoch in range(every, traj.epochs_run + 1, every):
        k = epoch * traj.steps_per_epoch
        lines.append(
            f"Epoch {epoch:4d}: w={format_weights(theta[k, :-1])},"
            f" b={theta[k, -1]:.3f}, Loss={traj.loss[k]:.4f}"
        )
    return lines


def run_fit(args: argparse.Namespace) -> int:
    settings, table = settings_from(args)
    r = run(settings, table)
    # the app caps the batch at n; the command line says so instead
    if settings.batch == "mini":
        check_batch_size(settings.batch_size, r.data.n_samples)
    traj, theta, info = r.traj, r.theta_original, r.analysis
    limit = rate_limit(info, settings.optimizer, **settings.hyperparameters)
    result = {
        "dataset": r.data.title,
        "n_samples": r.data.n_samples,
        "features": list(r.data.feature_names),
        "optimizer": settings.optimizer,
        "hyperparameters": traj.hyperparameters,
        "w": theta[-1, :-1].tolist(),
        "b": float(theta[-1, -1]),
        "loss": traj.final_loss,
        "loss_convention": settings.loss,
        "epochs_run": traj.epochs_run,
        "steps": traj.n_steps,
        "diverged_at_step": traj.diverged_at,
        "outcome": traj.outcome,
        "stability_limit": limit,
        "closed_form": r.optimum_original.tolist(),
    }
    if args.json:
        print(json.dumps(result))
        return 0
    for line in r.notes:
        print(line)
    print(
        "\n".join(log_lines(traj, theta, args.log_every)) or "",
        end="\n" if args.log_every > 0 else "",
    )
    if traj.diverged:
        print(f"Diverged at step {traj.diverged_at} ({traj.divergence_reason}).")
        if limit is not None:
            limit_text = REGISTRY[settings.optimizer].limit_text
            print(
                f"Here the limit {limit_text} is {limit:.4g}; the learning rate was"
                f" {settings.learning_rate:g}."
            )
        else:
            print(
                REGISTRY[settings.optimizer].steps_statement(**settings.hyperparameters)
            )
    print(
        f"Final: w={format_weights(theta[-1, :-1])}, b={theta[-1, -1]:.4f},"
        f" Loss={traj.final_loss:.6g} ({traj.outcome})"
    )
    return 0


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return run_fit(args)
    except ValueError as exc:
        print(f"linreg: error: {exc}", file=sys.stderr)
        return 2
