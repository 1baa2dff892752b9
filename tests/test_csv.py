import numpy as np
import pytest

from linreg import parse_csv, table_to_dataset


def test_utf8_bom_semicolon_decimal_comma():
    t = parse_csv("\ufeffa;b\n1,5;2\n2,5;4\n3,5;6\n".encode())
    assert t.delimiter == ";" and t.columns == ("a", "b")
    np.testing.assert_allclose(t.values["a"], [1.5, 2.5, 3.5])


def test_tab_and_no_header():
    t = parse_csv(b"1\t2\n3\t4\n5\t7\n")
    assert not t.has_header and t.columns == ("column 1", "column 2") and t.n_rows == 3


def test_drop_rows_and_count():
    t = parse_csv(b"x,y,name\n1,2,a\n2,,b\n3,6,c\n4,inf,d\n5,10,e\n")
    assert t.numeric_columns == ("x", "y")
    data, note = table_to_dataset(t, ["x"], "y")
    assert (
        note
        == "dropped 2 of 5 rows with no finite number in a chosen column: y on data"
        " rows 2 and 4"
    )
    assert t.notes == ("a text column left out (words, not numbers): name",)
    np.testing.assert_allclose(data.y, [2, 6, 10])


@pytest.mark.parametrize(
    ("data", "match"),
    [
        (b"", "empty"),
        ("x,y\n1,2\n".encode("utf-16"), "binary|not UTF-8"),
        ("x,y\n\xe9,2\n".encode("latin-1"), "not UTF-8"),
        (b"PK\x03\x04\x00\x00binary", "binary"),
    ],
)
def test_refused_files(data, match):
    with pytest.raises(ValueError, match=match):
        parse_csv(data)


def test_column_errors():
    t = parse_csv(b"x,y,x,s\n1,2,3,a\n2,3,4,b\n3,5,6,c\n")
    assert t.columns == ("x", "y", "x (2)", "s")
    with pytest.raises(ValueError, match="'z' is not in the file"):
        table_to_dataset(t, ["z"], "y")
    with pytest.raises(ValueError, match="'s' is not numeric"):
        table_to_dataset(t, ["s"], "y")
    with pytest.raises(ValueError, match="at least 3"):
        table_to_dataset(parse_csv(b"x,y\n1,2\n2,\n3,4\n"), ["x"], "y")


def test_row_cap():
    t = parse_csv(
        b"x,y\n" + b"".join(b"%d,%d\n" % (i, 2 * i) for i in range(50)), max_rows=10
    )
    assert t.n_rows == 10 and "first 10 rows" in t.notes[0]
