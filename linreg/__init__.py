"""linreg: linear regression by gradient descent, from scratch in NumPy.

The NumPy core (this folder's modules) never imports streamlit or plotly; ``viz/`` draws
with Plotly and ``app/`` holds the only Streamlit code.  ``LinearRegressionGD`` imports
scikit-learn on first use.
"""

from .analysis import Analysis, analyse, analyse_data
from .csvdata import Table, parse_csv, table_to_dataset
from .datasets import (
    Dataset,
    Standardizer,
    as_dataset,
    cortical_thickness,
    synthetic_linear,
)
from .model import (
    LOSSES,
    Quadratic,
    closed_form_theta,
    design_matrix,
    gradient,
    hessian,
    loss_value,
    predict,
    quadratic,
)
from .optimizers import REGISTRY, Optimizer, make_optimizer
from .reference import LinearModel
from .schedules import SCHEDULES, epoch_learning_rates
from .surface import Surface, level_ellipse, loss_surface
from .training import DIVERGENCE_FACTOR, Trajectory, train
from .validation import ParameterError

__all__ = [
    "DIVERGENCE_FACTOR",
    "LOSSES",
    "REGISTRY",
    "SCHEDULES",
    "Analysis",
    "Dataset",
    "LinearModel",
    "LinearRegressionGD",
    "Optimizer",
    "ParameterError",
    "Quadratic",
    "Standardizer",
    "Surface",
    "Table",
    "Trajectory",
    "analyse",
    "analyse_data",
    "as_dataset",
    "closed_form_theta",
    "cortical_thickness",
    "design_matrix",
    "epoch_learning_rates",
    "gradient",
    "hessian",
    "level_ellipse",
    "loss_surface",
    "loss_value",
    "make_optimizer",
    "parse_csv",
    "predict",
    "quadratic",
    "synthetic_linear",
    "table_to_dataset",
    "train",
]


def __getattr__(name: str):
    # scikit-learn is optional: import it only when asked for
    if name == "LinearRegressionGD":
        from .estimator import LinearRegressionGD

        return LinearRegressionGD
    raise AttributeError(f"module 'linreg' has no attribute {name!r}")
