rule claims:
    """Check the paper's claim on one replicate network (section 3-4; pattern neurons = filter sets) and probe how the network computes its logic."""
    input:
        niv="results/synthetic/{dataset}/rep{replicate}/niv.tsv",
        oniv="results/synthetic/{dataset}/rep{replicate}/oniv.tsv",
        model="results/synthetic/{dataset}/rep{replicate}/model.keras",
        pattern_neurons="results/synthetic/{dataset}/rep{replicate}/pattern_neurons.tsv",
    output:
        claims="results/synthetic/{dataset}/rep{replicate}/claims.json",
    log:
        "logs/synthetic/{dataset}/rep{replicate}/claims.log",
    benchmark:
        "benchmarks/results/synthetic/{dataset}/rep{replicate}/claims.tsv"
    conda:
        "../../envs/deepresolve.yaml"
    resources:
        runtime=10,
        mem_mb=2000,
    params:
        mode=fim_settings(config, "synthetic")["oniv_mode"],
        layer=fim_settings(config, "synthetic")["layer"],
        probe=config["synthetic"]["probe"],
        seed=config["seed"],
    script:
        "../../scripts/check_claims.py"


rule claims_summary:
    """Every claim as k of n replicate networks (claims.tsv), and one row per network (replicates.tsv)."""
    input:
        claims=[
            f"{folder}/claims.json"
            for dataset in DATASETS
            for folder in replicate_folders(dataset)
        ],
        metrics=[
            f"{folder}/metrics.json"
            for dataset in DATASETS
            for folder in replicate_folders(dataset)
        ],
        label_noise=expand(
            "results/synthetic/{dataset}/label_noise.json", dataset=DATASETS
        ),
    output:
        claims=report(
            "results/synthetic/claims.tsv",
            caption="../report/claims.rst",
            category="Claims",
        ),
        replicates=report(
            "results/synthetic/replicates.tsv",
            caption="../report/replicates.rst",
            category="Claims",
        ),
    log:
        "logs/synthetic/claims_summary.log",
    conda:
        "../../envs/deepresolve.yaml"
    params:
        labels=config["synthetic"]["labels"],
        oniv_mode=fim_settings(config, "synthetic")["oniv_mode"],
    script:
        "../../scripts/summarise_claims.py"
