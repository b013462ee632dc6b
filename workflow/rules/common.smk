import re
import sys
from pathlib import Path

from snakemake.io import regex_from_filepattern
from snakemake.utils import validate

from deepresolve.chipseq_config import is_url, read_deepbind_models, user_files
from deepresolve.config import (
    SYNTHETIC_MEM_MB,
    check_config,
    fim_settings,
    layer_problems,
    memory_problems,
    model_config,
    read_config_file,
)
from deepresolve.tf_names import read_tf_motifs
from deepresolve.synthetic import replicate_seed
from deepresolve.tomtom import MEME_CONTAINER, meme_tomtom_shell, tomtom_command

try:
    # the files Snakemake merged into config (PyYAML keeps the last of a key given twice)
    for configfile_path in workflow.configfiles:
        read_config_file(configfile_path)
    check_config(config, Path(workflow.basedir) / "workflow/schemas/config.schema.yaml")
except ValueError as error:
    sys.exit(f"Error in the workflow config: {error}")
validate(config, "../schemas/config.schema.yaml")

DATASETS = config["datasets"]


def check_synthetic_classes():
    """Every class of every dataset run gets positives and negatives in its test part (else
    its test AUC is NaN); fails before any job naming the key."""
    from deepresolve.synthetic import class_problems

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


def check_synthetic_memory():
    """Jobs whose memory follows from the settings fit what their rules ask for (with
    --set-resources taken into account); fails before any job naming the key and the resource.
    """
    asked = dict(SYNTHETIC_MEM_MB)
    for name, resources in (
        workflow.resource_settings.overwrite_resources or {}
    ).items():
        if name in asked and "mem_mb" in resources:
            # Snakemake 9 holds a profile's or --set-resources' value as a Resource
            value = getattr(resources["mem_mb"], "value", resources["mem_mb"])
            if isinstance(value, int | float) or str(value).isdigit():
                asked[name] = int(value)
    problems = memory_problems(config, asked)
    if problems:
        sys.exit("Error in the workflow config:\n  " + "\n  ".join(problems))


check_synthetic_memory()
# experiment -> TF -> JASPAR IDs of the 422 published models, read once for the DAG
TF_MOTIFS = read_tf_motifs("config/tf_motifs.tsv")


def published_model_paths(experiment):
    """The two files of one published model (JSON, HDF5) as download_published_model writes them."""
    folder = f"resources/published_models/{experiment}"
    return [f"{folder}/16_G_best_archit.json", f"{folder}/16_G_bestmodel_weights.h5"]


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
    files = [published_model_paths(e) for e in TABLE1_BATCHES[int(wildcards.batch)]]
    return {
        "architectures": [json for json, _ in files],
        "weights": [h5 for _, h5 in files],
    }


wildcard_constraints:
    dataset="|".join(["I", "II", "III", "IV"]),
    replicate=r"\d+",
    experiment=r"wgEncodeAwgTfbs\w+UniPk",
    batch=r"\d+",
    # names follow the schema's definitions.name (never "..", never a "/")
    chip=r"[A-Za-z0-9_-][A-Za-z0-9_.-]*",
    zeng=r"[A-Za-z0-9_-][A-Za-z0-9_.-]*",
    part="train|test",
    fasta_part="train|validation|test",
    kind="fasta|targets|seq",


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


def all_targets(wildcards):
    targets = synthetic_targets()
    if TABLE1_EXPERIMENTS:
        targets += ["results/table1/table1.tsv", "results/table1/table1.md"]
    targets += chipseq_targets()
    targets += multiclass_targets()
    targets += multitask_targets()  # multitask_config.smk
    return targets


def table1_meme_tables(wildcards):
    """MEME Suite tomtom tables that Table 1 reads (none unless table1.tomtom_engine is meme)."""
    if config["table1"]["tomtom_engine"] != "meme":
        return []
    return expand(
        "results/table1/tomtom_meme/{experiment}/tomtom.tsv",
        experiment=TABLE1_EXPERIMENTS,
    )


CHIPSEQ = config["chipseq"]["experiments"]
# DeepBind ENCODE set -> the published model of its experiment
DEEPBIND_MODELS = read_deepbind_models("config/deepbind_encode.tsv")
# experiments of Table 1's four-method comparison (the others are trained and evaluated only)
CHIPSEQ_TABLE1 = [n for n, spec in CHIPSEQ.items() if spec.get("in_table1", True)]


def check_chipseq_experiments():
    """Every experiment names what its source needs, its files are pinned, its TF has a JASPAR
    matrix (aliases resolved, close names suggested); fails before any job. Returns
    experiment -> JASPAR symbol of the Table 1 experiments."""
    from deepresolve.chipseq_config import experiment_problems
    from deepresolve.download import read_checksums

    problems, tfs = experiment_problems(
        CHIPSEQ,
        config["chipseq"],
        published_tfs=dict(zip(TF_MOTIFS["experiment"], TF_MOTIFS["tf"])),
        zeng_pinned=read_checksums("config/zeng_motif_discovery.sha256"),
        deepbind_pinned=read_checksums("config/deepbind_encode.sha256"),
        deepbind_models=DEEPBIND_MODELS,
    )
    if problems:
        sys.exit(
            "Error in the workflow config, chipseq.experiments:\n  "
            + "\n  ".join(problems)
        )
    return tfs


CHIPSEQ_TFS = check_chipseq_experiments()


def mirror_input(mirror, relpath, url=""):
    """A mirror's copy of a file (``mirror/relpath``, or of ``url``'s name), as an input list:
    an edit of the user's file then reruns the copy; [] when there is no mirror or it lacks
    the file (the file is downloaded)."""
    from deepresolve.download import mirror_file

    local = mirror_file(url, mirror, relpath)
    return [str(local)] if local is not None else []


def chipseq_inputs(wildcards):
    """Files behind one experiment's sequences (deepresolve.chipseq_config.experiment_inputs)."""
    from deepresolve.chipseq_config import experiment_inputs

    return experiment_inputs(wildcards.chip, CHIPSEQ[wildcards.chip])


def chipseq_model(wildcards):
    """The model one experiment's methods run on: published (Keras 1 files) or trained here."""
    from deepresolve.chipseq_config import published_experiment

    spec = CHIPSEQ[wildcards.chip]
    if spec["model"] == "published":
        return published_model_paths(
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


def multiclass_tables():
    """The class-names table of every many-class model, read once for the DAG."""
    from deepresolve.deepsea import read_class_names

    from deepresolve.similarity import pair_problems

    tables = {
        mc: read_class_names(spec["class_names"], n_classes=None)
        for mc, spec in config["multiclass"]["models"].items()
    }
    problems = [
        f"multiclass.models.{mc}.difference_pairs: {problem}"
        for mc, spec in config["multiclass"]["models"].items()
        for problem in pair_problems(
            spec.get("difference_pairs", []), tables[mc]["label"].tolist()
        )
    ]
    if problems:
        sys.exit("Error in the workflow config:\n  " + "\n  ".join(problems))
    return tables


MULTICLASS_TABLES = multiclass_tables()


def multiclass_n_classes(mc):
    return len(MULTICLASS_TABLES[mc])


def multiclass_has_dnase(mc):
    """Figure 8 needs DNase classes and TF/histone classes."""
    groups = set(MULTICLASS_TABLES[mc]["group"].astype(str))
    return "DNase" in groups and bool(groups - {"DNase"})


def multiclass_model_file(wildcards):
    model = config["multiclass"]["models"][wildcards.mc]["model"]
    if model == "deepsea_random":
        return f"results/multiclass/{wildcards.mc}/random_model.keras"
    return model


def multiclass_model_rule(wildcards):
    """The rule whose output is multiclass.models.<mc>.model (named with --forcerun when the
    file cannot be read), or None for a user's own model, which no rule makes."""
    path = multiclass_model_file(wildcards)
    makers = (
        rules.deepsea_random_model,
        rules.train,
        rules.train_chipseq,
        rules.multitask_train,
    )
    return next(
        (
            maker.rule.name
            for maker in makers
            if re.match(regex_from_filepattern(maker.output.model), path)
        ),
        None,
    )


def multiclass_chunk_files(wildcards):
    size = config["multiclass"]["chunk_size"]
    n_chunks = -(
        -multiclass_n_classes(wildcards.mc) // size
    )  # as multiclass.class_chunks
    return expand(
        "results/multiclass/{mc}/fim_chunks/{chunk}.npz",
        mc=wildcards.mc,
        chunk=range(n_chunks),
    )


def multiclass_figure_inputs(wildcards):
    folder = f"results/multiclass/{wildcards.mc}"
    inputs = {
        "similarity": f"{folder}/similarity.tsv",
        "class_names": config["multiclass"]["models"][wildcards.mc]["class_names"],
    }
    if wildcards.mc_figure == "differences":
        inputs["differences"] = f"{folder}/differences.tsv"
    if wildcards.mc_figure == "strong_correlations":
        inputs["counts"] = f"{folder}/strong_correlations.tsv"
    return inputs


def named_target(name, files, config_key, example):
    """Input function of the named target ``name``: ``files()``, or an error naming the empty key."""

    def target_files(wildcards):
        targets = files()
        if not targets:
            raise WorkflowError(
                f"target '{name}' has nothing to build: config key {config_key} is empty; "
                f"give a config that sets it, e.g. `snakemake {name} --cores 2 --configfile {example}`"
            )
        return targets

    return target_files


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


def multiclass_targets():
    targets = []
    for mc, spec in config["multiclass"]["models"].items():
        folder = f"results/multiclass/{mc}"
        figures = ["similarity", "clustering"]
        targets += [
            f"{folder}/fim.npz",
            f"{folder}/clusters.tsv",
            f"{folder}/feature_top_classes.tsv",
        ]
        if spec.get("difference_pairs"):
            figures.append("differences")
        if multiclass_has_dnase(mc):
            figures += ["dnase_bicluster", "strong_correlations"]
            targets.append(f"{folder}/strong_correlations_per_factor.tsv")
        targets += expand(
            f"{folder}/figures/{{f}}.{{ext}}", f=figures, ext=["png", "pdf"]
        )
    return targets


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
    from deepresolve.config import experiment_set_name

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
