"""How a count is written in every message, the core's, the app's and the pages': one
home for plurals."""

from __future__ import annotations


def count(n: int, noun: str, plural: str | None = None) -> str:
    """'1 epoch', '2,000 epochs', '0 rows'; ``plural`` for a noun that does not take an
    s."""
    return f"{n:,} {noun if n == 1 else plural or noun + 's'}"


def column(name: str) -> str:
    """'column age'; a column that had no name is already called 'column 3', not 'column
    column 3'."""
    return name if name.startswith("column ") else f"column {name}"


def ratio(x: float) -> str:
    """'1.05', '1.10', '4.71', '1,491,733': two decimals, and whole numbers grouped once
    they are large."""
    return f"{x:.2f}" if abs(x) < 1000 else f"{x:,.0f}"
