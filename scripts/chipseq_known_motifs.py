"""Snakemake script of rule `chipseq_known_motifs`: JASPAR and each experiment's TF matrices."""

import logging

from deepresolve.analyses.chipseq import tf_motif_rows
from deepresolve.analyses.tf_models import build_motif_collection, write_motif_collection
from deepresolve.core.logs import setup_logging
from deepresolve.motifs.jaspar import JASPAR_RELEASE, fetch_motifs

setup_logging(snakemake.log[0])
motifs = fetch_motifs(JASPAR_RELEASE)
table = tf_motif_rows(snakemake.params.tfs, motifs, JASPAR_RELEASE)
collection = build_motif_collection(
    table, list(snakemake.params.tfs), snakemake.params.selection, motifs
)
logging.getLogger("chipseq_known_motifs").info("%s", collection.experiments)
write_motif_collection(snakemake.output[0], collection)
