"""The corpus of malformed and unusual files in tests/data: each gives its message or
its cleaned data."""

from pathlib import Path

import numpy as np
import pytest
from apptest_util import app, assert_ok

from linreg.csvdata import load_upload

DATA = Path(__file__).parent / "data"
Y = [2 * i + 1 for i in range(10)]

# file -> (feature names, target, y values) for accepted files
ACCEPTED = {
    "good_comma.csv": (("x",), "y", Y),
    "bom_utf8.csv": (("x",), "y", Y),
    "semicolon_decimal_comma.csv": (("x",), "y", [2 * i + 1.25 for i in range(10)]),
    "tab_separated.tsv": (("x",), "y", Y),
    "no_header.csv": (("column 1",), "column 2", Y),
    "missing_values.csv": (
        ("x",),
        "y",
        [y for i, y in enumerate(Y) if i not in (3, 7)],
    ),
    "inf_and_nan.csv": (("x",), "y", [y for i, y in enumerate(Y) if i not in (2, 5)]),
    "duplicate_names.csv": (("x",), "y", Y),
    "markup_names.csv": (("<b>x</b>",), "[y](http://evil)", Y),
    "ragged_rows.csv": (("x",), "z", [3, 9, 12, 15, 18]),
    "quoted_fields.csv": (("x",), "y", [3, 5, 7, 9]),
    "blank_lines.csv": (("x",), "y", [3, 5, 7, 9]),
    "crlf.csv": (("x",), "y", Y),
    "pipe_separated.csv": (("x",), "y", Y),
    "mixed_text_column.csv": (("id",), "y", Y),
    "whitespace_padded.csv": (("x",), "y", Y),
    "constant_feature.csv": (("x",), "y", list(range(10))),
}
# each dropped row named: the rows under the header counted from 1, the chosen columns
# it lacks
NOTES = {
    "missing_values.csv": (
        "dropped 2 of 10 rows with no finite number in a chosen column: y on data rows"
        " 4 and 8"
    ),
    "inf_and_nan.csv": (
        "dropped 2 of 10 rows with no finite number in a chosen column: y on data rows"
        " 3 and 6"
    ),
    "ragged_rows.csv": (
        "dropped 1 of 6 rows with no finite number in a chosen column: z on data row 2"
    ),
    "quoted_fields.csv": (
        "dropped 1 of 5 rows with no finite number in a chosen column: x on data row 3"
    ),
}
REFUSED = {
    "latin1.csv": "not UTF-8 text",
    "utf16.csv": "binary",
    "empty.csv": "empty",
    "header_only.csv": "at least two numeric columns",
    "one_column.csv": "at least two numeric columns",
    "text_only.csv": "at least two numeric columns",
    "two_rows.csv": "at least 3 are needed",
    "huge_values.csv": "overflow when squared",
    "xlsx_renamed.csv": "binary",
}


def test_corpus_is_complete():
    files = {p.name for p in DATA.iterdir() if p.is_file()}
    assert files == set(ACCEPTED) | set(REFUSED)
    assert len(files) >= 20


@pytest.mark.parametrize("name", sorted(ACCEPTED))
def test_accepted(name):
    _table, data, note = load_upload((DATA / name).read_bytes())
    features, target, y = ACCEPTED[name]
    assert data.feature_names == features and data.target_name == target
    np.testing.assert_allclose(data.y, y)
    assert note == NOTES.get(name)


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_refused(name):
    with pytest.raises(ValueError, match=REFUSED[name]):
        load_upload((DATA / name).read_bytes())


def test_duplicate_names_are_renamed():
    table, _, _ = load_upload((DATA / "duplicate_names.csv").read_bytes())
    assert table.columns == ("x", "x (2)", "y")
    assert "renamed" in table.notes[0]


def test_upload_limit():
    with pytest.raises(ValueError, match="limit is"):
        load_upload(b"x,y\n" * 100, max_bytes=50)


def upload(at, name):
    at.file_uploader(key="upload_file").upload(
        name, (DATA / name).read_bytes(), "text/csv"
    ).run()
    return at


def test_app_good_file_becomes_the_dataset():
    at = upload(app("pages/data.py"), "missing_values.csv")
    assert_ok(at)
    assert at.session_state["dataset"] == "upload"
    assert any("dropped 2 of 10 rows" in i.value for i in at.info)
    at.switch_page("pages/playground.py").run()
    assert_ok(at)
    assert "Uploaded CSV" in at.markdown[0].value


@pytest.mark.parametrize(
    "name", ["latin1.csv", "text_only.csv", "huge_values.csv", "empty.csv"]
)
def test_app_bad_file_keeps_previous_dataset(name):
    at = app("pages/data.py")
    at = upload(at, name)
    assert_ok(at)
    assert at.session_state["dataset"] == "cortical"
    # Markdown-escaped
    assert any(REFUSED[name] in e.value.replace("\\", "") for e in at.error)
    assert any("previous dataset is still active" in e.value for e in at.error)


def test_app_markup_column_names_shown_as_text():
    at = upload(app("pages/data.py"), "markup_names.csv")
    assert_ok(at)
    assert at.sidebar.multiselect(key="features").value == ["<b>x</b>"]
    summary = next(d.value for d in at.dataframe if "column" in d.value.columns)
    # the names as text, not markup
    assert list(summary["column"]) == ["<b>x</b>", "[y](http://evil)"]
