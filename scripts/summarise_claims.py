"""Snakemake script of rule `claims_summary`: each claim as k of n replicate networks, and one
row per network."""

from deepresolve.analyses.replication import claim_rates, replicate_table
from deepresolve.core.files import atomic_write, made_by, read_json
from deepresolve.core.logs import setup_logging

setup_logging(snakemake.log[0])
with made_by("claims"):
    claims = [read_json(path) for path in snakemake.input.claims]
with made_by("train"):
    metrics = [read_json(path) for path in snakemake.input.metrics]
with made_by("simulate"):
    label_noise = {r["dataset"]: r for r in map(read_json, snakemake.input.label_noise)}
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
