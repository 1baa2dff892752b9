"""Long sweeps count their progress, resume where a page switch stopped them, and say why a panel is empty;
counts are written in good English."""

import re

import numpy as np
import pytest
from apptest_util import app, assert_ok

import linreg.sweep
from linreg.app import cache
from linreg.experiment import Settings, run
from linreg.sweep import log_grid, sweep_runs


class SwitchedPageError(Exception):
    """What the app's checkpoint raises when the user leaves (Streamlit's own exception, in the browser)."""


@pytest.fixture
def trained(monkeypatch):
    """How many mini-batch runs the sweeps train."""
    calls = {"train": 0}
    train = linreg.sweep.train

    def counting(*args, **kwargs):
        calls["train"] += 1
        return train(*args, **kwargs)

    monkeypatch.setattr(linreg.sweep, "train", counting)
    return calls


def progress_texts(at) -> list[str]:
    return [p.proto.text for p in at.get("progress")]


def test_a_sweep_left_half_way_counts_its_progress_and_resumes_where_it_stopped(monkeypatch, trained):
    query = {"batch": "mini", "random_state": 4242, "epochs": 300}  # a sweep no other test has cached
    at = app(**query)
    checkpoints = {"n": 0}

    def leave_after_20_chunks():
        checkpoints["n"] += 1
        if checkpoints["n"] > 20:
            raise SwitchedPageError

    monkeypatch.setattr(cache, "yield_to_browser", leave_after_20_chunks)
    at.switch_page("pages/sweep.py").run()
    assert len(at.exception) == 1  # the stop, as the checkpoint raised it
    stopped_in = trained["train"]  # runs started: the last one was stopped in its middle
    assert 1 < stopped_in < 40
    rates = len(log_grid(count=60))
    assert progress_texts(at) == [
        f"Sweeping the learning rates: {stopped_in - 1} of {rates} done (a mini-batch run of 300 epochs each)"
    ]

    monkeypatch.setattr(cache, "yield_to_browser", lambda: None)  # the user comes back
    at.switch_page("pages/data.py").run()
    at.switch_page("pages/sweep.py").run()
    assert_ok(at)
    assert trained["train"] - stopped_in == rates - (stopped_in - 1)  # only the rates not done before
    assert not progress_texts(at)  # the bar is gone once the sweep is done

    r = run(Settings(batch="mini", random_state=4242, epochs=300))
    whole = sweep_runs(r.x_train, r.data.y, log_grid(), 300, 1e-6, batch_size=16, theta0=r.traj.theta[0],
                       random_state=4242)  # fmt: skip
    resumed = cache.cached_sweep(Settings(batch="mini", random_state=4242, epochs=300))
    np.testing.assert_array_equal(resumed.learning_rates, whole.learning_rates)
    np.testing.assert_array_equal(resumed.final_loss, whole.final_loss)
    np.testing.assert_array_equal(resumed.settled_at, whole.settled_at)
    np.testing.assert_array_equal(resumed.outcome, whole.outcome)
    np.testing.assert_array_equal(resumed.diverged_at, whole.diverged_at)


def test_a_new_learning_rate_sweeps_nothing_again(trained):
    at = app("pages/sweep.py", batch="mini", random_state=4243, epochs=50)  # a sweep no other test has cached
    assert_ok(at)
    swept = trained["train"]
    assert swept == len(log_grid(count=60))
    at.sidebar.number_input(key="learning_rate").set_value(0.02).run()  # every rate was swept already
    assert_ok(at)
    assert trained["train"] == swept


def test_an_empty_steps_to_settle_panel_says_why():
    at = app("pages/sweep.py", batch="mini", epochs=300)
    assert_ok(at)
    words = [c.value for c in at.caption if "steps-to-settle panel is empty" in c.value]
    assert words and "below 1e-06 and kept it there within 300 epochs" in words[0]
    at = app("pages/sweep.py")  # full batch: the lesson's data reaches the tolerance at many rates
    assert not [c.value for c in at.caption if "panel is empty" in c.value]


def test_a_tuning_sweep_that_falls_back_to_full_batch_says_what_was_too_much():
    """Six optimizers share 600,000 updates: 100,000 each; 12 rates x 2,000 epochs x 7 batches = 168,000."""
    everyone = ["gd", "momentum", "nesterov", "adagrad", "rmsprop", "adam"]
    at = app("pages/race.py", batch="mini", race_mode="tuned", race_optimizers=everyone)
    assert_ok(at)
    notes = " ".join(i.value for i in at.info)
    assert "needs at least 12 rates × 2,000 epochs × 7 updates per epoch = 168,000 updates" in notes
    assert "more than the sweep's budget of 100,000" in notes


SINGULAR_AS_PLURAL = re.compile(r"(?<![\d.,])1 (epochs|updates|rows|rates|steps|batches|racers|optimizers|lines)\b")


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
    """2 epochs of 200,000 single-row updates are over the run's 200,000: it runs one."""
    r = run(Settings(dataset="synthetic", n=200_000, batch="sgd", epochs=2))
    assert r.traj.epochs_run == 1
    assert "2 epochs x 200,000 batches is more than 200,000 updates: ran 1 epoch." in r.notes[0]


@pytest.mark.parametrize(
    ("query", "notice"),
    [
        ({"momentum": "2"}, "`momentum=2` must be between 0 and 0.99: using 0.9 instead."),  # GD takes none
        ({"optimizer": "adam", "beta1": "2"}, "`beta1=2` must be between 0 and 0.999: using 0.9 instead."),
        ({"eps": "3"}, "using each optimizer's own default instead."),  # Adagrad's 1e-10, Adam's 1e-8
    ],
)
def test_a_bad_hyperparameter_in_a_link_names_the_value_used(query, notice):
    at = app(**query)
    assert_ok(at)
    warnings = " ".join(w.value for w in at.warning)
    assert notice in warnings and "None" not in warnings


def test_a_run_of_large_batches_reads_at_most_its_rows_budget():
    """200,000 updates of 256 rows would read 51 million rows; a run reads 10 million: 50 epochs of 200,000."""
    r = run(Settings(dataset="synthetic", n=200_000, epochs=10_000, batch="mini", batch_size=256))
    assert r.traj.epochs_run == 50 and r.traj.n_steps == 50 * 782
    assert r.notes == (
        "10,000 epochs x 200,000 rows is more than the 10,000,000 rows a run may read: ran 50 epochs. "
        "Use smaller batches, fewer rows or fewer epochs.",
    )


def test_a_sweep_of_large_batches_says_its_rows_were_too_many():
    """600,000 updates of 256 rows read as a run does: 30 million rows, 117,187 updates; the smallest plan is
    12 rates x 25 epochs x 782 batches = 234,600."""
    at = app("pages/sweep.py", dataset="synthetic", n=200_000, epochs=10_000, batch="mini", batch_size=256)
    assert_ok(at)
    note = " ".join(i.value for i in at.info)
    assert "12 rates × 25 epochs × 782 updates per epoch = 234,600 updates" in note
    assert "budget of 117,187 (batches this large: a sweep reads at most 30,000,000 rows)" in note
    assert "Fewer rows or fewer epochs sweep in mini-batches." in note
