"""CSV loading that checks the bytes, not the file name; ``pandas.read_csv`` tokenizes
and converts. (The bundled datasets are read by ``bundled.py``.)

pandas is imported inside ``parse_csv`` only: importing the core never loads it.
"""

from __future__ import annotations

import csv
import io
import math
import re
from dataclasses import dataclass

import numpy as np

from . import words
from .cells import column_numbers, is_text
from .datasets import Dataset, as_dataset
from .validation import ParameterError

MAX_ROWS = 1_000_000
MIN_ROWS = 3
DELIMITERS = ",;\t|"
SNIFF_CHARS = 65536


@dataclass(frozen=True)
class Table:
    """Parsed CSV: every column as floats (NaN where a cell does not parse), plus notes
    for the user."""

    columns: tuple[str, ...]
    values: dict[str, np.ndarray]
    # columns where most non-empty cells parse as numbers
    numeric_columns: tuple[str, ...]
    delimiter: str
    has_header: bool
    notes: tuple[str, ...]
    # each value's data row (1: the first under the header), as notes name them
    rows: np.ndarray | None = None
    # data rows in the file (blank lines aside), before any was dropped
    rows_read: int = 0

    @property
    def n_rows(self) -> int:
        return len(next(iter(self.values.values()))) if self.values else 0


#: The first bytes of files that are often renamed .csv, and what they really are.
SIGNATURES = {
    b"PK\x03\x04": "an Excel workbook (.xlsx) or another zip archive",
    b"\x89PNG": "a PNG picture",
    b"\x1f\x8b": "a gzip archive",
    b"%PDF": "a PDF document",
    b"\xd0\xcf\x11\xe0": "an old Excel workbook (.xls)",
}


def decode(data: bytes) -> str:
    """UTF-8 with or without BOM; anything else is refused with a message that says what
    it is and how to fix it."""
    for magic, what in SIGNATURES.items():
        if data.startswith(magic):
            raise ParameterError(
                "data",
                f"this file is {what}, not CSV text (it is binary): export the sheet as"
                " 'CSV UTF-8'",
            )
    if b"\x00" in data[:4096]:
        raise ParameterError(
            "data",
            "this file is binary, not a CSV text file (is it an Excel .xlsx?): export"
            " it as CSV UTF-8",
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ParameterError(
            "data",
            f"this file is not UTF-8 text (byte {exc.start} is invalid): save it as"
            " 'CSV UTF-8' and upload again",
        ) from None
    head = text.lstrip()[:1]
    if head in ("{", "["):
        raise ParameterError(
            "data",
            "this file is JSON, not CSV: export the data as a table with one row per"
            " line",
        )
    if head == "<" and re.match(
        r"\s*<(!doctype\s+html|html|head|body)\b", text[:1024], re.IGNORECASE
    ):
        raise ParameterError(
            "data",
            "this file is a web page (HTML), not CSV: download the data itself as CSV",
        )
    return text


def _parse_number(cell: str, decimal_comma: bool) -> float:
    cell = cell.strip()
    if decimal_comma:
        cell = cell.replace(",", ".")
    try:
        return float(cell)
    except ValueError:
        return math.nan


def _sniff_delimiter(sample: str) -> str:
    try:
        return csv.Sniffer().sniff(sample, delimiters=DELIMITERS).delimiter
    except csv.Error:
        counts = {d: sample.split("\n", 1)[0].count(d) for d in DELIMITERS}
        best = max(counts, key=counts.get)
        return best if counts[best] else ","


def _unique_names(names: list[str]) -> tuple[list[str], list[str]]:
    seen: dict[str, int] = {}
    out, notes = [], []
    for k, raw in enumerate(names):
        name = raw.strip() or f"column {k + 1}"
        if name in seen:
            seen[name] += 1
            new = f"{name} ({seen[name]})"
            notes.append(f"duplicate column name {name!r} renamed to {new!r}")
            name = new
        else:
            seen[name] = 1
        out.append(name)
    return out, notes


def _sample_rows(sample: str, delimiter: str) -> list[list[str]]:
    """The complete, non-blank rows of the sample (the last line may be cut: it is left
    out)."""
    lines = (
        sample.splitlines()[:-1] if len(sample) == SNIFF_CHARS else sample.splitlines()
    )
    try:
        return [
            r
            for r in csv.reader(lines, delimiter=delimiter)
            if any(c.strip() for c in r)
        ]
    except csv.Error as exc:
        raise ParameterError(
            "data",
            f"the file is not valid CSV ({exc}): check its quotes and delimiters",
        ) from None


def _read_frame(
    text: str, delimiter: str, width: int, skip: int, max_rows: int, decimal_comma: bool
):
    """pandas.read_csv over the whole text (numbers parsed by its C tokenizer); widened
    if a later row is longer."""
    import pandas as pd

    for _ in range(4):
        try:
            return pd.read_csv(
                io.StringIO(text),
                sep=delimiter,
                header=None,
                names=range(width),
                skiprows=skip,
                skip_blank_lines=True,
                nrows=max_rows + 1,
                engine="c",
                decimal="," if decimal_comma else ".",
            )
        except pd.errors.EmptyDataError:
            return pd.DataFrame(columns=range(width), dtype=str)
        except pd.errors.ParserError as exc:
            longer = re.search(r"saw (\d+)", str(exc))
            if not longer:
                raise ParameterError(
                    "data",
                    f"the file is not valid CSV ({exc}): check its quotes and"
                    " delimiters",
                ) from None
            width = int(longer.group(1))
    raise ParameterError(
        "data", "the file's rows have too many different lengths to read as a table"
    )


#: What _to_numbers says of a text column (parse_csv names all of them in one note).
TEXT = "text"


def _to_numbers(column, delimiter: str, name: str) -> tuple[np.ndarray, int, list[str]]:
    """A column as floats (NaN where a cell is not a number), how many of its cells are
    filled, and notes.

    pandas has already parsed the columns that hold only plain numbers; the others are
    read cell by cell with what the whole column says about its separators (cells.py).
    """
    import pandas as pd

    if pd.api.types.is_numeric_dtype(column.dtype):
        values = column.to_numpy(dtype=float)
        notes = (
            [f"{words.column(name)}: true/false read as 1/0"]
            if pd.api.types.is_bool_dtype(column.dtype)
            else []
        )
        return values, int(np.sum(~np.isnan(values))), notes
    cells = column.astype(str).where(column.notna(), "").tolist()
    # words are never read as numbers, nor searched for number formats
    if is_text(cells):
        return np.full(len(cells), np.nan), sum(bool(c.strip()) for c in cells), [TEXT]
    values, filled, notes = column_numbers(cells, delimiter, name)
    return np.array(values, dtype=float), filled, notes


def parse_csv(data: bytes | str, max_rows: int = MAX_ROWS) -> Table:
    """Parse CSV bytes: detect delimiter (, ; tab |) and header; cap rows at
    ``max_rows``."""
    text = decode(data) if isinstance(data, (bytes, bytearray)) else data
    text, notes, delimiter = _preamble(text.lstrip("\r\n"))
    if not text.strip():
        raise ParameterError(
            "data",
            "the file is empty: it needs a header line and at least 3 rows of numbers",
        )
    sample = text[:SNIFF_CHARS]
    delimiter = delimiter or _sniff_delimiter(sample)
    decimal_comma = delimiter == ";"
    rows = _sample_rows(sample, delimiter)
    first = rows[0] if rows else [""]
    has_header = (
        not all(not math.isnan(_parse_number(c, decimal_comma)) for c in first)
        or len(rows) == 1
    )
    width = max(len(r) for r in rows) if rows else 1
    frame = _read_frame(
        text, delimiter, width, 1 if has_header else 0, max_rows, decimal_comma
    )
    width = frame.shape[1]
    # pandas read one more row than the cap, to tell it was cut
    rows_read = min(len(frame), max_rows)
    empty = frame.isna().all(axis=1)  # rows of empty cells (or NA in every cell)
    if empty.any():
        dropped = words.count(int(empty.sum()), "row")
        notes.append(
            f"dropped {dropped} with no value in any cell:"
            f" {_rows(frame.index[empty] + 1)}"
        )
        frame = frame[~empty]
    if has_header:
        frame, repeated = _without_repeated_header(frame, first)
        if len(repeated):
            notes.append(
                f"dropped {words.count(len(repeated), 'repeated header row')}:"
                f" {_rows(repeated)}"
            )
    if len(frame) > max_rows:
        notes.append(f"only the first {max_rows:,} rows were read")
        frame = frame.iloc[:max_rows]
    names, name_notes = _unique_names(
        first + [""] * (width - len(first)) if has_header else [""] * width
    )
    values, numeric, column_notes = _columns(frame, names, delimiter)
    rows = frame.index.to_numpy() + 1
    if has_header and _is_units_row(frame, values, numeric):
        notes.append(
            f"the row under the header ({', '.join(map(str, frame.iloc[0].tolist()))})"
            " names units: dropped"
        )
        frame, rows = frame.iloc[1:], rows[1:]
        # its cells are no cells of numbers
        values, numeric, column_notes = _columns(frame, names, delimiter)
    notes += column_notes + name_notes
    return Table(
        tuple(names),
        values,
        tuple(numeric),
        delimiter,
        has_header,
        tuple(notes),
        rows,
        rows_read,
    )


def _columns(
    frame, names: list[str], delimiter: str
) -> tuple[dict[str, np.ndarray], list[str], list[str]]:
    """Every column as floats, the columns offered as numbers, and a note for each
    column left out (text columns named together) or read in some way worth saying."""
    values, numeric, text, notes = {}, [], [], []
    for k, name in enumerate(names):
        values[name], filled, column_notes = _to_numbers(frame[k], delimiter, name)
        if column_notes == [TEXT]:
            text.append(name)
        elif _mostly_numeric(values[name], filled):
            numeric.append(name)
            notes += column_notes
        else:
            # dates, or marks that could mean two things
            said = any("left out" in n for n in column_notes)
            notes += column_notes if said else [_left_out(name, values[name], filled)]
    if text:
        which = "a text column" if len(text) == 1 else "text columns"
        notes.append(f"{which} left out (words, not numbers): {', '.join(text)}")
    return values, numeric, notes


def _left_out(name: str, values: np.ndarray, filled: int) -> str:
    """Why a column that is not text is not offered as numbers."""
    if filled == 0:
        return f"{words.column(name)}: empty, left out"
    if filled < 0.5 * len(values):
        return (
            f"{words.column(name)}: only {filled:,} of"
            f" {words.count(len(values), 'cell')} filled, left out"
        )
    numbers = int(np.sum(~np.isnan(values)))
    return (
        f"{words.column(name)}: only {numbers:,} of its {filled:,} filled cells are"
        " numbers, left out"
    )


def _rows(numbers, shown: int = 5) -> str:
    """'data row 4', 'data rows 4, 8 and 9', 'data rows 1, 2, 3, 4, 5 and 12 more'
    (counted under the header)."""
    listed = [f"{int(k):,}" for k in numbers[:shown]]
    more = len(numbers) - len(listed)
    if more:
        return f"data rows {', '.join(listed)} and {more:,} more"
    return (
        f"data row {listed[0]}"
        if len(listed) == 1
        else f"data rows {', '.join(listed[:-1])} and {listed[-1]}"
    )


COMMENT_LINE = re.compile(r"^[ \t]*#[^\r\n]*(?:\r\n|\n|\r)?", re.MULTILINE)


def _preamble(text: str) -> tuple[str, list[str], str | None]:
    """Excel's ``sep=;`` first line gives the delimiter; lines starting with # are
    comments."""
    notes, delimiter = [], None
    first, _, rest = text.partition("\n")
    if first.strip().lower().startswith("sep=") and len(first.strip()) == 5:
        delimiter, text = first.strip()[4], rest
    if "#" in text:  # the usual file has none: no pass over its lines
        text, comments = COMMENT_LINE.subn("", text)
        if comments:
            notes.append(
                f"skipped {words.count(comments, 'comment line')} (starting with #)"
            )
    return text, notes, delimiter


def _without_repeated_header(frame, header: list[str]):
    """Rows that repeat the header (files pasted together) are dropped; returns the rest
    and the dropped rows' numbers (1: the first under the header)."""
    import pandas as pd

    # a column of numbers holds no header
    if any(pd.api.types.is_numeric_dtype(t) for t in frame.dtypes):
        return frame, np.empty(0, dtype=int)
    names = [h.strip() for h in header] + [""] * (frame.shape[1] - len(header))
    repeated = (
        frame.astype(str)
        .apply(lambda col: col.str.strip())
        .eq(names[: frame.shape[1]])
        .all(axis=1)
    )
    return frame[~repeated], frame.index[repeated].to_numpy() + 1


def _is_units_row(frame, values: dict, numeric: list[str]) -> bool:
    """The first row is text in every numeric column while the rows under it are numbers
    (mm, kg, $)."""
    if len(frame) < 3 or not numeric:
        return False
    first = frame.iloc[0]
    return all(np.isnan(values[n][0]) for n in numeric) and first.notna().all()


def _mostly_numeric(parsed: np.ndarray, filled: int) -> bool:
    """Offered as a column of numbers: at least half its cells filled, and half of those
    parse."""
    return (
        filled >= max(1, 0.5 * len(parsed))
        and np.sum(~np.isnan(parsed)) >= 0.5 * filled
    )


def table_to_dataset(
    table: Table, x_columns: list[str], y_column: str, title: str = "Uploaded CSV"
) -> tuple[Dataset, str | None]:
    """Select feature and target columns, drop rows with missing or non-finite values.

    Returns the dataset and a note that names the rows dropped and the columns they lack
    (or None).
    """
    if not x_columns:
        raise ParameterError("features", "choose at least one feature column")
    for parameter, col in [*(("features", x) for x in x_columns), ("target", y_column)]:
        if col not in table.values:
            raise ParameterError(
                parameter,
                f"column {col!r} is not in the file; its columns are"
                f" {list(table.columns)}",
            )
        if col not in table.numeric_columns:
            raise ParameterError(
                parameter,
                f"column {col!r} is not numeric: choose one of"
                f" {list(table.numeric_columns)}",
            )
    if y_column in x_columns:
        raise ParameterError(
            "target", f"column {y_column!r} cannot be both a feature and the target"
        )
    X = np.column_stack([table.values[c] for c in x_columns])
    y = table.values[y_column]
    missing = ~np.isfinite(np.column_stack([X, y]))
    keep = ~missing.any(axis=1)
    n, kept = len(y), int(keep.sum())
    if kept < MIN_ROWS:
        raise ParameterError(
            "features",
            f"only {kept} of {n} rows have numbers in every chosen column: at least"
            f" {MIN_ROWS} are needed",
        )
    note = _dropped_rows(table, [*x_columns, y_column], missing) if kept < n else None
    return as_dataset(X[keep], y[keep], x_columns, y_column, title), note


def _dropped_rows(table: Table, columns: list[str], missing: np.ndarray) -> str:
    """'dropped 2 of 10 rows with no finite number in a chosen column: y on data rows 4
    and 8'."""
    rows = table.rows if table.rows is not None else np.arange(1, len(missing) + 1)
    where: dict[str, list[int]] = {}
    for row, lacks in zip(
        rows[missing.any(axis=1)], missing[missing.any(axis=1)], strict=True
    ):
        where.setdefault(
            " and ".join(c for c, m in zip(columns, lacks, strict=True) if m), []
        ).append(row)
    said = "; ".join(f"{names} on {_rows(found)}" for names, found in where.items())
    dropped = int(missing.any(axis=1).sum())
    return (
        f"dropped {dropped:,} of {words.count(len(missing), 'row')} with no finite"
        f" number in a chosen column: {said}"
    )


def default_columns(table: Table) -> tuple[tuple[str, ...], str]:
    """The last numeric column that varies as the target (a constant or empty one cannot
    serve), and the first other numeric column as the feature."""
    cols = table.numeric_columns
    varies = [
        c
        for c in cols
        if np.unique(table.values[c][np.isfinite(table.values[c])]).size > 1
    ]
    target = (varies or list(cols))[-1]
    return (next(c for c in cols if c != target),), target


def load_upload(
    data: bytes, max_bytes: int = 20 * 1024 * 1024
) -> tuple[Table, Dataset, str | None]:
    """Everything an upload must pass before it replaces the current data: size, text,
    two numeric columns, at least MIN_ROWS usable rows.  Returns the table, the default
    dataset and its note.
    """
    if len(data) > max_bytes:
        raise ParameterError(
            "data",
            f"the file is {len(data) / 1e6:.1f} MB; the limit is"
            f" {max_bytes / 1e6:.0f} MB",
        )
    table = parse_csv(data)
    if len(table.numeric_columns) < 2:
        why = "".join(f"; {note}" for note in table.notes if "left out" in note)
        raise ParameterError(
            "data",
            "it needs at least two numeric columns (a feature and a target); found"
            f" {len(table.numeric_columns)}{why}",
        )
    x_cols, y_col = default_columns(table)
    data_set, note = table_to_dataset(table, list(x_cols), y_col)
    return table, data_set, note
