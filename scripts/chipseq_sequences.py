"""Snakemake script of rule `chipseq_sequences`: one experiment's labelled sequences, with
train/validation/test parts (deepresolve.chipseq.assign_parts)."""

import logging
from pathlib import Path

from deepresolve.chipseq import TEST, TRAIN, VALIDATION, assign_parts
from deepresolve.fasta import read_fasta
from deepresolve.logs import setup_logging
from deepresolve.peaks import build_experiment
from deepresolve.zeng import ZengSequences, encode, read_zeng, write_zeng

setup_logging(snakemake.log[0])
log = logging.getLogger("chipseq_sequences")
spec, settings = snakemake.params.spec, snakemake.params.settings
n_policy = settings["n_policy"]
inputs = snakemake.input

if spec["source"] == "zeng":
    sets = {part: read_zeng(inputs[part], n_policy=n_policy) for part in spec["parts"]}
elif spec["source"] == "fasta":
    sets = {}
    for part in ("train", "validation"):
        if f"{part}_fasta" in inputs.keys():
            targets = inputs[f"{part}_targets"] if f"{part}_targets" in inputs.keys() else None
            sets[part] = read_fasta(inputs[f"{part}_fasta"], targets, n_policy=n_policy)
else:
    table = build_experiment(
        inputs.peaks,
        inputs.genome,
        seed=snakemake.params.seed,
        length=settings["window"],
        n_policy=n_policy,
    )
    zeng_file = Path(snakemake.output[0]).with_name("sequences.data")
    write_zeng(zeng_file, table["id"], table["sequence"], table["label"])
    sets = {
        "train": ZengSequences(
            table["id"].tolist(),
            encode(table["sequence"].tolist(), n_policy),
            table["label"].to_numpy(),
        )
    }

sequences = assign_parts(
    sets,
    validation_fraction=settings["training"]["validation_fraction"],
    test_fraction=settings["training"]["test_fraction"],
    seed=snakemake.params.seed,
)
for name, code in (("train", TRAIN), ("validation", VALIDATION), ("test", TEST)):
    rows = sequences.part == code
    log.info("%s: %d sequences, %d bound", name, rows.sum(), sequences.labels[rows].sum())
sequences.save(snakemake.output[0])
