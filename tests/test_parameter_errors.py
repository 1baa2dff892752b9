"""Every validation error of the core is a ParameterError naming its parameter, and the
app routes it by that name (not by the message's words) to the control that sets it."""

import ast
from pathlib import Path

import numpy as np
import pytest

from linreg import (
    ParameterError,
    cortical_thickness,
    quadratic,
    synthetic_linear,
    train,
)
from linreg.app.controls import CONTROLS
from linreg.app.labels import CONTROL_OF_PARAMETER, NO_CONTROL, control_of
from linreg.csvdata import parse_csv, table_to_dataset
from linreg.experiment import Settings, make_dataset, split
from linreg.optimizers import HYPERPARAMETER_NAMES

CORE = Path(__file__).resolve().parents[1] / "linreg"
DATA = cortical_thickness(n=20)
X, Y = DATA.X, DATA.y
TABLE = parse_csv(b"a,b,s\n1,2,x\n2,4,y\n3,7,z\n4,8,w\n")

BAD_CALLS = {
    "learning_rate": lambda: train(X, Y, learning_rate=-0.1),
    "epochs": lambda: train(X, Y, epochs=0),
    "batch_size": lambda: train(X, Y, batch_size=0),
    "alpha": lambda: train(X, Y, alpha=-1.0),
    "loss": lambda: train(X, Y, loss="mae"),
    "optimizer": lambda: train(X, Y, optimizer="lbfgs"),
    "momentum": lambda: train(X, Y, optimizer="momentum", momentum=1.0),
    "eps": lambda: train(X, Y, optimizer="adam", eps=0.0),
    "beta2": lambda: train(X, Y, optimizer="adam", beta2=1.5),
    "theta0": lambda: train(X, Y, theta0=[1.0, 2.0, 3.0]),
    "tol": lambda: train(X, Y, tol=-1.0),
    "schedule": lambda: train(X, Y, schedule="cosine"),
    "gamma": lambda: train(
        X, Y, schedule="exponential", schedule_params={"gamma": 2.0}
    ),
    "step_size": lambda: train(X, Y, schedule="step", schedule_params={"step_size": 0}),
    "decay": lambda: train(
        X, Y, schedule="inverse_time", schedule_params={"decay": -1.0}
    ),
    "x_range": lambda: synthetic_linear(x_range=(5.0, -5.0)),
    "outlier_fraction": lambda: synthetic_linear(outlier_fraction=2.0),
    "n": lambda: synthetic_linear(n=1),
    "noise": lambda: synthetic_linear(noise=-1.0),
    "test_fraction": lambda: split(DATA, 1.0, 0),
    "upload_id": lambda: make_dataset(
        Settings(dataset="upload", features=("a",), target="b")
    ),
    "dataset": lambda: make_dataset(Settings(dataset="mnist")),
    "features": lambda: table_to_dataset(TABLE, ["s"], "b"),
    "target": lambda: table_to_dataset(TABLE, ["a"], "zz"),
}


@pytest.mark.parametrize("parameter", list(BAD_CALLS))
def test_a_bad_argument_names_its_parameter(parameter):
    with pytest.raises(ParameterError) as caught:
        BAD_CALLS[parameter]()
    assert caught.value.parameter == parameter
    # callers that catch ValueError still catch it
    assert isinstance(caught.value, ValueError)


@pytest.mark.parametrize(
    ("parameter", "X", "y"),
    [
        ("X", [[1e200], [2e200], [3e200]], [1.0, 2.0, 3.0]),  # overflows when squared
        ("y", [[1.0], [2.0], [3.0]], [1e200, 2e200, 3e200]),
        (
            "X",
            [[0.0], [1e-160], [2e-160]],
            [1.0, 2.0, 3.0],
        ),  # varies too little: underflows
        ("X", [[np.nan], [1.0], [2.0]], [1.0, 2.0, 3.0]),
        ("y", [[0.0], [1.0], [2.0]], [1.0, 2.0]),  # lengths differ
    ],
)
def test_data_errors_name_the_array(parameter, X, y):
    with pytest.raises(ParameterError) as caught:
        quadratic(np.array(X), np.array(y))
    assert caught.value.parameter == parameter


def test_a_misspelt_argument_raises_naming_the_known_ones():
    with pytest.raises(ParameterError) as caught:
        train(X, Y, learning_rat=0.5, epoch=5)
    message = str(caught.value)
    assert caught.value.parameter == "learning_rat"
    assert "'learning_rat'" in message and "'epoch'" in message
    assert all(name in message for name in HYPERPARAMETER_NAMES)
    # the likely typo is told, and train's own arguments are listed
    assert "did you mean 'learning_rate'?" in message
    assert all(name in message for name in ("learning_rate", "epochs", "batch_size"))


def test_another_optimizers_hyperparameter_is_still_taken_and_ignored():
    """The app passes every hyperparameter control; GD simply has none of them."""
    assert train(X, Y, epochs=3, momentum=0.5).hyperparameters == {}


def _raised_parameters() -> set[str]:
    """Every parameter name a ParameterError is raised with in the core's source
    (literal first argument)."""
    names = set()
    for path in CORE.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            called = (
                isinstance(node, ast.Call)
                and getattr(node.func, "id", None) == "ParameterError"
            )
            if called and isinstance(node.args[0], ast.Constant):
                names.add(node.args[0].value)
    return names


def _plain_value_errors() -> list[str]:
    found = []
    for path in CORE.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            raised = isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call)
            if raised and getattr(node.exc.func, "id", None) == "ValueError":
                found.append(f"{path.name}:{node.lineno}")
    return found


def test_the_core_raises_no_bare_value_error():
    assert _plain_value_errors() == []


#: Parameters of the core's API that no control of the app sets (the app never passes
#: them bad values).
API_ONLY = {
    "k",
    "params",
    "sweep",
    "X_train",
    "feature_names",
    "name",
    "data",
    "csv",
    "tol_on",
}


def test_every_parameter_the_core_names_has_a_control_or_is_api_only():
    raised = _raised_parameters()
    assert {"learning_rate", "x_range", "X"} <= raised  # the scan reads the source
    assert raised - API_ONLY - set(CONTROL_OF_PARAMETER) == set()


def test_every_routed_control_is_a_widget_of_the_sidebar():
    assert {key for key, _ in CONTROL_OF_PARAMETER.values()} <= set(CONTROLS) | {
        "features",
        "target",
    }


@pytest.mark.parametrize(
    "X",
    [[[1e200], [2e200], [3e200]], [[0.0], [1e-160], [2e-160]]],
    ids=["overflow", "underflow"],
)
def test_overflow_and_underflow_point_to_standardize_not_features(X):
    """Routing by words sent both to Features: their messages say "feature"."""
    with pytest.raises(ParameterError) as caught:
        quadratic(np.array(X), np.array([1.0, 2.0, 3.0]))
    assert "feature" in str(caught.value)
    assert control_of(caught.value)[0] == "standardize"


def test_an_error_that_names_no_parameter_names_no_control():
    assert control_of(ValueError("something else")) is NO_CONTROL
