"""One script run at a time in this process: the others wait their turn, for at most
MAX_WAIT_S.

Python runs one thread at a time.  When a class changes the learning rate at the same
moment, 30 script threads interleave and every message a run sends waits for the
interpreter lock again. Measured with ``benchmarks/load.py --sync`` (30 sessions, one
process): the median change took 1.16 s with every run at once and 0.50-0.67 s one at a
time, for the same work.  A run that has waited MAX_WAIT_S (behind a long computation, a
mini-batch sweep of seconds) goes ahead anyway, so no run waits on another for long and
no two runs can wait on each other.
"""

from __future__ import annotations

import contextlib
import threading

MAX_WAIT_S = 1.0
_TURN = threading.Lock()


@contextlib.contextmanager
def take_turn():
    """Wait for the turn (at most MAX_WAIT_S), run, give it back whatever the run raises
    (Streamlit's reruns and stops are exceptions)."""
    mine = _TURN.acquire(timeout=MAX_WAIT_S)
    try:
        yield
    finally:
        if mine:
            _TURN.release()
