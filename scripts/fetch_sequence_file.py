"""Snakemake script of rule `fetch_sequence_file`: one FASTA or target file given by URL."""

import logging

from deepresolve.core.logs import setup_logging
from deepresolve.datasets.download import fetch, sha256sum

setup_logging(snakemake.log[0])
log = logging.getLogger("fetch")
path = fetch(
    snakemake.params.source,
    snakemake.output[0],
    sha256=snakemake.params.sha256,
    mirror=snakemake.params.mirror,
)
log.info("%s  %s (from %s)", sha256sum(path), path, snakemake.params.source)
