"""Snakemake script of rule `multitask_train`: the multi-task model of one training seed."""

from deepresolve.analyses.multitask import MultitaskData, train_multitask
from deepresolve.core.device import configure_tensorflow
from deepresolve.core.files import made_by, write_json
from deepresolve.core.logs import setup_logging

setup_logging(snakemake.log[0])
configure_tensorflow(snakemake.threads)
training = snakemake.params.training
with made_by("multitask_dataset"):
    data = MultitaskData.load(snakemake.input.dataset)
result = train_multitask(
    data,
    architecture=snakemake.params.architecture,
    batch_size=training["batch_size"],
    learning_rate=training["learning_rate"],
    max_epochs=training["max_epochs"],
    patience=training["patience"],
    seed=snakemake.params.seed,
)
result.model.save(snakemake.output.model)
result.history.to_csv(snakemake.output.history, sep="\t", index=False)
write_json(
    snakemake.output.metrics,
    result.metrics,
    null_reason="test AUC undefined: the class has one label only in the test part",
)
