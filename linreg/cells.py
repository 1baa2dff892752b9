"""Spreadsheet cells to numbers, deciding per column from all its values what each mark
means.

Exports from Excel, LibreOffice and Google Sheets in many locales write one number many
ways: ``1.234,5`` (German), ``"1,234.5"`` (US, quoted), ``1 234,5`` (French, with a
no-break space), ``$3.50``, ``3,50 €``, ``45%``, ``−2.5`` (Unicode minus), ``+2``,
``1d5`` (Fortran).  A column is read when its marks have one meaning; where they could
mean two things it is refused with the reason, never read as a silently wrong number.
"""

from __future__ import annotations

import math
import re

from . import words

CURRENCY = "$€£¥₹"
MINUS = "\u2212\u2013"  # Unicode minus, en dash
GROUP_SPACE = re.compile(r"(?<=\d)[\u00a0\u202f\u2009 '](?=\d{3}(\D|$))")
FORTRAN = re.compile(r"(?<=\d)[dD](?=[+-]?\d+$)")
THOUSANDS_DOT = re.compile(r"^[+-]?\d{1,3}(\.\d{3})+(,\d+)?$")
THOUSANDS_COMMA = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")
DECIMAL_COMMA = re.compile(r"^[+-]?\d*,\d+([eE][+-]?\d+)?$")
DATE = re.compile(
    r"^(\d{4}-\d{1,2}-\d{1,2}|\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4})(["
    r" T]\d{1,2}:\d{2}(:\d{2})?)?$"
)
BOOLEANS = {"true": 1.0, "false": 0.0, "yes": 1.0, "no": 0.0}
#: A letter: no number format read here has one, but for an exponent's e or d right
#: after a digit.
LETTER = re.compile(r"[^\W\d_]")
EXPONENT = re.compile(r"(?<=\d)[eEdD][+-]?\d+")
#: Words that stand for "no value" in exports (pandas reads most of them as empty before
#: cells.py sees them).
MISSING = {
    "na",
    "n/a",
    "nan",
    "null",
    "none",
    "inf",
    "-inf",
    "+inf",
    "infinity",
    "-infinity",
    "#n/a",
    "missing",
}
#: A column is judged text or not from at most this many of its filled cells, spread
#: over the column.
TEXT_SAMPLE = 2000
PLAIN_NUMBER = re.compile(r"^[\d.,+-]+$")


def is_word(cell: str) -> bool:
    """A cell with a letter that is no exponent and no word for a missing value:
    'Kenya', 'a', '25 °C'."""
    s = cell.strip()
    return s.lower() not in MISSING and bool(LETTER.search(EXPONENT.sub("", s)))


def is_text(cells: list[str]) -> bool:
    """Mostly words: more than half of the filled cells (a spread-out sample of them)
    are words.  A column of true/false or yes/no is not text: it is read as 1/0."""
    filled = [c for c in cells if c.strip()]
    sample = filled[:: max(1, len(filled) // TEXT_SAMPLE)]
    if not sample or {c.strip().lower() for c in sample} <= set(BOOLEANS):
        return False
    return sum(map(is_word, sample)) > len(sample) / 2


def _strip_marks(cell: str, seen: set[str]) -> str:
    """Signs, currency, percent, digit-group spaces and Fortran exponents off one cell
    (noting which)."""
    s = cell.strip()
    if any(mark in s for mark in MINUS):
        s = "".join("-" if ch in MINUS else ch for ch in s)
        seen.add("Unicode minus signs read as '-'")
    negative = s.startswith("-")
    s = s.lstrip("+-").strip()
    if s[:1] in CURRENCY or s[-1:] in CURRENCY:
        s = s.strip(CURRENCY).strip()
        seen.add("currency symbol removed")
    if s.endswith("%"):
        s = s[:-1].strip()
        seen.add("percent sign removed (values are in %)")
    grouped = GROUP_SPACE.sub("", s)
    if grouped != s:
        seen.add("digit-group marks (spaces, apostrophes) removed")
    s = FORTRAN.sub("e", grouped)
    if s != grouped:
        seen.add("Fortran exponents (1d5) read as 1e5")
    return "-" + s if negative and s else s


def _separators(cells: list[str], delimiter: str) -> tuple[str, str, str | None]:
    """(thousands mark, decimal mark, reason to refuse) for a column, from all its
    cells."""
    dots = [c for c in cells if "." in c]
    commas = [c for c in cells if "," in c]
    if delimiter == ";":  # decimal comma: a dot can only group thousands
        grouped = [c for c in dots if THOUSANDS_DOT.match(c)]
        if grouped and len(grouped) < len(dots):
            return (
                "",
                "",
                (
                    "some dots group thousands (1.234,5) and some look decimal (2.5):"
                    " which is it?"
                ),
            )
        if dots and not grouped and commas:
            return "", "", "it mixes decimal dots and decimal commas"
        return ("." if grouped else ""), ("," if not dots or grouped else "."), None
    if not commas:
        return "", ".", None
    # a quoted "1,234.5": commas group thousands; other commas are not numbers
    if delimiter == "," or dots:
        return ",", ".", None
    if all(DECIMAL_COMMA.match(c) for c in commas):
        if all(THOUSANDS_COMMA.match(c) for c in commas):
            return (
                "",
                "",
                (
                    "every comma has three digits after it (1,234): a thousand, or one"
                    " and a quarter?"
                ),
            )
        return "", ",", None
    return "", "", "its commas are neither thousands separators nor decimal marks"


def column_numbers(
    cells: list[str], delimiter: str, name: str
) -> tuple[list[float], int, list[str]]:
    """The column as floats (NaN where a cell is not a number), how many cells are
    filled, and notes that name the column and say what was removed, read or refused."""
    filled = [c for c in cells if c.strip()]
    lowered = {c.strip().lower() for c in filled}
    if filled and lowered <= set(BOOLEANS) and len(lowered) > 1:
        return (
            [BOOLEANS.get(c.strip().lower(), math.nan) for c in cells],
            len(filled),
            [f"{words.column(name)}: {'/'.join(sorted(lowered))} read as 1/0"],
        )
    if filled and sum(bool(DATE.match(c.strip())) for c in filled) >= len(filled) / 2:
        return (
            [math.nan] * len(cells),
            len(filled),
            [f"{words.column(name)}: dates are not numbers, so it was left out"],
        )
    seen: set[str] = set()
    stripped = [_strip_marks(c, seen) if c.strip() else "" for c in cells]
    thousands, decimal, refused = _separators([c for c in stripped if c], delimiter)
    if refused:
        return (
            [math.nan] * len(cells),
            len(filled),
            [f"{words.column(name)}: left out, {refused}"],
        )
    pattern = THOUSANDS_COMMA if thousands == "," else THOUSANDS_DOT
    if thousands and any(pattern.match(c) for c in stripped):
        seen.add(f"'{thousands}' read as a thousands separator")
    if decimal == "," and delimiter != ";":
        seen.add("',' read as the decimal mark")
    values, odd, other = [], 0, []
    for cell, c in zip(cells, stripped, strict=True):
        if (
            thousands == ","
            and "," in c
            and not THOUSANDS_COMMA.match(c)
            and PLAIN_NUMBER.match(c)
        ):
            # "1,5" in a file whose commas group thousands: not a number here
            values.append(math.nan)
            odd += 1
            continue
        text = c.replace(thousands, "") if thousands else c
        try:
            values.append(float(text.replace(decimal, ".") if decimal != "." else text))
        except ValueError:
            values.append(math.nan)
            if c and c.strip().lower() not in MISSING:
                other.append(cell.strip())
    if odd:
        seen.add(
            f"{words.count(odd, 'cell')} with a comma that groups no thousands (like"
            " 1,5) left empty"
        )
    if other:
        verb = "is not a number" if len(other) == 1 else "are not numbers"
        seen.add(
            f"{words.count(len(other), 'cell')} that {verb} (like {other[0][:20]!r})"
            " left empty"
        )
    return (
        values,
        len(filled),
        [f"{words.column(name)}: {note}" for note in sorted(seen)],
    )
