"""Snakemake script of rule `known_motif_files`: every Table 1 experiment's known motifs as one
MEME file each (the targets of MEME Suite tomtom), in one job."""

import logging
from pathlib import Path

from deepresolve.analyses.tf_models import read_motif_collection
from deepresolve.core.files import made_by
from deepresolve.core.logs import setup_logging
from deepresolve.motifs.pwm import write_meme

setup_logging(snakemake.log[0])
log = logging.getLogger("known_motif_files")
with made_by("known_motifs"):
    collection = read_motif_collection(snakemake.input[0])
folder = Path(snakemake.output[0])
folder.mkdir(parents=True, exist_ok=True)
for experiment in snakemake.params.experiments:
    known = collection.known(experiment)
    write_meme(
        folder / f"{experiment}.meme",
        list(known.values()),
        list(known),
        nsites=[collection.nsites[i] for i in known],
    )
log.info("%d experiments' known motifs in %s", len(snakemake.params.experiments), folder)
