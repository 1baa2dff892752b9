"""Architecture: import-linter holds the one-way layers (contracts in
pyproject.toml)."""

import ast
import subprocess
import sys
import tomllib
from pathlib import Path

from importlinter.cli import lint_imports

ROOT = Path(__file__).resolve().parents[1]


def test_import_contracts_hold(capsys, monkeypatch):
    monkeypatch.chdir(ROOT)
    monkeypatch.syspath_prepend(str(ROOT))
    code = lint_imports(config_filename=str(ROOT / "pyproject.toml"), no_cache=True)
    assert code == 0, capsys.readouterr().out


def test_every_core_module_is_under_contract():
    """A new module in linreg/ is core and must be listed in the core's contract (or the
    rule has a hole)."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"][
        "importlinter"
    ]
    core = next(
        c
        for c in config["contracts"]
        if c["type"] == "forbidden" and "linreg.model" in c["source_modules"]
    )
    files = {
        f"linreg.{p.stem}"
        for p in (ROOT / "linreg").glob("*.py")
        if p.stem != "__init__"
    }
    assert files == set(core["source_modules"])


def test_importing_linreg_loads_no_ui_pandas_or_sklearn():
    code = (
        "import sys, linreg; linreg.train([[0.0], [1.0]], [0.0, 1.0]); print(sorted(m"
        " for m in ('streamlit', 'plotly', 'sklearn', 'pandas') if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT
    )
    assert out.stdout.strip() == "[]", out.stderr


def test_every_cache_lives_in_the_cache_module():
    """One home for the caches (linreg/app/cache.py): no other module of the app or the
    pages decorates a function with st.cache_resource or st.cache_data."""
    cached_in = set()
    for path in [*(ROOT / "linreg").rglob("*.py"), *(ROOT / "pages").glob("*.py")]:
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Attribute) and node.attr in (
                "cache_resource",
                "cache_data",
            ):
                cached_in.add(path.relative_to(ROOT).as_posix())
    assert cached_in == {"linreg/app/cache.py"}
