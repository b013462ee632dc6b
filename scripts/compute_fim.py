"""Snakemake script of rule `fim`: feature importance maps of a trained model."""

import logging

from deepresolve.core.device import configure_tensorflow
from deepresolve.core.files import made_by
from deepresolve.core.logs import setup_logging
from deepresolve.datasets.synthetic import DATASETS
from deepresolve.method.fim import feature_importance_maps, fim_options
from deepresolve.models.cnn import check_outputs, load_model

setup_logging(snakemake.log[0])
configure_tensorflow(snakemake.threads)
log = logging.getLogger("fim")
params = snakemake.params.deepresolve

with made_by("train"):
    model = load_model(snakemake.input.model)
dataset = snakemake.wildcards.dataset
check_outputs(model, snakemake.input.model, DATASETS[dataset].class_names, f"dataset {dataset}")
result = feature_importance_maps(model, seed=snakemake.params.seed, **fim_options(params))
log.info("%s", result.describe())
result.save(snakemake.output.fim)
