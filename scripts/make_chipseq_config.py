#!/usr/bin/env python3
"""Write a config that runs Table 1's four methods on all 422 published models with their Zeng
et al. test sequences (for a machine with internet; plain CLI, not a Snakemake script)::

    python scripts/make_chipseq_config.py [--out config/chipseq_all.yaml] [--parts test]
    snakemake table1_methods --configfile config/chipseq_all.yaml --profile ...

``--form table1_methods`` writes the same experiments as ``table1_methods.sequences`` instead
(their test file each), for rule ``table1_methods`` together with config/table1.yaml; its
default output is config/table1_methods_all.yaml, so the two forms never overwrite each other.

The Zeng files of most experiments have no checksum in ``config/zeng_motif_discovery.sha256``
(only the three shared ones are pinned), so the config sets ``chipseq.zeng_unpinned: warn``: they
are downloaded unverified and each job logs the file's SHA-256, to be added to the list.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import yaml

from deepresolve.core.files import atomic_write
from deepresolve.motifs.tf_names import read_tf_motifs

ROOT = Path(__file__).resolve().parents[1]
# Each form's output when --out is not given, relative to the checkout.
DEFAULT_OUT = {
    "chipseq": "config/chipseq_all.yaml",
    "table1_methods": "config/table1_methods_all.yaml",
}


def main(argv: list[str] | None = None, root: Path = ROOT) -> Path:
    """Write the config (``argv`` as on the command line; files under ``root``); return its path."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--out",
        type=Path,
        help="default: " + ", ".join(f"{path} (--form {f})" for f, path in DEFAULT_OUT.items()),
    )
    parser.add_argument("--parts", nargs="+", default=["test"], choices=["train", "test"])
    parser.add_argument(
        "--form",
        default="chipseq",
        choices=list(DEFAULT_OUT),
        help="chipseq.experiments, or table1_methods.sequences (the test file of each)",
    )
    args = parser.parse_args(argv)
    out = args.out or root / DEFAULT_OUT[args.form]
    table = read_tf_motifs(root / "config/tf_motifs.tsv")
    usable = table.loc[table["jaspar_ids"] != "", "experiment"]
    config = {"chipseq": {"zeng_unpinned": "warn"}}
    if args.form == "chipseq":
        config["chipseq"]["experiments"] = {
            e: {"source": "zeng", "parts": list(args.parts), "model": "published"} for e in usable
        }
    else:
        config["table1_methods"] = {
            "sequences": {e: {"source": "zeng", "part": "test"} for e in usable}
        }
    header = "# Written by scripts/make_chipseq_config.py: Table 1's four methods on all 422.\n"
    with atomic_write(out) as handle:
        handle.write(header + yaml.safe_dump(config, sort_keys=False))
    print(f"{out}: {len(usable)} experiments")
    return out


if __name__ == "__main__":
    main()
