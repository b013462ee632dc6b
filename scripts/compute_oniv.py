"""Snakemake script of rule `oniv`: NIVs, variance, ONIV and class similarity from the FIMs."""

import logging

import pandas as pd

from deepresolve.core.files import made_by
from deepresolve.core.logs import setup_logging
from deepresolve.method.fim_result import FIMResult
from deepresolve.method.importance import niv, oniv
from deepresolve.method.niv_tables import niv_table, oniv_table
from deepresolve.method.similarity import class_similarity

setup_logging(snakemake.log[0])
log = logging.getLogger("oniv")

with made_by("fim"):
    result = FIMResult.load(snakemake.input.fim)
class_names = snakemake.params.class_names
nivs = niv(result.fims)
summary = oniv(nivs, result.scores, mode=snakemake.params.mode)
log.info("ONIV mode %s; non-linear neurons per class: %s", summary.mode, summary.nonlinear.sum(1))

niv_table(nivs, result.scores, class_names).to_csv(snakemake.output.niv, sep="\t", index=False)
table = oniv_table(summary.oniv, summary.variance, summary.nonlinear, class_names)
table.to_csv(snakemake.output.oniv, sep="\t", index=False)
similarity = pd.DataFrame(class_similarity(summary.oniv), index=class_names, columns=class_names)
similarity.to_csv(snakemake.output.similarity, sep="\t")
