# What every analysis shares: the config checked against its schema before any job, the one
# reader of files at DAG time, wildcard rules, resources. Each analysis keeps its input
# functions and DAG-time checks in <analysis>_config.smk, beside its rules.
import sys
from pathlib import Path

from snakemake.utils import validate

from deepresolve.config.chipseq import is_url, user_files
from deepresolve.config.validate import (
    RULE_MEM_MB,
    check_config,
    fim_settings,
    memory_problems,
    model_config,
    read_config_file,
)
from deepresolve.datasets.synthetic import replicate_seed
from deepresolve.motifs.tomtom import MEME_CONTAINER, meme_tomtom_shell, tomtom_command

try:
    # the files Snakemake merged into config (PyYAML keeps the last of a key given twice)
    for configfile_path in workflow.configfiles:
        read_config_file(configfile_path)
    check_config(config, Path(workflow.basedir) / "workflow/schemas/config.schema.yaml")
except ValueError as error:
    sys.exit(f"Error in the workflow config: {error}")
validate(config, "../schemas/config.schema.yaml")


def workflow_file(path, read, config_key):
    """``read(path)`` of a file the DAG needs (a table, a checksum list, a class-names table),
    relative to the working directory; a missing or unreadable file stops before any job,
    naming the file and the config key (or the workflow file) that names it."""
    try:
        return read(path)
    except (OSError, ValueError, KeyError) as error:
        elsewhere = Path.cwd().resolve() != Path(workflow.basedir).resolve()
        hint = f"run Snakemake in {workflow.basedir} or " if elsewhere else ""
        sys.exit(
            f"Error in the workflow config: {config_key}: cannot read {path}: {error}; "
            f"{hint}point {config_key} at a readable file"
        )


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


def mirror_input(mirror, relpath, url=""):
    """A mirror's copy of a file (``mirror/relpath``, or of ``url``'s name), as an input list:
    an edit of the user's file then reruns the copy; [] when there is no mirror or it lacks
    the file (the file is downloaded)."""
    from deepresolve.datasets.download import mirror_file

    local = mirror_file(url, mirror, relpath)
    return [str(local)] if local is not None else []


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


def all_targets(wildcards):
    """Files of the default target (`all` in the Snakefile): every analysis the config switches on."""
    targets = synthetic_targets()
    if TABLE1_EXPERIMENTS:
        targets += [f"{TABLE1_FOLDER}/table1.tsv", f"{TABLE1_FOLDER}/table1.md"]
    targets += chipseq_targets()
    targets += multiclass_targets()
    targets += multitask_targets()  # multitask_config.smk
    return targets


def check_memory():
    """Jobs whose memory follows from the settings (synthetic rules, Table 1's batched FIM,
    the ChIP-seq FIM of chipseq_methods, many-class FIM chunks of a model built from settings,
    the multi-task ones among them: deepresolve.config.validate.memory_estimates) fit what their
    rules ask for, --set-resources and a profile's set-resources taken into account; fails
    before any job naming the keys, the estimate and the resource or setting to change. Called
    from the Snakefile once every rule and every many-class model is known."""
    asked = dict(RULE_MEM_MB)
    for name, resources in (
        workflow.resource_settings.overwrite_resources or {}
    ).items():
        if "mem_mb" in resources:
            # Snakemake 9 holds a profile's or --set-resources' value as a Resource
            value = getattr(resources["mem_mb"], "value", resources["mem_mb"])
            if isinstance(value, int | float) or str(value).isdigit():
                asked[name] = int(value)
    problems = memory_problems(
        config,
        asked,
        TABLE1_EXPERIMENTS,
        {mc: len(table) for mc, table in MULTICLASS_TABLES.items()},
        {mc: multiclass_model_maker(mc) for mc in MULTICLASS_TABLES},
        CHIPSEQ_TABLE1,
    )
    if problems:
        sys.exit("Error in the workflow config:\n  " + "\n  ".join(problems))
