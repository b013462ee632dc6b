"""Snakemake script of rule `claims_figure`: claims x datasets across replicate networks."""

from deepresolve.core.files import made_by, read_tsv
from deepresolve.core.logs import setup_logging
from deepresolve.figures.claims import figure_claims_summary

setup_logging(snakemake.log[0])
with made_by("claims_summary"):
    claims = read_tsv(snakemake.input.claims)
    replicates = read_tsv(snakemake.input.replicates)
figure = figure_claims_summary(
    claims, replicates, title="Synthetic datasets I-IV: the paper's claims on replicate networks"
)
figure.savefig(snakemake.output.png, dpi=150, bbox_inches="tight")
figure.savefig(snakemake.output.pdf, bbox_inches="tight")
