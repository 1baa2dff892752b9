"""Writes the exports corpus: files as spreadsheets and instruments really write them,
one quirk each.

python tests/data/exports/make_corpus.py   (the files are committed; this documents how
                                           each was made)
"""

from pathlib import Path

HERE = Path(__file__).parent
Y = [2.5, 4.5, 6.5, 8.5, 10.5]  # y = 2 x + 0.5 for x = 1..5


def rows(fmt, sep=",", header="x,y", end="\n", ys=None):
    ys = ys or [fmt(v) for v in Y]
    return (
        header.replace(",", sep)
        + end
        + "".join(f"{i + 1}{sep}{y}{end}" for i, y in enumerate(ys))
    )


FILES: dict[str, bytes | str] = {
    # locales: one number, many spellings
    "de_thousands_dot.csv": "x;y\n1;245.000\n2;1.234,5\n3;3,5\n4;12,25\n5;2.000.000\n",
    "de_excel_sep_line.csv": (
        "sep=;\n" + rows(lambda v: f"{v:.1f}".replace(".", ","), sep=";")
    ),
    "de_libreoffice_quoted.csv": (
        'x;y\n"1";"2,5"\n"2";"4,5"\n"3";"6,5"\n"4";"8,5"\n"5";"10,5"\n'
    ),
    "us_quoted_thousands.csv": (
        'x,y\n1,"1,234.5"\n2,"2,000"\n3,"12,345.25"\n4,7\n5,"1,000,000"\n'
    ),
    "fr_space_thousands.csv": "x;y\n1;1 234,5\n2;2 000\n3;3,5\n4;10 000,25\n5;7\n",
    "fr_nbsp_thousands.csv": (
        "x;y\n1;1\u00a0234,5\n2;2\u00a0000\n3;3,5\n4;10\u00a0000,25\n5;7\n"
    ),
    "fr_narrow_nbsp.csv": (
        "x;y\n1;1\u202f234,5\n2;2\u202f000\n3;3,5\n4;10\u202f000,25\n5;7\n"
    ),
    "ch_apostrophe.csv": "x;y\n1;1'234.5\n2;2'000\n3;3.5\n4;10'000.25\n5;7\n",
    "de_ambiguous_dots.csv": "x;y;z\n1;245.000;1\n2;2.5;2\n3;3.5;3\n4;4.5;4\n",
    "tab_decimal_comma.tsv": rows(lambda v: f"{v:.1f}".replace(".", ","), sep="\t"),
    "tab_three_digit_commas.tsv": "x\ty\tz\n1\t1,234\t1\n2\t2,345\t2\n3\t3,456\t3\n",
    "semicolon_plain_integers.csv": "x;y\n1;3\n2;5\n3;7\n4;9\n5;11\n",
    "semicolon_dot_decimals.csv": rows(lambda v: f"{v:.1f}", sep=";"),
    # currency, percent, signs, exponents
    "currency_dollar.csv": rows(lambda v: f"${v:.2f}"),
    "currency_euro_suffix.csv": rows(lambda v: f"{v:.2f} €".replace(".", ","), sep=";"),
    "currency_negative.csv": "x,y\n1,-$2.50\n2,$4.50\n3,$6.50\n4,$8.50\n5,$10.50\n",
    "percent.csv": rows(lambda v: f"{v}%"),
    "unicode_minus.csv": (
        "x,y\n1,\u22122.5\n2,\u22124.5\n3,\u22126.5\n4,\u22128.5\n5,\u221210.5\n"
    ),
    "plus_signs.csv": rows(lambda v: f"+{v}"),
    "fortran_exponent.csv": "x,y\n1,2.5d0\n2,4.5D0\n3,0.65d1\n4,8.5d0\n5,1.05D+1\n",
    "upper_exponent.csv": "x,y\n1,2.5E0\n2,4.5E0\n3,6.5E0\n4,0.85E1\n5,1.05E+1\n",
    "booleans.csv": (
        "x,flag,y\n1,true,2.5\n2,false,4.5\n3,TRUE,6.5\n4,false,8.5\n5,true,10.5\n"
    ),
    "dates_column.csv": (
        "date,x,y\n2024-01-01,1,2.5\n2024-01-02,2,4.5\n2024-01-03,3,6.5\n2024-01-04,4,"
        "8.5\n"
    ),
    "dates_and_one_value.csv": (
        "date,y\n01/02/2024,2.5\n02/02/2024,4.5\n03/02/2024,6.5\n"
    ),
    # structure
    "mixed_line_endings.csv": "x,y\n1,2.5\r\n2,4.5\r3,6.5\n4,8.5\r\n5,10.5\n",
    "old_mac_cr.csv": rows(str, end="\r"),
    "comment_lines.csv": (
        "# exported by LabTool 3.2\n# operator: A. N. Other\n" + rows(str)
    ),
    "excel_sep_comma.csv": "sep=,\n" + rows(str),
    "repeated_header.csv": "x,y\n1,2.5\n2,4.5\nx,y\n3,6.5\n4,8.5\nx,y\n5,10.5\n",
    "units_row.csv": "x,y\nmm,kg\n" + rows(str).split("\n", 1)[1],
    "trailing_delimiters.csv": "x,y,\n1,2.5,\n2,4.5,\n3,6.5,\n4,8.5,\n5,10.5,\n",
    "leading_blank_lines.csv": "\n\n\n" + rows(str),
    "quoted_newline_note.csv": (
        'x,note,y\n1,"line one\nline'
        ' two",2.5\n2,ok,4.5\n3,ok,6.5\n4,ok,8.5\n5,ok,10.5\n'
    ),
    "google_sheets_quoted.csv": (
        'x,y\r\n"1","2.5"\r\n"2","4.5"\r\n"3","6.5"\r\n"4","8.5"\r\n"5","10.5"\r\n'
    ),
    "lab_instrument.tsv": (
        "# Spectrometer SX-200\n# 2024-05-01\n"
        + rows(str, sep="\t", header="time (s),signal (mV)")
    ),
    "constant_last_column.csv": (
        "x,y,batch\n1,2.5,7\n2,4.5,7\n3,6.5,7\n4,8.5,7\n5,10.5,7\n"
    ),
    "empty_last_column.csv": "x,y,comment\n1,2.5,\n2,4.5,\n3,6.5,\n4,8.5,\n5,10.5,\n",
    "huge_text_cell.csv": (
        "x,note,y\n1," + "a" * 200_000 + ",2.5\n2,b,4.5\n3,c,6.5\n4,d,8.5\n5,e,10.5\n"
    ),
    # not CSV at all
    "png_renamed.csv": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(40),
    "gzip_renamed.csv": b"\x1f\x8b\x08\x00" + bytes(40),
    "pdf_renamed.csv": b"%PDF-1.7\n" + b"1 0 obj\n" * 5,
    "xls_renamed.csv": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(40),
    "json_export.csv": '[{"x": 1, "y": 2.5}, {"x": 2, "y": 4.5}]\n',
    "html_page.csv": (
        "<!DOCTYPE"
        " html>\n<html><body><table><tr><td>1</td></tr></table></body></html>\n"
    ),
    "nul_bytes.csv": b"x,y\n1,2.5\n2,\x004.5\n3,6.5\n",
    "one_number_column.csv": "name,y\na,2.5\nb,4.5\nc,6.5\n",
}

if __name__ == "__main__":
    for name, content in FILES.items():
        (HERE / name).write_bytes(
            content if isinstance(content, bytes) else content.encode("utf-8")
        )
    print(f"{len(FILES)} files")
