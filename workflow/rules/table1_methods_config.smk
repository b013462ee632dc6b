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


# names of results/table1/ that every set of experiments shares (rules known_motifs and
# known_motif_files: all experiments with a motif), so no run_name may take them
TABLE1_SHARED = ("known_motifs.json", "tomtom_meme")


def table1_folder():
    """Folder of every Table 1 output of this config's set of experiments: results/table1/
    <run_name>, or, with run_name null, a name made from the set of experiments (published
    models, those with sequences, ChIP-seq experiments). Aggregates and their batch jobs belong
    to the experiments that made them: a config with other experiments writes its own folder,
    never this one's, so switching back reruns nothing. Its logs and benchmarks are the same
    path under logs/ and benchmarks/ (folder_logs, folder_benchmarks)."""
    from deepresolve.config.validate import experiment_set_name

    if config["run_name"] is not None:
        name = config["run_name"]
        if name in TABLE1_SHARED:
            sys.exit(
                f"Error in the workflow config: run_name {name!r} is the name of a file or folder that "
                f"every run shares, results/table1/{name}; choose another run_name (not one "
                f"of {list(TABLE1_SHARED)})"
            )
    else:
        name = experiment_set_name(
            {
                "table1.experiments": TABLE1_EXPERIMENTS,
                "table1_methods.sequences": TABLE1_SEQUENCE_EXPERIMENTS,
                "chipseq.experiments": CHIPSEQ_TABLE1,
            }
        )
    return f"results/table1/{name}"


def folder_logs(folder):
    """The logs folder of a results folder: results/x -> logs/x."""
    return folder.replace("results/", "logs/", 1)


def folder_benchmarks(folder):
    """The benchmarks folder of a results folder: results/x -> benchmarks/results/x."""
    return f"benchmarks/{folder}"


TABLE1_FOLDER = table1_folder()
TABLE1_LOGS = folder_logs(TABLE1_FOLDER)
TABLE1_BENCHMARKS = folder_benchmarks(TABLE1_FOLDER)
# the four-method table of this set of experiments (rule table1_methods)
METHODS_FOLDER = f"{TABLE1_FOLDER}/methods"


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
        "dr_detail": [f"{TABLE1_FOLDER}/detail.tsv"] if published else [],
        "edm_ranked": expand(
            "{folder}/deepmotif/{batch}/ranked_pwms.tsv",
            folder=TABLE1_FOLDER,
            batch=batches,
        ),
        "edm_excluded": expand(
            "{folder}/deepmotif/{batch}/excluded.tsv",
            folder=TABLE1_FOLDER,
            batch=batches,
        ),
        "authors_edm_ranked": expand(
            "{folder}/authors_deepmotif/{batch}/ranked_pwms.tsv",
            folder=TABLE1_FOLDER,
            batch=batches,
        ),
        "authors_edm_runs": expand(
            "{folder}/authors_deepmotif/{batch}/runs.tsv",
            folder=TABLE1_FOLDER,
            batch=batches,
        ),
        "matching": [f"{TABLE1_FOLDER}/matching.tsv"] if published else [],
        "lambda_curve": [f"{TABLE1_FOLDER}/lambda_curve.tsv"] if published else [],
        "gradients": expand(
            "{folder}/gradients/{experiment}/ranked_filters.tsv",
            folder=TABLE1_FOLDER,
            experiment=TABLE1_SEQUENCE_EXPERIMENTS,
        ),
        "summaries": expand(
            "{folder}/gradients/{experiment}/summary.json",
            folder=TABLE1_FOLDER,
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
    files = [published_model_inputs(e) for e in EDM_BATCHES[int(wildcards.batch)]]
    return {
        "architectures": [json for json, _ in files],
        "weights": [h5 for _, h5 in files],
    }


def gradient_inputs(wildcards):
    """Model, labelled sequences (AUC), positive pool, and DeepResolve's TOMTOM tables of the
    experiment's filters (its table1_batch)."""
    spec = TABLE1_METHODS["sequences"][wildcards.experiment]
    batch = f"{TABLE1_FOLDER}/batches/{BATCH_OF[wildcards.experiment]}"
    inputs = {
        "model": published_model_inputs(wildcards.experiment),
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
