rule fim:
    """Feature importance maps: gradient ascent at the chosen layer, all classes x runs in one batch."""
    input:
        model="results/synthetic/{dataset}/model.keras",
    output:
        fim="results/synthetic/{dataset}/fim.npz",
    log:
        "logs/synthetic/{dataset}/fim.log",
    benchmark:
        "benchmarks/results/synthetic/{dataset}/fim.tsv"
    conda:
        "../../envs/deepresolve.yaml"
    threads: 2
    resources:
        **gpu_resources(),
        runtime=60,
        mem_mb=4000,
    params:
        deepresolve=fim_settings(config, "synthetic"),
        seed=config["seed"],
    script:
        "../../scripts/compute_fim.py"


rule oniv:
    """NIVs, their variance, the ONIV and the class similarity matrix from the FIMs."""
    input:
        fim="results/synthetic/{dataset}/fim.npz",
        model="results/synthetic/{dataset}/model.keras",
    output:
        niv=report(
            "results/synthetic/{dataset}/niv.tsv",
            caption="../report/niv.rst",
            category="Dataset {dataset}",
            subcategory="Tables",
        ),
        oniv=report(
            "results/synthetic/{dataset}/oniv.tsv",
            caption="../report/oniv.rst",
            category="Dataset {dataset}",
            subcategory="Tables",
        ),
        similarity=report(
            "results/synthetic/{dataset}/similarity.tsv",
            caption="../report/similarity.rst",
            category="Dataset {dataset}",
            subcategory="Tables",
        ),
    log:
        "logs/synthetic/{dataset}/oniv.log",
    benchmark:
        "benchmarks/results/synthetic/{dataset}/oniv.tsv"
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
