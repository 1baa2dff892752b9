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


class WatchedTurn:
    """The gate's lock, saying when a thread finds it taken and must wait, and of that
    wait: how it was asked for (blocking, timeout), whether it got the turn, and whether
    the holder had left by then."""

    def __init__(self, holder_left: threading.Event) -> None:
        self._lock = threading.Lock()
        self._holder_left = holder_left
        self.waiting = threading.Event()
        self.waited: list[tuple[bool, float, bool, bool]] = []

    def acquire(self, blocking: bool = True, timeout: float = -1) -> bool:
        if self._lock.acquire(blocking=False):
            return True
        self.waiting.set()
        got = self._lock.acquire(blocking, timeout)
        self.waited.append((blocking, timeout, got, self._holder_left.is_set()))
        return got

    def release(self) -> None:
        self._lock.release()


def test_runs_take_turns(monkeypatch):
    # the second run waits for the first, however slow the machine
    monkeypatch.setattr(gate, "MAX_WAIT_S", NEVER)
    first_inside, first_may_leave, first_left = (
        threading.Event(),
        threading.Event(),
        threading.Event(),
    )
    turn = WatchedTurn(holder_left=first_left)
    monkeypatch.setattr(gate, "_TURN", turn)

    def first() -> None:
        with gate.take_turn():
            first_inside.set()
            first_may_leave.wait(NEVER)
            first_left.set()

    def second() -> None:
        first_inside.wait(NEVER)
        with gate.take_turn():
            pass

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for t in threads:
        t.start()
    # the second found the turn taken: the first may leave (no sleep gives the second
    # time to get in wrongly: what its wait came to is recorded below)
    assert turn.waiting.wait(NEVER)
    first_may_leave.set()
    for t in threads:
        t.join(NEVER)
    # it waited as long as the gate allows, got the turn, and only once the first had
    # left
    assert turn.waited == [(True, NEVER, True, True)]
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
