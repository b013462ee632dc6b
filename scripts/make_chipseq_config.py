#!/usr/bin/env python3
"""Write a config that runs Table 1's four methods on all 422 published models with their Zeng
et al. test sequences (for a machine with internet; plain CLI, not a Snakemake script)::

    python scripts/make_chipseq_config.py [--out config/chipseq_all.yaml] [--parts test]
    snakemake results/table1/methods.md --configfile config/chipseq_all.yaml --profile ...

``--form table1_methods`` writes the same experiments as ``table1_methods.sequences`` instead
(their test file each), for rule ``table1_four_methods`` together with config/table1.yaml.

The Zeng files of most experiments have no checksum in ``config/zeng_motif_discovery.sha256``
(only the three shared ones are pinned), so the config sets ``chipseq.zeng_unpinned: warn``: they
are downloaded unverified and each job logs the file's SHA-256, to be added to the list.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import yaml

from deepresolve.files import atomic_write
from deepresolve.jaspar import read_tf_motifs

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "config/chipseq_all.yaml")
    parser.add_argument("--parts", nargs="+", default=["test"], choices=["train", "test"])
    parser.add_argument(
        "--form",
        default="chipseq",
        choices=["chipseq", "table1_methods"],
        help="chipseq.experiments, or table1_methods.sequences (the test file of each)",
    )
    args = parser.parse_args()
    table = read_tf_motifs(ROOT / "config/tf_motifs.tsv")
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
    with atomic_write(args.out) as handle:
        handle.write(header + yaml.safe_dump(config, sort_keys=False))
    print(f"{args.out}: {len(usable)} experiments")


if __name__ == "__main__":
    main()
