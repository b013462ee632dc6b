"""The package's layers (docs/architecture.md): every module in a layer folder, imports that only
point down, figures only in the figures layer, and the committed layer table equal to the code."""

import ast
import importlib.util
import subprocess
import sys

from .conftest import ROOT

spec = importlib.util.spec_from_file_location("draw_layers", ROOT / "scripts" / "draw_layers.py")
draw_layers = importlib.util.module_from_spec(spec)
spec.loader.exec_module(draw_layers)
LAYERS = draw_layers.LAYERS
PACKAGE = ROOT / "deepresolve"
PLOTTING = ("matplotlib", "seaborn", "logomaker")


def test_every_module_sits_in_a_layer_folder():
    flat = sorted(p.name for p in PACKAGE.glob("*.py") if p.name != "__init__.py")
    assert flat == [], f"modules outside a layer folder: {flat}"
    folders = sorted(p.name for p in PACKAGE.iterdir() if (p / "__init__.py").is_file())
    assert folders == sorted(LAYERS), folders
    for layer in LAYERS:
        doc = ast.get_docstring(ast.parse((PACKAGE / layer / "__init__.py").read_text()))
        assert doc and len(doc) > 40, f"deepresolve/{layer}/__init__.py: say what the layer holds"


def test_imports_point_down_the_layers():
    upward = [
        f"{a} imports {b} ({', '.join(pairs)})"
        for (a, b), pairs in draw_layers.layer_imports().items()
        if LAYERS.index(b) > LAYERS.index(a)
    ]
    assert upward == []


def test_only_the_figures_layer_plots():
    plotting = []
    for path in PACKAGE.glob("*/*.py"):
        if path.parent.name == "figures":
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            names = (
                [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
                if isinstance(node, ast.ImportFrom)
                else []
            )
            plotting += [
                f"{path.relative_to(ROOT)}: {n}" for n in names if n.split(".")[0] in PLOTTING
            ]
    assert plotting == [], plotting


def test_committed_layer_table_is_the_code():
    check = subprocess.run(
        [sys.executable, "scripts/draw_layers.py", "--check"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert check.returncode == 0, check.stderr


def test_every_name_the_docs_give_imports():
    """Names such as `method.fim.feature_importance_maps` in docs/library.md and
    docs/architecture.md are importable from deepresolve (no page names a moved module)."""
    import importlib
    import re

    pattern = re.compile(r"`((?:" + "|".join(LAYERS) + r")\.\w+(?:\.\w+)?)`")
    missing = []
    for page in ("docs/library.md", "docs/architecture.md"):
        for name in sorted(set(pattern.findall((ROOT / page).read_text()))):
            layer, module, *attribute = name.split(".")
            try:
                found = importlib.import_module(f"deepresolve.{layer}.{module}")
            except ModuleNotFoundError:
                missing.append(f"{page}: {name}")
                continue
            if attribute and not hasattr(found, attribute[0]):
                missing.append(f"{page}: {name}")
    assert missing == []
    assert len(pattern.findall((ROOT / "docs/library.md").read_text())) > 40
