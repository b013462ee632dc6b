# DeepResolve workflow: synthetic datasets I-IV, CNN training and feature-map interpretation
# (Liu & Gifford). See README.md for the commands and config/README.md for every option.


configfile: "config/config.yaml"


include: "workflow/rules/common.smk"
include: "workflow/rules/synthetic.smk"
include: "workflow/rules/train.smk"


rule all:
    default_target: True
    input:
        all_targets,
