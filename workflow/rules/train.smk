rule train:
    """The paper's CNN on one synthetic dataset, one replicate network (its own training seed, the shared data); per-class test AUC beside the paper's."""
    input:
        dataset="results/synthetic/{dataset}/dataset.npz",
    output:
        model="results/synthetic/{dataset}/rep{replicate}/model.keras",
        history="results/synthetic/{dataset}/rep{replicate}/history.tsv",
        metrics=report(
            "results/synthetic/{dataset}/rep{replicate}/metrics.json",
            caption="../report/metrics.rst",
            category="Dataset {dataset}",
            subcategory="Training",
        ),
    log:
        "logs/synthetic/{dataset}/rep{replicate}/train.log",
    benchmark:
        "benchmarks/results/synthetic/{dataset}/rep{replicate}/train.tsv"
    conda:
        "../../envs/deepresolve.yaml"
    # Snakemake caps a rule's threads at --cores (local and cluster runs alike)
    threads: 4
    resources:
        **gpu_resources(),
        runtime=120,
        mem_mb=RULE_MEM_MB["train"],
    params:
        model=lambda wildcards: model_config(config, wildcards.dataset),
        training=config["training"],
        seed=config["seed"],
    script:
        "../../scripts/train_model.py"
