"""Architecture rules: the core imports neither streamlit nor plotly, nor scikit-learn by default."""

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORE = [
    p
    for p in (ROOT / "linreg").glob("*.py")
    if p.name not in ("ui.py", "estimator.py") and not p.name.startswith("viz")
]


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_core_imports_only_numpy_and_stdlib():
    for path in CORE:
        assert not imported_modules(path) & {"streamlit", "plotly", "sklearn", "pandas"}, path.name


def test_importing_linreg_loads_no_ui_or_sklearn():
    code = (
        "import sys, linreg; linreg.train([[0.0], [1.0]], [0.0, 1.0]); "
        "print(sorted(m for m in ('streamlit', 'plotly', 'sklearn') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert out.stdout.strip() == "[]", out.stderr


def test_viz_does_not_import_streamlit():
    viz = list((ROOT / "linreg" / "viz").glob("*.py"))
    assert viz
    for path in viz:
        assert "streamlit" not in imported_modules(path), path.name
