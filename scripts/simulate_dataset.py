"""Snakemake script of rule `simulate`: one synthetic dataset (paper section 3) + ground truth."""

import logging

from deepresolve.logs import setup_logging
from deepresolve.synthetic import scan_presence, simulate

setup_logging(snakemake.log[0])
log = logging.getLogger("simulate")
name = snakemake.wildcards.dataset
dataset = simulate(
    name,
    snakemake.params.settings,
    sequence_length=snakemake.params.sequence_length,
    seed=snakemake.params.seed,
)
present = scan_presence(dataset.x, dataset.patterns)
log.info(
    "dataset %s: %d sequences of %d bp; pattern frequency %s; label frequency %s",
    name,
    *dataset.x.shape[:2],
    dict(zip(dataset.patterns, present.mean(axis=0).round(3).tolist(), strict=True)),
    dict(zip(dataset.class_names, dataset.y.mean(axis=0).round(3).tolist(), strict=True)),
)
dataset.save(snakemake.output.dataset, snakemake.output.planted)
