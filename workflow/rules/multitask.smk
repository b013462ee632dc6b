# A multi-task TF model trained here on real ChIP-seq sets (paper section 5.2 on real data):
# one sigmoid output per experiment of multitask.experiments, one model per training seed of
# multitask.replicates; the many-class rules run on each (multitask_config.smk registers them);
# multitask_check then tests whether same-TF and same-family experiments are the most similar
# classes.


wildcard_constraints:
    seed=r"\d+",


rule multitask_dataset:
    """Every experiment's peaks, their dinucleotide shuffles and its test part, joined into one
    multi-task set with per-experiment labels (missing elsewhere)."""
    input:
        [path for files in multitask_files().values() for path in files.values()],
    output:
        dataset=f"{MULTITASK_FOLDER}/dataset.npz",
        counts=report(
            f"{MULTITASK_FOLDER}/dataset.tsv",
            caption="../report/multitask_dataset.rst",
            category="Multi-task model",
            subcategory="Tables",
        ),
        class_names=f"{MULTITASK_FOLDER}/class_names.txt",
    log:
        "logs/multitask/dataset.log",
    benchmark:
        "benchmarks/results/multitask/dataset.tsv"
    conda:
        "../../envs/deepresolve.yaml"
    resources:
        runtime=30,
        mem_mb=8000,
    params:
        files=multitask_files(),
        class_names=multitask_class_names(),
        settings=MULTITASK["data"],
        seed=config["seed"],
    script:
        "../../scripts/multitask_dataset.py"


rule multitask_train:
    """The multi-task model of one training seed (masked loss); per-output test AUCs."""
    input:
        dataset=f"{MULTITASK_FOLDER}/dataset.npz",
    output:
        model=f"{MULTITASK_FOLDER}/seed{{seed}}/model.keras",
        history=f"{MULTITASK_FOLDER}/seed{{seed}}/history.tsv",
        metrics=f"{MULTITASK_FOLDER}/seed{{seed}}/metrics.json",
    log:
        "logs/multitask/seed{seed}/train.log",
    benchmark:
        "benchmarks/results/multitask/seed{seed}/train.tsv"
    conda:
        "../../envs/deepresolve.yaml"
    # Snakemake caps a rule's threads at --cores
    threads: 4
    resources:
        **gpu_resources(),
        runtime=120,
        mem_mb=8000,
    params:
        architecture=MULTITASK["architecture"],
        training=MULTITASK["training"],
        seed=lambda wildcards: int(wildcards.seed),
    script:
        "../../scripts/multitask_train.py"


rule multitask_check:
    """The pre-stated check on every replicate: same-TF and same-family pairs against all pairs
    (permutation p-value), for the non-negative-ONIV similarity and the weight baselines.
    """
    input:
        onivs=expand(
            "results/multiclass/multitask_seed{seed}/oniv.tsv", seed=MULTITASK_SEEDS
        ),
        models=expand(
            f"{MULTITASK_FOLDER}/seed{{seed}}/model.keras", seed=MULTITASK_SEEDS
        ),
        metrics=expand(
            f"{MULTITASK_FOLDER}/seed{{seed}}/metrics.json", seed=MULTITASK_SEEDS
        ),
        class_names=f"{MULTITASK_FOLDER}/class_names.txt",
    output:
        tsv=report(
            f"{MULTITASK_FOLDER}/claims.tsv",
            caption="../report/multitask_claims.rst",
            category="Multi-task model",
            subcategory="Tables",
        ),
        json=f"{MULTITASK_FOLDER}/claims.json",
        pairs=f"{MULTITASK_FOLDER}/pairs.tsv",
        auc=report(
            f"{MULTITASK_FOLDER}/auc.tsv",
            caption="../report/multitask_auc.rst",
            category="Multi-task model",
            subcategory="Tables",
        ),
        png=report(
            f"{MULTITASK_FOLDER}/figures/pairs.png",
            caption="../report/multitask_pairs.rst",
            category="Multi-task model",
            subcategory="Figures",
        ),
        pdf=f"{MULTITASK_FOLDER}/figures/pairs.pdf",
        training=report(
            f"{MULTITASK_FOLDER}/training.tsv",
            caption="../report/multitask_training.rst",
            category="Multi-task model",
            subcategory="Tables",
        ),
    log:
        "logs/multitask/check.log",
    conda:
        "../../envs/deepresolve.yaml"
    resources:
        runtime=10,
        mem_mb=4000,
    params:
        seeds=MULTITASK_SEEDS,
        check=MULTITASK["check"],
        seed=config["seed"],
    script:
        "../../scripts/multitask_check.py"


rule multitask:
    """Only the multi-task model: data, training per seed, the many-class chain, the check."""
    input:
        named_target(
            "multitask",
            multitask_targets,
            "multitask.experiments",
            "config/multitask.yaml",
        ),
    localrule: True
