"""Which views a figure shows, and how: from the view controls (``ViewOptions``) and the
run to the figures' options and titles.  Plain functions of their inputs: the caches
(cache.py) and the pages call them.
"""

from __future__ import annotations

import numpy as np

from ..experiment import Run, Settings
from ..optimizers import REGISTRY
from ..sweep import scrub_momenta
from ..theory import RateMap, per_step
from ..viz import playground
from .controls import ViewOptions
from .labels import parameter_labels

#: Below this condition number in the contour's plane the axes share one scale: a round
#: bowl looks round.
ROUND_KAPPA = 2.0


def contour_params(view: ViewOptions, names: list[str]) -> tuple[int, int] | None:
    """The two parameters the contour shows, when the view names two of several."""
    if len(names) <= 2 or view.contour_x not in names or view.contour_y not in names:
        return None
    i, j = names.index(view.contour_x), names.index(view.contour_y)
    return (i, j) if i != j else None


def use_log(view: ViewOptions, r: Run) -> bool:
    """A log loss axis when asked for; by default (auto) when the loss spans more than
    a factor of 100."""
    if view.log_loss != "auto":
        return view.log_loss == "log"
    loss = r.traj.loss[np.isfinite(r.traj.loss) & (r.traj.loss > 0)]
    return len(loss) > 1 and loss.max() / loss.min() > 100


def contour_axis_labels(r: Run) -> list[str]:
    """Each trained parameter's axis title: the weights say when they are on
    standardized features."""
    suffix = " (standardized x)" if r.scaler else ""
    names = parameter_labels(r.data.feature_names)
    return [name + suffix for name in names[:-1]] + names[-1:]


def plane_kappa(r: Run, params: tuple[int, int]) -> float:
    """The condition number of the loss in the contour's plane."""
    lam = np.linalg.eigvalsh(r.analysis.hessian[np.ix_(params, params)])
    return float(lam[-1] / lam[0]) if lam[0] > 0 else float("inf")


def shows_convergence_panel(view: ViewOptions) -> bool:
    """The fourth view is shown when asked for; by default (auto) unless presenting: the
    projector keeps its three large views."""
    return view.convergence_panel == "show" or (
        view.convergence_panel == "auto" and not view.present
    )


def playground_view(
    view: ViewOptions, r: Run, stacked: bool
) -> tuple[playground.PlotOptions, tuple[str, str, str, str]]:
    """The playground figure's options and its titles (x, y and the contour's two
    axes) for the view controls ``view`` on the run ``r``."""
    names = r.data.feature_names
    i, j = params = contour_params(view, parameter_labels(names)) or (0, len(names))
    axis = contour_axis_labels(r)
    options = playground.PlotOptions(
        log_loss=use_log(view, r),
        residuals=view.residuals,
        params=params,
        stacked=stacked,
        equal_axes=view.equal_axes or plane_kappa(r, params) < ROUND_KAPPA,
        scale=1.25 if view.present else 1.0,
        click_grid=len(names) == 1,
        whole_run=view.whole_run,
        convergence_panel=shows_convergence_panel(view),
    )
    return options, (names[0], r.data.target_name, axis[i], axis[j])


def momentum_map_optimizer(settings: Settings) -> str:
    """Whose rate map over (learning rate, momentum) the sweep page shows: the settings'
    optimizer when it has a momentum, else heavy ball."""
    return (
        settings.optimizer if REGISTRY[settings.optimizer].has_velocity else "momentum"
    )


def scrubbed_momenta(settings: Settings) -> tuple[np.ndarray, int] | None:
    """Heavy ball and Nesterov: the momentum slider's values (the user's among them) and
    the user's index; None for the optimizers without a momentum (no second slider)."""
    if not REGISTRY[settings.optimizer].has_velocity:
        return None
    return scrub_momenta(settings.hyperparameters["momentum"])


def example_label(name: str, r: Run, m: RateMap, lines: int = 1) -> str:
    """'zig-zag · lr 0.765 · ×0.94/step: converged': the theory's word and pace, then
    what the run did; on two ``lines`` (a narrow legend), the rate on the first and what
    it did on the second.
    """
    lr = r.settings.learning_rate
    rate = f"{name} · lr {lr:g}"
    if not m.measured:
        rate += f"{' · ' if lines == 1 else '<br>'}{per_step(m.contraction(lr))}/step"
    return f"{rate}:{' ' if lines == 1 or not m.measured else '<br>'}{r.traj.outcome}"
