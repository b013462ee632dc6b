"""Snakemake script of rule `download_authors_oniv`: the authors' 422-ONIV.pkl, verified."""

import logging

from deepresolve.core.logs import setup_logging
from deepresolve.datasets.download import fetch

setup_logging(snakemake.log[0])
log = logging.getLogger("download")
settings = snakemake.params.settings
path = fetch(
    settings["url"],
    snakemake.output[0],
    sha256=settings["sha256"],
    mirror=settings["mirror"],
    mirror_relpath="422-ONIV.pkl",
)
log.info("%s  %s (from %s)", settings["sha256"], path, settings["mirror"] or settings["url"])
