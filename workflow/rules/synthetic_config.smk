# Synthetic datasets I-IV (config keys datasets, synthetic, model, deepresolve): checks before any
# job and the input functions of simulate, train, fim, oniv, claims and the figures.
from deepresolve.config.validate import layer_problems

DATASETS = config["datasets"]


def check_synthetic_classes():
    """Every class of every dataset run gets positives and negatives in its test part (else
    its test AUC is NaN); fails before any job naming the key."""
    from deepresolve.datasets.synthetic import class_problems

    problems = [
        line
        for dataset in DATASETS
        for line in class_problems(
            dataset, config["synthetic"][dataset], config["training"]["test_fraction"]
        )
    ]
    if problems:
        sys.exit("Error in the workflow config:\n  " + "\n  ".join(problems))


check_synthetic_classes()

LAYER_PROBLEMS = layer_problems(config)
if LAYER_PROBLEMS:
    sys.exit("Error in the workflow config:\n  " + "\n  ".join(LAYER_PROBLEMS))


def dataset_spec(dataset):
    from deepresolve.datasets.synthetic import DATASETS as SPECS

    return SPECS[dataset]


def dataset_patterns(dataset):
    return list(dataset_spec(dataset).patterns)


def dataset_class_names(dataset):
    return list(dataset_spec(dataset).class_patterns)


def dataset_figures(dataset):
    """The paper-style figures that make sense for a dataset's number of classes."""
    if len(dataset_class_names(dataset)) == 1:
        return ["niv_runs", "oniv"]
    return ["class_nivs", "oniv", "similarity"]


def replicates(dataset):
    """Replicate networks of a dataset: 0 .. synthetic.<dataset>.replicates - 1."""
    return list(range(config["synthetic"][dataset]["replicates"]))


def replicate_folders(dataset):
    return [f"results/synthetic/{dataset}/rep{r}" for r in replicates(dataset)]


def synthetic_targets():
    """Every replicate's metrics, tables and figures; the per-dataset probe figures; the
    cross-replicate claim tables and summary figure."""
    targets = [
        "results/synthetic/claims.tsv",
        "results/synthetic/replicates.tsv",
        "results/synthetic/figures/claims_summary.png",
    ]
    for dataset in DATASETS:
        targets.append(f"results/synthetic/{dataset}/figures/probe.png")
        for folder in replicate_folders(dataset):
            targets += [
                f"{folder}/metrics.json",
                f"{folder}/similarity.tsv",
                f"{folder}/filters.meme",
            ]
            targets += expand(
                "{folder}/figures/{figure}.{ext}",
                folder=folder,
                figure=dataset_figures(dataset),
                ext=["png", "pdf"],
            )
    return targets


FIGURE_RULE_INPUT = {
    "niv": "results/synthetic/{dataset}/rep{replicate}/niv.tsv",
    "oniv": "results/synthetic/{dataset}/rep{replicate}/oniv.tsv",
    "model": "results/synthetic/{dataset}/rep{replicate}/model.keras",
}


def figure_output(kind):
    """PNG (in the report) and PDF of one paper-style figure of one replicate network."""
    folder = "results/synthetic/{dataset}/rep{replicate}/figures"
    png = report(
        f"{folder}/{kind}.png",
        caption=f"../report/figure_{kind}.rst",
        category="Dataset {dataset}",
        subcategory="Figures, replicate {replicate}",
    )
    return {f"{kind}_png": png, f"{kind}_pdf": f"{folder}/{kind}.pdf"}
