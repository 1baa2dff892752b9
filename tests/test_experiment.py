from pathlib import Path

import numpy as np

from linreg.csvdata import parse_csv
from linreg.experiment import Settings, run


def test_mini_batch_is_capped_at_the_training_rows():
    # 100 samples, half held out: a batch of 90 becomes the 50 training rows (not an
    # error)
    r = run(Settings(batch="mini", batch_size=90, test_fraction=0.5, epochs=3))
    assert (
        r.data.n_samples == 50
        and r.traj.batch_size == 50
        and r.traj.steps_per_epoch == 1
    )


def test_dropped_rows_are_a_note_of_the_run():
    table = parse_csv(
        (Path(__file__).parent / "data" / "missing_values.csv").read_bytes()
    )
    r = run(
        Settings(
            dataset="upload", features=("x",), target="y", upload_id="t", epochs=5
        ),
        table,
    )
    assert (
        "dropped 2 of 10 rows with no finite number in a chosen column: y on data rows"
        " 4 and 8" in r.notes
    )


def test_a_huge_overshoot_is_written_as_a_whole_number():
    # Gapminder unscaled: GDP per capita in dollars makes L enormous, so 0.01 is about a
    # million times 2/L.
    from linreg.experiment import divergence_message

    r = run(
        Settings(dataset="gapminder", standardize=False, learning_rate=0.01, epochs=50)
    )
    A = np.column_stack([r.x_train, np.ones(len(r.data.y))])
    # the Hessian of (1/n)·Σ r²
    L = np.linalg.eigvalsh(2 / len(r.data.y) * A.T @ A).max()
    times = 0.01 / (2 / L)
    assert times > 1000
    assert f"is {times:,.0f} × the stability limit" in divergence_message(r)
