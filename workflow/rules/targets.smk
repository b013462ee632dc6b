# Named targets that build one part of the analysis and nothing else, e.g.
#   snakemake multiclass --cores 2 --configfile config/deepsea.yaml


def named_target(name, targets, config_key, example):
    """The files of one part of the analysis, or an error naming the empty config key."""
    if not targets:
        raise WorkflowError(
            f"target '{name}' has nothing to build: config key {config_key} is empty; "
            f"give a config that sets it, e.g. `snakemake {name} --cores 2 --configfile {example}`"
        )
    return targets


rule multiclass:
    input:
        lambda wildcards: named_target(
            "multiclass",
            multiclass_targets(),
            "multiclass.models",
            "config/deepsea.yaml",
        ),
    """Only the many-class chain of multiclass.models: FIMs, ONIVs, tables, Figures 7-8."""
    localrule: True


rule chipseq:
    input:
        lambda wildcards: named_target(
            "chipseq",
            chipseq_targets(),
            "chipseq.experiments",
            "config/chipseq.yaml",
        ),
    """Only chipseq.experiments: Table 1's four methods and the test AUC of every trained model."""
    localrule: True
