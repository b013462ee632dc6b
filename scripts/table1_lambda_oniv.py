"""Snakemake script of rule `table1_lambda_oniv`: the ONIVs of the Table 1 models at one lambda
point (one batched gradient ascent of the NumPy engine, no TensorFlow; no TOMTOM: the matches
do not depend on lambda)."""

import logging

from deepresolve.analyses.lambda_curve import oniv_table
from deepresolve.analyses.tf_models import model_onivs, read_published_models
from deepresolve.core.logs import setup_logging
from deepresolve.method.fim_settings import fim_options

setup_logging(snakemake.log[0])
log = logging.getLogger("table1_lambda_oniv")
settings = {**snakemake.params.fim, **snakemake.params.point}
log.info("FIM settings: %s", settings)
sources = zip(snakemake.input.architectures, snakemake.input.weights, strict=True)
models, excluded = read_published_models(
    dict(zip(snakemake.params.experiments, sources, strict=True)), exclude_failures=True
)
onivs = model_onivs(
    models,
    fim_options=fim_options(settings),
    oniv_mode=settings["oniv_mode"],
    seed=snakemake.params.seed,
)
table = oniv_table(onivs)
table.to_csv(snakemake.output[0], sep="\t", index=False, float_format="%.6g")
log.info(
    "%d models (%d excluded), median steps %.0f",
    len(onivs),
    len(excluded),
    table.groupby("experiment")["steps"].first().median(),
)
