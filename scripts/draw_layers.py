#!/usr/bin/env python
"""Draw the package's layers and the imports between them, from the code (docs/architecture.md).

Reads every module of ``deepresolve/<layer>/`` with :mod:`ast` (imports at the top and inside
functions), counts the ``import`` statements from one layer's modules to another layer's, and
writes:

- ``docs/architecture/layers.tsv``: ``importer``, ``imported``, ``statements``, ``modules`` (one
  row per pair of layers with at least one import; ``modules`` names them ``a->b``);
- ``docs/architecture/layers.png``: the same as a matrix, importing layer by row, imported layer
  by column, layers bottom (``core``) to top (``config``): a layered package has every count on
  or below the diagonal.

``--check`` writes nothing and exits 1 when the committed table differs from the code (the test
suite runs it: tests/test_architecture.py).

Usage: python scripts/draw_layers.py [--check]
"""

from __future__ import annotations

import argparse
import ast
import sys
import textwrap
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "deepresolve"
OUT = ROOT / "docs" / "architecture"
#: bottom to top: a module may import its own layer and the layers before it
LAYERS = (
    "core",
    "datasets",
    "models",
    "motifs",
    "method",
    "analyses",
    "figures",
    "reports",
    "config",
)


def imported_modules(path: Path) -> list[str]:
    """``deepresolve.<layer>.<module>`` names that ``path`` imports (every import statement)."""
    names = []
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.ImportFrom) and node.module:
            if node.module.count(".") == 1:  # from deepresolve.<layer> import <module>
                names += [f"{node.module}.{alias.name}" for alias in node.names]
            else:
                names.append(node.module)
        elif isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
    return [name for name in names if name.startswith("deepresolve.") and name.count(".") >= 2]


def layer_imports() -> dict[tuple[str, str], list[str]]:
    """(importing layer, imported layer) -> ``module->module`` of each import statement."""
    edges: dict[tuple[str, str], list[str]] = defaultdict(list)
    for path in sorted(PACKAGE.glob("*/*.py")):
        if path.name == "__init__.py" or path.parent.name not in LAYERS:
            continue
        for name in imported_modules(path):
            _, layer, module = name.split(".")[:3]
            if layer != path.parent.name:
                edges[path.parent.name, layer].append(f"{path.stem}->{module}")
    return dict(edges)


def table_text(edges: dict[tuple[str, str], list[str]]) -> str:
    """The TSV of :func:`layer_imports`, rows in layer order."""
    lines = ["importer\timported\tstatements\tmodules"]
    for (a, b), pairs in sorted(
        edges.items(), key=lambda e: (LAYERS.index(e[0][0]), LAYERS.index(e[0][1]))
    ):
        lines.append(f"{a}\t{b}\t{len(pairs)}\t{', '.join(sorted(set(pairs)))}")
    return "\n".join(lines) + "\n"


def draw(edges: dict[tuple[str, str], list[str]], path: Path) -> None:
    """The layer x layer matrix of import statements as a PNG."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    counts = np.zeros((len(LAYERS), len(LAYERS)), dtype=int)
    for (a, b), pairs in edges.items():
        counts[LAYERS.index(a), LAYERS.index(b)] = len(pairs)
    modules = {
        layer: sorted(p.stem for p in (PACKAGE / layer).glob("*.py") if p.stem != "__init__")
        for layer in LAYERS
    }
    fig, (ax, text) = plt.subplots(
        1, 2, figsize=(12, 5.5), layout="constrained", gridspec_kw={"width_ratios": [1, 1.25]}
    )
    shown = np.where(counts > 0, np.log1p(counts), np.nan)
    ax.imshow(shown, cmap="Blues", vmin=0, vmax=np.log1p(counts.max()) * 1.3)
    for i, j in zip(*np.nonzero(counts), strict=True):
        ax.text(j, i, str(counts[i, j]), ha="center", va="center", fontsize=9)
    for k in range(len(LAYERS)):
        ax.add_patch(
            plt.Rectangle((k - 0.5, k - 0.5), 1, 1, fill=False, lw=0.6, ls=":", color="grey")
        )
    ax.set_xticks(range(len(LAYERS)), LAYERS, rotation=45, ha="right")
    ax.set_yticks(range(len(LAYERS)), LAYERS)
    ax.set_xlabel("imported layer")
    ax.set_ylabel("importing layer")
    ax.set_title("import statements between layers\n(none above the diagonal: layers point down)")
    text.axis("off")
    rows = [
        f"{layer}: " + textwrap.fill(", ".join(modules[layer]), 70, subsequent_indent="    ")
        for layer in LAYERS
    ]
    text.text(0, 1, "\n".join(rows), va="top", family="monospace", fontsize=8)
    text.set_title("modules of each layer (deepresolve/<layer>/)", loc="left")
    fig.savefig(path, dpi=110)
    plt.close(fig)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare with the committed table")
    args = parser.parse_args()
    edges = layer_imports()
    text = table_text(edges)
    table = OUT / "layers.tsv"
    if args.check:
        if not table.is_file() or table.read_text() != text:
            print(
                f"{table.relative_to(ROOT)} is not what the code imports: "
                "run python scripts/draw_layers.py",
                file=sys.stderr,
            )
            return 1
        return 0
    OUT.mkdir(parents=True, exist_ok=True)
    table.write_text(text)
    draw(edges, OUT / "layers.png")
    print(f"wrote {table.relative_to(ROOT)} and layers.png ({len(edges)} pairs of layers)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
