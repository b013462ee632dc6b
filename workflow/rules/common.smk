import shlex
import sys
from pathlib import Path

from snakemake.utils import validate

from deepresolve.config import check_config, model_config
from deepresolve.tomtom import MEME_CONTAINER, tomtom_command

try:
    check_config(config, Path(workflow.basedir) / "workflow/schemas/config.schema.yaml")
except ValueError as error:
    sys.exit(f"Error in the workflow config: {error}")
validate(config, "../schemas/config.schema.yaml")

DATASETS = config["datasets"]


def table1_experiments():
    """Experiments of config ``table1.experiments`` ("all" = every one with a known motif)."""
    import pandas as pd

    table = pd.read_csv(
        "config/tf_motifs.tsv", sep="\t", dtype=str, keep_default_na=False
    )
    usable = table.loc[table["jaspar_ids"] != "", "experiment"].tolist()
    wanted = config["table1"]["experiments"]
    if wanted == "all":
        return usable
    unknown = [e for e in wanted if e not in set(table["experiment"])]
    if unknown:
        sys.exit(
            f"Error in the workflow config: table1.experiments {unknown} are not among the 422 "
            "published models (config/tf_motifs.tsv lists them, e.g. "
            f"{usable[0]})"
        )
    no_motif = [e for e in wanted if e not in usable]
    if no_motif:
        sys.exit(
            f"Error in the workflow config: table1.experiments {no_motif} have no JASPAR motif"
        )
    return list(wanted)


TABLE1_EXPERIMENTS = table1_experiments()


def table1_no_motif():
    """(experiment, reason) of the published models left out of "all" for want of a motif."""
    import pandas as pd

    if config["table1"]["experiments"] != "all":
        return []
    table = pd.read_csv(
        "config/tf_motifs.tsv", sep="\t", dtype=str, keep_default_na=False
    )
    missing = table[table["jaspar_ids"] == ""]
    return [[row.experiment, row.reason] for row in missing.itertuples()]


def table1_batches():
    """TABLE1_EXPERIMENTS cut into batches of table1.batch_size, one job each."""
    size = config["table1"]["batch_size"]
    return [
        TABLE1_EXPERIMENTS[start : start + size]
        for start in range(0, len(TABLE1_EXPERIMENTS), size)
    ]


TABLE1_BATCHES = table1_batches()
BATCH_OF = {e: b for b, batch in enumerate(TABLE1_BATCHES) for e in batch}


def batch_models(wildcards):
    """Model files of the experiments of one Table 1 batch."""
    experiments = TABLE1_BATCHES[int(wildcards.batch)]
    folder = "resources/published_models/{experiment}"
    return {
        "architectures": expand(
            f"{folder}/16_G_best_archit.json", experiment=experiments
        ),
        "weights": expand(
            f"{folder}/16_G_bestmodel_weights.h5", experiment=experiments
        ),
    }


wildcard_constraints:
    dataset="|".join(["I", "II", "III", "IV"]),
    experiment=r"wgEncodeAwgTfbs\w+UniPk",
    batch=r"\d+",


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
    if TABLE1_EXPERIMENTS:
        targets += ["results/table1/table1.tsv", "results/table1/table1.md"]
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


def shell_command(arguments):
    """An argument list as one shell-quoted command line."""
    return " ".join(shlex.quote(str(a)) for a in arguments)


def table1_meme_tables(wildcards):
    """MEME Suite tomtom tables that Table 1 reads (none unless table1.tomtom_engine is meme)."""
    if config["table1"]["tomtom_engine"] != "meme":
        return []
    return expand(
        "results/table1/tomtom_meme/{experiment}/tomtom.tsv",
        experiment=TABLE1_EXPERIMENTS,
    )
