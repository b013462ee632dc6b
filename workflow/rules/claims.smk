rule claims:
    """Check the paper's claim for one dataset (section 3-4) and record the numbers, pass or fail."""
    input:
        niv="results/synthetic/{dataset}/niv.tsv",
        oniv="results/synthetic/{dataset}/oniv.tsv",
        model="results/synthetic/{dataset}/model.keras",
        pattern_neurons="results/synthetic/{dataset}/pattern_neurons.tsv",
    output:
        claims="results/synthetic/{dataset}/claims.json",
    log:
        "logs/synthetic/{dataset}/claims.log",
    benchmark:
        "benchmarks/results/synthetic/{dataset}/claims.tsv"
    conda:
        "../../envs/deepresolve.yaml"
    resources:
        runtime=10,
        mem_mb=2000,
    params:
        mode=config["deepresolve"]["oniv_mode"],
    script:
        "../../scripts/check_claims.py"


rule claims_summary:
    """One table of every checked claim of the configured datasets."""
    input:
        expand("results/synthetic/{dataset}/claims.json", dataset=DATASETS),
    output:
        report(
            "results/synthetic/claims.tsv",
            caption="../report/claims.rst",
            category="Claims",
        ),
    log:
        "logs/synthetic/claims_summary.log",
    conda:
        "../../envs/deepresolve.yaml"
    script:
        "../../scripts/summarise_claims.py"
