rule figures_one_class:
    """Paper-style figures of one replicate network of a one-class dataset (Figures 2 and 4): NIVs of every run, ONIV."""
    input:
        **FIGURE_RULE_INPUT,
    output:
        **figure_output("niv_runs"),
        **figure_output("oniv"),
    log:
        "logs/synthetic/{dataset}/rep{replicate}/figures.log",
    benchmark:
        "benchmarks/results/synthetic/{dataset}/rep{replicate}/figures.tsv"
    wildcard_constraints:
        dataset="I|III",
    conda:
        "../../envs/deepresolve.yaml"
    resources:
        runtime=10,
        mem_mb=2000,
    params:
        oniv_mode=fim_settings(config, "synthetic")["oniv_mode"],
    script:
        "../../scripts/plot_figure.py"


rule figures_many_class:
    """Paper-style figures of one replicate network of a many-class dataset (Figures 3, 5, 6): averaged NIVs, ONIV, class similarity."""
    input:
        **FIGURE_RULE_INPUT,
    output:
        **figure_output("class_nivs"),
        **figure_output("oniv"),
        **figure_output("similarity"),
    log:
        "logs/synthetic/{dataset}/rep{replicate}/figures.log",
    benchmark:
        "benchmarks/results/synthetic/{dataset}/rep{replicate}/figures.tsv"
    wildcard_constraints:
        dataset="II|IV",
    conda:
        "../../envs/deepresolve.yaml"
    resources:
        runtime=10,
        mem_mb=2000,
    params:
        oniv_mode=fim_settings(config, "synthetic")["oniv_mode"],
    script:
        "../../scripts/plot_figure.py"


rule probe_figure:
    """Every replicate network of one dataset probed: constructed-sequence scores and, for XOR, the score landscape over the two pattern neurons."""
    input:
        claims=lambda wildcards: expand(
            "{folder}/claims.json", folder=replicate_folders(wildcards.dataset)
        ),
    output:
        png=report(
            "results/synthetic/{dataset}/figures/probe.png",
            caption="../report/probe.rst",
            category="Dataset {dataset}",
            subcategory="Why the claim holds or fails",
        ),
        pdf="results/synthetic/{dataset}/figures/probe.pdf",
    log:
        "logs/synthetic/{dataset}/probe_figure.log",
    conda:
        "../../envs/deepresolve.yaml"
    resources:
        runtime=10,
        mem_mb=2000,
    script:
        "../../scripts/plot_probe.py"


rule claims_figure:
    """Claims x datasets: the fraction of replicate networks passing, and every network's test AUC beside the paper's."""
    input:
        claims="results/synthetic/claims.tsv",
        replicates="results/synthetic/replicates.tsv",
    output:
        png=report(
            "results/synthetic/figures/claims_summary.png",
            caption="../report/claims_summary.rst",
            category="Claims",
        ),
        pdf="results/synthetic/figures/claims_summary.pdf",
    log:
        "logs/synthetic/claims_figure.log",
    conda:
        "../../envs/deepresolve.yaml"
    resources:
        runtime=10,
        mem_mb=2000,
    script:
        "../../scripts/plot_claims_summary.py"
