# Many-class models (config key multiclass.models): class tables read once for the DAG, checked
# before any job, and the input functions of multiclass.smk.
import re

from snakemake.io import regex_from_filepattern


def multiclass_tables():
    """The class-names table of every many-class model, read once for the DAG."""
    from deepresolve.models.deepsea import read_class_names

    from deepresolve.method.similarity import pair_problems

    tables = {
        mc: workflow_file(
            spec["class_names"],
            lambda path: read_class_names(path, n_classes=None),
            f"multiclass.models.{mc}.class_names",
        )
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


def multiclass_model_path(mc):
    model = config["multiclass"]["models"][mc]["model"]
    if model == "deepsea_random":
        return f"results/multiclass/{mc}/random_model.keras"
    return model


def multiclass_model_file(wildcards):
    return multiclass_model_path(wildcards.mc)


def multiclass_model_maker(mc):
    """The rule whose output is multiclass.models.<mc>.model and the wildcards of that file
    (the memory estimates build its feature map from the rule's settings), or (None, {}) for a
    user's own model, which no rule makes."""
    path = multiclass_model_path(mc)
    makers = (
        rules.deepsea_random_model,
        rules.train,
        rules.train_chipseq,
        rules.multitask_train,
    )
    for maker in makers:
        match = re.match(regex_from_filepattern(maker.output.model), path)
        if match:
            return maker.rule.name, match.groupdict()
    return None, {}


def multiclass_model_rule(wildcards):
    """The rule whose output is multiclass.models.<mc>.model (named with --forcerun when the
    file cannot be read), or None for a user's own model, which no rule makes."""
    return multiclass_model_maker(wildcards.mc)[0]


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
