# ChIP-seq experiments (config key chipseq.experiments): checked before any job, and the input
# functions of chipseq.smk.
from deepresolve.config.chipseq import read_deepbind_models

CHIPSEQ = config["chipseq"]["experiments"]

# DeepBind ENCODE set -> the published model of its experiment

DEEPBIND_MODELS = workflow_file(
    "config/deepbind_encode.tsv", read_deepbind_models, "chipseq.experiments"
)

# experiments of Table 1's four-method comparison (the others are trained and evaluated only)
CHIPSEQ_TABLE1 = [n for n, spec in CHIPSEQ.items() if spec.get("in_table1", True)]


def check_chipseq_experiments():
    """Every experiment names what its source needs, its files are pinned, its TF has a JASPAR
    matrix (aliases resolved, close names suggested); fails before any job. Returns
    experiment -> JASPAR symbol of the Table 1 experiments."""
    from deepresolve.config.chipseq import experiment_problems
    from deepresolve.datasets.download import read_checksums

    problems, tfs = experiment_problems(
        CHIPSEQ,
        config["chipseq"],
        published_tfs=dict(zip(TF_MOTIFS["experiment"], TF_MOTIFS["tf"])),
        zeng_pinned=workflow_file(
            "config/zeng_motif_discovery.sha256", read_checksums, "chipseq.experiments"
        ),
        deepbind_pinned=workflow_file(
            "config/deepbind_encode.sha256", read_checksums, "chipseq.experiments"
        ),
        deepbind_models=DEEPBIND_MODELS,
    )
    if problems:
        sys.exit(
            "Error in the workflow config, chipseq.experiments:\n  "
            + "\n  ".join(problems)
        )
    return tfs


CHIPSEQ_TFS = check_chipseq_experiments()


def chipseq_inputs(wildcards):
    """Files behind one experiment's sequences (deepresolve.config.chipseq.experiment_inputs)."""
    from deepresolve.config.chipseq import experiment_inputs

    return experiment_inputs(wildcards.chip, CHIPSEQ[wildcards.chip])


def chipseq_model(wildcards):
    """The model one experiment's methods run on: published (Keras 1 files) or trained here."""
    from deepresolve.config.chipseq import published_experiment

    spec = CHIPSEQ[wildcards.chip]
    if spec["model"] == "published":
        return published_model_inputs(
            published_experiment(wildcards.chip, spec, DEEPBIND_MODELS)
        )
    return [f"results/chipseq/{wildcards.chip}/model.keras"]


def chipseq_fim(wildcards):
    """FIM settings of one ChIP-seq experiment's model: a published model takes Table 1's
    (table1.fim), a model trained here chipseq.fim."""
    published = CHIPSEQ[wildcards.chip]["model"] == "published"
    return fim_settings(config, "table1" if published else "chipseq")


def chipseq_tfs():
    """Experiment -> JASPAR symbol of the Table 1 experiments (checked at DAG time)."""
    return {name: CHIPSEQ_TFS[name] for name in CHIPSEQ_TABLE1}


def chipseq_targets():
    """Table 1's four-method table and every trained experiment's test AUC (chipseq.experiments)."""
    targets = []
    if CHIPSEQ_TABLE1:
        targets += [f"{METHODS_FOLDER}/table.tsv", f"{METHODS_FOLDER}/table.md"]
    targets += [
        f"results/chipseq/{name}/metrics.json"
        for name, spec in CHIPSEQ.items()
        if spec["model"] == "trained"
    ]
    return targets
