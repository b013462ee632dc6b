"""Snakemake script of rule `multiclass_tables`: class clusters, difference maps, top classes."""

import pandas as pd

from deepresolve.analyses.multiclass import cluster_classes, feature_top_classes
from deepresolve.core.files import made_by, read_tsv
from deepresolve.core.logs import setup_logging
from deepresolve.method.niv_tables import read_oniv_table
from deepresolve.method.similarity import class_difference_maps
from deepresolve.models.deepsea import read_class_names

setup_logging(snakemake.log[0])
table = read_class_names(snakemake.input.class_names, n_classes=None, warn_placeholders=False)
labels = table["label"].tolist()
with made_by("multiclass_oniv"):
    similarity = read_tsv(snakemake.input.similarity, index_col=0)
    oniv = read_oniv_table(read_tsv(snakemake.input.oniv))[0]
_, clusters = cluster_classes(
    similarity.to_numpy(),
    labels,
    method=snakemake.params.method,
    n_clusters=snakemake.params.n_clusters,
)
clusters.join(table[["cell", "assay", "treatment", "group"]], on="class_index").to_csv(
    snakemake.output.clusters, sep="\t", index=False
)
pairs = snakemake.params.pairs
differences = (
    class_difference_maps(oniv, pairs, labels)
    if pairs
    else pd.DataFrame(columns=["pair", "class_a", "class_b", "neuron", "difference"])
)
differences.to_csv(snakemake.output.differences, sep="\t", index=False)
feature_top_classes(oniv, labels, top=snakemake.params.top).to_csv(
    snakemake.output.feature_top_classes, sep="\t", index=False
)
