"""The work budgets are arithmetic of the core (experiment.py): checked against numbers
worked by hand."""

from linreg.experiment import (
    MAX_ROWS_READ,
    MAX_UPDATES,
    read_epochs,
    shared_epochs,
    sweep_rows,
    sweep_updates,
)


def test_the_budgets_are_the_ones_the_numbers_below_were_worked_for():
    assert (MAX_UPDATES, MAX_ROWS_READ) == (200_000, 10_000_000)


def test_runs_sharing_one_runs_budget():
    assert shared_epochs(2000, 1, 1) == 2000  # within budget: as asked
    # one run: MAX_UPDATES full-batch epochs
    assert shared_epochs(300_000, 1, 1) == 200_000
    # six racers of 100 batches an epoch: 200,000 / 6 / 100
    assert shared_epochs(2000, 6, 100) == 333
    assert shared_epochs(10, 4, 100_000) == 1  # never less than one epoch


def test_mini_batch_runs_sharing_one_runs_rows():
    assert read_epochs(40, 1, 1000) == 40  # 40,000 rows: as asked
    # three runs of 200,000 rows an epoch: 10,000,000 / 3 / 200,000 = 16.7
    assert read_epochs(10_000, 3, 200_000) == 16
    assert read_epochs(10, 2, 50_000_000) == 1  # never less than one epoch


def test_a_sweep_of_large_batches_reads_no_more_rows_than_a_run():
    # one row an update: the budget stands
    assert sweep_updates(1_000_000, 1) == 1_000_000
    # a run's 10,000,000 rows for 200,000 updates: 50 rows an update
    assert sweep_rows(600_000) == 30_000_000
    # 1e6 x 50 rows an update / 256 rows a batch
    assert sweep_updates(1_000_000, 256) == 195_312
