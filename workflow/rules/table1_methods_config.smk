# Table 1's four methods (config key table1_methods): experiments with sequences, eDM batches,
# the folder of this config's table, and the input functions of table1_methods.smk.
# Table 1's four methods (workflow/rules/table1_methods.smk)
TABLE1_METHODS = config["table1_methods"]


def table1_sequence_experiments():
    """Experiments of table1_methods.sequences that are in table1.experiments (and the eDM
    settings checked before any job)."""
    edm = TABLE1_METHODS["deepmotif"]
    if edm["n_best"] > edm["n_runs"]:
        sys.exit(
            f"Error in the workflow config: table1_methods.deepmotif.n_best ({edm['n_best']}) "
            f"is more than n_runs ({edm['n_runs']}); raise n_runs or lower n_best"
        )
    specs = TABLE1_METHODS["sequences"]
    unknown = [e for e in specs if e not in set(TF_MOTIFS["experiment"])]
    if unknown:
        sys.exit(
            f"Error in the workflow config: table1_methods.sequences {unknown} are not among "
            "the 422 published models (config/tf_motifs.tsv lists them)"
        )
    return [e for e in specs if e in set(TABLE1_EXPERIMENTS)]


TABLE1_SEQUENCE_EXPERIMENTS = table1_sequence_experiments()

EDM_BATCHES = [
    TABLE1_EXPERIMENTS[start : start + TABLE1_METHODS["batch_size"]]
    for start in range(0, len(TABLE1_EXPERIMENTS), TABLE1_METHODS["batch_size"])
]


def methods_folder():
    """Folder of the four-method table of this config's experiments: results/table1/methods/
    <run_name>, or, with run_name null, a name made from the set of experiments. Aggregates
    belong to the experiments that made them: a config with other experiments writes its own
    folder, never this one's, so switching back reruns nothing."""
    from deepresolve.config.validate import experiment_set_name

    if config["run_name"] is not None:
        name = config["run_name"]
    else:
        name = experiment_set_name(
            {
                "table1.experiments": TABLE1_EXPERIMENTS,
                "table1_methods.sequences": TABLE1_SEQUENCE_EXPERIMENTS,
                "chipseq.experiments": CHIPSEQ_TABLE1,
            }
        )
    return f"results/table1/methods/{name}"


METHODS_FOLDER = methods_folder()


def table1_methods_inputs(wildcards):
    """Per-experiment results of the four methods: the published models of table1.experiments
    (DeepResolve's rows of rule table1, eDM batches, Grad-CAM and gradient x input on the
    experiments with sequences, matching and lambda curve for the protocol rows) and the
    ChIP-seq experiments of chipseq.experiments (rule chipseq_methods); an error naming both
    keys when both are empty."""
    if not (TABLE1_EXPERIMENTS or CHIPSEQ_TABLE1):
        raise WorkflowError(
            "target 'table1_methods' has nothing to build: config keys table1.experiments and "
            "chipseq.experiments (in_table1) are both empty; give a config that sets one, e.g. "
            "`snakemake table1_methods --cores 2 --configfile config/chipseq.yaml`"
        )
    batches = range(len(EDM_BATCHES))
    published = bool(TABLE1_EXPERIMENTS)
    return {
        "dr_detail": ["results/table1/detail.tsv"] if published else [],
        "edm_ranked": expand(
            "results/table1/deepmotif/{batch}/ranked_pwms.tsv", batch=batches
        ),
        "edm_excluded": expand(
            "results/table1/deepmotif/{batch}/excluded.tsv", batch=batches
        ),
        "authors_edm_ranked": expand(
            "results/table1/authors_deepmotif/{batch}/ranked_pwms.tsv", batch=batches
        ),
        "authors_edm_runs": expand(
            "results/table1/authors_deepmotif/{batch}/runs.tsv", batch=batches
        ),
        "matching": ["results/table1/matching.tsv"] if published else [],
        "lambda_curve": ["results/table1/lambda_curve.tsv"] if published else [],
        "gradients": expand(
            "results/table1/gradients/{experiment}/ranked_filters.tsv",
            experiment=TABLE1_SEQUENCE_EXPERIMENTS,
        ),
        "summaries": expand(
            "results/table1/gradients/{experiment}/summary.json",
            experiment=TABLE1_SEQUENCE_EXPERIMENTS,
        ),
        "chipseq_ranked": expand(
            "results/chipseq/{chip}/methods_ranked.tsv", chip=CHIPSEQ_TABLE1
        ),
        "chipseq_evaluations": expand(
            "results/chipseq/{chip}/evaluation.json", chip=CHIPSEQ_TABLE1
        ),
    }


def edm_batch_models(wildcards):
    """Model files of the experiments of one enhanced-DeepMotif batch."""
    files = [published_model_paths(e) for e in EDM_BATCHES[int(wildcards.batch)]]
    return {
        "architectures": [json for json, _ in files],
        "weights": [h5 for _, h5 in files],
    }


def gradient_inputs(wildcards):
    """Model, labelled sequences (AUC), positive pool, and DeepResolve's TOMTOM tables of the
    experiment's filters (its table1_batch)."""
    spec = TABLE1_METHODS["sequences"][wildcards.experiment]
    batch = f"results/table1/batches/{BATCH_OF[wildcards.experiment]}"
    inputs = {
        "model": published_model_paths(wildcards.experiment),
        "hits": f"{batch}/hits.tsv",
        "jaspar": f"{batch}/jaspar_hits.tsv",
        "motifs": "results/table1/known_motifs.json",
    }
    if spec["source"] == "zeng":
        inputs["labelled"] = (
            f"resources/zeng/{wildcards.experiment}/{spec['part']}.data"
        )
    else:
        inputs["labelled"] = f"resources/deepbind/{spec['name']}_B.seq.gz"
        if TABLE1_METHODS["deepbind_positives"] == "AC":
            inputs["pool"] = f"resources/deepbind/{spec['name']}_AC.seq.gz"
    return inputs


def positive_pool_label(wildcards):
    spec = TABLE1_METHODS["sequences"][wildcards.experiment]
    if spec["source"] == "zeng":
        return f"zeng {spec['part']}.data positives"
    return f"deepbind {TABLE1_METHODS['deepbind_positives']} positives"
