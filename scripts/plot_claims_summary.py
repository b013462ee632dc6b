"""Snakemake script of rule `claims_figure`: claims x datasets across replicate networks."""

import pandas as pd

from deepresolve.claims_plot import figure_claims_summary
from deepresolve.logs import setup_logging

setup_logging(snakemake.log[0])
claims = pd.read_csv(snakemake.input.claims, sep="\t")
replicates = pd.read_csv(snakemake.input.replicates, sep="\t")
figure = figure_claims_summary(
    claims, replicates, title="Synthetic datasets I-IV: the paper's claims on replicate networks"
)
figure.savefig(snakemake.output.png, dpi=150, bbox_inches="tight")
figure.savefig(snakemake.output.pdf, bbox_inches="tight")
