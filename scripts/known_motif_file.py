"""Snakemake script of rule `known_motif_file`: one experiment's known motifs as a MEME file."""

import json

import numpy as np

from deepresolve.logs import setup_logging
from deepresolve.motifs import write_meme

setup_logging(snakemake.log[0])
with open(snakemake.input[0]) as handle:
    known = json.load(handle)
ids = known["experiments"][snakemake.wildcards.experiment]
write_meme(
    snakemake.output[0],
    [np.asarray(known["matrices"][i]["pwm"]) for i in ids],
    ids,
    nsites=[known["matrices"][i]["nsites"] for i in ids],
)
