"""Snakemake script of rule `probe_figure`: every replicate network of one dataset probed."""

from deepresolve.claims_plot import figure_probe
from deepresolve.files import made_by, read_json
from deepresolve.logs import setup_logging

setup_logging(snakemake.log[0])
with made_by("claims"):
    records = [read_json(path) for path in snakemake.input.claims]
dataset = snakemake.wildcards.dataset
figure = figure_probe(
    records, title=f"Dataset {dataset}: how each replicate network computes its logic"
)
figure.savefig(snakemake.output.png, dpi=150, bbox_inches="tight")
figure.savefig(snakemake.output.pdf, bbox_inches="tight")
