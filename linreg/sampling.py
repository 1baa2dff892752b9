"""Which steps of a run to show: the one sampling rule behind animation frames, drawn
curves and the steps a sweep keeps."""

from __future__ import annotations

from typing import Literal

import numpy as np


def sampled_steps(
    n_steps: int, count: int, spacing: Literal["geometric", "even"] = "geometric"
) -> np.ndarray:
    """At most ``count`` of the steps 0..n_steps: all of them when they fit; else every
    step up to ``count // 4`` (where paths turn), then the rest spaced ``geometric``
    (sparser as the run settles) or ``even`` up to the last step, which is included."""
    if n_steps + 1 <= count:
        return np.arange(n_steps + 1)
    head = np.arange(count // 4 + 1)
    start = max(head[-1], 1)
    spaced = np.geomspace if spacing == "geometric" else np.linspace
    rest = spaced(start, n_steps, count - len(head)).round().astype(int)
    return np.unique(np.concatenate([head, rest, [n_steps]]))
