"""Snakemake script of rule `probe_figure`: every replicate network of one dataset probed."""

from deepresolve.core.files import made_by, read_json
from deepresolve.core.logs import setup_logging
from deepresolve.figures.claims import figure_probe

setup_logging(snakemake.log[0])
with made_by("claims"):
    records = [read_json(path) for path in snakemake.input.claims]
dataset = snakemake.wildcards.dataset
figure = figure_probe(
    records, title=f"Dataset {dataset}: how each replicate network computes its logic"
)
figure.savefig(snakemake.output.png, dpi=150, bbox_inches="tight")
figure.savefig(snakemake.output.pdf, bbox_inches="tight")
