"""Snakemake script of rule `chipseq_methods`: the four methods of Table 1 on one model."""

import json
import logging

from deepresolve.chipseq import (
    TEST,
    ExperimentSequences,
    check_test_auc,
    compare_methods,
    held_out_auc,
)
from deepresolve.device import configure_tensorflow
from deepresolve.files import atomic_write, made_by
from deepresolve.fim import fim_options
from deepresolve.keras1 import load_keras1_model
from deepresolve.logs import setup_logging
from deepresolve.models import load_model
from deepresolve.motifs import write_meme
from deepresolve.tf_models import read_motif_collection

setup_logging(snakemake.log[0])
configure_tensorflow(snakemake.threads)
log = logging.getLogger("chipseq_methods")
experiment = snakemake.wildcards.chip
files = list(snakemake.input.model)
if len(files) == 1:
    with made_by("train_chipseq"):
        model = load_model(files[0])
else:
    model = load_keras1_model(tuple(files))
with made_by("chipseq_sequences"):
    sequences = ExperimentSequences.load(snakemake.input.sequences)
with made_by("chipseq_known_motifs"):
    motifs = read_motif_collection(snakemake.input.motifs)
auc = held_out_auc(model, sequences)
log.info("%s: test AUC %.4f", experiment, auc)
evaluation = {
    "experiment": experiment,
    "model": "published" if len(files) == 2 else "trained",
    "test_auc": auc,
    "n_test": int((sequences.part == TEST).sum()),
}
# NaN or below 0.5: stop (chipseq.auc_failure: error), or list it as excluded, count it nowhere
excluded = check_test_auc(experiment, auc, snakemake.params.auc_failure)
if excluded:
    with atomic_write(snakemake.output.ranked) as handle:
        handle.write("experiment\tmethod\trank\tfilter\tscore\n")
    with atomic_write(snakemake.output.deepmotif) as handle:
        handle.write(f"MEME version 4\n\nALPHABET= ACGT\n\n# {experiment} excluded: {excluded}\n")
    with atomic_write(snakemake.output.evaluation) as handle:
        json.dump(evaluation | {"test_auc": None, "excluded": excluded}, handle, indent=2)
    raise SystemExit(0)

params, methods = snakemake.params.fim, snakemake.params.methods
ranked, edm_pwms = compare_methods(
    experiment,
    model,
    sequences,
    motifs,
    fim_options=fim_options(params),
    oniv_mode=params["oniv_mode"],
    n_sequences=methods["n_sequences"],
    deepmotif_options={"n_runs": methods["deepmotif_runs"]},
    seed=snakemake.params.seed,
)
ranked.to_csv(snakemake.output.ranked, sep="\t", index=False)
write_meme(snakemake.output.deepmotif, edm_pwms, [f"edm_{i}" for i in range(len(edm_pwms))])
with atomic_write(snakemake.output.evaluation) as handle:
    json.dump(evaluation, handle, indent=2, allow_nan=False)
