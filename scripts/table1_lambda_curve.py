"""Snakemake script of rule `table1_lambda_curve`: Table 1's DeepResolve row and the agreement
with the authors' ONIVs for each lambda point, as a table and a figure."""

import logging

from deepresolve.analyses.lambda_curve import curve_table
from deepresolve.analyses.reference import read_authors_oniv
from deepresolve.analyses.table1 import read_rankings
from deepresolve.core.files import atomic_write, made_by, read_tsv
from deepresolve.core.logs import setup_logging
from deepresolve.figures.table1 import plot_curve

setup_logging(snakemake.log[0])
log = logging.getLogger("table1_lambda_curve")
with made_by("table1_batch"):
    ranked = read_rankings(snakemake.input.rankings)
with made_by("table1_lambda_oniv"):
    onivs = [read_tsv(path) for path in snakemake.input.onivs]
authors = read_authors_oniv(snakemake.input.authors)["oniv"]
table = curve_table(snakemake.params.points, onivs, ranked, authors)
with atomic_write(snakemake.output.tsv, "w") as handle:
    table.to_csv(handle, sep="\t", index=False, float_format="%.6g")
figure = plot_curve(table)
for path in (snakemake.output.png, snakemake.output.pdf):
    figure.savefig(path, dpi=150)
log.info("\n%s", table.to_string(index=False))
