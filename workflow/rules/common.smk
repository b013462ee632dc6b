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


def all_targets(wildcards):
    targets = []
    for dataset in DATASETS:
        targets += [
            f"results/synthetic/{dataset}/dataset.npz",
            f"results/synthetic/{dataset}/metrics.json",
        ]
    return targets
