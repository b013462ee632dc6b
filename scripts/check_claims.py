"""Snakemake script of rule `claims`: the paper's claim for one dataset, with its numbers."""

import json
import logging

import keras
import pandas as pd

from deepresolve.claims import claims_for_dataset
from deepresolve.logs import setup_logging
from deepresolve.similarity import figure6_matrices
from deepresolve.synthetic import DATASETS
from deepresolve.tables import read_niv_table, read_oniv_table
from deepresolve.weights import output_kernel

setup_logging(snakemake.log[0])
log = logging.getLogger("claims")
dataset = snakemake.wildcards.dataset

nivs, _, class_names = read_niv_table(pd.read_csv(snakemake.input.niv, sep="\t"))
oniv, variance, nonlinear, _ = read_oniv_table(pd.read_csv(snakemake.input.oniv, sep="\t"))
pattern_neurons = pd.read_csv(snakemake.input.pattern_neurons, sep="\t")
model = keras.models.load_model(snakemake.input.model)

result = claims_for_dataset(
    dataset,
    nivs=nivs,
    variance=variance,
    oniv=oniv,
    nonlinear=nonlinear,
    similarity_matrices=figure6_matrices(oniv, output_kernel(model)),
    pattern_neurons=dict(zip(pattern_neurons["pattern"], pattern_neurons["neuron"], strict=True)),
    class_patterns=DATASETS[dataset].class_patterns,
    class_names=class_names,
)
result = {"dataset": dataset, "oniv_mode": snakemake.params.mode, **result}
log.info("%s: %s", "PASSED" if result["passed"] else "FAILED", result["claim"])
with open(snakemake.output.claims, "w") as handle:
    json.dump(result, handle, indent=2)
