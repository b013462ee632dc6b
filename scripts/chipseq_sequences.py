"""Snakemake script of rule `chipseq_sequences`: one experiment's labelled sequences, with
train/validation/test parts (deepresolve.datasets.chipseq_parts.prepare_sequences; no
TensorFlow)."""

import logging
from pathlib import Path

from deepresolve.config.chipseq import check_local_checksums
from deepresolve.core.logs import setup_logging
from deepresolve.datasets.chipseq_parts import (
    TEST,
    TRAIN,
    VALIDATION,
    check_parts,
    prepare_sequences,
)
from deepresolve.datasets.deepbind import deepbind_sequences
from deepresolve.datasets.fasta import read_fasta
from deepresolve.datasets.peaks import build_experiment
from deepresolve.datasets.zeng import ZengSequences, encode, read_zeng, write_zeng

setup_logging(snakemake.log[0])
log = logging.getLogger("chipseq_sequences")
spec, settings = snakemake.params.spec, snakemake.params.settings
n_policy = settings["n_policy"]
inputs = snakemake.input
given = set(inputs.keys())
# the file a message names: the user's (mirror file, URL) for the workflow's copies of it
named = {key: snakemake.params.user_files.get(key, inputs[key]) for key in given}
check_local_checksums(snakemake.wildcards.chip, spec)

sets, origin = {}, {}  # part -> sequences, and the file they come from
if spec["source"] == "zeng":
    for part in spec["parts"]:
        sets[part], origin[part] = read_zeng(inputs[part], n_policy=n_policy), inputs[part]
elif spec["source"] == "deepbind":
    for part in ("train", "test"):
        if f"deepbind_{part}" in given:
            key = f"deepbind_{part}"
            origin[part] = named[key]
            sets[part] = deepbind_sequences(inputs[key], n_policy, source=named[key])
elif spec["source"] == "peaks":
    table = build_experiment(
        inputs.peaks,
        inputs.genome,
        seed=snakemake.params.seed,
        length=settings["window"],
        n_policy=n_policy,
    )
    zeng_file = Path(snakemake.output[0]).with_name("sequences.data")
    write_zeng(zeng_file, table["id"], table["sequence"], table["label"])
    origin["train"] = inputs.peaks
    sets["train"] = ZengSequences(
        table["id"].tolist(),
        encode(table["sequence"].tolist(), n_policy),
        table["label"].to_numpy(),
    )
for part in ("train", "validation", "test"):  # files given for a part, for every source
    if f"{part}_seq" in given:
        key = f"{part}_seq"
        origin[part] = named[key]
        sets[part] = deepbind_sequences(inputs[key], n_policy, source=named[key])
    elif f"{part}_fasta" in given:
        origin[part] = named[f"{part}_fasta"]
        targets = inputs[f"{part}_targets"] if f"{part}_targets" in given else None
        sets[part] = read_fasta(inputs[f"{part}_fasta"], targets, n_policy=n_policy)

max_positives = spec.get("max_positives", settings["max_positives"])
sequences = prepare_sequences(
    sets,
    origin=origin,
    max_positives=max_positives,
    validation_fraction=settings["training"]["validation_fraction"],
    test_fraction=settings["training"]["test_fraction"],
    seed=snakemake.params.seed,
)
needed = [TEST] if spec["model"] == "published" else [TRAIN, VALIDATION, TEST]
check_parts(snakemake.wildcards.chip, sequences, needed)
for name, code in (("train", TRAIN), ("validation", VALIDATION), ("test", TEST)):
    rows = sequences.part == code
    log.info("%s: %d sequences, %d bound", name, rows.sum(), sequences.labels[rows].sum())
sequences.save(snakemake.output[0])
