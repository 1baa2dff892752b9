"""The bundled datasets ship inside the package (linreg/data/) and load without
Plotly."""

import csv
import gzip
import io
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

from linreg.bundled import BUNDLED

ROOT = Path(__file__).resolve().parents[1]

#: Importing plotly (or any of its modules) fails, as where it is not installed.
NO_PLOTLY = """
import sys
class NoPlotly:
    def find_spec(self, name, path=None, target=None):
        if name == "plotly" or name.startswith("plotly."):
            raise ImportError(f"no {name} here")
        return None
sys.meta_path.insert(0, NoPlotly())
"""
LOAD_EVERY_DATASET = """
import linreg
from linreg.bundled import BUNDLED, bundled_table
from linreg.experiment import Settings, run
for name in BUNDLED:
    table = bundled_table(name)
    r = run(Settings(dataset=name, epochs=5))
    print(name, table.rows_read, r.data.n_samples)
assert not any(m == "plotly" or m.startswith("plotly.") for m in sys.modules)
"""


def rows_in(file: str) -> int:
    """Data rows of a bundled file, counted by the csv module (not by the parser under
    test)."""
    text = gzip.decompress((ROOT / "linreg" / "data" / file).read_bytes()).decode(
        "utf-8"
    )
    return sum(1 for row in csv.reader(io.StringIO(text)) if row) - 1  # the header


def test_the_core_loads_every_bundled_dataset_without_plotly():
    out = subprocess.run(
        [sys.executable, "-c", NO_PLOTLY + LOAD_EVERY_DATASET],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert out.returncode == 0, out.stderr
    loaded = {
        name: (int(read), int(used))
        for name, read, used in (line.split() for line in out.stdout.splitlines())
    }
    assert set(loaded) == set(BUNDLED)
    for name, (file, *_) in BUNDLED.items():
        read, used = loaded[name]
        assert read == rows_in(file) and 0 < used <= read


def test_the_blocker_blocks():
    out = subprocess.run(
        [sys.executable, "-c", NO_PLOTLY + "import plotly"],
        capture_output=True,
        text=True,
    )
    assert out.returncode != 0 and "no plotly here" in out.stderr


def test_the_wheel_ships_the_bundled_datasets(tmp_path):
    """Built from pyproject.toml alone (a copy of the package, no build isolation: no
    network)."""
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    shutil.copytree(
        ROOT / "linreg",
        tmp_path / "linreg",
        ignore=shutil.ignore_patterns("__pycache__"),
    )
    build = "from setuptools import build_meta; print(build_meta.build_wheel('dist'))"
    out = subprocess.run(
        [sys.executable, "-c", build],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=False,
    )
    assert out.returncode == 0, out.stderr[-2000:]
    wheel = tmp_path / "dist" / out.stdout.strip().splitlines()[-1]
    names = set(zipfile.ZipFile(wheel).namelist())
    assert {f"linreg/data/{file}" for file, *_ in BUNDLED.values()} <= names
    assert "linreg/bundled.py" in names and not any(
        n.startswith(("pages/", "tests/")) for n in names
    )
