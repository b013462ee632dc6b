# Named targets that build one part of the analysis and nothing else, e.g.
#   snakemake multiclass --cores 2 --configfile config/deepsea.yaml


rule multiclass:
    """Only the many-class chain of multiclass.models: FIMs, ONIVs, tables, Figures 7-8."""
    input:
        named_target(
            "multiclass",
            multiclass_targets,
            "multiclass.models",
            "config/deepsea.yaml",
        ),
    localrule: True


rule chipseq:
    """Only chipseq.experiments: Table 1's four methods and the test AUC of every trained model."""
    input:
        named_target(
            "chipseq", chipseq_targets, "chipseq.experiments", "config/chipseq.yaml"
        ),
    localrule: True
