# DeepResolve workflow: synthetic datasets I-IV, CNN training and feature-map interpretation
# (Liu & Gifford). See README.md for the commands and config/README.md for every option.


configfile: "config/config.yaml"


report: "workflow/report/workflow.rst"


include: "workflow/rules/common.smk"
# input functions and DAG-time checks of each analysis (its rules: the file without _config)
include: "workflow/rules/synthetic_config.smk"
include: "workflow/rules/table1_config.smk"
include: "workflow/rules/chipseq_config.smk"
include: "workflow/rules/table1_methods_config.smk"
include: "workflow/rules/multiclass_config.smk"
include: "workflow/rules/synthetic.smk"
include: "workflow/rules/train.smk"
include: "workflow/rules/fim.smk"
# multitask_config.smk adds its trained models to the many-class models, so it comes first
include: "workflow/rules/multitask_config.smk"
include: "workflow/rules/multiclass.smk"
include: "workflow/rules/multitask.smk"
include: "workflow/rules/motifs.smk"
include: "workflow/rules/figures.smk"
include: "workflow/rules/claims.smk"
include: "workflow/rules/table1.smk"
include: "workflow/rules/chipseq.smk"
include: "workflow/rules/table1_methods.smk"
include: "workflow/rules/targets.smk"
include: "workflow/rules/record_config.smk"
include: "workflow/rules/record.smk"


# every rule and every many-class model (the multi-task ones too) is known here: the memory the
# settings call for is checked before any job (common.smk)
check_memory()


rule all:
    default_target: True
    input:
        all_targets,
