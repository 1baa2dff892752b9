"""Script runs take turns (linreg/app/gate.py): one at a time, a turn given back
whatever the run raises, and a run that has waited MAX_WAIT_S goes ahead anyway.
Threads are ordered by events, not sleeps.
"""

from __future__ import annotations

import threading

import pytest

from linreg.app import gate

#: Long enough for any wait below on a loaded machine; the runs that should not wait
#: never reach it.
NEVER = 60.0


def _turn_is_free() -> bool:
    """The turn can be taken at once (it is given back straight away)."""
    if gate._TURN.acquire(blocking=False):
        gate._TURN.release()
        return True
    return False


def test_runs_take_turns(monkeypatch):
    # the second run waits for the first, however slow the machine
    monkeypatch.setattr(gate, "MAX_WAIT_S", NEVER)
    first_inside, first_may_leave, first_left = (
        threading.Event(),
        threading.Event(),
        threading.Event(),
    )
    second_at_gate, second_inside = threading.Event(), threading.Event()
    second_saw_first_gone = []

    def first() -> None:
        with gate.take_turn():
            first_inside.set()
            first_may_leave.wait(NEVER)
            first_left.set()

    def second() -> None:
        first_inside.wait(NEVER)
        second_at_gate.set()
        with gate.take_turn():
            second_saw_first_gone.append(first_left.is_set())
            second_inside.set()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for t in threads:
        t.start()
    second_at_gate.wait(NEVER)
    # the first still holds the turn: the second cannot be in
    assert not second_inside.wait(0.2)
    first_may_leave.set()
    for t in threads:
        t.join(NEVER)
    assert second_saw_first_gone == [True]
    assert _turn_is_free()


def test_a_turn_is_given_back_when_the_run_raises():
    class Rerun(BaseException):  # Streamlit's reruns and stops are BaseExceptions
        pass

    with pytest.raises(Rerun), gate.take_turn():
        raise Rerun
    assert _turn_is_free()


def test_a_run_that_waited_too_long_goes_ahead(monkeypatch):
    monkeypatch.setattr(gate, "MAX_WAIT_S", 0.1)
    holding, may_finish, finished = (
        threading.Event(),
        threading.Event(),
        threading.Event(),
    )

    def long_run() -> None:
        with gate.take_turn():
            holding.set()
            may_finish.wait(NEVER)
        finished.set()

    thread = threading.Thread(target=long_run)
    thread.start()
    holding.wait(NEVER)
    with gate.take_turn():  # waits MAX_WAIT_S, then runs beside the long run
        ran_beside = holding.is_set() and not finished.is_set()
    assert ran_beside
    # the run that went ahead did not give back a turn it never had
    assert not _turn_is_free()
    may_finish.set()
    thread.join(NEVER)
    assert _turn_is_free()  # the long run gave its turn back: the turn is whole
