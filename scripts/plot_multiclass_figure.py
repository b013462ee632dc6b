"""Snakemake script of rule `multiclass_figure`: Figures 7-8, class differences (PNG + PDF)."""

from deepresolve.analyses.multiclass import bicluster, cluster_classes, dnase_block
from deepresolve.core.files import made_by, read_tsv
from deepresolve.core.logs import setup_logging
from deepresolve.figures.multiclass import (
    figure_class_clustering,
    figure_class_differences,
    figure_dnase_bicluster,
    figure_similarity_matrix,
    figure_strong_correlation_counts,
)
from deepresolve.models.deepsea import read_class_names

setup_logging(snakemake.log[0])
kind = snakemake.wildcards.mc_figure
name = snakemake.wildcards.mc
table = read_class_names(snakemake.input.class_names, n_classes=None, warn_placeholders=False)
inputs = snakemake.input.keys()
with made_by("multiclass_oniv"):
    similarity = read_tsv(snakemake.input.similarity, index_col=0).to_numpy()
with made_by("multiclass_dnase"):
    counts = read_tsv(snakemake.input.counts, index_col=0) if "counts" in inputs else None
with made_by("multiclass_tables"):
    differences = read_tsv(snakemake.input.differences) if "differences" in inputs else None
threshold = snakemake.params.threshold
if kind == "similarity":
    fig = figure_similarity_matrix(similarity, table, title=f"{name}: class similarity")
elif kind == "clustering":
    linkage, _ = cluster_classes(
        similarity,
        table["label"],
        method=snakemake.params.method,
        n_clusters=snakemake.params.n_clusters,
    )
    fig = figure_class_clustering(
        similarity,
        table,
        linkage,
        title=f"{name}: classes clustered on 1 - similarity ({snakemake.params.method} linkage)",
    )
elif kind == "dnase_bicluster":
    fig = figure_dnase_bicluster(
        bicluster(dnase_block(similarity, table)),
        table,
        title=f"{name}: DNase x TF / histone mark class similarity, bi-clustered",
    )
elif kind == "strong_correlations":
    clustering = bicluster(dnase_block(similarity, table))
    fig = figure_strong_correlation_counts(
        counts,
        threshold,
        order=clustering.block.columns,
        title=f"{name}: DNase experiments strongly correlated with each TF / histone experiment",
    )
else:
    fig = figure_class_differences(differences, title=f"{name}: class difference maps")
fig.savefig(snakemake.output.png, dpi=150)
fig.savefig(snakemake.output.pdf)
