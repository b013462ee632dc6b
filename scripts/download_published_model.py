"""Snakemake script of rule `download_published_model`: one of the authors' 422 models, verified."""

import logging
from pathlib import Path

from deepresolve.download import fetch_published_model, read_checksums
from deepresolve.logs import setup_logging

setup_logging(snakemake.log[0])
log = logging.getLogger("download")
experiment = snakemake.wildcards.experiment
out_dir = Path(snakemake.output.architecture).parent.parent
paths = fetch_published_model(
    experiment,
    out_dir,
    read_checksums(snakemake.input.checksums),
    mirror=snakemake.params.mirror,
    base_url=snakemake.params.url,
)
log.info("%s: %s", experiment, ", ".join(str(p) for p in paths))
