"""Snakemake script of rule `fim`: feature importance maps of a trained model."""

import logging

import keras

from deepresolve.device import configure_tensorflow
from deepresolve.fim import feature_importance_maps, fim_options
from deepresolve.logs import setup_logging

setup_logging(snakemake.log[0])
configure_tensorflow()
log = logging.getLogger("fim")
params = snakemake.params.deepresolve

model = keras.models.load_model(snakemake.input.model)
result = feature_importance_maps(model, seed=snakemake.params.seed, **fim_options(params))
log.info("%s", result.describe())
result.save(snakemake.output.fim)
