"""One experiment = one set of settings -> data, run, analysis (what the app and the CLI
share).

``Settings`` holds every control of the app under the core's names; it is frozen and
made of scalars, so it is a small, hashable cache key and maps one-to-one onto URL
parameters.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

import numpy as np

from . import words
from .analysis import Analysis, analyse
from .bundled import BUNDLED, bundled_table
from .csvdata import Table, table_to_dataset
from .datasets import Dataset, Standardizer, cortical_thickness, synthetic_linear
from .model import quadratic
from .optimizers import spec
from .theory import limit as rate_limit
from .training import Checkpoint, Trajectory, no_checkpoint, train
from .validation import ParameterError

#: The app never runs more updates than this in one go (epochs are cut and the user is
#: told).
MAX_UPDATES = 200_000
#: ... nor does a mini-batch run read more rows than this (each epoch reads every row
#: once): large batches on many rows cost their rows, not their updates (200,000 updates
#: of 256 rows: 51 million rows, 6 s).
MAX_ROWS_READ = 10_000_000
DATASETS = ("cortical", "synthetic", *BUNDLED, "upload")
TABULAR = (*BUNDLED, "upload")
#: full: every row each step; mini: batches of ``batch_size``; sgd: one row per step
#: (stochastic).
BATCH_MODES = ("full", "mini", "sgd")


def shared_epochs(epochs: int, runs: int, steps_per_epoch: int) -> int:
    """The epochs each of ``runs`` runs may have when they share one run's budget of
    MAX_UPDATES updates (at least one, at most the ``epochs`` asked for)."""
    return min(epochs, max(1, MAX_UPDATES // runs // steps_per_epoch))


def read_epochs(epochs: int, runs: int, rows_per_epoch: int) -> int:
    """The epochs each of ``runs`` mini-batch runs may have when they share one run's
    budget of MAX_ROWS_READ rows read, an epoch reading ``rows_per_epoch`` rows (at
    least one, at most the ``epochs`` asked for)."""
    return min(epochs, max(1, MAX_ROWS_READ // runs // rows_per_epoch))


def sweep_rows(budget: int) -> int:
    """The rows a sweep of ``budget`` updates may read: as many per update as a run
    (MAX_ROWS_READ rows for MAX_UPDATES updates)."""
    return budget * MAX_ROWS_READ // MAX_UPDATES


def sweep_updates(budget: int, batch_size: int) -> int:
    """A sweep's ``budget`` of updates, fewer for batches so large that it would read
    more rows than it may (sweep_rows)."""
    return min(budget, sweep_rows(budget) // batch_size)


@dataclass(frozen=True)
class Settings:
    dataset: str = "cortical"
    n: int = 100
    noise: float = 0.05
    random_state: int = 0
    slope: float = 3.0
    intercept: float = 2.0
    x_min: float = 0.0
    x_max: float = 10.0
    outlier_fraction: float = 0.0
    outlier_scale: float = 10.0
    optimizer: str = "gd"
    learning_rate: float = 0.01
    epochs: int = 2000
    batch: str = "full"
    batch_size: int = 16
    loss: str = "mse"
    alpha: float = 0.0
    standardize: bool = False
    w0: float = 0.0  # theta0 = [w0, ..., w0, b0]: the start, in the data's units
    b0: float = 0.0
    # Hyperparameters: None is the optimizer's own default (the registry,
    # optimizers.py).
    momentum: float | None = None
    beta1: float | None = None
    beta2: float | None = None
    rho: float | None = None
    eps: float | None = None
    tol: float = 1e-6
    schedule: str = "constant"  # how the learning rate changes by epoch (schedules.py)
    gamma: float = 0.5  # step and exponential schedules: the factor
    step_size: int = 100  # step schedule: epochs between two cuts
    decay: float = 0.01  # inverse-time schedule: lr / (1 + decay * epoch)
    # tabular data: feature columns (empty: the dataset's default)
    features: tuple[str, ...] = ()
    target: str = ""  # tabular data: target column (empty: the dataset's default)
    test_fraction: float = 0.0
    # content hash of an uploaded CSV (the table itself lives in the app's upload store)
    upload_id: str = ""

    def replace(self, **changes) -> Settings:
        return dataclasses.replace(self, **changes)

    @property
    def hyperparameters(self) -> dict[str, float]:
        """The optimizer's own hyperparameters, its defaults where a field is None."""
        return spec(self.optimizer).own(
            {k: getattr(self, k) for k in spec(self.optimizer).defaults}
        )

    def batch_size_for(self, n_samples: int) -> int | None:
        """None (full batch), 1 (stochastic), or the mini-batch size capped at the
        training rows."""
        return {"full": None, "sgd": 1}.get(self.batch, min(self.batch_size, n_samples))


@dataclass(frozen=True)
class Run:
    settings: Settings
    data: Dataset
    traj: Trajectory
    analysis: Analysis
    scaler: Standardizer | None
    theta_original: np.ndarray  # the path in the data's units
    optimum_original: np.ndarray
    test: Dataset | None = None
    test_loss: np.ndarray | None = None  # loss on the test rows at every step
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def x_train(self) -> np.ndarray:
        return self.scaler.transform(self.data.X) if self.scaler else self.data.X


def make_dataset(s: Settings, table: Table | None = None) -> tuple[Dataset, str | None]:
    """The settings' dataset and a note on rows dropped from a table (uploaded tables
    come as ``table``)."""
    if s.dataset == "cortical":
        return cortical_thickness(n=s.n, noise=s.noise, seed=s.random_state), None
    if s.dataset == "synthetic":
        return (
            synthetic_linear(
                n=s.n,
                slope=s.slope,
                intercept=s.intercept,
                noise=s.noise,
                x_range=(s.x_min, s.x_max),
                outlier_fraction=s.outlier_fraction,
                outlier_scale=s.outlier_scale,
                seed=s.random_state,
            ),
            None,
        )
    if s.dataset in BUNDLED:
        _, features, target, title = BUNDLED[s.dataset]
        return table_to_dataset(
            bundled_table(s.dataset),
            list(s.features or features),
            s.target or target,
            title,
        )
    if s.dataset == "upload":
        if table is None:
            raise ParameterError(
                "upload_id",
                "the uploaded file is not on this server (links cannot carry files):"
                " upload it again",
            )
        if not s.features or not s.target:
            raise ParameterError(
                "features", "choose the feature and target columns of the uploaded file"
            )
        return table_to_dataset(table, list(s.features), s.target)
    raise ParameterError(
        "dataset", f"unknown dataset {s.dataset!r}: choose one of {list(DATASETS)}"
    )


def split(
    data: Dataset, test_fraction: float, seed: int | None
) -> tuple[Dataset, Dataset | None]:
    """Seeded random train/test split; at least 2 rows on each side, else no test
    set."""
    if not 0.0 <= test_fraction < 1.0:
        raise ParameterError(
            "test_fraction", f"test_fraction must be in [0, 1), got {test_fraction!r}"
        )
    n_test = round(test_fraction * data.n_samples)
    if n_test < 2 or data.n_samples - n_test < 2:
        return data, None
    rows = np.random.default_rng(seed).permutation(data.n_samples)
    test, train_rows = np.sort(rows[:n_test]), np.sort(rows[n_test:])
    pick = lambda r: dataclasses.replace(data, X=data.X[r], y=data.y[r])  # noqa: E731
    return pick(train_rows), pick(test)


def run(
    s: Settings, table: Table | None = None, checkpoint: Checkpoint = no_checkpoint
) -> Run:
    """Train with the settings on the training rows (``table``: an uploaded file's
    parsed table); ``checkpoint`` as in ``train``."""
    full, note = make_dataset(s, table)
    data, test = split(full, s.test_fraction, s.random_state)
    scaler = Standardizer.fit(data.X) if s.standardize else None
    X = scaler.transform(data.X) if scaler else data.X
    notes = [note] if note else []
    batch_size = s.batch_size_for(data.n_samples)
    steps_per_epoch = 1 if batch_size is None else -(-data.n_samples // batch_size)
    epochs = shared_epochs(s.epochs, 1, steps_per_epoch)
    read = s.epochs if batch_size is None else read_epochs(s.epochs, 1, data.n_samples)
    if read < epochs:
        epochs = read
        notes.append(
            f"{words.count(s.epochs, 'epoch')} x {words.count(data.n_samples, 'row')}"
            f" is more than the {MAX_ROWS_READ:,} rows a run may read: ran"
            f" {words.count(epochs, 'epoch')}. Use smaller batches, fewer rows or fewer"
            " epochs."
        )
    elif epochs < s.epochs:
        notes.append(
            f"{words.count(s.epochs, 'epoch')} x"
            f" {words.count(steps_per_epoch, 'batch', 'batches')} is more than"
            f" {MAX_UPDATES:,} updates: ran {words.count(epochs, 'epoch')}. Use a"
            " larger batch or fewer epochs."
        )
    theta0 = np.append(np.full(data.n_features, s.w0), s.b0)
    if scaler:  # the start is given in the data's units; train from the same line
        theta0 = scaler.params_from_original(theta0)
    traj = train(
        X,
        data.y,
        optimizer=s.optimizer,
        learning_rate=s.learning_rate,
        epochs=epochs,
        batch_size=batch_size,
        loss=s.loss,
        alpha=s.alpha,
        theta0=theta0,
        tol=s.tol,
        schedule=s.schedule,
        schedule_params={"gamma": s.gamma, "step_size": s.step_size, "decay": s.decay},
        random_state=s.random_state,
        checkpoint=checkpoint,
        **s.hyperparameters,
    )
    info = analyse(traj.quadratic)
    to_original = scaler.params_to_original if scaler else (lambda t: t)
    test_loss = None
    if test is not None:
        X_test = scaler.transform(test.X) if scaler else test.X
        test_loss = quadratic(X_test, test.y, s.loss, s.alpha).loss_at(traj.theta)
    with np.errstate(all="ignore"):
        return Run(
            settings=s,
            data=data,
            traj=traj,
            analysis=info,
            scaler=scaler,
            theta_original=to_original(traj.theta),
            optimum_original=to_original(info.theta_star),
            test=test,
            test_loss=test_loss,
            notes=tuple(notes),
        )


def r2_rmse(
    run_: Run,
    step: int | None = None,
    on_test: bool = False,
    theta: np.ndarray | None = None,
) -> tuple[float, float]:
    """R^2 = 1 - SS_res / SS_tot and RMSE at ``step`` (default: the last) or at
    ``theta``, in the data's units."""
    theta = (
        run_.theta_original[-1 if step is None else step] if theta is None else theta
    )
    data = run_.test if on_test else run_.data
    if data is None:
        return float("nan"), float("nan")
    y = data.y
    with np.errstate(all="ignore"):
        resid = data.X @ theta[:-1] + theta[-1] - y
        ss_res = float(resid @ resid)
    ss_tot = float(np.sum((y - y.mean()) ** 2))
    r2 = 1.0 - ss_res / ss_tot if ss_tot > 0 else float("nan")
    return r2, float(np.sqrt(ss_res / len(y)))


#: Below this R^2 even the best line explains little of y: the page says so, lest a
#: right fit look failed.
LOW_R2 = 0.1


def low_r2_note(run_: Run) -> str | None:
    """Why R^2 is near 0 (or negative) when the best line itself explains little; None
    otherwise."""
    best, _ = r2_rmse(run_, theta=run_.optimum_original)
    if not best < LOW_R2:
        return None
    why = (
        "The lesson's data is thickness = 2.8 − 0.008·age + noise: almost no slope, so "
        if run_.settings.dataset == "cortical"
        else "Here "
    )
    return (
        f"{why}even the best line has R² = {best:.3g}. An R² near 0 (or below: a line"
        " worse than the mean) is the right answer on such data, not a failed fit;"
        " compare the loss with its minimum instead."
    )


def divergence_message(run_: Run) -> str | None:
    """'Diverged at step 37: learning rate 0.9 is 1.35 x the stability limit 2/L = 0.667
    for this data.'"""
    t, s, a = run_.traj, run_.settings, run_.analysis
    if not t.diverged:
        return None
    opt = spec(s.optimizer)
    limit = rate_limit(a, s.optimizer, **s.hyperparameters)
    if limit is None:
        return (
            f"Diverged at step {t.diverged_at} with learning rate"
            f" {s.learning_rate:.4g}. {opt.steps_statement(**s.hyperparameters)} Lower"
            " the learning rate."
        )
    return (
        f"Diverged at step {t.diverged_at}: learning rate {s.learning_rate:.4g} is"
        f" {words.ratio(s.learning_rate / limit)} × the stability limit"
        f" {opt.limit_text} = {limit:.4g} here."
    )


def analysis_of(s: Settings) -> Analysis:
    """What the Hessian of the settings' own data says, without training (presets pick
    rates from it)."""
    data, _ = make_dataset(s)
    X = Standardizer.fit(data.X).transform(data.X) if s.standardize else data.X
    return analyse(quadratic(X, data.y, s.loss, s.alpha))
