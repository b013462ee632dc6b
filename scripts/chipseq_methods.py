"""Snakemake script of rule `chipseq_methods`: the four methods of Table 1 on one model."""

import json
import logging

import keras

from deepresolve.chipseq import ExperimentSequences, compare_methods, held_out_auc
from deepresolve.device import configure_tensorflow
from deepresolve.fim import fim_options
from deepresolve.keras1 import load_keras1_model
from deepresolve.logs import setup_logging
from deepresolve.motifs import write_meme
from deepresolve.tf_models import read_motif_collection

setup_logging(snakemake.log[0])
configure_tensorflow()
log = logging.getLogger("chipseq_methods")
experiment = snakemake.wildcards.chip
files = list(snakemake.input.model)
model = keras.models.load_model(files[0]) if len(files) == 1 else load_keras1_model(tuple(files))
sequences = ExperimentSequences.load(snakemake.input.sequences)
auc = held_out_auc(model, sequences)
log.info("%s: test AUC %.4f", experiment, auc)

params, methods = snakemake.params.fim, snakemake.params.methods
ranked, edm_pwms = compare_methods(
    experiment,
    model,
    sequences,
    read_motif_collection(snakemake.input.motifs),
    fim_options=fim_options(params),
    oniv_mode=params["oniv_mode"],
    n_sequences=methods["n_sequences"],
    deepmotif_options={"n_runs": methods["deepmotif_runs"]},
    seed=snakemake.params.seed,
)
ranked.to_csv(snakemake.output.ranked, sep="\t", index=False)
write_meme(snakemake.output.deepmotif, edm_pwms, [f"edm_{i}" for i in range(len(edm_pwms))])
evaluation = {
    "experiment": experiment,
    "model": "published" if len(files) == 2 else "trained",
    "test_auc": auc,
    "n_test": int((sequences.part == 2).sum()),
}
with open(snakemake.output.evaluation, "w") as handle:
    json.dump(evaluation, handle, indent=2)
