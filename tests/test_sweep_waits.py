"""Long sweeps count their progress, resume where a page switch stopped them, and say
why a panel is empty; counts are written in good English."""

import re

import numpy as np
import pytest
from apptest_util import app, assert_ok

from linreg.app import budgets, cache
from linreg.experiment import Settings, run
from linreg.sweep import log_grid, sweep_runs


class SwitchedPageError(Exception):
    """What the app's checkpoint raises when the user leaves (Streamlit's own exception,
    in the browser)."""


@pytest.fixture
def swept(monkeypatch):
    """How many mini-batch sweeps the app runs, and the progress each reported."""
    calls = {"sweeps": 0, "progress": []}
    sweep_runs_ = cache.sweep_runs

    def counting(*args, progress=None, **kwargs):
        calls["sweeps"] += 1

        def heard(done, total):
            calls["progress"].append((done, total))
            progress(done, total)

        return sweep_runs_(*args, progress=heard, **kwargs)

    monkeypatch.setattr(cache, "sweep_runs", counting)
    return calls


def progress_texts(at) -> list[str]:
    return [p.proto.text for p in at.get("progress")]


def test_a_sweep_counts_its_updates_and_a_sweep_left_half_way_runs_whole_on_return(
    monkeypatch, swept
):
    # a sweep no other test has cached
    query = {"batch": "mini", "random_state": 4242, "epochs": 1000}
    at = app(**query)
    checkpoints = {"n": 0}

    def leave_after_2_chunks():
        checkpoints["n"] += 1
        if checkpoints["n"] > 2:
            raise SwitchedPageError

    monkeypatch.setattr(cache, "yield_to_browser", leave_after_2_chunks)
    at.switch_page("pages/sweep.py").run()
    assert len(at.exception) == 1  # the stop, as the checkpoint raised it
    # 100 rows in batches of 16: 7 updates an epoch
    rates, updates = len(log_grid(count=60)), 1000 * 7
    done = swept["progress"][-1][0]
    assert swept["progress"][-1] == (done, updates) and 0 < done < updates
    assert progress_texts(at) == [
        f"Sweeping {rates} learning rates at once (mini-batch runs of 1,000 epochs"
        f" each): {done:,} of {updates:,} updates done"
    ]

    monkeypatch.setattr(cache, "yield_to_browser", lambda: None)  # the user comes back
    at.switch_page("pages/data.py").run()
    at.switch_page("pages/sweep.py").run()
    assert_ok(at)
    assert swept["sweeps"] == 2 and swept["progress"][-1] == (updates, updates)
    assert not progress_texts(at)  # the bar is gone once the sweep is done

    r = run(Settings(batch="mini", random_state=4242, epochs=1000))
    whole = sweep_runs(
        r.x_train,
        r.data.y,
        log_grid(),
        1000,
        1e-6,
        batch_size=16,
        theta0=r.traj.theta[0],
        random_state=4242,
    )
    resumed = budgets.sweep_for(Settings(batch="mini", random_state=4242, epochs=1000))
    np.testing.assert_array_equal(resumed.learning_rates, whole.learning_rates)
    np.testing.assert_array_equal(resumed.final_loss, whole.final_loss)
    np.testing.assert_array_equal(resumed.settled_at, whole.settled_at)
    np.testing.assert_array_equal(resumed.outcome, whole.outcome)
    np.testing.assert_array_equal(resumed.diverged_at, whole.diverged_at)


def test_a_new_learning_rate_sweeps_nothing_again(swept):
    # a sweep no other test has cached
    at = app("pages/sweep.py", batch="mini", random_state=4243, epochs=50)
    assert_ok(at)
    assert swept["sweeps"] == 1
    # every rate was swept already
    at.sidebar.number_input(key="learning_rate").set_value(0.02).run()
    assert_ok(at)
    assert swept["sweeps"] == 1


def test_an_empty_steps_to_settle_panel_says_why():
    at = app("pages/sweep.py", batch="mini", epochs=300)
    assert_ok(at)
    words = [c.value for c in at.caption if "steps-to-settle panel is empty" in c.value]
    assert words and "below 1e-06 and kept it there within 300 epochs" in words[0]
    # full batch: the lesson's data reaches the tolerance at many rates
    at = app("pages/sweep.py")
    assert not [c.value for c in at.caption if "panel is empty" in c.value]


def test_a_tuning_sweep_that_falls_back_to_full_batch_says_what_was_too_much():
    """Six optimizers share 600,000 updates: 100,000 each; 12 rates x 2,000 epochs x 7
    batches = 168,000."""
    everyone = ["gd", "momentum", "nesterov", "adagrad", "rmsprop", "adam"]
    at = app("pages/race.py", batch="mini", race_mode="tuned", race_optimizers=everyone)
    assert_ok(at)
    notes = " ".join(i.value for i in at.info)
    assert (
        "needs at least 12 rates × 2,000 epochs × 7 updates per epoch = 168,000 updates"
        in notes
    )
    assert "more than the sweep's budget of 100,000" in notes


SINGULAR_AS_PLURAL = re.compile(
    r"(?<![\d.,])1 (epochs|updates|rows|rates|steps|batches|racers|optimizers|lines)\b"
)


ONE = {
    None: ({"epochs": 1}, "full batch · 1 update ·"),
    "pages/race.py": ({"epochs": 1}, "same budget of 1 epoch;"),
    "pages/sweep.py": ({"epochs": 1, "batch": "mini"}, "1 epoch each"),
    "pages/learn.py": ({"epochs": 1, "batch": "sgd"}, "over a batch of 1 row)"),
    "pages/data.py": ({"epochs": 1}, None),
}


@pytest.mark.parametrize("page", list(ONE))
def test_one_is_singular(page):
    query, phrase = ONE[page]
    at = app(page, **query)
    assert_ok(at)
    kinds = ("markdown", "caption", "info", "warning", "error", "progress")
    shown = [str(getattr(e, "value", "")) for kind in kinds for e in at.get(kind)]
    assert phrase is None or any(phrase in text for text in shown), shown
    assert not [text for text in shown if SINGULAR_AS_PLURAL.search(text)]


def test_a_run_cut_to_one_epoch_says_one_epoch():
    """2 epochs of 200,000 single-row updates are over the run's 200,000: it runs
    one."""
    r = run(Settings(dataset="synthetic", n=200_000, batch="sgd", epochs=2))
    assert r.traj.epochs_run == 1
    assert (
        "2 epochs x 200,000 batches is more than 200,000 updates: ran 1 epoch."
        in r.notes[0]
    )


@pytest.mark.parametrize(
    ("query", "notice"),
    [
        (
            {"momentum": "2"},
            "`momentum=2` must be between 0 and 0.99: using 0.9 instead.",
        ),  # GD takes none
        (
            {"optimizer": "adam", "beta1": "2"},
            "`beta1=2` must be between 0 and 0.999: using 0.9 instead.",
        ),
        (
            {"eps": "3"},
            "using each optimizer's own default instead.",
        ),  # Adagrad's 1e-10, Adam's 1e-8
    ],
)
def test_a_bad_hyperparameter_in_a_link_names_the_value_used(query, notice):
    at = app(**query)
    assert_ok(at)
    warnings = " ".join(w.value for w in at.warning)
    assert notice in warnings and "None" not in warnings


def test_a_run_of_large_batches_reads_at_most_its_rows_budget():
    """200,000 updates of 256 rows would read 51 million rows; a run reads 10 million:
    50 epochs of 200,000."""
    r = run(
        Settings(
            dataset="synthetic", n=200_000, epochs=10_000, batch="mini", batch_size=256
        )
    )
    assert r.traj.epochs_run == 50 and r.traj.n_steps == 50 * 782
    assert r.notes == (
        (
            "10,000 epochs x 200,000 rows is more than the 10,000,000 rows a run may"
            " read: ran 50 epochs. Use smaller batches, fewer rows or fewer epochs."
        ),
    )


def test_a_sweep_of_large_batches_says_its_rows_were_too_many():
    """600,000 updates of 256 rows read as a run does: 30 million rows, 117,187 updates;
    the smallest plan is 12 rates x 25 epochs x 782 batches = 234,600."""
    at = app(
        "pages/sweep.py",
        dataset="synthetic",
        n=200_000,
        epochs=10_000,
        batch="mini",
        batch_size=256,
    )
    assert_ok(at)
    note = " ".join(i.value for i in at.info)
    assert "12 rates × 25 epochs × 782 updates per epoch = 234,600 updates" in note
    assert (
        "budget of 117,187 (batches this large: a sweep reads at most 30,000,000 rows)"
        in note
    )
    assert "Fewer rows or fewer epochs sweep in mini-batches." in note
