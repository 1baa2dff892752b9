import numpy as np
import pytest

from linreg import Standardizer, cortical_thickness, synthetic_linear


def test_cortical_thickness_follows_the_lesson():
    d = cortical_thickness(n=100, noise=0.05, seed=0)
    np.testing.assert_array_equal(d.X[:, 0], np.linspace(0, 1, 100))
    noise = d.y - (2.8 - 0.008 * d.X[:, 0])
    np.testing.assert_allclose(noise, np.random.default_rng(0).normal(0, 0.05, 100))
    assert cortical_thickness(n=50, noise=0.0).y[0] == 2.8


def test_synthetic_outliers_and_seed():
    clean = synthetic_linear(n=200, noise=0.5, seed=3)
    dirty = synthetic_linear(
        n=200, noise=0.5, outlier_fraction=0.1, outlier_scale=20, seed=3
    )
    moved = np.abs(dirty.y - clean.y) > 1
    assert moved.sum() == 20
    np.testing.assert_array_equal(
        synthetic_linear(seed=5).y, synthetic_linear(seed=5).y
    )


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"n": 1}, "n must be"),
        ({"noise": -1}, "noise"),
        ({"x_range": (2, 1)}, "x_range"),
        ({"outlier_fraction": 2}, "outlier"),
    ],
)
def test_synthetic_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        synthetic_linear(**kwargs)


def test_standardizer_maps_parameters_back(multi_data):
    X, _y = multi_data
    sc = Standardizer.fit(X)
    Z = sc.transform(X)
    np.testing.assert_allclose(Z.mean(axis=0), 0, atol=1e-12)
    theta_z = np.array([0.3, -1.0, 2.0, 0.5])
    theta = sc.params_to_original(theta_z)
    np.testing.assert_allclose(
        Z @ theta_z[:-1] + theta_z[-1], X @ theta[:-1] + theta[-1]
    )
    np.testing.assert_allclose(sc.params_from_original(theta), theta_z)


def test_standardizer_constant_column():
    sc = Standardizer.fit(np.column_stack([np.ones(5), np.arange(5.0)]))
    assert np.all(np.isfinite(sc.transform(np.ones((2, 2)))))


def test_outliers_stand_out_at_a_small_noise():
    """At the app's default noise (0.05) an outlier still moves by scale x 10% of the
    line's rise (3 x 10 = 30)."""
    clean = synthetic_linear(n=200, noise=0.05, seed=3)
    dirty = synthetic_linear(
        n=200, noise=0.05, outlier_fraction=0.05, outlier_scale=10, seed=3
    )
    moved = np.abs(dirty.y - clean.y)
    assert (moved > 1).sum() == 10 and np.allclose(moved[moved > 1], 10 * 0.1 * 3 * 10)
