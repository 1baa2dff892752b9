"""The exports corpus (tests/data/exports, made by make_corpus.py): files as Excel,
LibreOffice, Google Sheets and lab instruments write them.  Each is read to the right
numbers, with a note that names the column and what was done, or refused with a sentence
that says why, through the core, the Data page and the command line."""

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from apptest_util import app, assert_ok

from linreg.csvdata import load_upload

EXPORTS = Path(__file__).parent / "data" / "exports"
Y = [2.5, 4.5, 6.5, 8.5, 10.5]
BIG = [1234.5, 2000, 3.5, 10000.25, 7]

# file -> (feature, target, target values, a note that must be given, or None)
ACCEPTED = {
    "de_thousands_dot.csv": (
        "x",
        "y",
        [245000, 1234.5, 3.5, 12.25, 2_000_000],
        "column y: '.' read as a thousands",
    ),
    "de_excel_sep_line.csv": ("x", "y", Y, None),
    "de_libreoffice_quoted.csv": ("x", "y", Y, None),
    "us_quoted_thousands.csv": (
        "x",
        "y",
        [1234.5, 2000, 12345.25, 7, 1_000_000],
        "column y: ',' read as a thousands",
    ),
    "fr_space_thousands.csv": ("x", "y", BIG, "column y: digit-group marks"),
    "fr_nbsp_thousands.csv": ("x", "y", BIG, "column y: digit-group marks"),
    "fr_narrow_nbsp.csv": ("x", "y", BIG, "column y: digit-group marks"),
    "ch_apostrophe.csv": ("x", "y", BIG, "column y: digit-group marks"),
    "de_ambiguous_dots.csv": (
        "x",
        "z",
        [1, 2, 3, 4],
        "column y: left out, some dots group thousands",
    ),
    "tab_decimal_comma.tsv": ("x", "y", Y, "column y: ',' read as the decimal mark"),
    "tab_three_digit_commas.tsv": (
        "x",
        "z",
        [1, 2, 3],
        "column y: left out, every comma has three digits",
    ),
    "semicolon_plain_integers.csv": ("x", "y", [3, 5, 7, 9, 11], None),
    "semicolon_dot_decimals.csv": ("x", "y", Y, None),
    "currency_dollar.csv": ("x", "y", Y, "column y: currency symbol removed"),
    "currency_euro_suffix.csv": ("x", "y", Y, "column y: currency symbol removed"),
    "currency_negative.csv": (
        "x",
        "y",
        [-2.5, 4.5, 6.5, 8.5, 10.5],
        "column y: currency symbol removed",
    ),
    "percent.csv": ("x", "y", Y, "column y: percent sign removed"),
    "unicode_minus.csv": ("x", "y", [-v for v in Y], "column y: Unicode minus"),
    "plus_signs.csv": ("x", "y", Y, None),
    "fortran_exponent.csv": ("x", "y", Y, "column y: Fortran exponents"),
    "upper_exponent.csv": ("x", "y", Y, None),
    "booleans.csv": ("x", "y", Y, "column flag: true/false read as 1/0"),
    "dates_column.csv": ("x", "y", Y[:4], "column date: dates are not numbers"),
    "mixed_line_endings.csv": ("x", "y", Y, None),
    "old_mac_cr.csv": ("x", "y", Y, None),
    "comment_lines.csv": ("x", "y", Y, "skipped 2 comment lines"),
    "excel_sep_comma.csv": ("x", "y", Y, None),
    "repeated_header.csv": ("x", "y", Y, "dropped 2 repeated header rows"),
    "units_row.csv": ("x", "y", Y, "names units: dropped"),
    "trailing_delimiters.csv": ("x", "y", Y, None),
    "leading_blank_lines.csv": ("x", "y", Y, None),
    "quoted_newline_note.csv": ("x", "y", Y, None),
    "google_sheets_quoted.csv": ("x", "y", Y, None),
    "lab_instrument.tsv": ("time (s)", "signal (mV)", Y, "skipped 2 comment lines"),
    "constant_last_column.csv": (
        "x",
        "y",
        Y,
        None,
    ),  # a constant column is never the default target
    "empty_last_column.csv": ("x", "y", Y, None),  # nor an empty one
    "huge_text_cell.csv": ("x", "y", Y, None),
}
REFUSED = {
    "dates_and_one_value.csv": "column date: dates are not numbers",
    "one_number_column.csv": "at least two numeric columns",
    "png_renamed.csv": "a PNG picture",
    "gzip_renamed.csv": "a gzip archive",
    "pdf_renamed.csv": "a PDF document",
    "xls_renamed.csv": "an old Excel workbook",
    "json_export.csv": "JSON, not CSV",
    "html_page.csv": "web page (HTML)",
    "nul_bytes.csv": "binary",
}


def test_the_corpus_is_what_the_generator_writes_and_all_of_it_is_tested():
    sys.path.insert(0, str(EXPORTS))
    from make_corpus import FILES

    on_disk = {p.name for p in EXPORTS.iterdir() if p.suffix != ".py" and p.is_file()}
    assert on_disk == set(FILES) == set(ACCEPTED) | set(REFUSED) and len(on_disk) >= 40
    for name, content in FILES.items():
        expected = content if isinstance(content, bytes) else content.encode("utf-8")
        assert (EXPORTS / name).read_bytes() == expected, name


@pytest.mark.parametrize("name", sorted(ACCEPTED))
def test_core_reads_the_right_numbers_and_says_so(name):
    table, data, _ = load_upload((EXPORTS / name).read_bytes())
    feature, target, y, note = ACCEPTED[name]
    assert data.feature_names == (feature,) and data.target_name == target
    np.testing.assert_allclose(data.y, y)
    if note:
        assert any(note in n for n in table.notes), table.notes


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_core_refuses_with_a_sentence_that_says_why(name):
    with pytest.raises(
        ValueError, match=REFUSED[name].replace("(", r"\(").replace(")", r"\)")
    ):
        load_upload((EXPORTS / name).read_bytes())


@pytest.mark.parametrize("name", sorted(ACCEPTED) + sorted(REFUSED))
def test_data_page_upload(name):
    at = app("pages/data.py")
    at.file_uploader(key="upload_file").upload(
        name, (EXPORTS / name).read_bytes(), "text/csv"
    ).run()
    assert_ok(at)
    assert at.get("plotly_chart")  # never a page with no chart
    if name in ACCEPTED:
        assert (
            at.session_state["dataset"] == "upload"
            and at.session_state["target"] == ACCEPTED[name][1]
        )
        if ACCEPTED[name][3]:
            assert any(ACCEPTED[name][3] in i.value.replace("\\", "") for i in at.info)
    else:
        assert at.session_state["dataset"] == "cortical"  # the previous data stay
        assert any(REFUSED[name] in e.value.replace("\\", "") for e in at.error)


@pytest.mark.parametrize("name", sorted(ACCEPTED) + sorted(REFUSED))
def test_command_line(name):
    feature, target = ACCEPTED.get(name, ("x", "y", None, None))[:2]
    args = [
        "fit",
        "--csv",
        str(EXPORTS / name),
        "--features",
        feature,
        "--target",
        target,
        "--json",
        "--epochs",
        "5",
    ]
    out = subprocess.run(
        [sys.executable, "-m", "linreg", *args], capture_output=True, text=True
    )
    if name in ACCEPTED:
        assert out.returncode == 0, out.stderr
        assert json.loads(out.stdout)["n_samples"] == len(ACCEPTED[name][2])
    else:
        assert (
            out.returncode == 2
            and len(out.stderr.strip().splitlines()) == 1
            and "Traceback" not in out.stderr
        )
