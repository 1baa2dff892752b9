"""Script runs take turns (linreg/app/gate.py): one at a time, a turn given back whatever the run
raises, and a run that has waited MAX_WAIT_S goes ahead anyway."""

from __future__ import annotations

import itertools
import threading
import time

import pytest

from linreg.app import gate


def _timed_run(hold: float, spans: list) -> None:
    with gate.take_turn():
        start = time.perf_counter()
        time.sleep(hold)
        spans.append((start, time.perf_counter()))


def test_runs_take_turns():
    spans = []
    threads = [threading.Thread(target=_timed_run, args=(0.05, spans)) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    spans.sort()
    assert all(later[0] >= earlier[1] for earlier, later in itertools.pairwise(spans))  # never two at once


def test_a_turn_is_given_back_when_the_run_raises():
    class Rerun(BaseException):  # Streamlit's reruns and stops are BaseExceptions
        pass

    with pytest.raises(Rerun), gate.take_turn():
        raise Rerun
    spans = []
    t0 = time.perf_counter()
    _timed_run(0.0, spans)
    assert spans[0][0] - t0 < 0.5 * gate.MAX_WAIT_S  # the turn was free at once


def test_a_run_that_waited_too_long_goes_ahead(monkeypatch):
    monkeypatch.setattr(gate, "MAX_WAIT_S", 0.1)
    spans = []
    long_run = threading.Thread(target=_timed_run, args=(1.0, spans))
    long_run.start()
    time.sleep(0.05)
    t0 = time.perf_counter()
    _timed_run(0.0, spans)  # waits 0.1 s, then runs beside the long one
    waited = spans[0][0] - t0
    long_run.join()
    assert 0.08 <= waited < 0.8  # its own wait, not the long run's second
    with gate.take_turn():  # and the turn is still whole: taken and given back once each
        pass
    assert gate._TURN.acquire(blocking=False)
    gate._TURN.release()
