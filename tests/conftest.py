import numpy as np
import pytest

#: The browser tests' shared fixtures (one chromium, one app server per module).
pytest_plugins = ["browser_util"]


@pytest.fixture
def line_data():
    """The worked example of the README's conventions: x ~ U(0, 10), n = 100, y = 3x + 2
    + noise."""
    rng = np.random.default_rng(7)
    x = rng.uniform(0, 10, 100)
    return x[:, None], 3 * x + 2 + rng.normal(0, 1, 100)


@pytest.fixture
def multi_data():
    rng = np.random.default_rng(3)
    X = rng.normal(size=(60, 3)) * [1.0, 2.0, 0.5] + [0.0, 1.0, -2.0]
    return X, X @ [1.5, -0.7, 2.0] + 0.3 + rng.normal(0, 0.1, 60)
