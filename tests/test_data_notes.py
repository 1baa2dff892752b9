"""Data that is noted, not lost: every column and row left out is named with its reason,
and text columns are text (never searched for number formats)."""

import numpy as np
import pytest
from apptest_util import app, assert_ok

from linreg.bundled import bundled_table
from linreg.csvdata import load_upload, parse_csv, table_to_dataset

# The bundled tables' columns of words, read off the files themselves (plotly's sample
# data).
BUNDLED_NOTES = {
    "gapminder": (
        "text columns left out (words, not numbers): country, continent, iso_alpha",
    ),
    "tips": (
        "column smoker: no/yes read as 1/0",
        "text columns left out (words, not numbers): sex, day, time",
    ),
    "iris": ("a text column left out (words, not numbers): species",),
}


@pytest.mark.parametrize("name", list(BUNDLED_NOTES))
def test_the_bundled_tables_name_their_text_columns_and_nothing_else(name):
    table = bundled_table(name)
    # Gapminder's "Korea, Dem. Rep." is no number with a comma
    assert table.notes == BUNDLED_NOTES[name]
    assert (
        table.rows_read
        == table.n_rows
        == {"gapminder": 1704, "tips": 244, "iris": 150}[name]
    )


UPLOAD = (
    b"name,x,y,comment\n"
    b"ann,1,2,ok\n"
    b"bob,NA,3,late\n"  # data row 2: no x
    b"cy,3,4,\n"
    b"NA,NA,NA,NA\n"  # data row 4: nothing at all
    b"dee,4,5,fine\n"
    b",,,\n"  # data row 6: nothing at all
    b"eve,5,7,seen\n"
)


def test_an_upload_names_its_text_columns_and_every_row_it_drops():
    table, data, note = load_upload(UPLOAD)
    assert table.numeric_columns == ("x", "y")
    assert table.notes == (
        "dropped 2 rows with no value in any cell: data rows 4 and 6",
        "text columns left out (words, not numbers): name, comment",
    )
    assert (
        note
        == "dropped 1 of 5 rows with no finite number in a chosen column: x on data"
        " row 2"
    )
    np.testing.assert_array_equal(data.X[:, 0], [1, 3, 4, 5])
    np.testing.assert_array_equal(data.y, [2, 4, 5, 7])
    assert table.rows_read == 7


def test_a_column_of_words_is_never_read_as_numbers():
    table = parse_csv(
        b'x,y,place\n1,2,"Korea, Rep."\n2,4,"12,5"\n3,6,Chad\n4,8,"Congo, Dem. Rep."\n'
    )
    # no comma note
    assert table.notes == ("a text column left out (words, not numbers): place",)
    assert np.isnan(table.values["place"]).all()  # "12,5" among words is a word too


def test_words_in_a_column_of_numbers_are_named_and_their_rows_too():
    table = parse_csv(b"x,y\n1,2\n2,three\n3,6\n4,8\n5,n/a\n")
    # n/a is no value
    assert table.notes == (
        "column y: 1 cell that is not a number (like 'three') left empty",
    )
    _, note = table_to_dataset(table, ["x"], "y")
    assert (
        note
        == "dropped 2 of 5 rows with no finite number in a chosen column: y on data"
        " rows 2 and 5"
    )


@pytest.mark.parametrize(
    ("csv", "note"),
    [
        (
            b"x,y,z\n1,2,\n2,4,\n3,6,7\n4,8,\n",
            "column z: only 1 of 4 cells filled, left out",
        ),
        (b"x,y,z\n1,2,\n2,4,\n3,6,\n4,8,\n", "column z: empty, left out"),
        (
            b"x,y,z\n1,2,5\n2,4,?\n3,6,??\n4,8,1-2\n",
            "column z: only 1 of its 4 filled cells are numbers, left out",
        ),
    ],
)
def test_a_column_that_is_not_offered_says_why(csv, note):
    table = parse_csv(csv)
    assert table.numeric_columns == ("x", "y")
    assert note in table.notes


def test_more_than_five_rows_dropped_are_counted_beyond_the_five_named():
    rows = b"".join(b"%d,%s\n" % (i, b"" if i % 2 else b"%d" % i) for i in range(1, 21))
    _, note = table_to_dataset(parse_csv(b"x,y\n" + rows), ["x"], "y")
    assert (
        note
        == "dropped 10 of 20 rows with no finite number in a chosen column: y on data"
        " rows 1, 3, 5, 7, 9 and 5 more"
    )


def test_the_data_page_names_what_it_left_out():
    at = app("pages/data.py")
    at.file_uploader(key="upload_file").upload("class.csv", UPLOAD, "text/csv").run()
    assert_ok(at)
    # user text is Markdown-escaped
    notes = [i.value.replace("\\", "") for i in at.info]
    assert "text columns left out (words, not numbers): name, comment" in notes
    assert "dropped 2 rows with no value in any cell: data rows 4 and 6" in notes
    assert (
        "dropped 1 of 5 rows with no finite number in a chosen column: x on data row 2"
        in notes
    )
    assert any(
        "4 of the file's 7 rows used for training" in m.value for m in at.markdown
    )


def test_the_gapminder_page_says_no_comma_nonsense():
    at = app("pages/data.py", dataset="gapminder")
    assert_ok(at)
    notes = " ".join(i.value.replace("\\", "") for i in at.info)
    assert "country, continent, iso_alpha" in notes and "comma" not in notes
    assert any("1,704 rows used for training" in m.value for m in at.markdown)


def test_a_column_without_a_name_is_called_column_k_once():
    table = parse_csv(b"x,y,\n1,2,\n2,4,\n3,6,7\n4,8,\n")
    assert "column 3: only 1 of 4 cells filled, left out" in table.notes
