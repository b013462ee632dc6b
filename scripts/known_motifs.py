"""Snakemake script of rule `known_motifs`: JASPAR CORE vertebrates and the Table 1 TFs' IDs."""

import logging

from deepresolve.analyses.tf_models import tf_motif_collection, write_motif_collection
from deepresolve.core.logs import setup_logging

setup_logging(snakemake.log[0])
log = logging.getLogger("known_motifs")
collection = tf_motif_collection(
    snakemake.input.tf_motifs, snakemake.params.experiments, snakemake.params.selection
)
log.info(
    "%d experiments, %d JASPAR CORE vertebrates matrices (%s), known motifs: %s",
    len(collection.experiments),
    len(collection.pwms),
    collection.release,
    snakemake.params.selection,
)
write_motif_collection(snakemake.output[0], collection)
