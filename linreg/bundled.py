"""The real datasets bundled with the package (``linreg/data/``, package data), parsed
like any uploaded CSV.

Read with ``importlib.resources``: no network, no other package (Plotly's copies are not
used).
"""

from __future__ import annotations

import gzip
from importlib import resources

from .csvdata import Table, default_columns, parse_csv
from .validation import ParameterError

#: name -> (file in linreg/data/, default features, target, title)
BUNDLED = {
    "tips": ("tips.csv.gz", ("total_bill",), "tip", "Restaurant tips"),
    "iris": ("iris.csv.gz", ("petal_length",), "petal_width", "Iris flowers"),
    "gapminder": ("gapminder.csv.gz", ("gdpPercap",), "lifeExp", "Gapminder countries"),
}


def bundled_table(name: str) -> Table:
    """One of BUNDLED, parsed like any uploaded CSV."""
    if name not in BUNDLED:
        raise ParameterError(
            "name", f"unknown bundled dataset {name!r}: choose one of {list(BUNDLED)}"
        )
    data = resources.files(__package__).joinpath("data", BUNDLED[name][0]).read_bytes()
    return parse_csv(gzip.decompress(data))


def default_columns_for(dataset: str, table: Table) -> tuple[tuple[str, ...], str]:
    """The feature and target columns ``table`` opens on: a bundled dataset's own, else
    the table's (csvdata.default_columns)."""
    if dataset in BUNDLED:
        return BUNDLED[dataset][1], BUNDLED[dataset][2]
    return default_columns(table)
