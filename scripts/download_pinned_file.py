"""Snakemake script of rule `download_zeng_file`: one Zeng et al. motif_discovery file."""

import logging
from pathlib import Path

from deepresolve.download import fetch, read_checksums, sha256sum
from deepresolve.logs import setup_logging

setup_logging(snakemake.log[0])
log = logging.getLogger("download")
relpath = f"{snakemake.wildcards.zeng}/{snakemake.wildcards.part}.data"
expected = read_checksums(snakemake.input.checksums).get(relpath)
if expected is None:
    if snakemake.params.unpinned != "warn":
        raise ValueError(
            f"{relpath} has no checksum in {snakemake.input.checksums}: add its line, or set "
            "chipseq.zeng_unpinned: warn"
        )
    log.warning("%s is not pinned: downloading it unverified", relpath)
path = fetch(
    f"{snakemake.params.url.rstrip('/')}/{relpath}",
    Path(snakemake.output[0]),
    sha256=expected,
    mirror=snakemake.params.mirror,
    mirror_relpath=relpath,
)
log.info("%s  %s", sha256sum(path), relpath)
