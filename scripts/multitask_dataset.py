"""Snakemake script of rule `multitask_dataset`: every experiment's labelled sequences with their
parts, joined into one multi-task set with per-experiment labels
(deepresolve.analyses.multitask)."""

import logging

import pandas as pd

from deepresolve.analyses.multitask import assemble, experiment_parts
from deepresolve.core.device import configure_tensorflow
from deepresolve.core.files import atomic_write, made_by
from deepresolve.core.logs import setup_logging
from deepresolve.datasets.chipseq_parts import TEST, ExperimentSequences
from deepresolve.datasets.deepbind import read_deepbind
from deepresolve.datasets.sequences import decode

setup_logging(snakemake.log[0])
configure_tensorflow(snakemake.threads)
log = logging.getLogger("multitask_dataset")
settings = snakemake.params.settings


def deepbind_table(path):
    return read_deepbind(path)[["sequence", "bound"]].rename(columns={"bound": "label"})


def chipseq_tables(path):
    """Training rows (train + validation parts of the chipseq rule) and test rows, or None when
    the experiment has no test part or no training part (all one part: split here)."""
    with made_by("chipseq_sequences"):
        sequences = ExperimentSequences.load(path)
    frame = pd.DataFrame({"sequence": decode(sequences.X), "label": sequences.labels})
    test = sequences.part == TEST
    if test.all() or not test.any():
        return frame, None
    return frame[~test], frame[test]


tables = {}
for name, files in snakemake.params.files.items():
    if "sequences" in files:
        train, test = chipseq_tables(files["sequences"])
    else:
        train, test = deepbind_table(files["train"]), deepbind_table(files["test"])
    tables[name] = experiment_parts(
        train,
        test,
        max_positives=settings["max_positives"],
        n_shuffles=settings["n_shuffles"],
        validation_fraction=settings["validation_fraction"],
        test_fraction=settings["test_fraction"],
        seed=snakemake.params.seed,
    )
    counts = tables[name].groupby(["part", "label"]).size().to_dict()
    log.info("%s: %s (part, label) -> sequences", name, counts)
data = assemble(tables)
counts = data.counts()
counts.insert(0, "class_name", snakemake.params.class_names)
log.info("dataset:\n%s", counts.to_string())
data.save(snakemake.output.dataset)
counts.to_csv(snakemake.output.counts, sep="\t")
with atomic_write(snakemake.output.class_names) as stream:
    stream.write("".join(f"{line}\n" for line in snakemake.params.class_names))
