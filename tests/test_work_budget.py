"""The heaviest combinations the controls allow, each page within a time limit per case
(a budget check, not a timing measurement: the limit is generous for a shared CI
machine; normal runs take milliseconds).
"""

import pytest
from apptest_util import app, assert_ok

HEAVY = {
    "mini-batch 2, Adam": {
        "n": 200_000,
        "epochs": 10_000,
        "batch": "mini",
        "batch_size": 2,
        "optimizer": "adam",
    },
    "stochastic": {"n": 200_000, "epochs": 10_000, "batch": "sgd"},
    "full batch": {"n": 200_000, "epochs": 10_000, "optimizer": "nesterov"},
}
PAGES = [None, "pages/race.py", "pages/sweep.py", "pages/learn.py", "pages/data.py"]
LIMIT_S = 60


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("case", list(HEAVY))
def test_heaviest_settings_finish_within_the_budget(case, page):
    at = app(page, timeout=LIMIT_S, dataset="synthetic", **HEAVY[case])
    assert_ok(at)
    assert at.get("plotly_chart")


def test_the_sweep_says_what_it_cut():
    at = app(
        "pages/sweep.py",
        timeout=LIMIT_S,
        dataset="synthetic",
        **HEAVY["mini-batch 2, Adam"],
    )
    assert any("budget" in i.value for i in at.info)


def test_a_tuned_race_of_every_optimizer_shares_one_sweep_budget():
    everyone = ["gd", "momentum", "nesterov", "adagrad", "rmsprop", "adam"]
    at = app(
        "pages/race.py",
        timeout=LIMIT_S,
        dataset="synthetic",
        n=2000,
        epochs=10_000,
        batch="mini",
        batch_size=2,
        race_mode="tuned",
        race_optimizers=everyone,
    )
    assert_ok(at)
    assert at.get("plotly_chart")
    notes = " ".join(i.value for i in at.info)
    assert "shares one sweep's budget" in notes
    # 1,000 batches an epoch
    assert "6 racers share one run's budget of 200,000 updates: 33 epochs each" in notes


def test_racers_share_the_rows_a_run_may_read():
    # 200,000 rows an epoch, 3 racers, 10 million rows between them: 10e6 / 3 / 2e5 =
    # 16.7 -> 16 epochs each
    at = app(
        "pages/race.py",
        timeout=LIMIT_S,
        dataset="synthetic",
        n=200_000,
        epochs=10_000,
        batch="mini",
        batch_size=256,
        race_optimizers=["gd", "momentum", "adam"],
    )
    assert_ok(at)
    notes = " ".join(i.value for i in at.info)
    assert (
        "3 racers share one run's budget of 10,000,000 rows read: 16 epochs each"
        " instead of 10,000" in notes
    )
    assert "fewer rows" in notes
