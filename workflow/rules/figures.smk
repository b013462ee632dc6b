FIGURE_KINDS = ["niv_runs", "class_nivs", "oniv", "similarity"]


wildcard_constraints:
    figure="|".join(FIGURE_KINDS),


rule figure:
    """One paper-style figure (Figures 2-6) of one dataset, as PNG and PDF."""
    input:
        fim="results/synthetic/{dataset}/fim.npz",
        oniv="results/synthetic/{dataset}/oniv.tsv",
        model="results/synthetic/{dataset}/model.keras",
    output:
        png=report(
            "results/synthetic/{dataset}/figures/{figure}.png",
            caption="../report/figure.rst",
            category="Dataset {dataset}",
            subcategory="Figures",
        ),
        pdf="results/synthetic/{dataset}/figures/{figure}.pdf",
    params:
        mode=config["deepresolve"]["oniv_mode"],
        class_names=lambda wildcards: dataset_class_names(wildcards.dataset),
    resources:
        runtime=10,
        mem_mb=2000,
    log:
        "logs/synthetic/{dataset}/figure_{figure}.log",
    benchmark:
        "benchmarks/results/synthetic/{dataset}/figure_{figure}.tsv"
    conda:
        "../../envs/deepresolve.yaml"
    script:
        "../../scripts/plot_figure.py"
