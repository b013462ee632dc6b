"""Snakemake script of rule `known_motifs`: JASPAR CORE vertebrates and the Table 1 TFs' IDs."""

import logging

from deepresolve.device import configure_tensorflow
from deepresolve.jaspar import fetch_motifs, read_tf_motifs
from deepresolve.logs import setup_logging
from deepresolve.tf_models import build_motif_collection, write_motif_collection

setup_logging(snakemake.log[0])
configure_tensorflow(snakemake.threads)
log = logging.getLogger("known_motifs")
table = read_tf_motifs(snakemake.input.tf_motifs)
release = table["jaspar_release"].iloc[0]
collection = build_motif_collection(
    table, snakemake.params.experiments, snakemake.params.selection, fetch_motifs(release)
)
log.info(
    "%d experiments, %d JASPAR CORE vertebrates matrices (%s), known motifs: %s",
    len(collection.experiments),
    len(collection.pwms),
    release,
    snakemake.params.selection,
)
write_motif_collection(snakemake.output[0], collection)
