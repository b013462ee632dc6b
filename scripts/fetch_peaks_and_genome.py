"""Snakemake script of rule `fetch_peaks_and_genome`: an experiment's narrowPeak and genome,
copied or downloaded (checked when the config gives a SHA-256), gunzipped, genome indexed."""

import gzip
import logging
import shutil
import tempfile
from pathlib import Path

from deepresolve.core.files import atomic_write
from deepresolve.core.logs import setup_logging
from deepresolve.datasets.download import fetch
from deepresolve.datasets.fasta import IndexedFasta

setup_logging(snakemake.log[0])
log = logging.getLogger("fetch")
spec = snakemake.params.spec


def fetch_plain(source: str, sha256: str | None, dest: Path) -> None:
    """``source`` (path or URL) to ``dest``, decompressed when it is gzip."""
    with tempfile.TemporaryDirectory(dir=dest.parent) as tmp:
        raw = fetch(source, Path(tmp) / Path(source).name, sha256=sha256)
        with open(raw, "rb") as handle:
            gzipped = handle.read(2) == b"\x1f\x8b"
        with atomic_write(dest, "wb") as out, (gzip.open if gzipped else open)(raw, "rb") as src:
            shutil.copyfileobj(src, out)
    log.info("%s -> %s%s", source, dest, " (gunzipped)" if gzipped else "")


fetch_plain(spec["peaks"], spec.get("peaks_sha256"), Path(snakemake.output.peaks))
fetch_plain(spec["genome"], spec.get("genome_sha256"), Path(snakemake.output.genome))
with IndexedFasta(snakemake.output.genome) as genome:  # writes genome.fa.fai
    log.info("genome: %d sequences", len(genome.lengths))
if not Path(snakemake.output.index).exists():
    raise RuntimeError(f"no index written beside {snakemake.output.genome}")
