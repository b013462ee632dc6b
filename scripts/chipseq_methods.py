"""Snakemake script of rule `chipseq_methods`: the four methods of Table 1 on one ChIP-seq
experiment's model (their table: rule `table1_methods`)."""

import json
import logging

from deepresolve.analyses.chipseq import check_test_auc
from deepresolve.analyses.method_comparison import compare_methods
from deepresolve.analyses.tf_models import read_motif_collection
from deepresolve.core.device import configure_tensorflow
from deepresolve.core.files import atomic_write, made_by, write_json
from deepresolve.core.logs import setup_logging
from deepresolve.datasets.chipseq_parts import TEST, ExperimentSequences
from deepresolve.method.fim import fim_options
from deepresolve.models.cnn import load_model
from deepresolve.models.keras1 import load_keras1_model
from deepresolve.models.training import AUC_UNDEFINED, model_auc
from deepresolve.motifs.pwm import write_meme

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
test = sequences.part == TEST
auc = model_auc(model, sequences.X[test], sequences.labels[test])
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

params = snakemake.params.fim
ranked, edm_pwms = compare_methods(
    experiment,
    model,
    sequences,
    motifs,
    fim_options=fim_options(params),
    oniv_mode=params["oniv_mode"],
    n_sequences=snakemake.params.n_sequences,
    deepmotif_options=snakemake.params.deepmotif,
    seed=snakemake.params.seed,
)
ranked.to_csv(snakemake.output.ranked, sep="\t", index=False)
write_meme(snakemake.output.deepmotif, edm_pwms, [f"edm_{i}" for i in range(len(edm_pwms))])
write_json(snakemake.output.evaluation, evaluation, null_reason=AUC_UNDEFINED)
