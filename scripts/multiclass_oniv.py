"""Snakemake script of rule `multiclass_oniv`: ONIVs and class similarity of all classes."""

import logging

import pandas as pd

from deepresolve.analyses.multiclass import chunk_nivs
from deepresolve.core.files import made_by
from deepresolve.core.logs import setup_logging
from deepresolve.method.importance import oniv
from deepresolve.method.niv_tables import oniv_table
from deepresolve.method.similarity import class_similarity
from deepresolve.models.deepsea import read_class_names

setup_logging(snakemake.log[0])
log = logging.getLogger("multiclass_oniv")

table = read_class_names(snakemake.input.class_names, n_classes=None, warn_placeholders=False)
labels = table["label"].tolist()
with made_by("fim_chunk"):
    nivs = chunk_nivs(list(snakemake.input.chunks))  # one chunk's FIMs in memory at a time
summary = oniv(nivs.nivs, nivs.scores, mode=snakemake.params.mode)
log.info("ONIV mode %s; %d classes, %d features", summary.mode, *summary.oniv.shape)
oniv_table(summary.oniv, summary.variance, summary.nonlinear, labels).to_csv(
    snakemake.output.oniv, sep="\t", index=False
)
pd.DataFrame(class_similarity(summary.oniv), index=labels, columns=labels).to_csv(
    snakemake.output.similarity, sep="\t"
)
