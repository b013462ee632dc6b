rule filter_motifs:
    """Convolutional filters as PWMs (MEME format), logos, and which filter captures each planted pattern."""
    input:
        model="results/synthetic/{dataset}/model.keras",
    output:
        meme="results/synthetic/{dataset}/filters.meme",
        pattern_neurons=report(
            "results/synthetic/{dataset}/pattern_neurons.tsv",
            caption="../report/pattern_neurons.rst",
            category="Dataset {dataset}",
            subcategory="Tables",
        ),
        logos=report(
            "results/synthetic/{dataset}/figures/filter_logos.png",
            caption="../report/filter_logos.rst",
            category="Dataset {dataset}",
            subcategory="Figures",
        ),
    log:
        "logs/synthetic/{dataset}/filter_motifs.log",
    benchmark:
        "benchmarks/results/synthetic/{dataset}/filter_motifs.tsv"
    conda:
        "../../envs/deepresolve.yaml"
    resources:
        runtime=10,
        mem_mb=2000,
    params:
        patterns=lambda wildcards: dataset_patterns(wildcards.dataset),
    script:
        "../../scripts/filter_motifs.py"
