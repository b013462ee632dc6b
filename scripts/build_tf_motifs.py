#!/usr/bin/env python3
"""Map ENCODE TFBS experiments to the JASPAR CORE vertebrates matrices of their TF (TSV).

Command line (offline, pyjaspar's bundled database)::

    python scripts/build_tf_motifs.py --models-dir ../shared/data/published-422tf-models \
        --out config/tf_motifs.tsv
    python scripts/build_tf_motifs.py --experiments config/tf_motifs.tsv --out config/tf_motifs.tsv

``--models-dir``: one sub-folder per experiment (the published models); ``--experiments``: a
file with one experiment per line, or a TSV with an ``experiment`` column (e.g. the committed
table, to regenerate it).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from deepresolve.motifs.jaspar import JASPAR_RELEASE
from deepresolve.motifs.tf_names import build_tf_motif_table


def experiments_from_dir(folder: Path) -> list[str]:
    """Sorted names of the ``wgEncodeAwgTfbs*`` sub-folders of ``folder``."""
    names = sorted(p.name for p in folder.iterdir() if p.is_dir())
    return [name for name in names if name.startswith("wgEncodeAwgTfbs")]


def experiments_from_file(path: Path) -> list[str]:
    """Experiments listed one per line, or in the ``experiment`` column of a TSV."""
    lines = [line.strip() for line in path.read_text().splitlines() if line.strip()]
    if lines and "\t" in lines[0]:
        column = lines[0].split("\t").index("experiment")
        return [line.split("\t")[column] for line in lines[1:]]
    return [line for line in lines if not line.startswith("#")]


def write_table(experiments: list[str], out: Path, release: str) -> None:
    table = build_tf_motif_table(experiments, release=release)
    out.parent.mkdir(parents=True, exist_ok=True)
    table.to_csv(out, sep="\t", index=False, lineterminator="\n")
    mapped = int((table["jaspar_ids"] != "").sum())
    print(f"{out}: {len(table)} experiments, {mapped} with {release} matrices", file=sys.stderr)
    for reason, count in table.loc[table["reason"] != "", "reason"].value_counts().items():
        print(f"  excluded ({count}): {reason}", file=sys.stderr)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--models-dir", type=Path, help="folder with one folder per experiment")
    source.add_argument("--experiments", type=Path, help="list or TSV with experiment column")
    parser.add_argument("--out", type=Path, required=True, help="output TSV")
    parser.add_argument("--release", default=JASPAR_RELEASE, help="JASPAR release (pyjaspar)")
    args = parser.parse_args(argv)
    if args.models_dir is not None:
        experiments = experiments_from_dir(args.models_dir)
    else:
        experiments = experiments_from_file(args.experiments)
    write_table(experiments, args.out, args.release)


if __name__ == "__main__":
    main()
