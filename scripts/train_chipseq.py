"""Snakemake script of rule `train_chipseq`: a single-task CNN on one ChIP-seq experiment."""

import json

from deepresolve.analyses.chipseq import PRESETS, check_test_auc
from deepresolve.core.device import configure_tensorflow
from deepresolve.core.files import atomic_write, made_by
from deepresolve.core.logs import setup_logging
from deepresolve.datasets.chipseq_parts import ExperimentSequences
from deepresolve.models.training import train_classifier

setup_logging(snakemake.log[0])
configure_tensorflow(snakemake.threads)
with made_by("chipseq_sequences"):
    sequences = ExperimentSequences.load(snakemake.input[0])
training = dict(snakemake.params.training)
for key in ("validation_fraction", "test_fraction"):  # the parts are fixed in sequences.npz
    training.pop(key)
result = train_classifier(
    sequences.X,
    sequences.labels[:, None],
    ["bound"],
    model_params=PRESETS[snakemake.params.preset],
    seed=snakemake.params.seed,
    split=sequences.split(),
    test_fraction=0.0,
    validation_fraction=0.0,
    cap_key="chipseq.training.max_epochs",
    **training,
)
experiment = snakemake.wildcards.chip
# NaN or below 0.5: stop here (chipseq.auc_failure: error), or record why it is excluded
excluded = check_test_auc(
    experiment, result.metrics["test_auc"]["bound"], snakemake.params.auc_failure
)
metrics = {"experiment": experiment, "preset": snakemake.params.preset, **result.metrics}
if excluded:
    metrics["test_auc"] = {"bound": None}
    metrics["excluded"] = excluded
result.model.save(snakemake.output.model)
result.history.to_csv(snakemake.output.history, sep="\t", index=False)
with atomic_write(snakemake.output.metrics) as handle:
    json.dump(metrics, handle, indent=2, allow_nan=False)
