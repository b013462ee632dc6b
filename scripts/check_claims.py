"""Snakemake script of rule `claims`: the paper's claim on one replicate network (pattern
neurons = filter sets), with its numbers, and a probe of how the network computes its logic."""

import logging

from deepresolve.analyses.claims import claims_on_filter_sets
from deepresolve.analyses.probe import probe_network
from deepresolve.core.device import configure_tensorflow
from deepresolve.core.files import made_by, read_tsv, write_json
from deepresolve.core.logs import setup_logging
from deepresolve.method.niv_tables import read_niv_table, read_oniv_table
from deepresolve.method.similarity import figure6_matrices
from deepresolve.models.cnn import load_model
from deepresolve.models.weights import output_kernel

setup_logging(snakemake.log[0])
configure_tensorflow(snakemake.threads)
log = logging.getLogger("claims")
dataset = snakemake.wildcards.dataset
probe = snakemake.params.probe

with made_by("oniv"):
    nivs, scores, class_names = read_niv_table(read_tsv(snakemake.input.niv))
    oniv, *_ = read_oniv_table(read_tsv(snakemake.input.oniv))
with made_by("filter_motifs"):
    table = read_tsv(snakemake.input.pattern_neurons, dtype={"filter_set": str})
with made_by("train"):
    model = load_model(snakemake.input.model)
filter_sets = {
    row.pattern: [int(f) for f in row.filter_set.split(",")] for row in table.itertuples()
}

result = claims_on_filter_sets(
    dataset,
    nivs=nivs,
    scores=scores,
    filter_sets=filter_sets,
    similarity_matrices=figure6_matrices(oniv, output_kernel(model)),
    class_names=class_names,
    mode=snakemake.params.mode,
)
result["probe"] = probe_network(
    model,
    dataset,
    filter_sets,
    n_sequences=probe["n_sequences"],
    grid_size=probe["grid_size"],
    max_scale=probe["max_scale"],
    seed=snakemake.params.seed,
    layer=snakemake.params.layer,
)
result = {
    "dataset": dataset,
    "replicate": int(snakemake.wildcards.replicate),
    "oniv_mode": snakemake.params.mode,
    **result,
}
landscape = result["probe"]["landscape"]
log.info(
    "%s: %s%s; probe: logic computed %s%s",
    ("PASSED" if result["passed"] else "FAILED") if result["testable"] else "NOT TESTABLE",
    result["claim"],
    f" (XOR neurons: {result['xor']['category']})" if "xor" in result else "",
    result["probe"]["computes_logic"],
    "" if landscape is None else f", landscape closer to a function of {landscape['depends_on']}",
)
write_json(
    snakemake.output.claims,
    result,
    null_reason="undefined: a statistic of a class or neuron without variation",
)
