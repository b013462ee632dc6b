"""Snakemake script of rule `table1_methods`: Table 1's four methods on the experiments with
sequences, beside the paper's counts."""

import logging
from pathlib import Path

import pandas as pd

from deepresolve.attribution import ENHANCED_DEEPMOTIF
from deepresolve.chipseq import split_excluded
from deepresolve.device import configure_tensorflow
from deepresolve.files import made_by, read_json, read_tsv
from deepresolve.logs import setup_logging
from deepresolve.table1 import experiment_detail, summarise, to_markdown

setup_logging(snakemake.log[0])
configure_tensorflow(snakemake.threads)
with made_by("chipseq_methods"):
    everything = [read_json(p) for p in snakemake.input.evaluations]
    # experiments excluded for their test AUC (chipseq.auc_failure: exclude) count nowhere
    evaluations, excluded = split_excluded(everything)
    counted = {e["experiment"] for e in evaluations}
    ranked = pd.concat(
        [
            read_tsv(p, keep_default_na=False)
            for p, e in zip(snakemake.input.ranked, everything, strict=True)
            if e["experiment"] in counted
        ],
        ignore_index=True,
    )
tables, details = [], []
for method, rows in ranked.groupby("method", sort=False):
    detail = experiment_detail(rows)
    details.append(detail.assign(method=method))
    ranks_pwms = method == ENHANCED_DEEPMOTIF
    label = "random PWM order" if ranks_pwms else "random filter order"
    tables.append(summarise(detail, method=method, random_label=label))
# the random filter order is the same for the three filter-ranking methods: keep it once
table = pd.concat(tables, ignore_index=True).drop_duplicates(ignore_index=True)
table.to_csv(snakemake.output.tsv, sep="\t", index=False)
pd.concat(details, ignore_index=True).to_csv(snakemake.output.detail, sep="\t", index=False)
models = "; ".join(
    f"{e['experiment']} ({e['model']} model, test AUC {e['test_auc']:.3f} on {e['n_test']})"
    for e in evaluations
)
notes = {
    "experiments": models,
    **({"excluded": excluded} if excluded else {}),
    "enhanced DeepMotif": "its 5 PWMs, best class score first, take the place of ranked filters",
}
Path(snakemake.output.md).write_text(to_markdown(table, notes))
logging.getLogger("table1_methods").info("\n%s", table.to_string(index=False))
