rule filter_motifs:
    """Convolutional filters of one replicate network as PWMs (MEME format), logos, and the filters that capture each planted pattern."""
    input:
        model="results/synthetic/{dataset}/rep{replicate}/model.keras",
    output:
        meme="results/synthetic/{dataset}/rep{replicate}/filters.meme",
        pattern_neurons=report(
            "results/synthetic/{dataset}/rep{replicate}/pattern_neurons.tsv",
            caption="../report/pattern_neurons.rst",
            category="Dataset {dataset}",
            subcategory="Tables",
        ),
        logos=report(
            "results/synthetic/{dataset}/rep{replicate}/figures/filter_logos.png",
            caption="../report/filter_logos.rst",
            category="Dataset {dataset}",
            subcategory="Figures, replicate {replicate}",
        ),
    log:
        "logs/synthetic/{dataset}/rep{replicate}/filter_motifs.log",
    benchmark:
        "benchmarks/results/synthetic/{dataset}/rep{replicate}/filter_motifs.tsv"
    conda:
        "../../envs/deepresolve.yaml"
    resources:
        runtime=10,
        mem_mb=2000,
    params:
        patterns=lambda wildcards: dataset_patterns(wildcards.dataset),
        filter_set_fraction=config["synthetic"]["filter_set_fraction"],
    script:
        "../../scripts/filter_motifs.py"
