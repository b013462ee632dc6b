"""Snakemake script of rules `download_zeng_file` and `download_deepbind_file`: one file of a
pinned public collection (``<url>/<relpath>``), checked against its committed SHA-256, taken
from the mirror folder (same layout) when that holds it."""

import logging
from pathlib import Path

from deepresolve.core.logs import setup_logging
from deepresolve.datasets.download import fetch, read_checksums, sha256sum

setup_logging(snakemake.log[0])
log = logging.getLogger("download")
relpath = snakemake.params.relpath
expected = read_checksums(snakemake.input.checksums).get(relpath)
if expected is None:
    if snakemake.params.unpinned != "warn":
        raise ValueError(
            f"{relpath} has no checksum in {snakemake.input.checksums}: add its line, or set "
            f"{snakemake.params.unpinned_key}: warn"
        )
    if snakemake.input.mirror:
        log.warning(
            "%s is not pinned: copying it unverified from %s", relpath, *snakemake.input.mirror
        )
    else:
        log.warning("%s is not pinned: downloading it unverified", relpath)
path = fetch(
    f"{snakemake.params.url.rstrip('/')}/{relpath}",
    Path(snakemake.output[0]),
    sha256=expected,
    mirror=snakemake.params.mirror,
    mirror_relpath=relpath,
)
log.info("%s  %s", sha256sum(path), relpath)
