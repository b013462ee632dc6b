rule fim:
    """Feature importance maps of one replicate network: gradient ascent at the chosen layer, all classes x runs in one batch."""
    input:
        model="results/synthetic/{dataset}/rep{replicate}/model.keras",
    output:
        fim="results/synthetic/{dataset}/rep{replicate}/fim.npz",
    log:
        "logs/synthetic/{dataset}/rep{replicate}/fim.log",
    benchmark:
        "benchmarks/results/synthetic/{dataset}/rep{replicate}/fim.tsv"
    conda:
        "../../envs/deepresolve.yaml"
    threads: 2
    resources:
        **gpu_resources(),
        runtime=60,
        mem_mb=RULE_MEM_MB["fim"],
    params:
        deepresolve=fim_settings(config, "synthetic"),
        seed=lambda wildcards: replicate_seed(config["seed"], int(wildcards.replicate)),
    script:
        "../../scripts/compute_fim.py"


rule oniv:
    """NIVs, their variance, the ONIV and the class similarity matrix from the FIMs of one replicate network."""
    input:
        fim="results/synthetic/{dataset}/rep{replicate}/fim.npz",
    output:
        niv=report(
            "results/synthetic/{dataset}/rep{replicate}/niv.tsv",
            caption="../report/niv.rst",
            category="Dataset {dataset}",
            subcategory="Tables",
        ),
        oniv=report(
            "results/synthetic/{dataset}/rep{replicate}/oniv.tsv",
            caption="../report/oniv.rst",
            category="Dataset {dataset}",
            subcategory="Tables",
        ),
        similarity=report(
            "results/synthetic/{dataset}/rep{replicate}/similarity.tsv",
            caption="../report/similarity.rst",
            category="Dataset {dataset}",
            subcategory="Tables",
        ),
    log:
        "logs/synthetic/{dataset}/rep{replicate}/oniv.log",
    benchmark:
        "benchmarks/results/synthetic/{dataset}/rep{replicate}/oniv.tsv"
    conda:
        "../../envs/deepresolve.yaml"
    resources:
        runtime=10,
        mem_mb=2000,
    params:
        mode=fim_settings(config, "synthetic")["oniv_mode"],
        class_names=lambda wildcards: dataset_class_names(wildcards.dataset),
    script:
        "../../scripts/compute_oniv.py"
