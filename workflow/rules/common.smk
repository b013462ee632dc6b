import sys
from pathlib import Path

from snakemake.utils import validate

from deepresolve.config import check_config, model_config

try:
    check_config(config, Path(workflow.basedir) / "workflow/schemas/config.schema.yaml")
except ValueError as error:
    sys.exit(f"Error in the workflow config: {error}")
validate(config, "../schemas/config.schema.yaml")

DATASETS = config["datasets"]


wildcard_constraints:
    dataset="|".join(["I", "II", "III", "IV"]),


def gpu_resources():
    """``gpu`` resource for the jobs that can use one, when the config enables GPUs."""
    return {"gpu": config["gpu"]["per_job"]} if config["gpu"]["enabled"] else {}


def dataset_spec(dataset):
    from deepresolve.synthetic import DATASETS as SPECS

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


def all_targets(wildcards):
    targets = ["results/synthetic/claims.tsv"]
    for dataset in DATASETS:
        folder = f"results/synthetic/{dataset}"
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
