"""Snakemake script of rule `multiclass_dnase`: Figure 8's bi-clustered block and counts."""

from deepresolve.analyses.multiclass import (
    bicluster,
    dnase_block,
    factor_counts,
    strong_correlation_counts,
)
from deepresolve.core.files import made_by, read_tsv
from deepresolve.core.logs import setup_logging
from deepresolve.models.deepsea import read_class_names

setup_logging(snakemake.log[0])
table = read_class_names(snakemake.input.class_names, n_classes=None, warn_placeholders=False)
with made_by("multiclass_oniv"):
    similarity = read_tsv(snakemake.input.similarity, index_col=0).to_numpy()
block = dnase_block(similarity, table)
bicluster(block).block.to_csv(snakemake.output.block, sep="\t")
counts = strong_correlation_counts(block, snakemake.params.threshold, table)
counts.to_csv(snakemake.output.counts, sep="\t")
factor_counts(counts).to_csv(snakemake.output.factors, sep="\t")
