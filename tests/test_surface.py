import numpy as np
import pytest

from linreg import level_ellipse, loss_surface, quadratic
from linreg.model import design_matrix, loss_value


def test_orientation_is_plotly_z_i_j_at_x_j_y_i(line_data):
    X, y = line_data
    q = quadratic(X, y)
    s = loss_surface(q, (0, 5), (-2, 4), resolution=7)
    A = design_matrix(X)
    assert s.z.shape == (7, 7)
    i, j = 2, 5
    assert s.z[i, j] == pytest.approx(loss_value(A, y, np.array([s.x[j], s.y[i]])))


def test_multi_feature_slice_holds_others_fixed(multi_data):
    X, y = multi_data
    q = quadratic(X, y)
    fixed = np.array([0.1, 0.2, 0.3, 0.4])
    s = loss_surface(q, (-1, 1), (0, 2), resolution=5, params=(1, 2), fixed=fixed)
    A = design_matrix(X)
    for i in range(5):
        for j in range(5):
            theta = fixed.copy()
            theta[1], theta[2] = s.x[j], s.y[i]
            assert s.z[i, j] == pytest.approx(loss_value(A, y, theta), rel=1e-10)


def test_bad_params(line_data):
    with pytest.raises(ValueError, match="two different indices"):
        loss_surface(quadratic(*line_data), (0, 1), (0, 1), params=(0, 0))


def test_level_ellipse_lies_on_its_level(line_data):
    X, y = line_data
    q = quadratic(X, y)
    level = q.loss_ref + 5.0
    pts = level_ellipse(q, level)
    np.testing.assert_allclose(q.loss_at(pts), level, rtol=1e-10)
    assert level_ellipse(q, q.loss_ref - 1) is None


def test_slice_through_any_point_is_the_brute_force_level_set(multi_data):
    """Level sets of the (w_2, w_3) slice with the other parameters held at an arbitrary
    step's values."""
    from linreg.surface import slice_ellipse

    X, y = multi_data
    q = quadratic(X, y)
    A = design_matrix(X)
    through = np.array([0.3, -0.2, 1.1, 0.9])
    level = loss_value(A, y, through) * 1.5
    pts = slice_ellipse(q, through, level, params=(1, 2), n_points=40)
    for u in pts:
        theta = through.copy()
        theta[[1, 2]] = u
        assert loss_value(A, y, theta) == pytest.approx(level, rel=1e-9)
    # below the slice's minimum
    assert slice_ellipse(q, through, 0.0, params=(1, 2)) is None
