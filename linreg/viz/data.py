"""The Data page's figures: the target against each feature, and partial plots for
several features."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from .style import FONT_SIZE, PALETTE, display_sample, legible


def data_figure(
    X: np.ndarray, y: np.ndarray, feature_names, target_name: str, height: int = 420
) -> go.Figure:
    """The target against each feature (up to four), sampled to MAX_POINTS_SHOWN
    points."""
    X = np.asarray(X, dtype=float).reshape(len(y), -1)
    d = min(X.shape[1], 4)
    shown = display_sample(len(y))
    fig = make_subplots(rows=1, cols=d, shared_yaxes=True, horizontal_spacing=0.04)
    for j in range(d):
        fig.add_trace(
            go.Scatter(
                x=X[shown, j],
                y=y[shown],
                mode="markers",
                marker={"color": PALETTE["data"], "size": 6, "opacity": 0.7},
                name=str(feature_names[j]),
                showlegend=False,
            ),
            row=1,
            col=j + 1,
        )
        fig.update_xaxes(title_text=str(feature_names[j]), row=1, col=j + 1)
    fig.update_yaxes(title_text=str(target_name), row=1, col=1)
    fig.update_layout(
        height=height, font={"size": FONT_SIZE}, margin={"t": 30, "l": 72}
    )
    return _titles_clear_of_ticks(legible(fig))


def _titles_clear_of_ticks(fig: go.Figure) -> go.Figure:
    """Room for each axis title beside its tick labels (Streamlit's theme leaves no left
    margin: the title sat on the ticks), growing with them."""
    fig.update_xaxes(automargin=True)
    fig.update_yaxes(automargin=True)
    return fig


def partial_plots_figure(
    X: np.ndarray, y: np.ndarray, theta: np.ndarray, names, height: int = 360
) -> go.Figure:
    """Several features: for each, x_j against its partial residual y - sum_(k != j) w_k
    x_k - b, with the fitted slope w_j through it (what x_j explains once the others are
    accounted for).
    """
    X = np.asarray(X, dtype=float)
    d = min(X.shape[1], 4)
    shown = display_sample(len(y))
    w, b = theta[:-1], theta[-1]
    fig = make_subplots(rows=1, cols=d, horizontal_spacing=0.05)
    for j in range(d):
        partial = y - (X @ w - X[:, j] * w[j]) - b
        grid = np.array([X[:, j].min(), X[:, j].max()])
        fig.add_trace(
            go.Scatter(
                x=X[shown, j],
                y=partial[shown],
                mode="markers",
                showlegend=False,
                marker={"color": PALETTE["data"], "size": 5, "opacity": 0.6},
            ),
            1,
            j + 1,
        )
        fig.add_trace(
            go.Scatter(
                x=grid,
                y=w[j] * grid,
                mode="lines",
                showlegend=False,
                line={"color": PALETTE["fit"], "width": 3},
            ),
            1,
            j + 1,
        )
        fig.update_xaxes(title_text=str(names[j]), row=1, col=j + 1)
    fig.update_yaxes(title_text="partial residual", row=1, col=1)
    fig.update_layout(
        height=height,
        font={"size": FONT_SIZE},
        margin={"t": 30, "l": 72},
        title={"text": "Partial plots (last step)", "font": {"size": FONT_SIZE}},
    )
    return _titles_clear_of_ticks(legible(fig))
