"""Snakemake script of rule `train`: the paper's CNN on one synthetic dataset, one replicate."""

import logging

from deepresolve.core.device import configure_tensorflow
from deepresolve.core.files import made_by, write_json
from deepresolve.core.logs import setup_logging
from deepresolve.datasets.splits import split_indices
from deepresolve.datasets.synthetic import PAPER_TEST_AUC, SyntheticDataset, replicate_seed
from deepresolve.models.training import train_classifier

setup_logging(snakemake.log[0])
configure_tensorflow(snakemake.threads)
log = logging.getLogger("train")
name = snakemake.wildcards.dataset
replicate = int(snakemake.wildcards.replicate)
training = snakemake.params.training

with made_by("simulate"):
    dataset = SyntheticDataset.load(snakemake.input.dataset)
# every replicate trains on the same split (the config's seed); only its own seed differs
split = split_indices(
    len(dataset.x),
    training["test_fraction"],
    training["validation_fraction"],
    snakemake.params.seed,
)
result = train_classifier(
    dataset.x,
    dataset.y,
    dataset.class_names,
    model_params=snakemake.params.model,
    seed=replicate_seed(snakemake.params.seed, replicate),
    split=split,
    **training,
)
metrics = {
    "dataset": name,
    "replicate": replicate,
    **result.metrics,
    "paper_test_auc": dict(zip(dataset.class_names, PAPER_TEST_AUC[name], strict=True)),
}
result.model.save(snakemake.output.model)
result.history.to_csv(snakemake.output.history, sep="\t", index=False)
write_json(
    snakemake.output.metrics,
    metrics,
    null_reason="test AUC undefined: the class has one label only in the test part",
)
