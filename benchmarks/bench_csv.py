"""CSV parsing: the core's parser (pandas.read_csv underneath) against the hand-written
stdlib parser it
replaced, on the same bytes in one run.  python benchmarks/bench_csv.py
                                         (target: at least 10x)
"""

from __future__ import annotations

import csv
import io
import math
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from linreg.csvdata import parse_csv


def stdlib_parse(data: bytes) -> dict[str, np.ndarray]:
    """The former parser's work: csv.reader row by row, then float() cell by cell (the
    baseline)."""
    text = data.decode("utf-8-sig")
    delimiter = csv.Sniffer().sniff(text[:65536], delimiters=",;\t|").delimiter
    rows = [
        r
        for r in csv.reader(io.StringIO(text), delimiter=delimiter)
        if any(c.strip() for c in r)
    ]
    names, body = rows[0], rows[1:]

    def number(cell: str) -> float:
        try:
            return float(cell.strip())
        except ValueError:
            return math.nan

    return {
        name: np.array([number(r[k]) if k < len(r) else math.nan for r in body])
        for k, name in enumerate(names)
    }


def best_of(fn, repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def main() -> None:
    rng = np.random.default_rng(0)
    rows = rng.normal(size=(200_000, 3))
    data = (
        "a,b,c\n" + "\n".join(f"{a:.6f},{b:.6f},{c:.6f}" for a, b, c in rows) + "\n"
    ).encode()
    parse_csv(data[:1000])  # import pandas outside the timing
    t_old = best_of(lambda: stdlib_parse(data))
    t_new = best_of(lambda: parse_csv(data))
    table = parse_csv(data)
    np.testing.assert_allclose(table.values["c"], rows[:, 2], atol=1e-6)
    print(f"200,000 rows x 3 columns ({len(data) / 1e6:.1f} MB)")
    print(f"  hand-written stdlib parser {t_old * 1e3:7.1f} ms")
    print(
        f"  parse_csv (pandas)         {t_new * 1e3:7.1f} ms   ratio"
        f" {t_old / t_new:5.1f}x"
    )


if __name__ == "__main__":
    main()
