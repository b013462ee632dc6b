"""Snakemake script of rule `authors_oniv_agreement`: our ONIV of each published model against
the authors' own (statistics/422-ONIV.pkl), per model."""

import logging

from deepresolve.analyses.reference import agreement_summary, oniv_agreement, read_authors_oniv
from deepresolve.analyses.table1 import importance_by_experiment, read_rankings
from deepresolve.core.files import made_by
from deepresolve.core.logs import setup_logging

setup_logging(snakemake.log[0])
log = logging.getLogger("authors_oniv_agreement")
with made_by("table1_batch"):
    ranked = read_rankings(snakemake.input.rankings)
authors = read_authors_oniv(snakemake.input.authors)["oniv"]
agreement = oniv_agreement(importance_by_experiment(ranked), authors)
agreement.to_csv(snakemake.output[0], sep="\t", index=False, float_format="%.6g")
log.info("agreement with the authors' ONIVs: %s", agreement_summary(agreement))
