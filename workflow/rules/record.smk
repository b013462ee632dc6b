# Results of record: the tables of record_config.smk's analyses, and target `numbers`.


rule record_analysis:
    """The record tables of one analysis, with provenance (commit, config files, packages,
    machine, date, the run's wall time and peak memory from its benchmark files)."""
    input:
        lambda wildcards: RECORD_INPUTS[wildcards.analysis],
    output:
        directory("results/record/{record}/{analysis}"),
    log:
        "logs/record/{record}/{analysis}.log",
    wildcard_constraints:
        analysis="|".join(RECORD_INPUTS),
    localrule: True
    conda:
        "../../envs/deepresolve.yaml"
    params:
        config_files=[str(path) for path in workflow.configfiles],
        overrides=workflow.config_settings.overwrite_config,
        table1_folder=TABLE1_FOLDER,
    script:
        "../../scripts/record_numbers.py"


rule numbers:
    """The results of record of this configuration (config `record`): results/record/<name>/."""
    input:
        record_targets,
    localrule: True
