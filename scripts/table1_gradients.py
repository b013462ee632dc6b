"""Snakemake script of rule `table1_gradients`: Grad-CAM and gradient x input on one published
TF model with its experiment's bound sequences, the filters ranked by each and matched through
DeepResolve's TOMTOM tables of the same filters; the model's AUC on its labelled sequences."""

import logging

from deepresolve.analyses.method_comparison import (
    SEQUENCE_COLUMNS,
    experiment_sequences,
    filter_ranked,
)
from deepresolve.analyses.tf_models import read_motif_collection
from deepresolve.core.device import configure_tensorflow
from deepresolve.core.files import atomic_write, made_by, read_tsv, write_json
from deepresolve.core.logs import setup_logging
from deepresolve.method.attribution import gradient_filter_scores
from deepresolve.models.keras1 import load_keras1_model
from deepresolve.models.training import AUC_UNDEFINED, model_auc

setup_logging(snakemake.log[0])
configure_tensorflow(snakemake.threads)
log = logging.getLogger("table1_gradients")
experiment = snakemake.wildcards.experiment
spec = snakemake.params.spec
model = load_keras1_model(tuple(snakemake.input.model), name=experiment)
with made_by("table1_batch"):
    known = read_tsv(snakemake.input.hits, keep_default_na=False)
    jaspar = read_tsv(snakemake.input.jaspar, keep_default_na=False)
with made_by("known_motifs"):
    motifs = read_motif_collection(snakemake.input.motifs)

X_auc, labels_auc = experiment_sequences(spec["source"], snakemake.input.labelled)
auc = model_auc(model, X_auc, labels_auc)
if "pool" in snakemake.input.keys():
    X_pool, labels_pool = experiment_sequences(spec["source"], snakemake.input.pool)
else:
    X_pool, labels_pool = X_auc, labels_auc
n_positives = int((labels_pool == 1).sum())
scores = gradient_filter_scores(
    model,
    X_pool,
    labels_pool,
    n_sequences=snakemake.params.n_sequences,
    seed=snakemake.params.seed,
)
n_used = len(next(iter(scores.values())).sequence_indices)
log.info(
    "%s: AUC %.4f on %d sequences; %d of %d positives scored",
    experiment,
    auc,
    len(labels_auc),
    n_used,
    n_positives,
)


def mine(table):
    return table[table["experiment"] == experiment].drop(columns="experiment")


ranked = filter_ranked(
    experiment, scores, mine(known), mine(jaspar), motifs.tf_matrices(experiment)
)
with atomic_write(snakemake.output.ranked) as handle:
    ranked.to_csv(handle, sep="\t", index=False)
values = (
    experiment,
    spec["source"],
    spec.get("name") or spec.get("part"),
    snakemake.params.pool_label,
    n_positives,
    n_used,
    round(auc, 4),
    int((labels_auc == 1).sum()),
    int((labels_auc == 0).sum()),
    snakemake.params.seed,
)
summary = dict(zip(SEQUENCE_COLUMNS, values, strict=True))
# an AUC undefined (one label among the sequences) is written as null with the reason
write_json(snakemake.output.summary, summary, null_reason=AUC_UNDEFINED)
