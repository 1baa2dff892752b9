from pathlib import Path

from linreg.csvdata import parse_csv
from linreg.experiment import Settings, run


def test_mini_batch_is_capped_at_the_training_rows():
    # 100 samples, half held out: a batch of 90 becomes the 50 training rows (not an error)
    r = run(Settings(batch="mini", batch_size=90, test_fraction=0.5, epochs=3))
    assert r.data.n_samples == 50 and r.traj.batch_size == 50 and r.traj.steps_per_epoch == 1


def test_dropped_rows_are_a_note_of_the_run():
    table = parse_csv((Path(__file__).parent / "data" / "missing_values.csv").read_bytes())
    r = run(Settings(dataset="upload", features=("x",), target="y", upload_id="t", epochs=5), table)
    assert "dropped 2 of 10 rows with no finite number in a chosen column: y on data rows 4 and 8" in r.notes
