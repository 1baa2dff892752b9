"""Every control of every page pushed to its ends on 200,000 rows and 10,000 epochs: no
rerun may cost over LIMIT_S seconds of CPU, and none may end in an exception.

The work is counted in this process's CPU time, not on the wall clock: the suite must
pass beside another CPU-heavy job, where a rerun waits for a core as long again, while
the work a student waits for on a machine of their own is the CPU time.  AppTest's own
wall-clock timeout (HANG_S) only stops a run that never ends.

A control a value reveals (the batch size under mini-batch, a hyperparameter under its
optimizer, a schedule's factor, a table's columns, the race's own rates) is pushed to
its ends while it is shown.  On the Playground, the sidebar's home, every control; on
the other pages, the page's own controls and the sidebar's controls that change how much
work a run is (a value such as the slope or the start changes no amount of work).
"""

from __future__ import annotations

import time

import pytest
from apptest_util import app, assert_ok

from linreg.app.controls import CONTROLS
from linreg.app.presets import PRESETS

#: A rerun whose work takes over this many CPU seconds is a wait a class notices.
LIMIT_S = 10
#: A rerun still running after this many seconds on the wall clock never ends.
HANG_S = 300
BIG = {
    "dataset": "synthetic",
    "n": 200_000,
    "epochs": 10_000,
    "optimizer": "momentum",
    "schedule": "exponential",
}
PAGES = [None, "pages/race.py", "pages/sweep.py", "pages/learn.py", "pages/data.py"]
#: The sidebar's controls that change how much work a page does: pushed to their ends on
#: every page.
WORK = {
    "n",
    "epochs",
    "batch",
    "batch_size",
    "optimizer",
    "schedule",
    "dataset",
    "features",
    "learning_rate",
    "standardize",
}
#: Choices whose every option is an end; of other choices (a table's columns, a guess)
#: the first and the last.
EVERY_OPTION = {k for k, c in CONTROLS.items() if c.kind == "choice"}
KINDS = (
    "slider",
    "select_slider",
    "number_input",
    "selectbox",
    "radio",
    "checkbox",
    "toggle",
    "multiselect",
)


def controls(at) -> dict[str, tuple[str, object]]:
    """The page's keyed controls and its buttons (by label), as (kind, element)."""
    found = {}
    for kind in KINDS:
        for w in at.get(kind):
            if w.key and not w.key.startswith("exercise_"):
                found[w.key] = (kind, w)
    for b in at.get("button"):
        if not b.proto.disabled:
            found[b.key or f"button: {b.label}"] = ("button", b)
    return found


def ends(kind: str, w) -> list:
    """Both ends of a range, every choice of a choice, both states of a switch, all and
    one of a multi."""
    options = (
        list(CONTROLS[w.key].options)
        if w.key in CONTROLS and CONTROLS[w.key].options
        else None
    )
    if kind in ("slider", "number_input"):
        return [w.min, w.max]
    if kind == "select_slider":
        labels = list(w.options)
        return (
            [float(labels[0]), float(labels[-1])]
            if options is None
            else [options[0], options[-1]]
        )
    if kind in ("selectbox", "radio"):
        choices = options or list(w.options)
        return choices if w.key in EVERY_OPTION else [choices[0], choices[-1]]
    if kind in ("checkbox", "toggle"):
        return [not w.value, w.value]
    if kind == "multiselect":
        everything = options or list(w.options)
        return [everything, everything[:1]]
    return ["click"]


def rerun(at, page, key: str, value) -> None:
    kind, w = controls(at)[key]
    w.click() if kind == "button" else w.set_value(value)
    run_within_limit(at, f"{key} = {value!r}")


def run_within_limit(at, what: str) -> None:
    """Rerun; fail if it raised or cost over LIMIT_S seconds of CPU."""
    start = time.process_time()
    at.run(timeout=HANG_S)
    spent = time.process_time() - start
    assert_ok(at)
    assert spent <= LIMIT_S, f"{what}: the rerun took {spent:.1f} s of CPU"


def push(at, page, key: str, shown: set[str], wanted) -> None:
    """``key`` to each of its ends, then back; what a value reveals, to its ends while
    it is shown."""
    if key not in controls(at):
        return
    kind, w = controls(at)[key]
    original = None if kind == "button" else w.value
    for value in ends(kind, w):
        if key not in controls(at):
            break
        rerun(at, page, key, value)
        for revealed in [k for k in controls(at) if k not in shown and wanted(k)]:
            for end in ends(*controls(at)[revealed]):
                if revealed in controls(at):
                    rerun(at, page, revealed, end)
    if (
        kind != "button"
        and key in controls(at)
        and controls(at)[key][1].value != original
    ):
        rerun(at, page, key, original)


def in_sidebar(at) -> set[str]:
    return {w.key for kind in KINDS for w in at.sidebar.get(kind)} | {
        f"button: {b.label}" for b in at.sidebar.button
    }


@pytest.mark.parametrize("page", PAGES)
def test_every_control_at_its_ends_reruns_within_the_limit(page):
    start = time.process_time()
    at = app(page, timeout=HANG_S, **BIG)
    assert_ok(at)
    # the first run and the page switch
    assert time.process_time() - start <= 2 * LIMIT_S
    shown = set(controls(at)) | {"preset_choice"}

    def wanted(key: str) -> bool:
        return page is None or key in WORK or key not in in_sidebar(at)

    # a new dataset changes the data controls: last
    for key in sorted(shown, key=lambda k: (k == "dataset", k)):
        if wanted(key):
            push(at, page, key, shown, wanted)
    if page is None:  # the presets, last: each sets every control
        for name in PRESETS:
            at.get("button_group")[0].set_value(name)
            run_within_limit(at, f"preset {name}")
