"""Data: choose or upload a dataset, and see what the model will be fitted to."""

import numpy as np
import streamlit as st

from linreg import words
from linreg.app import router
from linreg.app.cache import table_for
from linreg.app.display import chart, current_run, page_style, plain, records_table
from linreg.app.state import open_dataset, remember_data_choices
from linreg.app.uploads import UPLOADS
from linreg.csvdata import Table, load_upload
from linreg.experiment import TABULAR, Run
from linreg.viz.data import data_figure

router.disable_legacy_pages_folder()
MAX_UPLOAD_BYTES = 20 * 1024 * 1024  # the server enforces server.maxUploadSize too


def on_upload() -> None:
    """Parse the uploaded bytes; on success switch to them, on failure keep the current
    dataset."""
    file = st.session_state.get("upload_file")
    if file is None:
        return
    data = file.getvalue()
    try:
        table, _, _ = load_upload(data, MAX_UPLOAD_BYTES)
    except ValueError as exc:
        st.session_state["upload_error"] = f"{file.name}: {exc}"
        return
    # of the data on screen, before the upload replaces an earlier one
    remember_data_choices()
    st.session_state["upload_id"] = UPLOADS.put(data, table)
    st.session_state["upload_name"] = file.name
    st.session_state["upload_error"] = None
    open_dataset("upload", forget=True)  # another table: its own columns, standardized


def upload_widget() -> None:
    st.file_uploader(
        "Upload a CSV (UTF-8; comma, semicolon or tab separated; header row optional)",
        type=["csv", "txt", "tsv"],
        key="upload_file",
        on_change=on_upload,
    )
    if err := st.session_state.get("upload_error"):
        st.error(
            f"Could not use {plain(err)}. The previous dataset is still active.",
            icon=":material/error:",
        )


def rows_used(r: Run, table: Table | None) -> str:
    """How many rows the run uses, and of how many the file has (the notes say why not
    the others)."""
    train, test = r.data.n_samples, r.test.n_samples if r.test else 0
    split = f"{train:,} for training, {test:,} held out for testing" if test else ""
    if table is None or train + test >= table.rows_read:
        return f"{words.count(train + test, 'row')}" + (
            f": {split}" if test else " used for training"
        )
    of_file = f"{train + test:,} of the file's {table.rows_read:,} rows"
    return (
        f"{of_file}: {split}" if test else f"{of_file} used for training"
    ) + " (the notes above say why not all)"


def overview(r: Run) -> None:
    """Preview, summary and notes for the dataset in use."""
    d = r.data
    table = table_for(r.settings.dataset) if r.settings.dataset in TABULAR else None
    for note in (*(table.notes if table is not None else ()), *r.notes):
        st.info(plain(note))
    cols = [*d.feature_names, d.target_name]
    values = np.column_stack([d.X, d.y])
    st.markdown(f"**{plain(d.title)}**: {rows_used(r, table)}")
    summary = [
        {
            "column": c,
            "mean": round(float(v.mean()), 4),
            "std": round(float(v.std()), 4),
            "min": v.min(),
            "max": v.max(),
        }
        for c, v in zip(cols, values.T, strict=True)
    ]
    records_table(summary, "column")
    if np.abs(d.X).max() > 1e3 and not r.settings.standardize:
        st.warning(
            "Feature values reach into the thousands: turn on **Standardize features**"
            " to keep learning rates sane."
        )
    st.dataframe({c: values[:200, i] for i, c in enumerate(cols)}, height=260)
    chart(data_figure(d.X, d.y, d.feature_names, d.target_name), "data_scatter")


page_style(present=False)
st.markdown("### Data")
st.caption(
    "Pick a dataset, features and target in the sidebar (**Data**), or upload your own"
    " CSV here."
)
upload_widget()
overview(current_run())
