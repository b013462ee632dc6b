"""Snakemake script of rule `simulate`: one synthetic dataset (paper section 3) + ground truth."""

import logging

from deepresolve.core.files import write_json
from deepresolve.core.logs import setup_logging
from deepresolve.datasets.synthetic import DATASETS, label_noise, scan_presence, simulate

setup_logging(snakemake.log[0])
log = logging.getLogger("simulate")
name = snakemake.wildcards.dataset
labels = snakemake.params.labels
dataset = simulate(
    name,
    snakemake.params.settings,
    sequence_length=snakemake.params.sequence_length,
    seed=snakemake.params.seed,
    labels=labels,
)
present = scan_presence(dataset.x, dataset.patterns)
noise = {"dataset": name, "labels": labels, **label_noise(dataset, DATASETS[name])}
log.info(
    "dataset %s (%s labels): %d sequences of %d bp; pattern frequency %s; label frequency %s; "
    "labels disagreeing with content: %.4f",
    name,
    labels,
    *dataset.x.shape[:2],
    dict(zip(dataset.patterns, present.mean(axis=0).round(3).tolist(), strict=True)),
    dict(zip(dataset.class_names, dataset.y.mean(axis=0).round(3).tolist(), strict=True)),
    noise["fraction"],
)
dataset.save(snakemake.output.dataset, snakemake.output.planted)
write_json(snakemake.output.label_noise, noise, null_reason="undefined: a class without sequences")
