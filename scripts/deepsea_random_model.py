"""Snakemake script of rule `deepsea_random_model`: DeepSEA's architecture, seeded weights."""

import keras

from deepresolve.core.device import configure_tensorflow
from deepresolve.core.logs import setup_logging
from deepresolve.models.deepsea import build_deepsea

setup_logging(snakemake.log[0])
configure_tensorflow(snakemake.threads)
keras.utils.set_random_seed(snakemake.params.seed)
build_deepsea(n_classes=snakemake.params.n_classes).save(snakemake.output.model)
