"""Numbers out of a Plotly figure as it is sent to the browser."""

from __future__ import annotations

import base64

import numpy as np


def values(data) -> np.ndarray:
    """A trace's numbers as sent: a plain list, or Plotly's base64 typed array."""
    if isinstance(data, dict):
        return np.frombuffer(
            base64.b64decode(data["bdata"]), dtype=np.dtype(data["dtype"])
        ).astype(float)
    return np.asarray(data, dtype=float)
