"""Snakemake script of rule `claims_summary`: each claim as k of n replicate networks, and one
row per network."""

import json

from deepresolve.files import atomic_write
from deepresolve.logs import setup_logging
from deepresolve.replication import claim_rates, replicate_table

setup_logging(snakemake.log[0])


def read(paths):
    records = []
    for path in paths:
        with open(path) as handle:
            records.append(json.load(handle))
    return records


claims = read(snakemake.input.claims)
metrics = read(snakemake.input.metrics)
label_noise = {record["dataset"]: record for record in read(snakemake.input.label_noise)}
rates = claim_rates(
    claims,
    metrics,
    label_noise,
    labels=snakemake.params.labels,
    oniv_mode=snakemake.params.oniv_mode,
)
with atomic_write(snakemake.output.claims) as handle:
    rates.to_csv(handle, sep="\t", index=False)
with atomic_write(snakemake.output.replicates) as handle:
    replicate_table(claims, metrics).to_csv(handle, sep="\t", index=False)
