#!/usr/bin/env python3
"""Write the SHA-256 checksums of the published models (``config/published_models.sha256``).

Command line, from the repository root (plain CLI, not a Snakemake script)::

    python scripts/make_checksums.py [--models-dir ../shared/data/published-422tf-models] \
        [--out config/published_models.sha256] [--check]

``--models-dir`` is a local copy of ``models/422tf`` of ``lgsaber/DeepResolve`` at the pinned
commit (default: ``published-422tf-models`` in ``$DEEPRESOLVE_SHARED_DATA`` or
``../shared/data``), one sub-folder per experiment holding ``16_G_best_archit.json`` and
``16_G_bestmodel_weights.h5``. The output has one ``<sha256>  <experiment>/<file>`` line per
file, sorted by path, readable by ``sha256sum -c`` from inside the models folder.
``--check`` compares instead of writing and exits with status 1 on any difference.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from deepresolve.core.files import atomic_write
from deepresolve.datasets.download import (
    PUBLISHED_FILES,
    format_checksums,
    published_model_files,
    read_checksums,
    sha256sum,
)

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_OUT = ROOT / "config" / "published_models.sha256"


def default_models_dir() -> Path:
    """``published-422tf-models`` in ``$DEEPRESOLVE_SHARED_DATA`` or ``../shared/data``."""
    shared = Path(os.environ.get("DEEPRESOLVE_SHARED_DATA", ROOT.parent / "shared" / "data"))
    return shared / "published-422tf-models"


def compute_checksums(models_dir: Path) -> dict[str, str]:
    """SHA-256 of every published model file under ``models_dir``.

    Parameters
    ----------
    models_dir
        One sub-folder per experiment, each with the files of :data:`PUBLISHED_FILES`.

    Returns
    -------
    dict of str to str
        ``<experiment>/<file>`` -> hex SHA-256.

    Raises
    ------
    FileNotFoundError
        When the folder holds no experiment or an experiment lacks one of the files.
    """
    experiments = sorted(p.name for p in models_dir.iterdir() if p.is_dir())
    if not experiments:
        raise FileNotFoundError(f"no experiment folders in {models_dir}")
    checksums = {}
    for experiment in experiments:
        for relpath in published_model_files(experiment):
            path = models_dir / relpath
            if not path.is_file():
                raise FileNotFoundError(f"{path} missing (expected {', '.join(PUBLISHED_FILES)})")
            checksums[relpath] = sha256sum(path)
    return checksums


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models-dir", type=Path, default=None, help="local models/422tf copy")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="checksum file")
    parser.add_argument("--check", action="store_true", help="compare with --out, don't write")
    args = parser.parse_args(argv)
    models_dir = args.models_dir or default_models_dir()
    if not models_dir.is_dir():
        parser.error(f"models folder not found: {models_dir}")
    checksums = compute_checksums(models_dir)
    n_experiments = len(checksums) // len(PUBLISHED_FILES)
    if args.check:
        committed = read_checksums(args.out)
        differ = sorted(
            name
            for name in checksums.keys() | committed.keys()
            if checksums.get(name) != committed.get(name)
        )
        for name in differ:
            print(f"differs: {name}", file=sys.stderr)
        print(f"{args.out}: {len(differ)} of {len(checksums)} entries differ", file=sys.stderr)
        return 1 if differ else 0
    # atomic: a concurrent --check (or sha256sum -c) never reads a half-written file
    with atomic_write(args.out) as handle:
        handle.write(format_checksums(checksums))
    print(f"{args.out}: {len(checksums)} files, {n_experiments} experiments", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
