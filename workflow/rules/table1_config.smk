# Table 1 on the 422 published models (config key table1): the experiments and their batches,
# checked before any job, and the input functions of table1.smk.
from deepresolve.motifs.tf_names import read_tf_motifs

# experiment -> TF -> JASPAR IDs of the 422 published models, read once for the DAG

TF_MOTIFS = workflow_file("config/tf_motifs.tsv", read_tf_motifs, "table1.experiments")


def published_model_paths(experiment):
    """The two files of one published model (JSON, HDF5) as download_published_model writes them."""
    folder = f"resources/published_models/{experiment}"
    return [f"{folder}/16_G_best_archit.json", f"{folder}/16_G_bestmodel_weights.h5"]


def published_model_inputs(experiment):
    """published_model_paths as inputs of the rules that read the model: ancient, since the
    files are pinned by their checksums, so their time stamps say nothing. A download job of
    another set of experiments that brings this model again (its batch holds a model missing
    here) then reruns no job of this set."""
    return [ancient(path) for path in published_model_paths(experiment)]


# the published models that have a JASPAR motif
TABLE1_USABLE = TF_MOTIFS.loc[TF_MOTIFS["jaspar_ids"] != "", "experiment"].tolist()


def table1_experiments():
    """Experiments of config ``table1.experiments`` ("all" = every one with a known motif)."""
    table = TF_MOTIFS
    usable = TABLE1_USABLE
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


def check_table1_mirrors():
    """A configured mirror folder that does not exist stops the run before any job (it would
    otherwise fall back to the network for every file, silently)."""
    uses_models = TABLE1_EXPERIMENTS or any(
        spec["model"] == "published"
        for spec in config["chipseq"]["experiments"].values()
    )
    mirrors = {
        "table1.models_mirror": (config["table1"]["models_mirror"], uses_models),
        "table1.authors_oniv.mirror": (
            config["table1"]["authors_oniv"]["mirror"],
            TABLE1_EXPERIMENTS,
        ),
    }
    for key, (mirror, used) in mirrors.items():
        if used and mirror is not None and not Path(mirror).exists():
            sys.exit(
                f"Error in the workflow config: {key} {mirror!r} does not exist (relative to "
                f"{Path.cwd()}). Point it at your local copy, or set it to null to download "
                "from the pinned address."
            )


check_table1_mirrors()


def table1_no_motif():
    """(experiment, reason) of the published models left out of "all" for want of a motif."""
    if config["table1"]["experiments"] != "all":
        return []
    missing = TF_MOTIFS[TF_MOTIFS["jaspar_ids"] == ""]
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
    files = [published_model_inputs(e) for e in TABLE1_BATCHES[int(wildcards.batch)]]
    return {
        "architectures": [json for json, _ in files],
        "weights": [h5 for _, h5 in files],
    }


def table1_meme_tables(wildcards):
    """MEME Suite tomtom tables that Table 1 reads (none unless table1.tomtom_engine is meme)."""
    if config["table1"]["tomtom_engine"] != "meme":
        return []
    return expand(
        "{folder}/tomtom_meme/{experiment}/tomtom.tsv",
        folder=TABLE1_FOLDER,  # table1_methods_config.smk
        experiment=TABLE1_EXPERIMENTS,
    )
