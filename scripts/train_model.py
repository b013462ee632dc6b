"""Snakemake script of rule `train`: the paper's CNN on one synthetic dataset."""

import json
import logging

from deepresolve.device import configure_tensorflow
from deepresolve.logs import setup_logging
from deepresolve.synthetic import PAPER_TEST_AUC, SyntheticDataset
from deepresolve.training import train_classifier

setup_logging(snakemake.log[0])
configure_tensorflow()
log = logging.getLogger("train")
name = snakemake.wildcards.dataset

dataset = SyntheticDataset.load(snakemake.input.dataset)
result = train_classifier(
    dataset.x,
    dataset.y,
    dataset.class_names,
    model_params=snakemake.params.model,
    seed=snakemake.params.seed,
    **snakemake.params.training,
)
metrics = {
    "dataset": name,
    **result.metrics,
    "paper_test_auc": dict(zip(dataset.class_names, PAPER_TEST_AUC[name], strict=True)),
}
result.model.save(snakemake.output.model)
result.history.to_csv(snakemake.output.history, sep="\t", index=False)
with open(snakemake.output.metrics, "w") as handle:
    json.dump(metrics, handle, indent=2)
