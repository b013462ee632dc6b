"""Snakemake script of rule `known_motif_file`: one experiment's known motifs as a MEME file."""

from deepresolve.logs import setup_logging
from deepresolve.motifs import write_meme
from deepresolve.tf_models import read_motif_collection

setup_logging(snakemake.log[0])
collection = read_motif_collection(snakemake.input[0])
known = collection.known(snakemake.wildcards.experiment)
write_meme(
    snakemake.output[0],
    list(known.values()),
    list(known),
    nsites=[collection.nsites[i] for i in known],
)
