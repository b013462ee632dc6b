# The multi-task model's config (multitask block): checked at DAG time, its input functions,
# and its trained models registered as many-class models multitask_seed<seed>, so that the
# many-class rules run on them exactly as on DeepSEA. Functions only (rules: multitask.smk);
# included before multiclass.smk, which reads the list of many-class models.
from deepresolve.models.deepsea import FIM_LAYER, class_names_table

MULTITASK = config["multitask"]
MULTITASK_EXPERIMENTS = MULTITASK["experiments"]
MULTITASK_SEEDS = MULTITASK["replicates"] if MULTITASK_EXPERIMENTS else []
MULTITASK_FOLDER = "results/multitask"


def multitask_class_names():
    """One Cell|Assay|Treatment line per experiment (output order): cell, TF, lab."""
    return [
        f"{spec['cell']}|{spec['tf']}|{spec['lab']}"
        for spec in MULTITASK_EXPERIMENTS.values()
    ]


def multitask_files():
    """Experiment -> its files: DeepBind training peaks and test set, or the sequences (with
    parts) of a chipseq.experiments entry."""
    files = {}
    for name, spec in MULTITASK_EXPERIMENTS.items():
        if spec["source"] == "deepbind":
            files[name] = {
                part: f"resources/deepbind/{spec['deepbind_name']}_{suffix}.seq.gz"
                for part, suffix in (("train", "AC"), ("test", "B"))
            }
        else:
            files[name] = {"sequences": f"results/chipseq/{spec['chip']}/sequences.npz"}
    return files


def check_multitask_experiments():
    """Each experiment names its source's files and a unique class name (fails before any job)."""
    from deepresolve.datasets.download import read_checksums

    pinned = workflow_file(
        "config/deepbind_encode.sha256", read_checksums, "multitask.experiments"
    )
    problems = []
    for name, spec in MULTITASK_EXPERIMENTS.items():
        if spec["source"] == "deepbind":
            for suffix in ("AC", "B"):
                file = f"{spec.get('deepbind_name')}_{suffix}.seq.gz"
                if file not in pinned:
                    problems.append(
                        f"{name}: {file} is not among DeepBind's pinned files "
                        "(config/deepbind_encode.sha256 lists them)"
                    )
        elif spec.get("chip") not in CHIPSEQ:
            problems.append(
                f"{name}: source chipseq needs chip: one of chipseq.experiments "
                f"({sorted(CHIPSEQ) or 'none set'})"
            )
        for key in ("cell", "tf", "lab"):
            if "|" in str(spec[key]):
                problems.append(f"{name}: {key} {spec[key]!r} must not contain '|'")
    names = multitask_class_names()
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        problems.append(
            f"class names {repeated} repeat: give each experiment its own lab"
        )
    if problems:
        sys.exit(
            "Error in the workflow config, multitask.experiments:\n  "
            + "\n  ".join(problems)
        )


check_multitask_experiments()
for seed in MULTITASK_SEEDS:
    # "fim" names the analysis whose FIM block the many-class rules use (multitask.fim)
    config["multiclass"]["models"][f"multitask_seed{seed}"] = {
        "model": f"{MULTITASK_FOLDER}/seed{seed}/model.keras",
        "class_names": f"{MULTITASK_FOLDER}/class_names.txt",
        "layer": FIM_LAYER,
        "fim": "multitask",
    }
    MULTICLASS_TABLES[f"multitask_seed{seed}"] = class_names_table(
        multitask_class_names(), source="config multitask.experiments"
    )


def multitask_targets():
    if not MULTITASK_SEEDS:
        return []
    targets = expand(
        f"{MULTITASK_FOLDER}/{{file}}",
        file=["claims.tsv", "claims.json", "pairs.tsv", "auc.tsv", "dataset.tsv"],
    )
    targets += expand(f"{MULTITASK_FOLDER}/figures/pairs.{{ext}}", ext=["png", "pdf"])
    models = [f"multitask_seed{seed}" for seed in MULTITASK_SEEDS]
    return targets + [t for t in multiclass_targets() if t.split("/")[2] in models]
