"""Snakemake script of rule `multitask_check`: the pre-stated check
(deepresolve.analyses.family_check)
on every replicate's non-negative-ONIV class similarity and on the last-layer-weight
baselines; per-output test AUCs; how each seed's training ended (a warning when the epoch cap,
not early stopping, ended one); the figure of all pair similarities."""

import json

import pandas as pd

from deepresolve.analyses.family_check import check_similarity
from deepresolve.analyses.multitask import how_training_ended
from deepresolve.core.device import configure_tensorflow
from deepresolve.core.files import atomic_write, made_by, read_json, read_tsv
from deepresolve.core.logs import setup_logging
from deepresolve.figures.multiclass import figure_pair_similarities
from deepresolve.method.niv_tables import read_oniv_table
from deepresolve.method.similarity import figure6_matrices
from deepresolve.models.cnn import load_model
from deepresolve.models.deepsea import read_class_names
from deepresolve.models.weights import output_kernel

setup_logging(snakemake.log[0])
configure_tensorflow(snakemake.threads)
check = snakemake.params.check
table = read_class_names(snakemake.input.class_names, n_classes=None)
labels = table["label"].tolist()
tfs = table["assay"].tolist()
with made_by("multiclass_oniv"):
    onivs = [read_oniv_table(read_tsv(path))[0] for path in snakemake.input.onivs]
with made_by("multitask_train"):
    kernels = [output_kernel(load_model(path, compile=False)) for path in snakemake.input.models]
    all_metrics = [read_json(path) for path in snakemake.input.metrics]
claims, pairs, aucs = [], [], []
runs = {}  # seed -> metrics of its training
for seed, oniv, kernel, metrics in zip(
    snakemake.params.seeds, onivs, kernels, all_metrics, strict=True
):
    matrices = figure6_matrices(oniv, kernel)
    for method in check["methods"]:
        summary, pair_table = check_similarity(
            matrices[method],
            labels,
            tfs,
            families=check["families"],
            n_permutations=check["n_permutations"],
            alpha=check["alpha"],
            seed=snakemake.params.seed,
        )
        claims.append({"replicate": seed, "method": method, **summary})
        pairs.append(pair_table.assign(replicate=seed, method=method))
    aucs += [
        {"replicate": seed, "class_name": label, "experiment": name, "test_auc": auc}
        for label, (name, auc) in zip(labels, metrics["test_auc"].items(), strict=True)
    ]
    runs[seed] = metrics
claims = pd.DataFrame(claims)
verdicts = {
    method: {
        "passed_replicates": int(group["passed"].sum()),
        "replicates": len(group),
        "rate": float(group["passed"].mean()),
        "passed": bool(group["passed"].all()),
    }
    for method, group in claims.groupby("method", sort=False)
}
with atomic_write(snakemake.output.json) as stream:
    json.dump(
        {
            "claim": check["claim"],
            "criterion": (
                f"permutation p-value <= {check['alpha']} ({check['n_permutations']} class "
                "relabellings, statistic = mean similarity of the designated pairs) in every "
                "replicate"
            ),
            "families": check["families"],
            "verdicts": verdicts,
            "replicates": claims.to_dict(orient="records"),
        },
        stream,
        indent=2,
    )
flat = claims.drop(columns="designated_ranks").assign(
    designated_ranks=[
        "; ".join(f"{pair}: {rank}" for pair, rank in ranks.items())
        for ranks in claims["designated_ranks"]
    ]
)
flat.to_csv(snakemake.output.tsv, sep="\t", index=False)
pairs = pd.concat(pairs, ignore_index=True)
pairs.to_csv(snakemake.output.pairs, sep="\t", index=False)
aucs = pd.DataFrame(aucs)
order = list(dict.fromkeys(aucs["experiment"]))  # output order
aucs.pivot(index=["experiment", "class_name"], columns="replicate", values="test_auc").reindex(
    order, level="experiment"
).to_csv(snakemake.output.auc, sep="\t")
how_training_ended(runs).to_csv(snakemake.output.training, sep="\t", index=False)
figure = figure_pair_similarities(pairs, claims)
figure.savefig(snakemake.output.png, dpi=150)
figure.savefig(snakemake.output.pdf)
