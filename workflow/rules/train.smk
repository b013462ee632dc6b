rule train:
    """The paper's CNN on one synthetic dataset; per-class test AUC beside the paper's."""
    input:
        dataset="results/synthetic/{dataset}/dataset.npz",
    output:
        model="results/synthetic/{dataset}/model.keras",
        history="results/synthetic/{dataset}/history.tsv",
        metrics=report(
            "results/synthetic/{dataset}/metrics.json",
            caption="../report/metrics.rst",
            category="Dataset {dataset}",
            subcategory="Training",
        ),
    log:
        "logs/synthetic/{dataset}/train.log",
    benchmark:
        "benchmarks/results/synthetic/{dataset}/train.tsv"
    conda:
        "../../envs/deepresolve.yaml"
    # Snakemake caps a rule's threads at --cores (local and cluster runs alike)
    threads: 4
    resources:
        **gpu_resources(),
        runtime=120,
        mem_mb=8000,
    params:
        model=lambda wildcards: model_config(config, wildcards.dataset),
        training=config["training"],
        seed=config["seed"],
    script:
        "../../scripts/train_model.py"
